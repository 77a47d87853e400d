"""Reminders said out loud: the voice loop as a door for the scheduler (`os1 talk`, the realtime socket).

Only between turns: while the person speaks, or a reply is being written or still playing, the door is busy and
the scheduler asks again a few seconds later. What is said goes to the speaker like a reply (speaking over it
stops it), and a `reminder` event goes to whoever hears the loop's events.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from os1.companion import Companion
from os1.memory.store import User
from os1.scheduler import Delivery, Doors, Scheduler
from os1.voice.audio import resample
from os1.voice.base import EAR_RATE
from os1.voice.loop import VoiceLoop


class SpokenReminders:
    """A door that speaks through `loop`. Set `closed` when the loop's device goes away: what is said to no one
    must not count as delivered."""

    def __init__(self, loop: VoiceLoop) -> None:
        self.loop = loop
        self.closed = False

    @property
    def busy(self) -> bool:
        return self.closed or self.loop.talking or self.loop.turns.speaking

    async def __call__(self, delivery: Delivery) -> bool:
        if self.busy:
            return False
        audio = await asyncio.to_thread(self.loop.voice.synthesize, spoken(delivery.text))
        if self.busy:  # they began to speak (or left) while it was being voiced: not over them
            return False
        self.loop.emit(delivery.event)
        self.loop.outbox.put(resample(audio, EAR_RATE).samples)
        return True


def spoken(text: str) -> str:
    """The words without the clock a screen shows: a voice would read the emoji out, or stumble on it."""
    return text.replace("⏰", "").strip()


@asynccontextmanager
async def reminders_out_loud(companion: Companion, person: User, loop: VoiceLoop) -> AsyncIterator[Scheduler]:
    """While the block runs, `person`'s reminders are spoken through `loop` as they come due (and first those that
    came due while OS1 was off), on the companion's clock. A reminder set meanwhile wakes the scheduler."""
    doors = Doors()
    scheduler = Scheduler(companion.store, doors, clock=lambda: companion.clock())
    companion.tools.on_change(scheduler.wake)
    door = SpokenReminders(loop)
    close = doors.open(person, door)
    running = asyncio.create_task(scheduler.run())
    try:
        yield scheduler
    finally:
        door.closed = True
        close()
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
