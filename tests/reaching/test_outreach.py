"""Reaching out, on a real store and a fixed clock: a follow-up comes after the thing, once, never in quiet hours,
late and saying so after a restart; check-ins after silence with their reason; never a burst; the switch holds;
a maintenance notice reaches every person before it starts, and the record shows who it never reached."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from os1.db.store import Store, User
from os1.db.times import utc_iso
from os1.reaching import book
from os1.reaching.outreach import Outreach, ReachOutDelivery, Rules
from os1.reaching.switch import switch_reply
from os1.reminders.book import set_quiet_hours
from os1.reminders.clock import QuietHours
from os1.reminders.scheduler import Deliverable, Doors
from os1.testing import FixedClock

GUARD_S = 10


class Door:
    def __init__(self) -> None:
        self.taken: list[ReachOutDelivery] = []
        self.arrived = asyncio.Event()

    async def __call__(self, delivery: Deliverable) -> bool:
        assert isinstance(delivery, ReachOutDelivery)
        self.taken.append(delivery)
        self.arrived.set()
        return True

    def texts(self) -> list[str]:
        return [d.text for d in self.taken]


async def said_at(store: Store, person: User, text: str, at: datetime) -> None:
    """A message of theirs at `at` (the store stamps messages with the real time; the clock here is fixed)."""
    conversation = await store.latest_conversation(person) or await store.new_conversation(person)

    def op(db: sqlite3.Connection) -> None:
        db.execute("INSERT INTO messages (conversation_id, role, content, created_at) VALUES (?, 'user', ?, ?)",
                   (conversation.id, text, utc_iso(at)))

    await store.write(op)


async def test_a_follow_up_comes_after_the_thing_once_and_late_after_a_restart_saying_so(
        tmp_path: Path, clock: FixedClock) -> None:
    store = await Store.open(tmp_path / "os1.db")
    theodore = await store.user("theodore")
    doors, door = Doors(), Door()
    doors.open(theodore, door)
    outreach = Outreach(store, doors, clock)
    await outreach.heard(theodore, "My interview is Thursday at 10. I'm nervous.")  # Fri 20 Nov → Thu 26 Nov
    await outreach.heard(theodore, "my interview is Thursday at 10")  # told twice: planned once
    assert await outreach.reach_out() == []  # not before it
    clock.now = clock.now.replace(day=26, hour=12, minute=30)  # after it, and the check-in's days not yet up
    [said] = await outreach.reach_out()
    assert said.reach_out.kind == "follow_up" and not said.late
    assert "your interview" in said.text and said.text.endswith("?")
    assert "How can I help" not in said.text
    assert said.reason == "On Fri 20 Nov you told me your interview was Thu 26 Nov at 10:00."
    assert said.event.to_dict()["type"] == "reach_out"
    assert await outreach.reach_out() == []  # once
    messages = await store.messages(await store.latest_conversation(theodore) or await store.new_conversation(theodore))
    assert [(m.role, m.content, m.meta.get("reach_out")) for m in messages] == [
        ("assistant", said.text, said.reach_out.id)]  # kept, so the companion knows it asked
    await outreach.heard(theodore, "I have a dentist appointment on Monday at 9")
    await store.close()  # OS1 is off from before the dentist until Wednesday morning

    clock.now = datetime(2026, 12, 2, 9, 0, tzinfo=clock.now.tzinfo)
    store = await Store.open(tmp_path / "os1.db")
    try:
        doors, door = Doors(), Door()
        outreach = Outreach(store, doors, clock, Rules(check_in_after=timedelta(days=30)))
        task = asyncio.create_task(outreach.run())
        doors.open(theodore, door)  # a door opens (the terminal starts): what was missed comes, once
        await asyncio.wait_for(door.arrived.wait(), GUARD_S)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        [late] = door.taken
        assert late.late and "dentist appointment" in late.text
        assert "I meant to ask you on Monday morning" in late.text or "wanted to ask on Monday morning" in late.text
        assert await outreach.reach_out() == []
    finally:
        await store.close()


async def test_never_in_quiet_hours_never_a_burst_and_at_most_a_few_a_day(store: Store, clock: FixedClock) -> None:
    theodore = await store.user("theodore")
    doors, door = Doors(), Door()
    doors.open(theodore, door)
    outreach = Outreach(store, doors, clock, Rules(per_day=2, gap=timedelta(hours=2),
                                                    check_in_after=timedelta(days=30)))
    await set_quiet_hours(store, theodore, QuietHours.parse("22:00-08:00"))
    for text in ("my exam is tomorrow at 9", "my flight is tomorrow at 10", "I have a haircut tomorrow at 11"):
        await outreach.heard(theodore, text)
    clock.now = clock.now.replace(day=22, hour=7, minute=0)  # all three are due; it is still quiet
    assert await outreach.reach_out() == []
    clock.now = clock.now.replace(hour=8, minute=0)
    first = await outreach.reach_out()
    assert len(first) == 1  # one at a time, not all three at once
    clock.advance(minutes=30)
    assert await outreach.reach_out() == []  # the gap between two
    clock.advance(hours=2)
    assert len(await outreach.reach_out()) == 1
    clock.advance(hours=3)
    assert await outreach.reach_out() == []  # two a day at most
    clock.now = clock.now.replace(day=23, hour=9)
    [third] = await outreach.reach_out()
    assert "haircut" in third.text and third.late  # a day late: it says so
    assert [d.reach_out.about for d in door.taken] == ["exam", "flight", "haircut"]


async def test_a_check_in_after_days_of_silence_with_its_reason_and_the_switch_holds(
        store: Store, clock: FixedClock) -> None:
    theodore = await store.user("theodore")
    await said_at(store, theodore, "Goodnight.", clock() - timedelta(hours=1))
    doors, door = Doors(), Door()
    doors.open(theodore, door)
    outreach = Outreach(store, doors, clock)
    clock.advance(days=2)
    assert await outreach.reach_out() == []
    clock.advance(days=1, hours=2)
    [check_in] = await outreach.reach_out()
    assert check_in.reach_out.kind == "check_in" and "three days" in check_in.text
    assert check_in.reason == "We hadn't talked since Fri 20 Nov, and you haven't asked me not to check in."
    clock.advance(days=2)
    assert await outreach.reach_out() == []  # one check-in per silence, not one a day

    assert await outreach.heard(theodore, "Please stop checking in on me.") == switch_reply(False)
    await said_at(store, theodore, "Please stop checking in on me.", clock())
    await outreach.heard(theodore, "my interview is tomorrow at 10")
    clock.advance(days=10)
    assert await outreach.reach_out() == []  # neither the follow-up nor a check-in
    assert await outreach.heard(theodore, "You can check in on me again.") == switch_reply(True)
    assert [d.reach_out.kind for d in await outreach.reach_out()] == ["check_in"]
    assert await outreach.is_on(theodore)
    off = Outreach(store, doors, clock, Rules(enabled=False))  # the install's setting
    assert not await off.is_on(theodore)


async def test_a_follow_up_is_dropped_when_they_told_it_themselves(store: Store, clock: FixedClock) -> None:
    theodore = await store.user("theodore")
    doors, door = Doors(), Door()
    doors.open(theodore, door)
    outreach = Outreach(store, doors, clock, Rules(check_in_after=timedelta(days=30)))
    await outreach.heard(theodore, "My interview is tomorrow at 10")
    clock.advance(days=1)
    await outreach.heard(theodore, "The interview went really well!")
    clock.advance(hours=3)
    assert await outreach.reach_out() == []
    [kept] = await book.history(store, theodore)
    assert kept.dropped_why == "they told me how it went themselves"


async def test_a_maintenance_notice_reaches_every_person_before_it_starts(store: Store, clock: FixedClock) -> None:
    alice, bob = await store.user("alice"), await store.user("bob")
    doors, alices = Doors(), Door()
    doors.open(alice, alices)
    outreach = Outreach(store, doors, clock)
    await outreach.set_on(alice, False)  # a notice is not a check-in: the switch does not hold it back
    start = clock() + timedelta(hours=3)
    assert await outreach.announce("upgrading the model", start) == 2
    [notice] = await outreach.reach_out()
    assert notice.person == alice and "upgrading the model" in notice.text and "today from 17:03" in notice.text
    assert await outreach.reach_out() == []
    bobs = Door()
    doors.open(bob, bobs)  # bob comes before it starts: told
    clock.advance(hours=1)
    assert [d.person for d in await outreach.reach_out()] == [bob]

    carol = await store.user("carol")
    assert await outreach.announce("moving to a new machine", clock() + timedelta(minutes=30)) == 3
    assert [d.person for d in await outreach.reach_out()] == [alice, bob]  # their doors are open: told now
    clock.advance(hours=1)  # carol opens OS1 only after it began: it never reached her, and the record says so
    doors.open(carol, Door())
    assert await outreach.reach_out() == []
    record = {p.name: [(r.about, r.delivered_at is not None, r.dropped_why) for r in await book.history(store, p)
                       if r.kind == "maintenance"] for p in (alice, bob, carol)}
    assert record["carol"] == [("moving to a new machine", False, "the maintenance began before a door was open")]
    assert record["alice"] == record["bob"] == [("upgrading the model", True, None),
                                                ("moving to a new machine", True, None)]


async def test_a_good_morning_every_day_when_asked_even_with_check_ins_off(store: Store, clock: FixedClock) -> None:
    theodore = await store.user("theodore")
    doors, door = Doors(), Door()
    doors.open(theodore, door)
    outreach = Outreach(store, doors, clock, Rules(check_in_after=timedelta(days=30)))
    await set_quiet_hours(store, theodore, QuietHours.parse("23:00-07:45"))
    reply = await outreach.heard(theodore, "Could you say good morning to me every day at 7:30?")
    assert reply is not None and "good morning every day at 07:30" in reply
    await outreach.heard(theodore, "Please stop checking in on me.")  # follow-ups and check-ins off; not this
    clock.now = clock.now.replace(day=21, hour=7, minute=30)  # its time, but quiet until 7:45
    assert await outreach.reach_out() == []
    clock.now = clock.now.replace(minute=46)
    [morning] = await outreach.reach_out()
    assert morning.reach_out.kind == "morning" and morning.text.startswith(("Good morning", "Morning", "Hey, good"))
    assert morning.reason == "You asked me to say good morning every day at 07:30." and not morning.late
    clock.advance(hours=1)
    assert await outreach.reach_out() == []  # once a day
    clock.now = clock.now.replace(day=22, hour=11, minute=0)  # OS1 was off all morning: not said at eleven
    assert await outreach.reach_out() == []
    clock.now = clock.now.replace(day=23, hour=8, minute=0)
    assert [d.reach_out.kind for d in await outreach.reach_out()] == ["morning"]
    assert "no more good mornings" in (await outreach.heard(theodore, "Stop saying good morning to me.") or "")
    clock.now = clock.now.replace(day=24, hour=8, minute=0)
    assert await outreach.reach_out() == []
    assert len(door.taken) == 2
