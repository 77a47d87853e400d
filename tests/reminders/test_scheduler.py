"""The scheduler: reminders fire after a restart exactly once, wait for a door, and respect quiet hours."""

import asyncio
from datetime import timedelta
from pathlib import Path

from os1.db.store import Store, User
from os1.reminders.book import add_reminder, reminders, set_cancelled, set_quiet_hours
from os1.reminders.clock import QuietHours
from os1.reminders.scheduler import Delivery, Doors, Scheduler
from os1.testing import FixedClock

GUARD_S = 10  # a broken wake-up fails here instead of hanging the suite


class Door:
    """A door that takes what it is given (unless busy), or fails on purpose."""

    def __init__(self, busy: bool = False, broken: bool = False) -> None:
        self.taken: list[Delivery] = []
        self.busy = busy
        self.broken = broken
        self.arrived = asyncio.Event()

    async def __call__(self, delivery: Delivery) -> bool:
        if self.broken:
            raise ConnectionResetError("the socket is gone")
        if self.busy:
            return False
        self.taken.append(delivery)
        self.arrived.set()
        return True

    def texts(self) -> list[str]:
        return [d.text for d in self.taken]


async def test_reminders_survive_a_restart_and_fire_exactly_once(tmp_path: Path, clock: FixedClock) -> None:
    store = await Store.open(tmp_path / "os1.db")
    theodore = await store.user("theodore")
    await add_reminder(store, theodore, "take the pasta off", clock() + timedelta(minutes=20))
    await add_reminder(store, theodore, "call my sister", clock() + timedelta(hours=19))
    await store.close()  # OS1 is off…

    clock.advance(hours=2)  # …while the pasta comes due
    store = await Store.open(tmp_path / "os1.db")
    try:
        door, doors = Door(), Doors()
        doors.open(theodore, door)
        scheduler = Scheduler(store, doors, clock)
        assert [d.text for d in await scheduler.fire_due()] == ["⏰ Reminder: take the pasta off"]
        assert await scheduler.fire_due() == []
        assert door.texts() == ["⏰ Reminder: take the pasta off"]
    finally:
        await store.close()

    store = await Store.open(tmp_path / "os1.db")  # and once more: what fired stays fired
    try:
        door, doors = Door(), Doors()
        doors.open(theodore, door)
        scheduler = Scheduler(store, doors, clock)
        assert await scheduler.fire_due() == []
        clock.advance(hours=18)
        assert [d.text for d in await scheduler.fire_due()] == ["⏰ Reminder: call my sister"]
        assert await reminders(store, theodore) == []
    finally:
        await store.close()


async def test_a_reminder_waits_for_a_door_and_comes_when_one_opens(store: Store, clock: FixedClock) -> None:
    theodore = await store.user("theodore")
    await add_reminder(store, theodore, "stretch", clock() - timedelta(minutes=5))
    doors = Doors()
    scheduler = Scheduler(store, doors, clock, poll_s=3600)
    assert await scheduler.fire_due() == []  # nobody to tell
    assert len(await reminders(store, theodore)) == 1  # still waiting, not lost

    running = asyncio.create_task(scheduler.run())
    try:
        door = Door()
        doors.open(theodore, door)  # wakes the sleeping scheduler
        await asyncio.wait_for(door.arrived.wait(), GUARD_S)
        assert door.texts() == ["⏰ Reminder: stretch"]
    finally:
        running.cancel()


async def test_on_start_it_fires_what_came_due_while_off(store: Store, clock: FixedClock) -> None:
    theodore = await store.user("theodore")
    await add_reminder(store, theodore, "missed while off", clock() - timedelta(hours=3))
    door, doors = Door(), Doors()
    doors.open(theodore, door)
    running = asyncio.create_task(Scheduler(store, doors, clock, poll_s=3600).run())
    try:
        await asyncio.wait_for(door.arrived.wait(), GUARD_S)
        assert door.texts() == ["⏰ Reminder: missed while off"]
    finally:
        running.cancel()


async def test_a_busy_door_is_asked_again(store: Store, clock: FixedClock) -> None:
    theodore = await store.user("theodore")
    await add_reminder(store, theodore, "stand up", clock())
    door, doors = Door(busy=True), Doors()
    doors.open(theodore, door)
    scheduler = Scheduler(store, doors, clock)
    assert await scheduler.fire_due() == []
    door.busy = False
    assert [d.text for d in await scheduler.fire_due()] == ["⏰ Reminder: stand up"]


async def test_a_broken_door_does_not_keep_it_from_the_others(store: Store, clock: FixedClock) -> None:
    theodore = await store.user("theodore")
    await add_reminder(store, theodore, "water the plants", clock())
    good, doors = Door(), Doors()
    doors.open(theodore, Door(broken=True))
    doors.open(theodore, good)
    assert len(await Scheduler(store, doors, clock).fire_due()) == 1
    assert good.texts() == ["⏰ Reminder: water the plants"]


async def test_each_person_gets_only_their_own(store: Store, clock: FixedClock) -> None:
    theodore, amy = await store.user("theodore"), await store.user("amy")
    await add_reminder(store, amy, "amy's secret", clock())
    door, doors = Door(), Doors()
    doors.open(theodore, door)
    assert await Scheduler(store, doors, clock).fire_due() == []
    assert door.taken == []


async def test_a_closed_door_gets_nothing(store: Store, clock: FixedClock) -> None:
    theodore = await store.user("theodore")
    await add_reminder(store, theodore, "later", clock())
    door, doors = Door(), Doors()
    close = doors.open(theodore, door)
    close()
    assert await Scheduler(store, doors, clock).fire_due() == [] and door.taken == []


async def test_a_cancelled_reminder_never_fires(store: Store, clock: FixedClock) -> None:
    theodore = await store.user("theodore")
    kept = await add_reminder(store, theodore, "never mind", clock())
    await set_cancelled(store, theodore, [kept.id], cancelled=True)
    door, doors = Door(), Doors()
    doors.open(theodore, door)
    assert await Scheduler(store, doors, clock).fire_due() == []


async def test_quiet_hours_hold_a_reminder_but_not_an_alarm(store: Store, clock: FixedClock) -> None:
    theodore: User = await store.user("theodore")
    await set_quiet_hours(store, theodore, QuietHours.parse("22:00-07:00"))
    late = clock().replace(hour=23, minute=0)
    await add_reminder(store, theodore, "take the pills", late)
    await add_reminder(store, theodore, "", (late + timedelta(days=1)).replace(hour=6), alarm=True)
    door, doors = Door(), Doors()
    doors.open(theodore, door)
    scheduler = Scheduler(store, doors, clock)

    clock.now = late + timedelta(minutes=30)
    assert await scheduler.fire_due() == []  # held: it is 23:30
    clock.now = (late + timedelta(days=1)).replace(hour=6, minute=0)
    assert [d.text for d in await scheduler.fire_due()] == ["⏰ It's 06:00: your alarm."]  # the alarm rings at 6
    clock.now = clock.now.replace(hour=7)
    assert [d.text for d in await scheduler.fire_due()] == ["⏰ Reminder: take the pills"]  # when they end


async def test_the_terminal_door_waits_for_a_reply_to_finish_and_what_it_said_is_kept(store: Store,
                                                                                    clock: FixedClock) -> None:
    from rich.console import Console

    from os1.cli.terminal import ReminderDoor

    theodore = await store.user("theodore")
    conversation = await store.new_conversation(theodore)
    kept = await add_reminder(store, theodore, "take the pasta off", clock())
    console = Console(record=True, width=80)
    door = ReminderDoor(console, "theodore › ", busy=True)
    doors = Doors()
    doors.open(theodore, door)
    scheduler = Scheduler(store, doors, clock)
    assert await scheduler.fire_due() == []  # a reply is streaming: not now
    door.busy = False
    assert len(await scheduler.fire_due()) == 1
    assert "⏰ Reminder: take the pasta off" in console.export_text()
    (said,) = await store.messages(conversation)
    assert (said.role, said.content, said.meta) == ("assistant", "⏰ Reminder: take the pasta off",
                                                     {"reminder": kept.id})


async def test_a_delivery_is_sent_as_a_reminder_event(store: Store, clock: FixedClock) -> None:
    theodore = await store.user("theodore")
    alarm = await add_reminder(store, theodore, "", clock(), alarm=True)
    door, doors = Door(), Doors()
    doors.open(theodore, door)
    await Scheduler(store, doors, clock).fire_due()
    assert door.taken[0].event.to_dict() == {"type": "reminder", "reminder_id": alarm.id,
                                             "text": "⏰ It's 14:03: your alarm.", "alarm": True,
                                             "due": "2026-11-20T13:03:00.000+00:00"}
