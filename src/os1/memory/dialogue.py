"""The two conversations about memory itself (memory/requests.py recognises them): "what do you know about me?"
answered with the true list, straight from memory, and "forget what I told you about X" answered with what would
go, then done only after a yes. Each gives the reply to say; the companion says it and keeps the question."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from os1.db import state
from os1.db.store import Conversation, StoredMessage, User
from os1.memory.memory import Memory
from os1.memory.portrait import known_reply, portrait
from os1.memory.requests import MemoryRequest
from os1.text.answers import confirms, declines

SHOWN_FACTS = 30
SHOWN_ITEMS = 8  # what a forget question lists before "…and N more"
LOOKBACK = 400  # messages of the conversation searched for the request and its question


@dataclass(frozen=True)
class Answer:
    reply: str
    recalled: tuple[dict[str, Any], ...] = ()
    pending_topic: str | None = None  # a forget question: the topic waits for a yes once the reply is stored
    forgotten: bool = False  # things were forgotten: prompts built before must not be reused


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

    async def offer_forget(self, user: User, message: StoredMessage, request: MemoryRequest) -> Answer:
        plan = await self.memory.plan_forget(user, request.topic)
        items = [i for i in plan.messages if i.id != message.id] + plan.facts + plan.summaries
        if not items:
            return Answer(f"I looked, and I don't have anything about \"{request.topic}\" to forget.")
        shown = "\n".join(f"- {i.text}" for i in items[:SHOWN_ITEMS])
        if len(items) > SHOWN_ITEMS:
            shown += f"\n- …and {len(items) - SHOWN_ITEMS} more"
        reply = (f"Here's what I have about \"{request.topic}\":\n{shown}\n"
                 f"Shall I forget {'it' if len(items) == 1 else f'all {len(items)}'} for good? (yes / no)")
        return Answer(reply, tuple(i.as_dict() for i in items), pending_topic=request.topic)

    async def hold(self, user: User, conversation: Conversation, topic: str, message_ids: list[int]) -> None:
        """Keep the question's topic until the next message: the request and the question (message_ids) go too."""
        pending = {"topic": topic, "messages": message_ids}
        await self.store.set_state(user, state.PENDING_FORGET.key(conversation.id), json.dumps(pending))

    async def answers_pending(self, user: User, conversation: Conversation, text: str) -> bool:
        """Whether `text` answers a forget question (yes or no). Anything else: they moved on, and the question
        is dropped with nothing forgotten."""
        key = state.PENDING_FORGET.key(conversation.id)
        if not await self.store.get_state(user, key):
            return False
        if confirms(text) or declines(text):
            return True
        await self.store.delete_state(user, key)
        return False

    async def settle_forget(self, user: User, conversation: Conversation, message: StoredMessage) -> Answer:
        key = state.PENDING_FORGET.key(conversation.id)
        pending = json.loads(await self.store.get_state(user, key) or "{}")
        await self.store.delete_state(user, key)
        if not confirms(message.content):
            return Answer("Okay, I'll keep it. Nothing was forgotten.")
        plan = await self.memory.plan_forget(user, pending["topic"])
        # The request and the list shown for it hold the same words: they go too.
        exchange = [m.id for m in await self.store.messages(conversation, limit=LOOKBACK)
                    if m.id in pending["messages"] or m.id == message.id]
        # Counted apart from what was offered, so the count told is the one asked about.
        plan = replace(plan, messages=[m for m in plan.messages if m.id not in exchange])
        gone = await self.memory.forget(user, plan, also=exchange)
        return Answer(f"Done. It's gone for good: {gone} {'thing' if gone == 1 else 'things'} forgotten.",
                      forgotten=True)
