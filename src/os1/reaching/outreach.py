"""OS1 reaching out: it says what a person would want a friend to say unasked, through whatever door is open.

Beside the reminders' scheduler, on the same doors (os1.reminders.scheduler.Doors) and the same clock. Each pass,
for each person with a door open: maintenance notices first (before their moment, whatever the switch; one whose
moment passed unsaid is dropped, so the record shows it never arrived); then, unless they switched it off, one
follow-up or check-in that is due: never in their quiet hours, at most `per_day` a day, at least `gap` apart, so
what piled up while OS1 was off comes one at a time, late and saying so, never in a burst. Stale ones are dropped.

    outreach = Outreach(store, doors, clock, Rules())
    task = asyncio.create_task(outreach.run())
    await outreach.heard(person, "my interview is Thursday at 10")   # plans "how did it go?" for after it
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from os1.db import state
from os1.db.store import Store, User
from os1.db.times import utc_iso
from os1.events import ReachedOut
from os1.meeting.meeting import FirstMeeting, Line
from os1.reaching import book, noticing, words
from os1.reaching.book import ReachOut
from os1.reaching.switch import switch_reply
from os1.reminders.book import quiet_hours
from os1.reminders.scheduler import Door, Doors
from os1.tools.registry import local_now

log = logging.getLogger(__name__)

POLL_S = 60.0
LATE_AFTER = timedelta(hours=1)  # said later than this after it was meant: it says it is late
STALE_AFTER = timedelta(days=4)  # a follow-up this late is no longer worth asking
MORNING_STALE = timedelta(hours=3)  # a good morning this long after its time is not said
MEETING_REASON = "We're meeting for the first time, and I'd like to know who I'm talking to."


@dataclass(frozen=True)
class Rules:
    enabled: bool = True  # the install's switch (settings: reach_out); each person has their own too
    check_in_after: timedelta = timedelta(days=3)
    per_day: int = 3
    gap: timedelta = timedelta(hours=2)


@dataclass(frozen=True)
class MeetingDelivery:
    """A line of the first meeting, ready to be said (a door's Deliverable)."""

    line: Line
    person: User

    @property
    def text(self) -> str:
        return self.line.text

    @property
    def event(self) -> ReachedOut:
        return ReachedOut(0, "first_meeting", self.line.text, MEETING_REASON)


@dataclass(frozen=True)
class ReachOutDelivery:
    """A reach-out ready to be said (a door's Deliverable)."""

    reach_out: ReachOut
    person: User
    text: str
    late: bool

    @property
    def reason(self) -> str:
        return self.reach_out.reason

    @property
    def event(self) -> ReachedOut:
        r = self.reach_out
        return ReachedOut(r.id, r.kind, self.text, r.reason, self.late, utc_iso(r.due_at))


class Outreach:
    def __init__(self, store: Store, doors: Doors, clock: Callable[[], datetime] = local_now,
                 rules: Rules | None = None, poll_s: float = POLL_S, meeting: FirstMeeting | None = None) -> None:
        self.store = store
        self.doors = doors
        self.clock = clock
        self.rules = rules or Rules()
        self.poll_s = poll_s
        self.meeting = meeting
        self._greeted: dict[int, int] = {}  # person id → their doors opened when the meeting last spoke
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        # What the status line shows: announced maintenance not yet begun, as of the last pass (kept here, so
        # the status asked every 15 s by every tab reads no store; an announcement from another process shows
        # within a pass).
        self.maintenance: list[tuple[str, datetime]] = []
        doors.on_open(self.wake)

    def wake(self) -> None:
        self._wake.set()

    # -- what the person says ---------------------------------------------------------------------------------

    async def heard(self, person: User, text: str) -> str | None:
        """Take in what `person` just said: plan follow-ups on what it tells of, drop those they answered by
        themselves, flip their switch or keep (or stop) a daily good morning if they asked. Returns the reply to
        such a request, said without the model; None otherwise."""
        now = self.clock()
        flipped = noticing.switch(text)
        if flipped is not None:
            await self.set_on(person, flipped)
            return switch_reply(flipped)
        morning = noticing.morning(text)
        if morning is not None:
            await self.set_morning(person, morning)
            return words.morning_reply(morning)
        for waiting in await book.waiting(self.store, person, ("follow_up",)):
            if waiting.event_at <= now and noticing.mentions(text, waiting.about):
                await book.drop(self.store, waiting, "they told me how it went themselves", now)
        for thing in noticing.happenings(text, now):
            await book.plan(self.store, person, "follow_up", thing.about,
                            words.follow_up_reason(thing.about, thing.at, now), thing.at, thing.ask_at, now)
        return None

    async def is_on(self, person: User) -> bool:
        return self.rules.enabled and await self.store.get_state(person, state.REACH_OUT.key()) != "off"

    async def set_on(self, person: User, on: bool) -> None:
        await self.store.set_state(person, state.REACH_OUT.key(), "on" if on else "off")

    async def set_morning(self, person: User, at: str) -> None:
        """A good morning every day at `at` ("HH:MM"), or none ("")."""
        if at:
            await self.store.set_state(person, state.GOOD_MORNING.key(), at)
        else:
            await self.store.delete_state(person, state.GOOD_MORNING.key())
        for waiting in await book.waiting(self.store, person, ("morning",)):
            await book.drop(self.store, waiting, "they changed when (or whether) to say good morning", self.clock())
        self.wake()

    # -- maintenance --------------------------------------------------------------------------------------------

    async def announce(self, notice: str, start: datetime) -> int:
        """Plan `notice` of maintenance from `start` for every person; returns how many it is planned for. Each is
        told on their next open door before `start` (and the delivery recorded per person)."""
        now = self.clock()
        people = await self.store.read("SELECT id, name FROM users ORDER BY id", ())
        planned = 0
        for row in people:
            person = User(row[0], row[1])
            if await book.plan(self.store, person, "maintenance", notice.strip(), words.maintenance_reason(start),
                               start, now, now) is not None:
                planned += 1
        self.maintenance = await book.upcoming_maintenance(self.store, now)
        self.wake()
        return planned

    # -- running ------------------------------------------------------------------------------------------------

    async def run(self) -> None:
        while True:
            try:
                await self.reach_out()
            except Exception:  # a broken store or door must not end reaching out for everyone
                log.exception("reaching out failed; trying again in %.0f s", self.poll_s)
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_s)
            except TimeoutError:
                pass
            self._wake.clear()

    async def reach_out(self, only: User | None = None) -> list[ReachOutDelivery | MeetingDelivery]:
        """One pass for everyone with a door open (or only `only`); returns what was said."""
        async with self._lock:
            self.maintenance = await book.upcoming_maintenance(self.store, self.clock())
            said: list[ReachOutDelivery | MeetingDelivery] = []
            for person in [only] if only is not None else self.doors.people():
                doors = self.doors.of(person)
                if doors:
                    said += await self._for(person, doors)
            return said

    async def _for(self, person: User, doors: list[Door]) -> list[ReachOutDelivery | MeetingDelivery]:
        now = self.clock()
        said: list[ReachOutDelivery | MeetingDelivery] = []
        for notice in await book.waiting(self.store, person, ("maintenance",)):
            if notice.event_at <= now:
                await book.drop(self.store, notice, "the maintenance began before a door was open", now)
                continue
            text = words.maintenance(notice.about, notice.event_at, now)
            said += await self._deliver(ReachOutDelivery(notice, person, text, False), doors, now)
        if self.meeting is not None and await self.meeting.active(person):
            return said + await self._meet(person, doors)  # getting to know them comes before checking in
        if not self.rules.enabled:
            return said
        await self._plan_morning(person, now)
        kinds: tuple[book.Kind, ...] = ("morning",)  # asked for: said even with check-ins switched off
        if await self.is_on(person):
            await self._plan_check_in(person, now)
            kinds = ("follow_up", "check_in", "morning")
        choice = await self._next(person, now, kinds)
        if choice is not None:
            said += await self._deliver(choice, doors, now)
        return said

    async def _meet(self, person: User, doors: list[Door]) -> list[MeetingDelivery]:
        """The first meeting's opening, at a door opened since it last spoke (not to a tab left open)."""
        assert self.meeting is not None
        opened = self.doors.opened(person)
        if self._greeted.get(person.id) == opened:
            return []
        line = await self.meeting.opening(person)
        if line is None:
            return []
        delivery = MeetingDelivery(line, person)
        # Waiting for its answer before it is shown: a quick answer must find its question.
        await self.meeting.asked(person, line)
        if not await self._offer(delivery, doors):
            await self.meeting.unasked(person)
            return []
        self._greeted[person.id] = opened
        conversation = await self.store.latest_conversation(person) or await self.store.new_conversation(person)
        await self.store.append(conversation, "assistant", line.text, meta={"reach_out": "first_meeting"})
        return [delivery]

    async def _plan_check_in(self, person: User, now: datetime) -> None:
        last = await book.last_words(self.store, person)
        if last is None:
            return  # they never said anything: the first meeting comes first, not a check-in
        for waiting in await book.waiting(self.store, person, ("check_in",)):
            if waiting.event_at < last:
                await book.drop(self.store, waiting, "they came back and talked", now)
        due = last + self.rules.check_in_after
        if due <= now:
            await book.plan(self.store, person, "check_in", f"quiet since {utc_iso(last)}",
                            words.check_in_reason(last.astimezone(now.tzinfo)), last, due, now)

    async def _plan_morning(self, person: User, now: datetime) -> None:
        at = await self.store.get_state(person, state.GOOD_MORNING.key())
        if not at:
            return
        hour, minute = (int(part) for part in at.split(":"))
        due = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if due <= now <= due + MORNING_STALE:
            await book.plan(self.store, person, "morning", f"good morning on {due:%Y-%m-%d}",
                            words.morning_reason(at), due, due, now)

    async def _next(self, person: User, now: datetime,
                    kinds: tuple[book.Kind, ...] = ("follow_up", "check_in", "morning")) -> ReachOutDelivery | None:
        """The one reach-out to make now, if any may be made now."""
        quiet = await quiet_hours(self.store, person)
        if quiet is not None and quiet.holds(now):
            return None
        recent = await book.delivered_since(self.store, person, now - timedelta(days=1))
        today = [r for r in recent if r.delivered_at and datetime.fromisoformat(r.delivered_at)
                 .astimezone(now.tzinfo).date() == now.date()]
        if len(today) >= self.rules.per_day:
            return None
        if recent and now - datetime.fromisoformat(recent[-1].delivered_at or "") < self.rules.gap:
            return None
        for waiting in await book.waiting(self.store, person, kinds):
            if waiting.due_at > now:
                break
            meant = waiting.due_at.astimezone(now.tzinfo)
            meant = quiet.release(meant) if quiet is not None else meant  # held by quiet hours is not late
            if waiting.kind == "follow_up" and now - meant > STALE_AFTER:
                await book.drop(self.store, waiting, "too long after it to ask", now)
                continue
            if waiting.kind == "morning" and now - meant > MORNING_STALE:
                await book.drop(self.store, waiting, "the morning had passed", now)
                continue
            late = now - meant > LATE_AFTER
            if waiting.kind == "morning":
                return ReachOutDelivery(waiting, person, words.morning(waiting.id), False)
            if waiting.kind == "follow_up":
                text = words.follow_up(waiting.id, waiting.about, meant, now, late)
            else:
                text = words.check_in(waiting.id, waiting.event_at, now, late)
            return ReachOutDelivery(waiting, person, text, late)
        return None

    async def _deliver(self, delivery: ReachOutDelivery, doors: list[Door], now: datetime
                       ) -> list[ReachOutDelivery]:
        if await self._offer(delivery, doors) and await book.mark_delivered(self.store, delivery.reach_out,
                                                                          delivery.text, now):
            return [delivery]
        return []

    async def _offer(self, delivery: ReachOutDelivery | MeetingDelivery, doors: list[Door]) -> bool:
        taken = False
        for door in doors:
            try:
                taken = await door(delivery) or taken
            except Exception:  # one broken door must not keep the others from the person
                log.exception("a door failed to take what OS1 had to say to person %d", delivery.person.id)
        return taken
