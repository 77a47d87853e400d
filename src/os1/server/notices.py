"""The web app's live channel (`GET /api/notifications`): what comes to a person between their turns — reminders
and alarms — sent to every tab they have open.

All of a person's tabs together are one door for the scheduler, so a reminder is taken once and shown in each
of them. With no tab open there is no door: the reminder waits, and comes when a tab opens (os1.reminders.scheduler).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from os1.db.store import User
from os1.events import Event
from os1.reminders.scheduler import Deliverable, Doors

HEARTBEAT_S = 25.0  # a comment line this often: a tab that vanished without a goodbye is found out on the write


class Notices:
    """Each person's open tabs, by person id; a person's tabs only ever get that person's notices."""

    def __init__(self, doors: Doors) -> None:
        self.doors = doors
        self._tabs: dict[int, set[asyncio.Queue[Event | None]]] = {}  # None in a queue: that stream ends
        self._close: dict[int, Callable[[], None]] = {}
        self._closing = False

    def tabs(self, person: User) -> int:
        """How many tabs `person` has listening now."""
        return len(self._tabs.get(person.id, ()))

    def close(self) -> None:
        """End every stream (the server is stopping: they never end by themselves, and would hold it up)."""
        self._closing = True
        for tabs in self._tabs.values():
            for queue in tabs:
                queue.put_nowait(None)

    async def stream(self, person: User) -> AsyncIterator[Event | None]:
        """One tab's notices for as long as it listens (None: a heartbeat, nothing happened for a while)."""
        if self._closing:
            return
        queue: asyncio.Queue[Event | None] = asyncio.Queue()
        self._join(person, queue)
        try:
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), HEARTBEAT_S)
                except TimeoutError:
                    yield None
                    continue
                if event is None:
                    return
                yield event
        finally:
            self._leave(person, queue)

    def _join(self, person: User, queue: asyncio.Queue[Event | None]) -> None:
        tabs = self._tabs.setdefault(person.id, set())
        tabs.add(queue)
        if len(tabs) == 1:  # the first tab opens the person's door (and so wakes the scheduler)
            async def door(delivery: Deliverable) -> bool:
                return self._show(person, delivery.event)

            self._close[person.id] = self.doors.open(person, door)

    def _leave(self, person: User, queue: asyncio.Queue[Event | None]) -> None:
        tabs = self._tabs.get(person.id, set())
        tabs.discard(queue)
        if not tabs:
            self._tabs.pop(person.id, None)
            close = self._close.pop(person.id, None)
            if close is not None:
                close()

    def _show(self, person: User, event: Event) -> bool:
        tabs = self._tabs.get(person.id)
        for queue in tabs or ():
            queue.put_nowait(event)
        return bool(tabs)
