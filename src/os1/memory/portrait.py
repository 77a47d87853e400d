"""The portrait: what the companion knows about a person right now, in one place: profile blocks, the facts
that are true now, and its own latest journal entry. Shown in the system prompt (as of the conversation's
start), by `os1 memory show`, and when the person asks "what do you know about me?"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from os1.db.store import Store, User
from os1.memory import facts as factbook
from os1.memory.journal import JournalEntry, entries
from os1.memory.profile import BLOCKS, profile

PROMPT_FACTS = 15  # the newest facts in the system prompt; older ones come back through recall


@dataclass(frozen=True)
class Portrait:
    profile: dict[str, str]
    facts: list[factbook.Fact]
    journal: list[JournalEntry] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.profile or self.facts or self.journal)

    def as_dict(self) -> dict[str, Any]:
        return {"profile": self.profile,
                "facts": [{"id": f.id, "text": f.text, "topic": f.topic, "happened_on": f.happened_on,
                           "learned": f.created_at} for f in self.facts],
                "journal": [{"id": e.id, "text": e.text, "ask_next": e.ask_next, "time": e.created_at}
                            for e in self.journal]}


async def portrait(store: Store, user: User, facts_limit: int = 200, journal_limit: int = 5) -> Portrait:
    return Portrait(await profile(store, user), await factbook.facts(store, user, limit=facts_limit),
                    await entries(store, user, limit=journal_limit))


def person_note(person: str, known: Portrait) -> str:
    """The system prompt's paragraph about the person; empty when nothing is known yet."""
    if known.empty:
        return ""
    lines = [f"What you know about {person} from earlier conversations (facts newest first, each with when "
             f"{person} said it; a newer one replaces an older one):"]
    lines += [f"- {BLOCKS[name].split(':')[0].capitalize()}: {text}" for name, text in known.profile.items()]
    lines += [f"- {f.text} (said {_said(f.created_at)})" for f in known.facts[:PROMPT_FACTS]]
    if known.journal and known.journal[0].ask_next:
        lines.append(f"Something you wanted to ask {person} when you next talked: {known.journal[0].ask_next}")
    return "\n".join(lines)


def _said(when: str) -> str:
    moment = datetime.fromisoformat(when).astimezone()
    return f"{moment.day} {moment:%b %Y}"


def known_reply(known: Portrait) -> str:
    """What the companion says when asked what it knows: all of it, plainly, and how to take things back."""
    if not known.profile and not known.facts:
        return ("Beyond what we've said right here, I don't know anything about you yet. I'd like to, though. "
                "What should I know?")
    lines = [f"- {BLOCKS[name].split(':')[0].capitalize()}: {text}" for name, text in known.profile.items()]
    lines += [f"- {f.text}" for f in known.facts]
    return ("Here's what I know about you so far:\n" + "\n".join(lines)
            + "\nIf there's anything you'd rather I didn't keep, tell me to forget it.")
