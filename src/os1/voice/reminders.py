"""Reminders said out loud: the voice loop as a door for the runtime's scheduler (`os1 talk`, the realtime
socket).

Only between turns: while the person speaks, or a reply is being written or still playing, the door is busy and
the scheduler asks again a few seconds later. What is said goes to the speaker like a reply (speaking over it
stops it), and a `reminder` event goes to whoever hears the loop's events.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from os1.db.store import User
from os1.reminders.scheduler import Deliverable, Door
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

    async def __call__(self, delivery: Deliverable) -> bool:
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


@contextmanager
def reminders_out_loud(open_door: Callable[[User, Door], Callable[[], None]], person: User,
                       loop: VoiceLoop) -> Iterator[SpokenReminders]:
    """While the block runs, `person`'s reminders are spoken through `loop` as they come due (and first those that
    came due while OS1 was off). `open_door` is the runtime's: its one scheduler delivers through the door."""
    door = SpokenReminders(loop)
    close = open_door(person, door)
    try:
        yield door
    finally:
        door.closed = True
        close()
