"""What happens between a person's turns, the same whichever door they use (terminal, voice, web app, API).

After every turn, what was said is indexed and the facts in it learned; when a person comes back after a gap
(`reflect_after_hours`) and there are conversations not yet looked back on, the companion first reflects
(summaries, profile, its own journal: memory/reflect.py). All of it runs in the background, only while no turn
is running, and gives way at its next step as soon as one starts; what is left goes on after that turn.

    life = BetweenTurns(memory, model, name_of, reflect_after=timedelta(hours=4), running=…, no_turns=…)
    life.start()
    life.returning(person, last_said)   # a door opened, or a turn began: reflect first if they were away
    life.after_turn(person)             # learn from what was just said
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from os1.db.store import User
from os1.memory.learn import LearnReport, catch_up
from os1.memory.memory import Memory
from os1.memory.reflect import ReflectionReport, needs_reflection, reflect
from os1.models.base import Model, ModelError

log = logging.getLogger(__name__)


class BetweenTurns:
    def __init__(self, memory: Memory, model: Model, name_of: Callable[[User], Awaitable[str | None]], *,
                 reflect_after: timedelta, running: Callable[[], bool],
                 no_turns: Callable[[], Awaitable[None]]) -> None:
        self.memory = memory
        self.model = model
        self.name_of = name_of
        self.reflect_after = reflect_after
        self.running = running  # a turn is running now: learning gives way
        self.no_turns = no_turns  # waits until no turn is running
        self._idle: Callable[[], Awaitable[None]] | None = None  # a door's own line of waiting turns (see start)
        self._due: dict[int, User] = {}  # person id → person, in the order their turns ended
        self._reflect: set[int] = set()  # people back after a gap: reflect before learning
        self._last_turn: dict[int, datetime] = {}
        self._busy_with: User | None = None  # whose pass runs now
        self._pass_ended = asyncio.Event()  # set as each pass ends
        self._gone: set[int] = set()  # people who left for good: nothing more is learned for them
        self._wake = asyncio.Event()
        self._quiet = asyncio.Event()  # nothing due, nothing running
        self._quiet.set()
        self._task: asyncio.Task[None] | None = None

    # -- what the doors tell it -----------------------------------------------------------------------------

    def returning(self, person: User, last_said: datetime | None) -> None:
        """`person` is here (a door opened, or a turn began); `last_said` is when their conversation last
        moved, if this process does not know already. Back after a gap: reflect, then learn, when idle."""
        now = datetime.now(UTC)
        last = self._last_turn.get(person.id, last_said)
        self._last_turn[person.id] = now
        if last is not None and now - last >= self.reflect_after:
            self._reflect.add(person.id)
            self.after_turn(person)

    def knows(self, person: User) -> bool:
        """Whether this process has seen `person` already (else the door looks up when they last talked)."""
        return person.id in self._last_turn

    def after_turn(self, person: User) -> None:
        """Learn from what `person` just said, once no turn is running."""
        if person.id in self._gone:
            return
        self._last_turn[person.id] = datetime.now(UTC)
        self._due[person.id] = person
        self._quiet.clear()
        self._wake.set()

    def left(self, person: User) -> bool:
        """Whether `person` left for good while this process ran."""
        return person.id in self._gone

    async def forget(self, person: User) -> None:
        """`person` is leaving for good: nothing more is learned for them, and a pass of theirs running now stops
        before everything of theirs is deleted (else it could write back what was just deleted)."""
        self._gone.add(person.id)
        self._due.pop(person.id, None)
        self._reflect.discard(person.id)
        self._last_turn.pop(person.id, None)
        while self._busy_with is not None and self._busy_with.id == person.id:
            self._pass_ended.clear()
            await self._pass_ended.wait()

    # -- running ----------------------------------------------------------------------------------------------

    def start(self, idle: Callable[[], Awaitable[None]] | None = None) -> None:
        """Run the passes due in the background. `idle` waits until no turn is queued or running (the server's
        turnstile); the count of running turns is always respected."""
        self._idle = idle
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="os1-between-turns")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def learn(self, person: User) -> LearnReport:
        """Index and learn from what was said since the last time: embeddings, then facts. Gives way as soon
        as a turn starts (it goes on after that turn), so it never delays a reply by more than one step."""
        return await catch_up(self.memory, self.model, person,
                              should_stop=lambda: self.running() or person.id in self._gone)

    async def reflect(self, person: User, progress: Callable[[str], None] | None = None) -> ReflectionReport:
        """Look back over the conversations not yet reflected on (learning first)."""
        await self.learn(person)
        self._reflect.discard(person.id)
        name = await self.name_of(person) or "the companion"
        return await reflect(self.memory, self.model, person, name, progress)

    async def pass_for(self, person: User) -> None:
        """One person's work between turns: reflection if they came back after a gap, then learning."""
        if person.id in self._reflect and await needs_reflection(self.memory, person):
            await self.reflect(person)
        else:
            self._reflect.discard(person.id)
            await self.learn(person)

    async def until_idle(self) -> None:
        """Every pass due is done (tests and leaving use this)."""
        await self._quiet.wait()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._due:
                await self._wait_until_idle()
                person = self._due.pop(next(iter(self._due)))
                self._busy_with = person
                try:
                    await self._pass_logged(person)
                finally:
                    self._busy_with = None
                    self._pass_ended.set()
                if self.running() and person.id not in self._gone:
                    # A turn came in, and learning gave way to it, maybe before the end: go on after it.
                    self._due.setdefault(person.id, person)
            self._quiet.set()

    async def _wait_until_idle(self) -> None:
        if self._idle is not None:
            await self._idle()
        await self.no_turns()

    async def _pass_logged(self, person: User) -> None:
        # Logged by person id and error code only: the error's text may quote what the person said.
        try:
            await self.pass_for(person)
        except ModelError as exc:
            log.warning("Learning for person %d stopped: the model failed (%s); it goes on after their next "
                        "turn.", person.id, exc.code)
        except Exception as exc:  # learning must never take a door down; the next turn tries again
            log.error("Learning for person %d failed: %s at\n%s", person.id, type(exc).__name__,
                      "".join(traceback.format_tb(exc.__traceback__)))
