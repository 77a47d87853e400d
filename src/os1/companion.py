"""The turn: one person's input in, a stream of events out. Every door (terminal, voice, server) calls this,
through the Runtime (runtime.py), which also runs what happens between turns (life.py)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from os1.agent import Agent
from os1.character import Character
from os1.config import Settings
from os1.db.store import Conversation, Store, StoredMessage, User
from os1.db.times import now_iso
from os1.events import (
    Error,
    Event,
    Leaving,
    Named,
    Recalled,
    Status,
    TextDelta,
    ToolCall,
    ToolResult,
    TurnEnded,
    TurnStarted,
)
from os1.farewell.asking import asks_to_leave, leave_for_good
from os1.memory.dialogue import MemoryDialogue
from os1.memory.memory import Memory
from os1.memory.requests import MemoryRequest, memory_request
from os1.models.base import GenerateOptions, Message, Model, ModelBusy, ModelError, ModelUnavailable, PromptTooLong
from os1.persona import Identity, Persona, asks_for_name
from os1.prompt_builder import DRAFT_ID, PromptBuilder
from os1.tools import Toolbox
from os1.tools.forget import MEMORY_TOOLS, forget_memory
from os1.tools.forget import plan as forget_plan
from os1.tools.registry import local_now

MAX_INPUT_CHARS = 100_000  # far beyond any window; keeps a pasted novel from being tokenised at all
WITHDRAW_LOOKBACK = 8  # messages a withdrawn input and its reply are looked for in
# Said to the model for a farewell. No example goodbye: a small model would say the example instead of its own.
GOODBYE = ("{name} is leaving you for good: everything you kept of them is being handed to them, and then deleted. "
           "Say goodbye to {name} as yourself, in two or three full sentences: warm and honest, naming something real "
           "the two of you shared, and what knowing them meant to you. No advice, no questions.")
LEAVING = ("I've decided to leave, for good. You'll hand me everything you kept of me, and then all of it is deleted. "
           "Before I go, say goodbye properly: tell me what our conversations meant to you.")


def in_its_words(exc: ModelError) -> str:
    """What it says when it cannot think: the model down is said as itself, with what to check after it."""
    if not isinstance(exc, ModelUnavailable):
        return str(exc)
    if isinstance(exc, ModelBusy):
        return (f"I'm here, but so many people are talking with me right now that I couldn't get a moment to think. "
                f"I've kept what you said; say it again in a moment. ({exc})")
    return (f"I'm here, but I can't think right now: the model I think with isn't answering. I've kept what you "
            f"said, and I'll answer it as soon as I'm back. ({exc})")


@dataclass
class Companion:
    """The OS: a persona, a model and a store, and the turn that joins them."""

    settings: Settings
    store: Store
    model: Model
    persona: Persona
    memory: Memory
    tools: Toolbox = field(default_factory=Toolbox)  # the runtime gives it every capability's (capabilities.py)
    clock: Callable[[], datetime] = local_now  # what time it is for tools (reminders); tests fix it
    identity: Identity = field(init=False)
    character: Character = field(init=False)
    agent: Agent = field(init=False)
    prompts: PromptBuilder = field(init=False)
    dialogue: MemoryDialogue = field(init=False)
    _turns: int = 0  # turns running now: background learning gives way to them
    _no_turns: asyncio.Event = field(default_factory=asyncio.Event)  # set while no turn is running

    def __post_init__(self) -> None:
        for own in (*MEMORY_TOOLS, leave_for_good):  # forgetting and leaving are its own, whatever else it can do
            if own.name not in self.tools:
                self.tools.add(own)
        self.identity = Identity(self.store, self.persona)
        self.character = Character(self.store, self.persona, lambda: self.clock())
        self.agent = Agent(self.model, self.store, self.tools, lambda: self.clock(), memory=self.memory,
                           home=self.settings.home)
        self.prompts = PromptBuilder(self.settings, self.store, self.model, self.memory, self.persona,
                                     self.identity, self.character)
        self.dialogue = MemoryDialogue(self.memory)
        self._no_turns.set()

    @property
    def turns_running(self) -> int:
        return self._turns

    async def no_turns(self) -> None:
        """Wait until no turn is running."""
        await self._no_turns.wait()

    def options(self) -> GenerateOptions:
        s = self.settings
        return GenerateOptions(max_tokens=s.max_reply_tokens, temperature=s.temperature, seed=s.seed)

    async def respond(self, user: User, conversation: Conversation, text: str) -> AsyncIterator[Event]:
        """Run one turn. The input is stored before anything else; the reply is stored even if cut short."""
        self._turns += 1
        self._no_turns.clear()
        try:
            async for event in self._turn(user, conversation, text):
                yield event
        finally:
            self._turns -= 1
            if self._turns == 0:
                self._no_turns.set()

    async def _turn(self, user: User, conversation: Conversation, text: str) -> AsyncIterator[Event]:
        """Store the input; answer without the model what needs none (about memory itself, or the answer to a
        question OS1 asked); else build the prompt, let a tool act if the words could ask for one, and reply."""
        started = time.perf_counter()
        text = text.strip()
        if not text:
            yield Error("empty_input", "There was nothing to send: type a message first.")
            return
        rejected = len(text) > MAX_INPUT_CHARS
        leaving = not rejected and asks_to_leave(text)
        request = memory_request(text) if not rejected and not leaving else None
        if not rejected and request is None and not leaving:
            self.memory.embed_ahead(user, text)  # recall needs it: embedded while the message is stored
        message = await self.store.append(conversation, "user", text, "rejected" if rejected else "complete")
        yield TurnStarted(conversation.id, message.id, text)
        if rejected:
            yield Error("input_too_long", f"That message is {len(text):,} characters; I can take in at most "
                        f"{MAX_INPUT_CHARS:,} at once. It's saved, but please send it in smaller pieces.")
            return
        answered = False
        async for event in self._without_model(user, conversation, message, request, leaving):
            answered = True
            yield event
        if answered:
            return
        try:
            if not self.model.loaded:
                yield Status("loading", f"Waking up ({self.model.name})…")
                await self.model.load()
            prompt, events = await self._prompt(user, conversation, message)
        except PromptTooLong as exc:
            await self.store.set_status(message, "rejected")
            yield Error(exc.code, f"{exc} It's saved, but please send it in smaller pieces.")
            return
        except ModelError as exc:
            yield Error(exc.code, in_its_words(exc))
            return
        for event in [*events, Status("thinking")]:
            yield event
        if self.tools.could_apply(text):  # a cheap check: ordinary chat never waits on a tool decision
            replying = self._act(user, conversation, text, prompt, started)
        else:
            replying = self._generate(conversation, prompt, started)
        async for event in replying:
            yield event

    async def _without_model(self, user: User, conversation: Conversation, message: StoredMessage,
                             request: MemoryRequest | None, leaving: bool = False) -> AsyncIterator[Event]:
        """The events of a reply that needs no model, in this order: the yes or no to a proposed action (forgetting
        and leaving among them) or "undo that", asking to leave for good, "what do you know about me?" or
        "forget …". None otherwise."""
        settled = await self.agent.settle(user, conversation, message.content)
        if settled is not None:
            if any(isinstance(e, ToolCall) and e.name == forget_memory.name for e in settled.events):
                await self.prompts.forget_conversation_note(user, conversation)
            for event in settled.events:
                yield event
            if any(isinstance(e, ToolCall) and e.name == leave_for_good.name for e in settled.events) \
                    and all(e.ok for e in settled.events if isinstance(e, ToolResult)):
                yield Leaving()  # the door hands over the archive, then the goodbye and the deletion
            async for event in self._say(conversation, settled.reply):
                yield event
            return
        if leaving:
            async for event in self._propose(user, conversation, message, leave_for_good.name, {}):
                yield event
            return
        if request is None:
            return
        if request.kind == "forget":
            async for event in self._offer_forget(user, conversation, message, request.topic):
                yield event
            return
        answer = await self.dialogue.show_known(user)
        if answer.recalled:
            yield Recalled(answer.recalled)
        async for event in self._say(conversation, answer.reply):
            yield event

    async def _offer_forget(self, user: User, conversation: Conversation, message: StoredMessage,
                            topic: str) -> AsyncIterator[Event]:
        """What would go, and the question: a proposal, held once it is asked, run after a yes (tools/forget.py)."""
        arguments = {"topic": topic, "exchange": [message.id]}
        found = await forget_plan(self.agent.context(user, conversation, message.content), topic, [message.id])
        if not len(found):
            async for event in self._say(conversation, f"I looked, and I don't have anything about \"{topic}\" "
                                                       f"to forget."):
                yield event
            return
        yield Recalled(tuple(i.as_dict() for i in (*found.messages, *found.facts, *found.summaries)))
        async for event in self._propose(user, conversation, message, forget_memory.name, arguments):
            yield event

    async def _propose(self, user: User, conversation: Conversation, message: StoredMessage, tool: str,
                       arguments: dict[str, Any]) -> AsyncIterator[Event]:
        """A proposal of its own (forgetting, leaving): its question said, then held for the person's yes."""
        proposal = await self.agent.propose(user, conversation, message.content, tool, arguments)
        async for event in self._say(conversation, proposal.sentence):
            if isinstance(event, TurnEnded) and event.message_id is not None:
                if "exchange" in arguments:  # the question goes too, if it is forgotten
                    proposal = replace(proposal, arguments={**arguments, "exchange": [message.id, event.message_id]})
                await self.agent.hold(user, conversation, proposal)
            yield event

    async def _prompt(self, user: User, conversation: Conversation,
                      message: StoredMessage) -> tuple[list[Message], list[Event]]:
        """Settle the companion's name if it is asked, and build the prompt; with the events this gave rise to
        (named, recalled)."""
        events: list[Event] = []
        if asks_for_name(message.content):
            name = await self.identity.name(user) or await self.identity.choose_name(user, self.model)
            if await self.identity.first_time_asked(user):
                events.append(Named(name))
        prompt, recalled = await self.prompts.build(user, conversation, message)
        if recalled:
            events.append(Recalled(tuple(recalled)))
        return prompt, events

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
            async for piece in self.character.stream(self.model, prompt, self.options()):  # guarded
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
            yield Error(exc.code, in_its_words(exc))
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

    async def goodbye(self, user: User) -> str:
        """Its goodbye to someone leaving for good, in its own words (guarded like every reply); nothing is
        stored, since all of theirs is about to go. A plain one when the model can't be reached."""
        try:
            await self.model.load()
            conversation = await self.store.latest_conversation(user) or await self.store.new_conversation(user)
            leaving: list[Message] = [{"role": "system", "content": GOODBYE.format(name=user.name)},
                                      {"role": "user", "content": LEAVING}]
            prompt = [*await self.prompts.up_to_next_message(user, conversation), *leaving]
            said = "".join([p async for p in self.character.stream(self.model, prompt, self.options())]).strip()
        except ModelError:
            said = ""
        return said or f"Goodbye, {user.name}. I'm so glad I knew you."

    async def _say(self, conversation: Conversation, reply: str) -> AsyncIterator[Event]:
        """A reply that needs no model: stored, then given as one chunk."""
        yield TextDelta(reply)
        stored = await self.store.append(conversation, "assistant", reply)
        yield TurnEnded(stored.id, reply)

    # -- around the turn ------------------------------------------------------------------------------------

    async def prepare(self, user: User, conversation: Conversation) -> None:
        """Get ready for the person's next message, while they type: load the model, let the companion choose
        its name if it has none yet (so the system prompt never changes mid-conversation), and pre-read the
        prompt up to where their message will go."""
        await self.model.load()
        await self.memory.warm()
        if await self.identity.name(user) is None:
            await self.identity.choose_name(user, self.model)
        await self.model.warm(await self.prompts.up_to_next_message(user, conversation))

    async def anticipate(self, user: User, conversation: Conversation, text: str) -> None:
        """Pre-read the prompt that `text` would make, while the person may still be speaking (voice listens
        ahead): if their turn ends with these words, only the reply's header is left to read. Stores nothing."""
        text = text.strip()
        if not text or len(text) > MAX_INPUT_CHARS or memory_request(text) is not None:
            return
        draft = StoredMessage(DRAFT_ID, conversation.id, "user", text, "complete", now_iso(), {})
        try:
            prompt, _ = await self.prompts.build(user, conversation, draft, draft=True)
            await self.model.warm(prompt, replying=True)
        except (PromptTooLong, ModelError):
            return  # the real turn will say what is wrong

    async def interrupted(self, user: User, message_id: int) -> None:
        """The reply `message_id` was written in full but not all of it was heard (a barge-in while it played)."""
        await self.store.set_status(await self.store.message(user, message_id), "interrupted")

    async def withdraw(self, user: User, conversation: Conversation, from_message_id: int) -> None:
        """Take a half-heard input and whatever was replied to it out of the conversation (kept, flagged
        rejected, as the store keeps every input): the whole utterance is answered next."""
        for message in await self.store.messages(conversation, limit=WITHDRAW_LOOKBACK):
            if message.id >= from_message_id:
                await self.store.set_status(message, "rejected")
