"""Who said what, by name: the people an imported transcript names, and the ones a question asks about.

An imported message keeps its speaker's name in its metadata (`meta["speaker"]`), and the names a person's
imports brought are listed once in their companion state (exported and restored with it), so a recall tells with
one small read whether a question names one of them ("When did Caroline go to the support group?").
The person's own chats with the companion name nobody: there recall works as before.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable

from os1.db.store import Store, User

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


def keep_speakers_left(db: sqlite3.Connection, user: User, gone: list[int]) -> None:
    """List only the names still said in this person's messages once the messages `gone` are deleted (a name
    whose every message is forgotten goes with them). Forgetting is rare: this reads all their messages."""
    known = db.execute("SELECT value FROM companion_state WHERE user_id = ? AND key = ?", (user.id, STATE_KEY))
    row = known.fetchone()
    if row is None:
        return
    left = {r[0] for r in db.execute(
        "SELECT DISTINCT json_extract(m.meta, '$.speaker') FROM messages m JOIN conversations c "
        "ON c.id = m.conversation_id WHERE c.user_id = ? AND m.id NOT IN (SELECT value FROM json_each(?))",
        (user.id, json.dumps(gone)))}
    kept = [name for name in json.loads(row[0]) if name in left]
    if kept:
        db.execute("UPDATE companion_state SET value = ? WHERE user_id = ? AND key = ?",
                   (json.dumps(kept, ensure_ascii=False), user.id, STATE_KEY))
    else:
        db.execute("DELETE FROM companion_state WHERE user_id = ? AND key = ?", (user.id, STATE_KEY))


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
