"""Turns OS1 answers without the model, in its own voice, kept in the conversation like any turn: flipping the
check-in switch ("stop checking in on me"), and the first meeting's questions (os1.meeting)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from os1.db.store import Conversation, Store
from os1.events import Event, TextDelta, TurnEnded, TurnStarted

OFF = ("Okay. I won't check in on you or follow up on things unless you ask — I'll be here when you want me. "
       "If you change your mind, just tell me I can check in again.")
ON = "I'd like that. I'll check in now and then, and ask how things went — never at night, and not too often."


def switch_reply(on: bool) -> str:
    return ON if on else OFF


async def plain_turn(store: Store, conversation: Conversation, text: str, reply: str) -> AsyncIterator[Event]:
    message = await store.append(conversation, "user", text)
    yield TurnStarted(conversation.id, message.id, text)
    yield TextDelta(reply)
    stored = await store.append(conversation, "assistant", reply)
    yield TurnEnded(stored.id, reply)
