"""The turn: one person's input in, a stream of events out. Every door (terminal, voice, server) calls this."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from os1.agent import Agent
from os1.character import Character
from os1.config import Settings
from os1.events import Error, Event, Named, Recalled, Status, TextDelta, TurnEnded, TurnStarted
from os1.memory.learn import catch_up
from os1.memory.memory import Memory
from os1.memory.portrait import known_reply, person_note, portrait
from os1.memory.recall import Scope
from os1.memory.reflect import ReflectionReport, needs_reflection, reflect
from os1.memory.requests import MemoryRequest, confirms, declines, memory_request
from os1.memory.store import Conversation, Store, StoredMessage, User, now_iso
from os1.models.base import GenerateOptions, Message, Model, ModelError, PromptTooLong
from os1.persona import Identity, Persona, asks_for_name
from os1.prompt import Window, fit_window, render, system_prompt
from os1.tools import Toolbox, default_toolbox
from os1.tools.registry import local_now

log = logging.getLogger(__name__)

MAX_INPUT_CHARS = 100_000  # far beyond any window; keeps a pasted novel from being tokenised at all
HISTORY_LOOKBACK = 400  # messages read back per turn; the window never reaches further
SAFETY_TOKENS = 48  # room for what a chat template adds beyond the per-message estimate
SIZE_CACHE_LIMIT = 100_000
RECALL_LIMIT = 4  # memories brought into one prompt: enough to answer, few enough for a small model
PERSON_NOTE = "person_note:{}"  # companion_state key: the system prompt's note on the person, per conversation
PENDING_FORGET = "pending_forget:{}"
SHOWN_FACTS = 30
DRAFT_ID = 2**62  # the id of a message not stored yet (see anticipate): after every real one


@dataclass
class Companion:
    """The OS: a persona, a model and a store, and the turn that joins them."""

    settings: Settings
    store: Store
    model: Model
    persona: Persona
    memory: Memory
    _windows: dict[int, Window] = field(default_factory=dict)
    _turns: int = 0  # turns running now: background learning gives way to them
    _sizes: dict[int, int] = field(default_factory=dict)
    _background: set[asyncio.Future[Any]] = field(default_factory=set)  # writes a turn does not wait for
    tools: Toolbox = field(default_factory=default_toolbox)
    clock: Callable[[], datetime] = local_now  # what time it is for tools (reminders); tests fix it

    @property
    def identity(self) -> Identity:
        return Identity(self.store, self.persona)

    @property
    def character(self) -> Character:
        return Character(self.store, self.persona, self.clock)

    @property
    def agent(self) -> Agent:
        return Agent(self.model, self.store, self.tools, self.clock, memory=self.memory, home=self.settings.home)

    def options(self) -> GenerateOptions:
        s = self.settings
        return GenerateOptions(max_tokens=s.max_reply_tokens, temperature=s.temperature, seed=s.seed)

    async def respond(self, user: User, conversation: Conversation, text: str) -> AsyncIterator[Event]:
        """Run one turn. The input is stored before anything else; the reply is stored even if cut short."""
        self._turns += 1
        try:
            async for event in self._turn(user, conversation, text):
                yield event
        finally:
            self._turns -= 1

    async def _turn(self, user: User, conversation: Conversation, text: str) -> AsyncIterator[Event]:
        started = time.perf_counter()
        text = text.strip()
        if not text:
            yield Error("empty_input", "There was nothing to send: type a message first.")
            return
        rejected = len(text) > MAX_INPUT_CHARS
        request = memory_request(text) if not rejected else None
        if not rejected and request is None:
            self.memory.embed_ahead(user, text)  # recall needs it: embedded while the message is stored
        message = await self.store.append(conversation, "user", text, "rejected" if rejected else "complete")
        yield TurnStarted(conversation.id, message.id, text)
        if rejected:
            yield Error("input_too_long", f"That message is {len(text):,} characters; I can take in at most "
                        f"{MAX_INPUT_CHARS:,} at once. It's saved, but please send it in smaller pieces.")
            return
        if await self.store.get_state(user, PENDING_FORGET.format(conversation.id)):
            if confirms(text) or declines(text):
                async for event in self._settle_forget(user, conversation, message):
                    yield event
                return
            # Neither yes nor no: they moved on. Nothing is forgotten, and this message is answered as usual.
            await self.store.delete_state(user, PENDING_FORGET.format(conversation.id))
        settled = await self.agent.settle(user, conversation, text)  # a yes/no to a proposed action, "undo that"
        if settled is not None:
            for event in settled.events:
                yield event
            async for event in self._say(conversation, settled.reply):
                yield event
            return
        if request is not None and request.kind == "forget":
            async for event in self._offer_forget(user, conversation, message, request):
                yield event
            return
        if request is not None and request.kind == "show":
            async for event in self._show_known(user, conversation, message):
                yield event
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
        if self.tools.could_apply(text):  # a cheap check: ordinary chat never waits on a tool decision
            async for event in self._act(user, conversation, text, prompt, started):
                yield event
            return
        async for event in self._generate(conversation, prompt, started):
            yield event

    async def _act(self, user: User, conversation: Conversation, text: str, prompt: list[Message],
                   started: float) -> AsyncIterator[Event]:
        """The model may use tools before replying (agent.py). A proposal, or a change done, is said exactly as
        it is; what tools found goes into the prompt for the reply."""
        turn = self.agent.turn(user, conversation, text)
        async for event in turn.run(prompt):
            yield event
        if turn.reply is None:
            async for event in self._generate(conversation, prompt + turn.notes, started):
                yield event
            return
        async for event in self._say(conversation, turn.reply):
            if isinstance(event, TurnEnded) and turn.proposal is not None:
                await self.agent.hold(user, conversation, turn.proposal)  # asked now: a yes may run it
            yield event

    async def _generate(self, conversation: Conversation, prompt: list[Message],
                        started: float) -> AsyncIterator[Event]:
        parts: list[str] = []
        first_token: float | None = None
        finished = False
        try:
            async for piece in self.character.stream(self.model, prompt, self.options()):
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
        await self.memory.warm()
        if await self.identity.name(user) is None:
            await self.identity.choose_name(user, self.model)
        history = await self.store.messages(conversation, limit=HISTORY_LOOKBACK)
        system = await self._system(user, conversation)
        budget = await self._budget(system, reserve=self.settings.max_reply_tokens * 2)
        mood = await self.character.note_for(user, history)  # the line the next message will carry, if any
        await self.model.warm(await self._fit(user, conversation, history, system, budget) + mood)

    async def anticipate(self, user: User, conversation: Conversation, text: str) -> None:
        """Pre-read the prompt that `text` would make, while the person may still be speaking (voice listens
        ahead): if their turn ends with these words, only the reply's header is left to read. Stores nothing."""
        text = text.strip()
        if not text or len(text) > MAX_INPUT_CHARS or memory_request(text) is not None:
            return
        draft = StoredMessage(DRAFT_ID, conversation.id, "user", text, "complete", now_iso(), {})
        try:
            prompt, _ = await self.build_prompt(user, conversation, draft, draft=True)
            await self.model.warm(prompt, replying=True)
        except (PromptTooLong, ModelError):
            return  # the real turn will say what is wrong

    async def build_prompt(self, user: User, conversation: Conversation, new: StoredMessage,
                           draft: bool = False) -> tuple[list[Message], list[dict[str, Any]]]:
        """System block, then as much history as fits, then what the new message calls up from earlier, then
        the new message itself (which must fit on its own). Returns the prompt and the recalled items.
        A `draft` (see anticipate) keeps what it recalls to itself instead of storing it with the message."""
        recalled = await self._recall(user, conversation, new)
        if recalled and draft:
            new = replace(new, meta={**new.meta, "recalled": recalled})
        elif recalled:
            new = replace(new, meta={**new.meta, "recalled": recalled})
            # Kept with the message while the prompt is built: it is in the prompt already, and the store's one
            # writer, first in first out, has it written before the reply is (later turns read it from there).
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
        system = await self._system(user, conversation)
        budget = await self._budget(system, reserve=self.settings.max_reply_tokens)
        if size > budget:
            raise PromptTooLong(f"That message is too long for me to take in at once (about {size:,} tokens; "
                                f"I have room for {budget:,}).")
        return await self._fit(user, conversation, history, system, budget), recalled

    def _in_background(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)  # held: an unheld task may be collected before it is done
        task.add_done_callback(self._background_done)

    def _background_done(self, task: asyncio.Future[Any]) -> None:
        self._background.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("Keeping what a turn recalled failed: %s", type(error).__name__)

    async def _recall(self, user: User, conversation: Conversation, new: StoredMessage) -> list[dict[str, Any]]:
        """What the new message calls up from earlier."""
        window = self._windows.get(conversation.id)
        scope = Scope(conversation.id, window.start_id if window else 0, new.id)
        # Only what the person said: the companion's own earlier words, shown back to a small model, get parroted.
        items = await self.memory.recall(user, new.content, limit=RECALL_LIMIT, roles=("user",), scope=scope,
                                         min_similarity=self.memory.strong_match)
        return [item.as_dict() for item in items]

    # -- learning, between turns -------------------------------------------------------------------------

    async def learn(self, user: User) -> None:
        """Index and learn from what was said since the last time: embeddings, then facts. Gives way as soon
        as a turn starts (it goes on after that turn), so it never delays a reply by more than one step."""
        await catch_up(self.memory, self.model, user, should_stop=lambda: self._turns > 0)

    async def reflect(self, user: User, progress: Callable[[str], None] | None = None) -> ReflectionReport:
        """Look back over the conversations not yet reflected on (see memory/reflect.py)."""
        await self.learn(user)
        name = await self.identity.name(user) or "the companion"
        return await reflect(self.memory, self.model, user, name, progress)

    async def reflect_if_due(self, user: User, conversation: Conversation) -> ReflectionReport | None:
        """Reflect when the person comes back after a gap and there is something not yet reflected on."""
        latest = await self.store.messages(conversation, limit=1)
        gap = timedelta(hours=self.settings.reflect_after_hours)
        if latest and datetime.now(UTC) - datetime.fromisoformat(latest[-1].created_at) < gap:
            return None
        if not await needs_reflection(self.memory, user):
            return None
        return await self.reflect(user)

    # -- memory requests said in conversation -------------------------------------------------------------

    async def _offer_forget(self, user: User, conversation: Conversation, message: StoredMessage,
                            request: MemoryRequest) -> AsyncIterator[Event]:
        plan = await self.memory.plan_forget(user, request.topic)
        items = [i for i in plan.messages if i.id != message.id] + plan.facts + plan.summaries
        if not items:
            reply = f"I looked, and I don't have anything about \"{request.topic}\" to forget."
            async for event in self._say(conversation, reply):
                yield event
            return
        yield Recalled(tuple(i.as_dict() for i in items))
        shown = "\n".join(f"- {i.text}" for i in items[:8]) + (f"\n- …and {len(items) - 8} more"
                                                               if len(items) > 8 else "")
        reply = (f"Here's what I have about \"{request.topic}\":\n{shown}\n"
                 f"Shall I forget {'it' if len(items) == 1 else f'all {len(items)}'} for good? (yes / no)")
        async for event in self._say(conversation, reply):
            if isinstance(event, TurnEnded):
                pending = {"topic": request.topic, "messages": [message.id, event.message_id]}
                await self.store.set_state(user, PENDING_FORGET.format(conversation.id), json.dumps(pending))
            yield event

    async def _show_known(self, user: User, conversation: Conversation,
                          message: StoredMessage) -> AsyncIterator[Event]:
        """"What do you know about me?": the true list, straight from memory. A small model asked to recount it
        too often tells its own character back, or claims to know nothing."""
        known = await portrait(self.store, user, facts_limit=SHOWN_FACTS)
        items = [{"kind": "fact", "id": f.id, "text": f.text, "time": f.created_at} for f in known.facts]
        if items:
            yield Recalled(tuple(items))
        async for event in self._say(conversation, known_reply(known)):
            yield event

    async def _settle_forget(self, user: User, conversation: Conversation,
                             message: StoredMessage) -> AsyncIterator[Event]:
        key = PENDING_FORGET.format(conversation.id)
        pending = json.loads(await self.store.get_state(user, key) or "{}")
        await self.store.delete_state(user, key)
        if not confirms(message.content):
            async for event in self._say(conversation, "Okay, I'll keep it. Nothing was forgotten."):
                yield event
            return
        plan = await self.memory.plan_forget(user, pending["topic"])
        # The request and the list shown for it hold the same words: they go too.
        exchange = [m.id for m in await self.store.messages(conversation, limit=HISTORY_LOOKBACK)
                    if m.id in pending["messages"] or m.id == message.id]
        # Counted apart from what was offered, so the count told is the one asked about.
        plan = replace(plan, messages=[m for m in plan.messages if m.id not in exchange])
        gone = await self.memory.forget(user, plan, also=exchange)
        self._windows.pop(conversation.id, None)
        await self.store.delete_state(user, PERSON_NOTE.format(conversation.id))
        async for event in self._say(conversation, f"Done. It's gone for good: {gone} "
                                     f"{'thing' if gone == 1 else 'things'} forgotten."):
            yield event

    async def _say(self, conversation: Conversation, reply: str) -> AsyncIterator[Event]:
        """A reply that needs no model: stored, then given as one chunk."""
        yield TextDelta(reply)
        stored = await self.store.append(conversation, "assistant", reply)
        yield TurnEnded(stored.id, reply)

    async def _budget(self, system: list[Message], reserve: int) -> int:
        """Tokens left for history and the new message once the system block and the reply are set aside."""
        return self.model.context_window - reserve - SAFETY_TOKENS - await self.model.count_tokens(system)

    async def _fit(self, user: User, conversation: Conversation, history: list[StoredMessage], system: list[Message],
                   budget: int) -> list[Message]:
        sizes = [(m.id, m.role, await self._size(m)) for m in history]
        current = self._windows.get(conversation.id)
        window = fit_window(sizes, budget, current)
        if current is not None and window != current:
            # The prompt is re-read from here anyway: a good moment to bring the note on the person up to date.
            await self.store.delete_state(user, PERSON_NOTE.format(conversation.id))
        self._windows[conversation.id] = window
        return system + render([m for m in history if m.id >= window.start_id])

    async def _system(self, user: User, conversation: Conversation) -> list[Message]:
        """The system block. What it says about the person is taken once per conversation (and when the
        window moves anyway): facts learned mid-conversation are in the history already, and a system block
        that changed every turn would make the model re-read the whole prompt every turn."""
        key = PERSON_NOTE.format(conversation.id)
        name, note = await asyncio.gather(self.identity.name(user), self.store.get_state(user, key))
        if note is None:
            note = person_note(user.name, await portrait(self.store, user))
            await self.store.set_state(user, key, note)
        return [{"role": "system", "content": system_prompt(self.persona, name, user.name, [note])}]

    async def _size(self, message: StoredMessage) -> int:
        if message.id == DRAFT_ID:
            return await self.model.count_tokens(render([message]))
        if len(self._sizes) > SIZE_CACHE_LIMIT:
            self._sizes.clear()
        if message.id not in self._sizes:
            rendered = render([message]) or [{"role": message.role, "content": ""}]
            self._sizes[message.id] = await self.model.count_tokens(rendered)
        return self._sizes[message.id]
