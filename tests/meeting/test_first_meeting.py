"""The first meeting, on a real store and a fixed clock: completed, it seeds the profile, facts and preferences and
the companion picks its name; skipped one question or all of them; left for later and resumed, after a restart;
nothing asked twice, and nothing asked that is known already."""

from __future__ import annotations

from pathlib import Path

from os1.db import state
from os1.db.store import Store, User
from os1.meeting.meeting import FirstMeeting
from os1.memory.facts import facts
from os1.memory.profile import profile
from os1.persona import Identity, default_persona
from os1.reminders.book import quiet_hours, set_quiet_hours
from os1.reminders.clock import QuietHours
from os1.testing import FixedClock, ScriptedModel


def meeting_on(store: Store, clock: FixedClock, model: ScriptedModel | None = None) -> FirstMeeting:
    return FirstMeeting(store, Identity(store, default_persona()), model or ScriptedModel(), clock)


async def start(meeting: FirstMeeting, person: User) -> str:
    line = await meeting.opening(person)
    assert line is not None
    await meeting.asked(person, line)  # a door took it
    return line.text


async def test_completed_it_seeds_the_profile_and_preferences_and_it_chooses_its_name(
        store: Store, clock: FixedClock) -> None:
    theodore = await store.user("theodore")
    model = ScriptedModel()
    model.enqueue_json({"name": "Samantha"})
    meeting = meeting_on(store, clock, model)
    opening = await start(meeting, theodore)
    assert opening.startswith("Hi. Before we really start") and opening.endswith("what should I call you?")
    replies = [await meeting.answer(theodore, text) for text in (
        "Call me Theo", "Social, I guess. Mostly.", "It's complicated. We talk on Sundays.",
        "Writing letters for other people, at work.", "11pm to 7am", "yes")]
    assert replies[0] == "Theo. I like that.\n\nAre you social or anti-social?"
    assert replies[4] is not None and replies[4].startswith("Got it: I'll stay quiet from 23:00 to 07:00.")
    last = replies[-1] or ""
    assert "I chose a name for myself: Samantha" in last
    for said in replies:
        assert said is not None and "how can i help" not in said.lower() and "assist" not in said.lower()
    blocks = await profile(store, theodore)
    assert "Goes by Theo." in blocks["who"] and "Social, I guess. Mostly" in blocks["who"]
    assert "We talk on Sundays" in blocks["people"] and "Writing letters" in blocks["now"]
    assert {f.topic for f in await facts(store, theodore)} >= {"name", "social life", "mother", "daily life"}
    assert str(await quiet_hours(store, theodore)) == "23:00–07:00"
    assert await store.get_state(theodore, state.REACH_OUT.key()) == "on"
    # Over: never asked again, and ordinary talk is not taken for an answer.
    clock.advance(days=2)
    assert await meeting.opening(theodore) is None
    assert await meeting.answer(theodore, "Hi again") is None


async def test_one_question_or_all_of_them_can_be_skipped(store: Store, clock: FixedClock) -> None:
    theodore, amy = await store.user("theodore"), await store.user("amy")
    meeting = meeting_on(store, clock)
    await start(meeting, theodore)
    await meeting.answer(theodore, "Theo")
    assert await meeting.answer(theodore, "skip") == (
        "That's fine. Next one.\n\nHow's your relationship with your mother?")
    assert await meeting.answer(theodore, "I'd rather not say") == (
        "That's fine. Next one.\n\nWhat's taking up most of your days right now — and is there anything you'd want "
        "me in on?")
    await start(meeting, amy)
    assert await meeting.answer(amy, "Can we skip the setup and just talk") == (
        "Okay — no more questions. We'll get to know each other the ordinary way.")
    assert not await meeting.active(amy) and await profile(store, amy) == {}
    clock.advance(days=1)
    assert await meeting.opening(amy) is None


async def test_left_for_later_it_resumes_after_a_restart_where_it_stopped(tmp_path: Path, clock: FixedClock) -> None:
    store = await Store.open(tmp_path / "os1.db")
    theodore = await store.user("theodore")
    await set_quiet_hours(store, theodore, QuietHours.parse("22:00-07:00"))  # known already: not asked
    meeting = meeting_on(store, clock)
    await start(meeting, theodore)
    await meeting.answer(theodore, "Theodore")
    assert await meeting.answer(theodore, "not now") == "Sure, later. I'll pick up where we left off next time."
    assert await meeting.answer(theodore, "So what's new with you?") is None  # no question waits: plain talk
    await store.close()

    clock.advance(hours=5)
    store = await Store.open(tmp_path / "os1.db")
    try:
        meeting = meeting_on(store, clock)
        resumed = await start(meeting, theodore)
        assert resumed == "Where were we… I wanted to ask you something.\n\nAre you social or anti-social?"
        assert await meeting.opening(theodore) is None  # just asked: not again at once
        asked: list[str] = []
        for answer in ("anti-social, honestly", "fine", "work", "no"):
            said = await meeting.answer(theodore, answer) or ""
            asked.append(said.split("\n\n")[-1])
        assert not any("call you" in q or "disturb" in q for q in asked)  # nothing asked twice or known
        assert await store.get_state(theodore, state.REACH_OUT.key()) == "off"
        assert not await meeting.active(theodore)
    finally:
        await store.close()


async def test_a_question_of_their_own_is_not_taken_for_an_answer(store: Store, clock: FixedClock) -> None:
    theodore = await store.user("theodore")
    meeting = meeting_on(store, clock)
    await start(meeting, theodore)
    assert await meeting.answer(theodore, "Wait, who are you?") is None  # the companion answers that itself
    assert await meeting.opening(theodore) is not None  # and the question comes again at the next door
    clock.advance(hours=2)
    assert (await profile(store, theodore)) == {}


async def test_talk_that_ignores_the_question_is_talk_not_an_answer(store: Store, clock: FixedClock) -> None:
    """A person who just starts talking is answered by the companion: "I had a long day" is nobody's name."""
    maria = await store.user("maria")
    meeting = meeting_on(store, clock)
    await start(meeting, maria)
    assert await meeting.answer(maria, "Hi, my dog is called Pickles.") is None
    assert "Goes by" not in (await profile(store, maria)).get("who", "")
    await start(meeting, maria)  # asked again at a later opening
    assert (await meeting.answer(maria, "I'm Maria")) == "Maria. I like that.\n\nAre you social or anti-social?"
    assert await meeting.answer(maria, "What a strange thing to ask") is None  # not an answer: talk


async def test_talked_past_twice_the_meeting_gives_way(store: Store, clock: FixedClock) -> None:
    jon = await store.user("jon")
    meeting = meeting_on(store, clock)
    for talk in ("I had a long day", "I'm Jon. My sister Ana is visiting."):
        await start(meeting, jon)
        assert await meeting.answer(jon, talk) is None
        assert "Goes by" not in (await profile(store, jon)).get("who", "")
    assert await meeting.opening(jon) is None and not await meeting.active(jon)
