"""The scheduler: fires reminders and alarms when they come due, through whatever door is open.

On start it fires what came due while OS1 was off, then sleeps until the next due time (or until woken: a door
opened, a reminder was set). A door is any way to reach a person right now (the terminal prints; the voice loop
and the server subscribe the same way) and says whether it took the delivery. A reminder is marked fired only
after a door took it, so a reminder due while no door is open waits, and is delivered when one opens. What was
said is kept in the person's latest conversation, so the companion knows it reminded them.

    doors = Doors()
    scheduler = Scheduler(store, doors)
    task = asyncio.create_task(scheduler.run())
    close = doors.open(person, deliver)   # async def deliver(delivery) -> bool
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from os1.db.store import Store, User
from os1.db.times import utc_iso
from os1.events import Event, Reminded
from os1.reminders.book import Reminder, due, mark_fired, next_due, quiet_hours
from os1.reminders.clock import QuietHours
from os1.tools.registry import local_now

log = logging.getLogger(__name__)

POLL_S = 60.0  # the longest sleep: reminders set by another process on the same store are seen within it
RETRY_S = 5.0  # a door that was busy (a reply streaming) is asked again after this


@dataclass(frozen=True)
class Delivery:
    """A reminder for a person, ready to be said."""

    reminder: Reminder
    person: User
    now: datetime  # when it was delivered, in the person's zone

    @property
    def text(self) -> str:
        return self.reminder.message(self.now.tzinfo)

    @property
    def event(self) -> Reminded:
        """As the event the server's doors send (the web app's channel, the realtime socket)."""
        return Reminded(self.reminder.id, self.text, self.reminder.alarm, utc_iso(self.reminder.due_at))


class Deliverable(Protocol):
    """What a door is handed: a reminder here, or something OS1 says unasked (os1.reaching)."""

    @property
    def person(self) -> User: ...

    @property
    def text(self) -> str: ...

    @property
    def event(self) -> Event: ...


Door = Callable[[Deliverable], Awaitable[bool]]  # True: the person was told (or it is queued to be)


class Doors:
    """The open ways to reach each person. Opening one wakes the scheduler, so what waited is delivered."""

    def __init__(self) -> None:
        self._open: dict[int, list[Door]] = {}
        self._people: dict[int, User] = {}
        self._opened: dict[int, int] = {}  # person id → how many doors were ever opened for them
        self._listeners: list[Callable[[], None]] = []

    def open(self, person: User, door: Door) -> Callable[[], None]:
        """Register `door` for `person`; returns the function that closes it."""
        self._open.setdefault(person.id, []).append(door)
        self._people[person.id] = person
        self._opened[person.id] = self._opened.get(person.id, 0) + 1
        for listener in self._listeners:
            listener()

        def close() -> None:
            doors = self._open.get(person.id, [])
            if door in doors:
                doors.remove(door)

        return close

    def of(self, person: User) -> list[Door]:
        return list(self._open.get(person.id, []))

    def opened(self, person: User) -> int:
        """How many doors were ever opened for `person` (a new one since: they came back)."""
        return self._opened.get(person.id, 0)

    def people(self) -> list[User]:
        """Everyone with a door open now."""
        return [self._people[pid] for pid, doors in self._open.items() if doors]

    def on_open(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)


class Scheduler:
    def __init__(self, store: Store, doors: Doors, clock: Callable[[], datetime] = local_now,
                 poll_s: float = POLL_S, retry_s: float = RETRY_S) -> None:
        self.store = store
        self.doors = doors
        self.clock = clock
        self.poll_s = poll_s
        self.retry_s = retry_s
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._next_wait = poll_s
        doors.on_open(self.wake)

    def wake(self) -> None:
        """Look again now (a door opened, a reminder was set or cancelled)."""
        self._wake.set()

    async def run(self) -> None:
        """Deliver what is due, then sleep until the next due time; until cancelled."""
        while True:
            try:
                await self.fire_due()
            except Exception:  # a broken store or door must not end reminders for everyone; try again later
                log.exception("delivering reminders failed; trying again in %.0f s", self.poll_s)
                self._next_wait = self.poll_s
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self._next_wait)
            except TimeoutError:
                pass
            self._wake.clear()

    async def fire_due(self) -> list[Delivery]:
        """Deliver every reminder that is due and has an open door; return what was delivered. Also works out
        how long `run` may sleep."""
        async with self._lock:  # one pass at a time, so nothing is delivered twice by this process
            now = self.clock()
            delivered: list[Delivery] = []
            latest = now + timedelta(seconds=self.poll_s)
            soonest = min(latest, await next_due(self.store, now) or latest)
            quiet: dict[int, QuietHours | None] = {}
            for reminder, person in await due(self.store, now):
                if person.id not in quiet:
                    quiet[person.id] = await quiet_hours(self.store, person)
                held_until = reminder.when_due(quiet[person.id], now.tzinfo)
                if held_until > now:
                    soonest = min(soonest, held_until)
                    continue
                doors = self.doors.of(person)
                if not doors:
                    continue  # it waits; opening a door wakes the scheduler
                delivery = Delivery(reminder, person, now)
                # Marked (and kept in the conversation) only once a door took it; a crash in between means it is
                # said again after the restart, never lost.
                if await self._deliver(delivery, doors):
                    if await mark_fired(self.store, reminder, delivery.text):
                        delivered.append(delivery)
                else:
                    soonest = min(soonest, now + timedelta(seconds=self.retry_s))
            self._next_wait = max(0.0, (soonest - self.clock()).total_seconds())
            return delivered

    async def _deliver(self, delivery: Delivery, doors: list[Door]) -> bool:
        """Offer it at every open door of the person; taken if any door took it."""
        taken = False
        for door in doors:
            try:
                taken = await door(delivery) or taken
            except Exception:  # one broken door (a closed socket) must not keep the others from the person
                log.exception("a door failed to take reminder %d", delivery.reminder.id)
        return taken
