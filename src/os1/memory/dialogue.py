""""What do you know about me?": answered with the true list, straight from memory (memory/requests.py
recognises it). Forgetting is an action like any other (tools/forget.py), proposed and confirmed through the
same path as every tool."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from os1.db.store import User
from os1.memory.memory import Memory
from os1.memory.portrait import known_reply, portrait

SHOWN_FACTS = 30


@dataclass(frozen=True)
class Answer:
    reply: str
    recalled: tuple[dict[str, Any], ...] = ()


class MemoryDialogue:
    def __init__(self, memory: Memory) -> None:
        self.memory = memory
        self.store = memory.store

    async def show_known(self, user: User) -> Answer:
        """"What do you know about me?": the true list. A small model asked to recount it too often tells its own
        character back, or claims to know nothing."""
        known = await portrait(self.store, user, facts_limit=SHOWN_FACTS)
        items = tuple({"kind": "fact", "id": f.id, "text": f.text, "time": f.created_at} for f in known.facts)
        return Answer(known_reply(known), items)
