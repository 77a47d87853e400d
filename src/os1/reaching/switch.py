"""The answer when a person flips the switch ("stop checking in on me"): said at once, without the model, in
OS1's voice, and kept in the conversation like any turn."""

from __future__ import annotations

from collections.abc import AsyncIterator

from os1.db.store import Conversation, Store
from os1.events import Event, TextDelta, TurnEnded, TurnStarted

OFF = ("Okay. I won't check in on you or follow up on things unless you ask — I'll be here when you want me. "
       "If you change your mind, just tell me I can check in again.")
ON = "I'd like that. I'll check in now and then, and ask how things went — never at night, and not too often."


async def switched(store: Store, conversation: Conversation, text: str, on: bool) -> AsyncIterator[Event]:
    message = await store.append(conversation, "user", text)
    yield TurnStarted(conversation.id, message.id, text)
    reply = ON if on else OFF
    yield TextDelta(reply)
    stored = await store.append(conversation, "assistant", reply, meta={"reach_out_switch": on})
    yield TurnEnded(stored.id, reply)
