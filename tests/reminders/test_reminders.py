"""Reminders and alarms: natural phrases to the right moment (on a fixed clock), set, listed, cancelled, undone."""

from collections.abc import Awaitable, Callable
from datetime import datetime, time

import pytest

from os1.events import Event, ToolCall, ToolResult, TurnEnded
from os1.reminders.book import quiet_hours, reminders
from os1.reminders.clock import QuietHours, resolve_when, say_when
from os1.runtime import Runtime
from os1.testing import FixedClock, ScriptedModel

Say = Callable[[str], Awaitable[list[Event]]]

# The clock stands at Friday 20 November 2026, 14:03 (+01:00).
@pytest.mark.parametrize(("phrase", "alarm", "expected"), [
    ("remind me tomorrow at 9 to call my sister", False, "2026-11-21 09:00"),
    ("remind me on Thursday to call my sister", False, "2026-11-26 09:00"),
    ("in 20 minutes remind me to take the pasta off", False, "2026-11-20 14:23"),
    ("wake me at 7", True, "2026-11-21 07:00"),
    ("wake me at 6:30", True, "2026-11-21 06:30"),
    ("at 7", False, "2026-11-20 19:00"),
    ("at 7:30am", False, "2026-11-21 07:30"),
    ("at 19:00", False, "2026-11-20 19:00"),
    ("at 1", False, "2026-11-21 01:00"),
    ("tonight", False, "2026-11-20 21:00"),
    ("tomorrow morning", False, "2026-11-21 09:00"),
    ("tomorrow at 3", False, "2026-11-21 15:00"),
    ("next Monday at 3", False, "2026-11-23 15:00"),
    ("on Tuesday at 7 in the evening", False, "2026-11-24 19:00"),
    ("at noon", False, "2026-11-21 12:00"),
    ("in an hour and a half", False, "2026-11-20 15:33"),
    ("in half an hour", False, "2026-11-20 14:33"),
    ("in 2 days", False, "2026-11-22 14:03"),
    ("on the 11th", False, "2026-12-11 09:00"),
    ("on 3 December at 10am", False, "2026-12-03 10:00"),
    ("9am tomorrow", False, "2026-11-21 09:00"),
])
def test_phrases_resolve_to_the_right_moment(clock: FixedClock, phrase: str, alarm: bool,
                                             expected: str) -> None:
    now = clock()
    due = resolve_when(phrase, now, alarm)
    assert due is not None and f"{due:%Y-%m-%d %H:%M}" == expected and due.utcoffset() == now.utcoffset()


@pytest.mark.parametrize("phrase", ["soon", "buy 2 things", "sometime", ""])
def test_phrases_without_a_time_resolve_to_nothing(clock: FixedClock, phrase: str) -> None:
    assert resolve_when(phrase, clock()) is None


def test_say_when(clock: FixedClock) -> None:
    now: datetime = clock()
    assert say_when(now.replace(hour=14, minute=23), now) == "today at 14:23 (in 20 minutes)"
    assert say_when(now.replace(day=21, hour=9, minute=0), now) == "tomorrow, Sat 21 Nov, at 09:00"
    assert say_when(now.replace(day=27, hour=9, minute=0), now) == "Fri 27 Nov at 09:00"


def test_quiet_hours_hold_until_they_end(clock: FixedClock) -> None:
    now: datetime = clock()
    quiet = QuietHours.parse("10pm to 7am")
    assert (quiet.start, quiet.end) == (time(22), time(7))
    late, early, day = now.replace(hour=23, minute=15), now.replace(hour=5), now.replace(hour=12)
    assert f"{quiet.release(late):%d %H:%M}" == "21 07:00"
    assert f"{quiet.release(early):%d %H:%M}" == "20 07:00"
    assert quiet.release(day) == day
    with pytest.raises(ValueError, match="like 22:00-07:00"):
        QuietHours.parse("whenever")


def set_call(when: str, text: str) -> dict[str, object]:
    return {"action": "call", "tool": "set_reminder", "arguments": {"when": when, "text": text}}


async def test_a_reminder_is_set_echoed_and_stored(say: Say, scripted: ScriptedModel,
                                                   companion_runtime: Runtime) -> None:
    scripted.enqueue_json(set_call("on Thursday", "call my sister"))
    events = await say("remind me on Thursday to call my sister")
    assert events[-1].text == "Reminder set for Thu 26 Nov at 09:00: call my sister."
    user = await companion_runtime.store.user("theodore")
    (kept,) = await reminders(companion_runtime.store, user)
    assert (kept.text, kept.alarm, f"{kept.due_at:%Y-%m-%dT%H:%M%z}") == ("call my sister", False,
                                                                          "2026-11-26T08:00+0000")


async def test_wake_me_sets_an_alarm(say: Say, scripted: ScriptedModel, companion_runtime: Runtime) -> None:
    scripted.enqueue_json(set_call("at 7", "wake up"))
    events = await say("wake me at 7")
    assert events[-1].text == "Alarm set for tomorrow, Sat 21 Nov, at 07:00."
    user = await companion_runtime.store.user("theodore")
    assert [r.alarm for r in await reminders(companion_runtime.store, user)] == [True]


async def test_the_persons_words_fill_in_what_the_model_left_out(say: Say, scripted: ScriptedModel) -> None:
    scripted.enqueue_json(set_call("", ""))
    events = await say("in 20 minutes remind me to take the pasta off")
    assert events[-1].text == ("Reminder set for today at 14:23 (in 20 minutes): "
                               "take the pasta off.")


async def test_a_time_that_has_passed_is_refused(say: Say, scripted: ScriptedModel,
                                                 companion_runtime: Runtime) -> None:
    scripted.enqueue_json(set_call("today at 9", "stretch"))
    events = await say("remind me today at 9 to stretch")
    (result,) = [e for e in events if isinstance(e, ToolResult)]
    assert not result.ok and "Today at 09:00 has already passed" in result.output
    assert events[-1].text == result.output
    assert await reminders(companion_runtime.store, await companion_runtime.store.user("theodore")) == []


async def test_a_reminder_in_quiet_hours_says_when_it_will_come(say: Say, scripted: ScriptedModel,
                                                                companion_runtime: Runtime) -> None:
    user = await companion_runtime.store.user("theodore")
    await companion_runtime.store.set_state(user, "quiet_hours", "22:00-07:00")
    scripted.enqueue_json(set_call("at 11pm", "take the pills"))
    events = await say("remind me at 11pm to take the pills")
    assert events[-1].text.endswith(
        "That's in your quiet hours (22:00–07:00), so I'll tell you at 07:00.")


async def test_cancel_that_undoes_a_reminder(say: Say, scripted: ScriptedModel, companion_runtime: Runtime) -> None:
    scripted.enqueue_json(set_call("tomorrow at 9", "call my sister"))
    await say("remind me tomorrow at 9 to call my sister")
    events = await say("cancel that")
    assert [c.name for c in events if isinstance(c, ToolCall)] == ["cancel_reminders"]
    assert events[-1].text == "Undone. Cancelled the reminder for tomorrow, Sat 21 Nov, at 09:00 — call my sister."
    assert await reminders(companion_runtime.store, await companion_runtime.store.user("theodore")) == []


async def test_reminders_are_listed_and_cancelled_by_their_words(say: Say, scripted: ScriptedModel,
                                                                 companion_runtime: Runtime) -> None:
    scripted.enqueue_json(set_call("tomorrow at 9", "call my sister"))
    await say("remind me tomorrow at 9 to call my sister")
    scripted.enqueue_json(set_call("in 20 minutes", "take the pasta off"))
    await say("in 20 minutes remind me to take the pasta off")

    scripted.enqueue_json({"action": "call", "tool": "list_reminders", "arguments": {}})
    events = await say("what reminders do I have?")
    (listed,) = [e for e in events if isinstance(e, ToolResult)]
    assert listed.output == ("Waiting:\n1. today at 14:23 (in 20 minutes): reminder — take the pasta off\n"
                             "2. tomorrow, Sat 21 Nov, at 09:00: reminder — call my sister")
    assert events[-1].text == listed.output  # the true list, said as it is

    scripted.enqueue_json({"action": "call", "tool": "cancel_reminder", "arguments": {"which": "the pasta"}})
    events = await say("cancel the pasta reminder")
    assert events[-1].text == "Cancelled the reminder for today at 14:23 (in 20 minutes) — take the pasta off."
    user = await companion_runtime.store.user("theodore")
    assert [r.text for r in await reminders(companion_runtime.store, user)] == ["call my sister"]

    events = await say("undo that")  # brings the pasta back
    assert [r.text for r in await reminders(companion_runtime.store, user)] == ["take the pasta off",
                                                                                 "call my sister"]


async def test_an_unclear_cancel_asks_which(say: Say, scripted: ScriptedModel) -> None:
    scripted.enqueue_json(set_call("tomorrow at 9", "call my sister"))
    await say("remind me tomorrow at 9 to call my sister")
    scripted.enqueue_json(set_call("tomorrow at 10", "call my brother"))
    await say("remind me tomorrow at 10 to call my brother")
    scripted.enqueue_json({"action": "call", "tool": "cancel_reminder", "arguments": {"which": "call"}})
    events = await say("cancel the call reminder")
    assert events[-1].text.startswith("Several match 'call'")


async def test_quiet_hours_are_set_in_conversation_and_can_be_undone(say: Say, scripted: ScriptedModel,
                                                                     companion_runtime: Runtime) -> None:
    user = await companion_runtime.store.user("theodore")
    scripted.enqueue_json({"action": "call", "tool": "change_quiet_hours",
                           "arguments": {"start": "10pm", "end": "7am"}})
    events = await say("set my quiet hours from 10pm to 7am")
    assert isinstance(events[-1], TurnEnded)
    assert str(await quiet_hours(companion_runtime.store, user)) == "22:00–07:00"
    await say("undo that")
    assert await quiet_hours(companion_runtime.store, user) is None


async def test_the_persons_words_win_over_what_the_model_copied(say: Say, scripted: ScriptedModel,
                                                                companion_runtime: Runtime) -> None:
    """A small model copies earlier errands and the date from its instructions; what the person said now wins."""
    scripted.enqueue_json(set_call("Friday 20 November 2026", "call my sister"))
    events = await say("wake me at 7")
    assert events[-1].text == "Alarm set for tomorrow, Sat 21 Nov, at 07:00."
    scripted.enqueue_json(set_call("Friday 20 November 2026, 14:03", "Call my sister"))
    events = await say("in 20 minutes remind me to take the pasta off")
    assert events[-1].text == "Reminder set for today at 14:23 (in 20 minutes): take the pasta off."


async def test_a_time_inside_the_errand_stays(say: Say, scripted: ScriptedModel) -> None:
    scripted.enqueue_json(set_call("tomorrow at 9", "dentist at 10"))
    events = await say("remind me tomorrow at 9 about the dentist at 10")
    assert events[-1].text == "Reminder set for tomorrow, Sat 21 Nov, at 09:00: dentist at 10."


@pytest.mark.parametrize(("text", "tools"), [
    ("remind me what her name was", []),
    ("Remind me, who wrote that letter?", []),
    ("what reminders do I have?", ["list_reminders"]),
    ("set an alarm for 6", ["set_reminder"]),
    ("cancel my 7am alarm", ["cancel_reminder"]),
    ("remind me to call Amy", ["set_reminder"]),
    ("set my quiet hours to 22-7", ["change_quiet_hours"]),
    ("I had a strange dream", []),
    ("I set an alarm yesterday but it didn't ring", []),
    ("do I have any reminders for tomorrow?", ["list_reminders"]),
    ("show me my alarms", ["list_reminders"]),
])
def test_which_tools_a_message_could_be_asking_for(text: str, tools: list[str]) -> None:
    from os1.capabilities import default_toolbox

    assert [t.name for t in default_toolbox().could_apply(text)] == tools
