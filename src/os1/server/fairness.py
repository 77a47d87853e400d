"""The turnstile: the model serves a few turns at a time (one for the embedded model), and everyone else waits
their turn fairly. People take turns round-robin (whoever was served least recently goes next), so one
person's burst never starves another; one person's own messages go in the order sent, one at a time.

    async with turnstile.turn(user):                 # waits, then holds a slot until the block ends
        ...

    async with turnstile.join(user) as ticket:       # a streaming door: say where they are while they wait
        async for position in ticket.wait():
            yield Status("waiting", waiting_text(position))
        ...
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import math
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from os1.db.store import User

QUEUE_TIMEOUT_S = 120.0
MAX_PER_PERSON = 4  # turns one person may have waiting or running at once


class Busy(Exception):
    """No turn for now: the person already has too many waiting, or waited too long. Sent as 429."""

    def __init__(self, message: str, retry_after_s: int, code: str = "busy") -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
        # "busy": no place in line (decided once, before a door answers); "queue_timeout": a place was given,
        # and the wait in it ran out (a stream that shows the places in line says so inside the stream).
        self.code = code


@dataclass(frozen=True)
class QueueSnapshot:
    slots: int
    active: int  # turns being generated now
    waiting: int  # turns in line

    @property
    def busy(self) -> bool:
        return self.active >= self.slots

    def as_dict(self) -> dict[str, Any]:
        return {"slots": self.slots, "active": self.active, "waiting": self.waiting, "busy": self.busy}


class Ticket:
    """One turn's place: in line (`position` 1 is next) until served (`position` 0), until closed."""

    def __init__(self, turnstile: Turnstile, user: User, number: int, joined_at: float) -> None:
        self.user = user
        self.number = number  # order of arrival
        self.joined_at = joined_at
        self.position = 0
        self.served = False
        self.closed = False
        self._turnstile = turnstile
        self._changed = asyncio.Event()

    async def wait(self, *, patient: bool = False) -> AsyncIterator[int]:
        """Yield the ticket's place in line each time it changes, until it is served. Raises Busy after
        `queue_timeout_s` in line (and gives the place up), unless `patient`: a door whose person sees their place
        and can give it up themselves (the web app's Stop) waits as long as they do."""
        loop = asyncio.get_running_loop()
        deadline = math.inf if patient else self.joined_at + self._turnstile.queue_timeout_s
        told = None
        while True:
            self._changed.clear()  # before reading, so a change made while the caller handles a yield wakes us
            if self.served:
                return
            if self.closed:
                raise RuntimeError("This ticket gave its place in line up; join again.")
            if self.position != told:
                told = self.position
                yield self.position
                continue
            try:
                await asyncio.wait_for(self._changed.wait(),
                                       None if patient else max(0.0, deadline - loop.time()))
            except TimeoutError:
                if self.served:
                    return
                self.close()
                waited = round(loop.time() - self.joined_at)
                raise Busy(f"OS1 is busy with other people's conversations (you waited {waited} s in line). "
                           f"Please try again in a minute.", retry_after_s=60, code="queue_timeout") from None

    def close(self) -> None:
        """Give the place or the slot up (idempotent)."""
        self._turnstile._leave(self)

    async def __aenter__(self) -> Ticket:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()

    def _move(self, position: int, served: bool = False) -> None:
        if (position, served) != (self.position, self.served):
            self.position, self.served = position, served
            self._changed.set()


class Turnstile:
    def __init__(self, slots: int = 1, queue_timeout_s: float = QUEUE_TIMEOUT_S,
                 max_per_person: int = MAX_PER_PERSON) -> None:
        if slots < 1:
            raise ValueError("A turnstile needs at least one slot.")
        self.slots = slots
        self.queue_timeout_s = queue_timeout_s
        self.max_per_person = max_per_person
        self._lines: dict[int, deque[Ticket]] = {}  # person id → their tickets in line, oldest first
        self._active: dict[int, Ticket] = {}  # person id → their ticket being served (one each at most)
        self._served_at: dict[int, int] = {}  # person id → number of their latest admission
        self._admissions = itertools.count()
        self._arrivals = itertools.count()
        self._after: list[Callable[[User], None]] = []
        self._idle = asyncio.Event()
        self._idle.set()

    def check(self, user: User) -> None:
        """Raise Busy now if this person may not queue another turn (a door calls this before it answers
        200, so the refusal is a 429 rather than an error inside a stream)."""
        held = len(self._lines.get(user.id, ())) + (user.id in self._active)
        if held >= self.max_per_person:
            raise Busy(f"You already have {held} messages waiting for a reply; let those finish first.",
                       retry_after_s=5)

    def join(self, user: User) -> Ticket:
        """Take a place in line (or a free slot at once). Close the ticket when the turn is over."""
        self.check(user)
        ticket = Ticket(self, user, next(self._arrivals), asyncio.get_running_loop().time())
        self._lines.setdefault(user.id, deque()).append(ticket)
        self._idle.clear()
        self._fill()
        return ticket

    @asynccontextmanager
    async def turn(self, user: User, on_position: Callable[[int], Awaitable[None] | None] | None = None
                   ) -> AsyncIterator[Ticket]:
        """Wait for a slot (telling `on_position` each new place in line), hold it for the block."""
        async with self.join(user) as ticket:
            async for position in ticket.wait():
                if on_position is not None:
                    result = on_position(position)
                    if inspect.isawaitable(result):
                        await result
            yield ticket

    def after_turn(self, callback: Callable[[User], None]) -> Callable[[], None]:
        """Call `callback(user)` whenever one of their turns gives its slot up; returns the unsubscriber."""
        self._after.append(callback)
        return lambda: self._after.remove(callback)

    async def idle(self) -> None:
        """Wait until no turn is running or waiting."""
        await self._idle.wait()

    def snapshot(self) -> QueueSnapshot:
        return QueueSnapshot(self.slots, len(self._active), sum(len(line) for line in self._lines.values()))

    # -- inside ---------------------------------------------------------------------------------------------

    def _leave(self, ticket: Ticket) -> None:
        if ticket.closed:
            return
        ticket.closed = True
        person = ticket.user.id
        if self._active.get(person) is ticket:
            del self._active[person]
            for callback in list(self._after):
                callback(ticket.user)
        elif ticket in self._lines.get(person, ()):
            self._lines[person].remove(ticket)
            if not self._lines[person]:
                del self._lines[person]
        self._fill()
        if not self._active and not self._lines:
            self._idle.set()

    def _fill(self) -> None:
        """Serve whoever is due while there are free slots, then tell everyone in line their new place."""
        while len(self._active) < self.slots:
            ready = [person for person in self._lines if person not in self._active]
            if not ready:
                break
            person = min(ready, key=self._due)
            ticket = self._lines[person].popleft()
            if not self._lines[person]:
                del self._lines[person]
            self._active[person] = ticket
            self._served_at[person] = next(self._admissions)
            ticket._move(0, served=True)
        self._renumber()

    def _due(self, person: int) -> tuple[int, int]:
        # Least recently served first (never served: before anyone); then whoever has waited longest.
        return self._served_at.get(person, -1), self._lines[person][0].number

    def _renumber(self) -> None:
        """Places in line as the round-robin will serve them: everyone's first ticket in turn, then everyone's
        second, and so on."""
        people = sorted(self._lines, key=self._due)
        position = 0
        for depth in itertools.count():
            row = [self._lines[p][depth] for p in people if depth < len(self._lines[p])]
            if not row:
                break
            for ticket in row:
                position += 1
                ticket._move(position)


def waiting_text(position: int) -> str:
    """What a person is told while their turn waits: "You're next in line…", "You're 3rd in line…"."""
    if position <= 1:
        return "You're next in line…"
    return f"You're {ordinal(position)} in line…"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
