"""The turn: one person's input in, a stream of events out. Every door (terminal, voice, server) calls this."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from os1.config import Settings
from os1.events import Error, Event, Named, Recalled, Status, TextDelta, TurnEnded, TurnStarted
from os1.memory.recall import recall
from os1.memory.store import Conversation, Store, StoredMessage, User
from os1.models.base import GenerateOptions, Message, Model, ModelError, PromptTooLong
from os1.persona import Identity, Persona, asks_for_name
from os1.prompt import Window, fit_window, render, system_prompt

MAX_INPUT_CHARS = 100_000  # far beyond any window; keeps a pasted novel from being tokenised at all
HISTORY_LOOKBACK = 400  # messages read back per turn; the window never reaches further
SAFETY_TOKENS = 48  # room for what a chat template adds beyond the per-message estimate
SIZE_CACHE_LIMIT = 100_000


@dataclass
class Companion:
    """The OS: a persona, a model and a store, and the turn that joins them."""

    settings: Settings
    store: Store
    model: Model
    persona: Persona
    _windows: dict[int, Window] = field(default_factory=dict)
    _sizes: dict[int, int] = field(default_factory=dict)

    @property
    def identity(self) -> Identity:
        return Identity(self.store, self.persona)

    def options(self) -> GenerateOptions:
        s = self.settings
        return GenerateOptions(max_tokens=s.max_reply_tokens, temperature=s.temperature, seed=s.seed)

    async def respond(self, user: User, conversation: Conversation, text: str) -> AsyncIterator[Event]:
        """Run one turn. The input is stored before anything else; the reply is stored even if cut short."""
        started = time.perf_counter()
        text = text.strip()
        if not text:
            yield Error("empty_input", "There was nothing to send: type a message first.")
            return
        rejected = len(text) > MAX_INPUT_CHARS
        message = await self.store.append(conversation, "user", text, "rejected" if rejected else "complete")
        yield TurnStarted(conversation.id, message.id, text)
        if rejected:
            yield Error("input_too_long", f"That message is {len(text):,} characters; I can take in at most "
                        f"{MAX_INPUT_CHARS:,} at once. It's saved, but please send it in smaller pieces.")
            return
        try:
            if not self.model.loaded:
                yield Status("loading", f"Waking up ({self.model.name})…")
                await self.model.load()
            if asks_for_name(text):
                name = await self.identity.name(user) or await self.identity.choose_name(user, self.model)
                if await self.identity.first_time_asked(user):
                    yield Named(name)
            prompt, recalled = await self.build_prompt(user, conversation, message)
            if recalled:
                yield Recalled(tuple(recalled))
        except PromptTooLong as exc:
            await self.store.set_status(message, "rejected")
            yield Error(exc.code, f"{exc} It's saved, but please send it in smaller pieces.")
            return
        except ModelError as exc:
            yield Error(exc.code, str(exc))
            return
        yield Status("thinking")
        async for event in self._generate(conversation, prompt, started):
            yield event

    async def _generate(self, conversation: Conversation, prompt: list[Message],
                        started: float) -> AsyncIterator[Event]:
        parts: list[str] = []
        first_token: float | None = None
        finished = False
        try:
            async for piece in self.model.stream(prompt, self.options()):
                if first_token is None:
                    first_token = time.perf_counter() - started
                    piece = piece.lstrip()
                parts.append(piece)
                yield TextDelta(piece)
            finished = True
        except ModelError as exc:
            finished = True
            reply = "".join(parts).strip()
            if reply:
                await self.store.append(conversation, "assistant", reply, "failed")
            yield Error(exc.code, str(exc))
            return
        finally:
            if not finished:
                # Cut short (Ctrl-C, barge-in, a closed connection): keep what was said, flagged.
                reply = "".join(parts).strip()
                if reply:
                    await self.store.append(conversation, "assistant", reply, "interrupted")
        reply = "".join(parts).strip()
        timings = {"first_token_s": round(first_token or 0.0, 4),
                   "total_s": round(time.perf_counter() - started, 4)}
        stored = await self.store.append(conversation, "assistant", reply, meta={"timings": timings})
        yield TurnEnded(stored.id, reply, timings=timings)

    async def prepare(self, user: User, conversation: Conversation) -> None:
        """Get ready for the person's next message, while they type: load the model, let the companion choose
        its name if it has none yet (so the system prompt never changes mid-conversation), and pre-read the
        prompt up to where their message will go."""
        await self.model.load()
        if await self.identity.name(user) is None:
            await self.identity.choose_name(user, self.model)
        history = await self.store.messages(conversation, limit=HISTORY_LOOKBACK)
        system = await self._system(user)
        budget = await self._budget(system, reserve=self.settings.max_reply_tokens * 2)
        await self.model.warm(await self._fit(conversation, history, system, budget))

    async def build_prompt(self, user: User, conversation: Conversation,
                           new: StoredMessage) -> tuple[list[Message], list[dict[str, Any]]]:
        """System block, then as much history as fits, then what the new message calls up from earlier, then
        the new message itself (which must fit on its own). Returns the prompt and the recalled items."""
        window = self._windows.get(conversation.id)
        recalled = await recall(self.store, user, new, window.start_id if window else 0)
        if recalled:
            new = await self.store.update_meta(new, {**new.meta, "recalled": recalled})
        history = [m for m in await self.store.messages(conversation, limit=HISTORY_LOOKBACK) if m.id != new.id]
        history.append(new)
        size = await self._size(new)
        system = await self._system(user)
        budget = await self._budget(system, reserve=self.settings.max_reply_tokens)
        if size > budget:
            raise PromptTooLong(f"That message is too long for me to take in at once (about {size:,} tokens; "
                                f"I have room for {budget:,}).")
        return await self._fit(conversation, history, system, budget), recalled

    async def _budget(self, system: list[Message], reserve: int) -> int:
        """Tokens left for history and the new message once the system block and the reply are set aside."""
        return self.model.context_window - reserve - SAFETY_TOKENS - await self.model.count_tokens(system)

    async def _fit(self, conversation: Conversation, history: list[StoredMessage], system: list[Message],
                   budget: int) -> list[Message]:
        sizes = [(m.id, m.role, await self._size(m)) for m in history]
        window = fit_window(sizes, budget, self._windows.get(conversation.id))
        self._windows[conversation.id] = window
        return system + render([m for m in history if m.id >= window.start_id])

    async def _system(self, user: User) -> list[Message]:
        name = await self.identity.name(user)
        return [{"role": "system", "content": system_prompt(self.persona, name, user.name)}]

    async def _size(self, message: StoredMessage) -> int:
        if len(self._sizes) > SIZE_CACHE_LIMIT:
            self._sizes.clear()
        if message.id not in self._sizes:
            rendered = render([message]) or [{"role": message.role, "content": ""}]
            self._sizes[message.id] = await self.model.count_tokens(rendered)
        return self._sizes[message.id]
