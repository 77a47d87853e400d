"""Who said what, by name: the people an imported transcript names, and the ones a question asks about.

An imported message keeps its speaker's name in its metadata (`meta["speaker"]`), and the names a person's
imports brought are listed once in their companion state (exported and restored with it), so a recall tells with
one small read whether a question names one of them ("When did Caroline go to the support group?").
The person's own chats with the companion name nobody: there recall works as before.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from os1.memory.store import Store, User

STATE_KEY = "speakers"
_POSSESSIVE = r"(?:['’]s)?"


async def known_speakers(store: Store, user: User) -> list[str]:
    """The speaker names this person's imported history holds."""
    value = await store.get_state(user, STATE_KEY)
    return list(json.loads(value)) if value else []


async def add_speakers(store: Store, user: User, names: Iterable[str]) -> None:
    known = await known_speakers(store, user)
    new = [n for n in dict.fromkeys(names) if n not in known]
    if new:
        await store.set_state(user, STATE_KEY, json.dumps(known + new, ensure_ascii=False))


def named_in(query: str, speakers: Iterable[str]) -> list[str]:
    """The speakers `query` names, as whole words ("Caroline's" names Caroline), in the order known."""
    return [s for s in speakers if _name(s).search(query)]


def without_names(query: str, names: Iterable[str]) -> str:
    """`query` less these names: once a name has chosen whose messages to search, its word only misleads (the
    other speaker's turns say it: "Thanks, Caroline!")."""
    for name in names:
        query = _name(name).sub(" ", query)
    return query


def _name(name: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(name) + _POSSESSIVE + r"(?!\w)", re.IGNORECASE)
