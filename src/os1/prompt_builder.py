"""The prompt of one turn: the system block, as much history as fits, what the new message calls up from
earlier, then the new message itself — within the model's window, stable prefix first (see prompt.py), so the
model's cache of the previous turn is reused."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from os1.character import Character
from os1.config import Settings
from os1.db import state
from os1.db.store import Conversation, Store, StoredMessage, User
from os1.db.times import utc_iso
from os1.memory.grounding import ground
from os1.memory.memory import Memory
from os1.memory.portrait import person_note, portrait
from os1.memory.recall import Scope
from os1.models.base import Message, Model, PromptTooLong
from os1.persona import Identity, Persona
from os1.prompt import Window, asks_about_others, asks_about_themselves, fit_window, render, system_prompt

log = logging.getLogger(__name__)

HISTORY_LOOKBACK = 400  # messages read back per turn; the window never reaches further
SAFETY_TOKENS = 48  # room for what a chat template adds beyond the per-message estimate
SIZE_CACHE_LIMIT = 100_000
RECALL_LIMIT = 4  # memories brought into one prompt: enough to answer, few enough for a small model
COMPANY_WINDOW = timedelta(minutes=15)  # "talking with" someone: they said something this recently
DRAFT_ID = 2**62  # the id of a message not stored yet (see Companion.anticipate): after every real one


@dataclass
class PromptBuilder:
    settings: Settings
    store: Store
    model: Model
    memory: Memory
    persona: Persona
    identity: Identity
    character: Character
    _windows: dict[int, Window] = field(default_factory=dict)  # per conversation: where its history starts
    _sizes: dict[int, int] = field(default_factory=dict)  # tokens per stored message
    _background: set[asyncio.Future[Any]] = field(default_factory=set)  # writes a turn does not wait for

    async def build(self, user: User, conversation: Conversation, new: StoredMessage,
                    draft: bool = False) -> tuple[list[Message], list[dict[str, Any]]]:
        """System block, then as much history as fits, then what the new message calls up from earlier, then
        the new message itself (which must fit on its own). Returns the prompt and the recalled items.
        A `draft` (see Companion.anticipate) keeps what it recalls to itself instead of storing it."""
        # What memory holds, as dated notes about the person, or "never told" for a personal question it can't
        # answer (memory/grounding.py)
        grounded = await ground(self.store, user, new.content, await self._recall(user, conversation, new),
                                conversation.id, new.id)
        recalled = grounded.recalled
        if grounded.meta():
            new = replace(new, meta={**new.meta, **grounded.meta()})
            if not draft:
                # Kept with the message while the prompt is built: it is in the prompt already, and the store's
                # one writer, first in first out, has it written before the reply is (later turns read it there).
                self._in_background(self.store.update_meta(new, new.meta))
        if asks_about_themselves(new.content):  # "where do I live?" is about them, not about the companion
            new = replace(new, meta={**new.meta, "about_them": user.name})
            if not draft:
                self._in_background(self.store.update_meta(new, new.meta))
        if asks_about_others(new.content):  # "are you talking to anyone else?": the truth, as a number
            since = utc_iso(datetime.fromisoformat(new.created_at) - COMPANY_WINDOW)
            new = replace(new, meta={**new.meta, "company": await self.store.others_talking(user, since)})
            if not draft:
                self._in_background(self.store.update_meta(new, new.meta))
        history = [m for m in await self.store.messages(conversation, limit=HISTORY_LOOKBACK) if m.id != new.id]
        if mood := await self.character.note_for(user, history):  # how it feels, kept with the message when new
            new = replace(new, meta={**new.meta, "mood": mood[0]["content"]})
            if not draft:
                self._in_background(self.store.update_meta(new, new.meta))
        if not draft:
            self._in_background(self.character.feel(user, new.content))  # what the message does, for next time
        history.append(new)
        size = await self._size(new)
        system = await self.system(user, conversation)
        budget = await self._budget(system, reserve=self.settings.max_reply_tokens)
        if size > budget:
            raise PromptTooLong(f"That message is too long for me to take in at once (about {size:,} tokens; "
                                f"I have room for {budget:,}).")
        return await self._fit(user, conversation, history, system, budget), recalled

    async def up_to_next_message(self, user: User, conversation: Conversation) -> list[Message]:
        """The prompt as it stands before the person's next message (for pre-reading it while they type)."""
        history = await self.store.messages(conversation, limit=HISTORY_LOOKBACK)
        system = await self.system(user, conversation)
        budget = await self._budget(system, reserve=self.settings.max_reply_tokens * 2)
        mood = await self.character.note_for(user, history)  # the line the next message will carry, if any
        return await self._fit(user, conversation, history, system, budget) + mood

    async def forget_conversation_note(self, user: User, conversation: Conversation) -> None:
        """After forgetting: the next prompt is built afresh, with a new note on the person."""
        self._windows.pop(conversation.id, None)
        await self.store.delete_state(user, state.PERSON_NOTE.key(conversation.id))

    async def system(self, user: User, conversation: Conversation) -> list[Message]:
        """The system block. What it says about the person is taken once per conversation (and when the
        window moves anyway): facts learned mid-conversation are in the history already, and a system block
        that changed every turn would make the model re-read the whole prompt every turn."""
        key = state.PERSON_NOTE.key(conversation.id)
        name, note = await asyncio.gather(self.identity.name(user), self.store.get_state(user, key))
        if note is None:
            note = person_note(user.name, await portrait(self.store, user))
            await self.store.set_state(user, key, note)
        return [{"role": "system", "content": system_prompt(self.persona, name, user.name, [note])}]

    async def _recall(self, user: User, conversation: Conversation, new: StoredMessage) -> list[dict[str, Any]]:
        """What the new message calls up from earlier."""
        window = self._windows.get(conversation.id)
        scope = Scope(conversation.id, window.start_id if window else 0, new.id)
        # Only what the person said: the companion's own earlier words, shown back to a small model, get parroted.
        items = await self.memory.recall(user, new.content, limit=RECALL_LIMIT, roles=("user",), scope=scope,
                                         min_similarity=self.memory.strong_match)
        return [item.as_dict() for item in items]

    async def _budget(self, system: list[Message], reserve: int) -> int:
        """Tokens left for history and the new message once the system block and the reply are set aside."""
        return self.model.context_window - reserve - SAFETY_TOKENS - await self.model.count_tokens(system)

    async def _fit(self, user: User, conversation: Conversation, history: list[StoredMessage],
                   system: list[Message], budget: int) -> list[Message]:
        sizes = [(m.id, m.role, await self._size(m)) for m in history]
        current = self._windows.get(conversation.id)
        window = fit_window(sizes, budget, current)
        if current is not None and window != current:
            # The prompt is re-read from here anyway: a good moment to bring the note on the person up to date.
            await self.store.delete_state(user, state.PERSON_NOTE.key(conversation.id))
        self._windows[conversation.id] = window
        return system + render([m for m in history if m.id >= window.start_id])

    async def _size(self, message: StoredMessage) -> int:
        if message.id == DRAFT_ID:
            return await self.model.count_tokens(render([message]))
        if len(self._sizes) > SIZE_CACHE_LIMIT:
            self._sizes.clear()
        if message.id not in self._sizes:
            rendered = render([message]) or [{"role": message.role, "content": ""}]
            self._sizes[message.id] = await self.model.count_tokens(rendered)
        return self._sizes[message.id]

    def _in_background(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)  # held: an unheld task may be collected before it is done
        task.add_done_callback(self._background_done)

    def _background_done(self, task: asyncio.Future[Any]) -> None:
        self._background.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("Keeping what a turn recalled failed: %s", type(error).__name__)
