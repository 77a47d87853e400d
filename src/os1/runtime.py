"""The Runtime: everything a door needs, built once from settings and passed in explicitly.

It owns the life around the turns, once for every door: the companion and its toolbox, the scheduler that fires
reminders through whatever door a person has open, and the work between turns (learning, reflection: life.py).
A door (terminal, voice, web app, API) only turns its input into a turn and the turn's events into its output:

    rt = await open_runtime(settings)
    rt.start()                                        # reminders and learning run from here on
    person = await rt.person()
    conversation = await rt.conversation(person)      # their latest, or a new one
    await rt.prepare(person, conversation)            # while they type or get ready to speak
    async for event in rt.respond(person, conversation, text): ...
    await rt.leaving(person)                          # learn what is left, briefly
    await rt.close()
"""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from os1.capabilities import default_toolbox
from os1.companion import Companion
from os1.config import Settings
from os1.db import state
from os1.db.store import Conversation, Store, User
from os1.events import Event
from os1.farewell.archive import Archive, write_archive
from os1.farewell.leaving import Proof, delete_person
from os1.life import BetweenTurns
from os1.meeting.meeting import FirstMeeting
from os1.memory.embeddings import load_embedder
from os1.memory.memory import Memory
from os1.models.base import Model
from os1.models.packaged import Progress
from os1.models.resolve import resolve_model
from os1.persona import load_persona
from os1.reaching.outreach import Outreach, Rules
from os1.reaching.switch import plain_turn
from os1.reminders.scheduler import Deliverable, Door, Doors, Scheduler
from os1.tools import Toolbox

LEAVING_S = 10.0  # at most this long learning when a person leaves: leaving should feel prompt


@dataclass
class Runtime:
    settings: Settings
    store: Store
    model: Model
    companion: Companion
    doors: Doors = field(default_factory=Doors)  # the ways to reach each person right now
    scheduler: Scheduler = field(init=False)
    outreach: Outreach = field(init=False)  # follow-ups, check-ins, maintenance notices (os1.reaching)
    meeting: FirstMeeting = field(init=False)  # the first meeting's questions (os1.meeting), asked as a door opens
    between: BetweenTurns = field(init=False)
    _started: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        companion = self.companion
        # One scheduler for everyone, on the companion's clock: first what came due while OS1 was off, then each
        # reminder as it comes due; one just set may be the next due.
        self.scheduler = Scheduler(self.store, self.doors, clock=lambda: companion.clock())
        companion.tools.on_change(self.scheduler.wake)
        s = self.settings
        self.meeting = FirstMeeting(self.store, companion.identity, self.model, lambda: companion.clock(),
                                    enabled=s.first_meeting)
        self.outreach = Outreach(self.store, self.doors, clock=lambda: companion.clock(),
                                 rules=Rules(s.reach_out, timedelta(days=s.check_in_after_days), s.reach_outs_per_day),
                                 meeting=self.meeting)
        self.between = BetweenTurns(companion.memory, self.model, companion.identity.name,
                                    reflect_after=timedelta(hours=self.settings.reflect_after_hours),
                                    running=lambda: companion.turns_running > 0, no_turns=companion.no_turns)

    # -- lifecycle ----------------------------------------------------------------------------------------------

    def start(self, *, learn: bool = True, idle: Callable[[], Awaitable[None]] | None = None) -> None:
        """Start the life around the turns: reminders fire, and (unless `learn` is off, for tests that script
        every model call) learning and reflection run between turns. `idle` waits until no turn is queued or
        running (the server's turnstile); the companion's own count of running turns is always respected."""
        if self._started:
            return
        reminders = asyncio.create_task(self.scheduler.run(), name="os1-reminders")

        async def stop_reminders() -> None:
            reminders.cancel()
            await asyncio.gather(reminders, return_exceptions=True)

        self._started.append(stop_reminders)
        reaching = asyncio.create_task(self.outreach.run(), name="os1-reaching-out")

        async def stop_reaching() -> None:
            reaching.cancel()
            await asyncio.gather(reaching, return_exceptions=True)

        self._started.append(stop_reaching)
        if learn:
            self.between.start(idle)
            self._started.append(self.between.stop)

    async def stop(self) -> None:
        while self._started:
            await self._started.pop()()

    async def close(self) -> None:
        await self.stop()
        await self.model.close()
        await self.store.close()

    # -- who and where --------------------------------------------------------------------------------------------

    async def person(self, name: str | None = None) -> User:
        """The person OS1 is talking with: `name`, else the settings' (`--user`, OS1_USER, the login name)."""
        return await self.store.user(name or user_name(self.settings))

    async def conversation(self, person: User, conversation_id: int | None = None, *,
                           new: bool = False) -> Conversation:
        """Their conversation `conversation_id` (NotFound if it is not theirs); else, unless `new`, their
        latest; else a new one."""
        if conversation_id is not None:
            return await self.store.conversation(person, conversation_id)
        latest = None if new else await self.store.latest_conversation(person)
        return latest or await self.store.new_conversation(person)

    def use_tools(self, tools: Toolbox) -> None:
        """Give the companion another toolbox (a tool set of one's own; tests)."""
        self.companion.tools = self.companion.agent.tools = tools
        tools.on_change(self.scheduler.wake)

    def open_door(self, person: User, door: Door) -> Callable[[], None]:
        """Reach `person` through `door` (reminders, and what else comes between turns) until the returned
        function closes it."""
        return self.doors.open(person, door)

    async def waiting_for(self, person: User) -> list[Event]:
        """What came for `person` between turns and is waiting (reminders, reach-outs), delivered now and once:
        for a client that asks rather than listens (GET /api/events)."""
        taken: list[Event] = []

        async def door(delivery: Deliverable) -> bool:
            taken.append(delivery.event)
            return True

        close = self.doors.open(person, door)
        try:
            await self.scheduler.fire_due()
            await self.outreach.reach_out(only=person)
        finally:
            close()
        return taken

    # -- preferences ----------------------------------------------------------------------------------------------

    async def voice_choice(self, person: User, asked: str | None = None) -> str | None:
        """The voice to speak with: the one asked for, else the one chosen before (None: not chosen yet)."""
        return asked or await self.store.get_state(person, state.VOICE.key())

    async def keep_voice(self, person: User, voice_id: str) -> None:
        await self.store.set_state(person, state.VOICE.key(), voice_id)

    # -- the turn, as every door runs it ------------------------------------------------------------------------

    async def respond(self, person: User, conversation: Conversation, text: str) -> AsyncIterator[Event]:
        """One turn (companion.respond); then what was said is learned, between turns."""
        await self._returning(person)
        # The answer to a first-meeting question, or "stop checking in on me": said back without the model.
        said = await self.meeting.answer(person, text)
        if said is None:
            said = await self.outreach.heard(person, text)  # follow-ups planned on what it tells of
        try:
            if said is not None:
                async for event in plain_turn(self.store, conversation, text, said):
                    yield event
                return
            async for event in self.companion.respond(person, conversation, text):
                yield event
        finally:
            self.between.after_turn(person)

    async def prepare(self, person: User, conversation: Conversation) -> None:
        """While the person types or gets ready to speak: read the conversation into the model's cache; if they
        come back after a gap, reflection is due."""
        await self._returning(person)
        await self.companion.prepare(person, conversation)

    async def anticipate(self, person: User, conversation: Conversation, text: str) -> None:
        await self.companion.anticipate(person, conversation, text)

    async def interrupted(self, person: User, message_id: int) -> None:
        await self.companion.interrupted(person, message_id)

    async def withdraw(self, person: User, conversation: Conversation, from_message_id: int) -> None:
        await self.companion.withdraw(person, conversation, from_message_id)

    async def leaving(self, person: User, timeout_s: float | None = LEAVING_S) -> None:
        """Learn what is left from this person's session before the door closes: bounded by `timeout_s` (what
        is left then is learned next time). Raises TimeoutError when it ran out."""
        if self.between.left(person):
            return  # nothing of theirs is kept, so nothing is learned
        await self.between.stop()
        self._started = [s for s in self._started if s != self.between.stop]
        learning = self.between.learn(person)
        await (asyncio.wait_for(learning, timeout_s) if timeout_s is not None else learning)

    # -- letting go --------------------------------------------------------------------------------------------

    async def farewell_archive(self, person: User, path: Path) -> Archive:
        """Everything of this person as one archive at `path`, written and read back (farewell/archive.py). The
        companion's goodbye (companion.goodbye) comes before it; `let_go`, only after it."""
        return await write_archive(self.store, person, path, await self.companion.identity.name(person) or "OS1")

    async def let_go(self, person: User) -> Proof:
        """Delete everything of this person, with proof (farewell/leaving.py); their door closes."""
        await self.between.forget(person)  # nothing of theirs is learned (written back) while it goes
        proof = await delete_person(self.store, person, self.settings.home)
        if self.companion.memory.vectors is not None:
            self.companion.memory.vectors.forget_index(person)
        return proof

    async def _returning(self, person: User) -> None:
        last = None
        if not self.between.knows(person):  # once per person and process: when did they last say anything?
            rows = await self.store.read(
                "SELECT max(updated_at) FROM conversations c WHERE user_id = ? "
                "AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id)", (person.id,))
            last = datetime.fromisoformat(rows[0][0]) if rows and rows[0][0] else None
        self.between.returning(person, last)


def user_name(settings: Settings) -> str:
    """The person OS1 is talking with: `--user`, then OS1_USER, then the login name."""
    if settings.user:
        return settings.user
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "friend"


async def open_runtime(settings: Settings, progress: Progress | None = None,
                       model: Model | None = None) -> Runtime:
    """Open the store and the model named in the settings (or use the model given, as tests do)."""
    persona = load_persona(settings.persona)
    model = model or resolve_model(settings.model, settings, progress)
    store = await Store.open(settings.db_path)
    memory = open_memory(settings, store)
    companion = Companion(settings, store, model, persona, memory, tools=default_toolbox())
    return Runtime(settings, store, model, companion)


def open_memory(settings: Settings, store: Store) -> Memory:
    """The person's memory over this store, finding things by meaning with the configured embedder."""
    return Memory(store, None if settings.embedder == "none" else load_embedder(settings.embedder))
