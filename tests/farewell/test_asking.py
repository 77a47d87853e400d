"""Leaving for good, asked in conversation (a scripted model; a real store): recognised in the person's words and
nowhere else, answered with what would happen and a question, without the model; a yes hands the door the way
out (the `leaving` event), a no or other talk does nothing, and nothing is deleted by the conversation itself."""

from __future__ import annotations

import pytest

from os1.events import Event, Leaving, TextDelta, ToolCall, TurnEnded
from os1.farewell.asking import AGREED, asks_to_leave
from os1.runtime import Runtime
from os1.testing import ScriptedModel

ASKING = [
    "I want to leave you.", "I think I want to delete my account", "Please delete everything you know about me",
    "forget me", "I'm leaving you.", "It's time to say goodbye for good.", "I've decided to leave OS1",
    "Can you erase me from your memory?", "close my account please", "I’m leaving you for good",
    "wipe all my data", "I have decided to stop using you",
]
NOT_ASKING = [
    "I'm leaving you a note on the fridge", "Delete me from the mailing list", "My sister is leaving for good",
    "forget what I said about my ex", "I'm leaving for work", "Delete the spam", "I'm leaving you alone tonight",
    "Remind me to leave at 5", "I want to leave the party early", "forget it", "delete my 7am alarm",
    "I'm leaving you for a few days", "My ex wants me to sign the papers and leave for good",
]


@pytest.mark.parametrize("text", ASKING)
def test_asking_to_leave_is_heard(text: str) -> None:
    assert asks_to_leave(text)


@pytest.mark.parametrize("text", NOT_ASKING)
def test_other_talk_is_not_taken_for_leaving(text: str) -> None:
    assert not asks_to_leave(text)


async def say(rt: Runtime, text: str) -> list[Event]:
    person = await rt.person("theodore")
    conversation = await rt.conversation(person)
    return [e async for e in rt.respond(person, conversation, text)]


def reply(events: list[Event]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


async def test_asked_then_yes_hands_the_door_the_way_out(runtime: Runtime, scripted: ScriptedModel) -> None:
    await say(runtime, "Hello")  # the first meeting is under way or done: not what this is about
    prompts = len(scripted.prompts)
    asked = await say(runtime, "I think I want to leave you, for good.")
    question = reply(asked)
    assert "archive" in question and "deleted" in question and question.endswith("(yes / no)")
    assert not any(isinstance(e, Leaving) for e in asked)
    assert len(scripted.prompts) == prompts  # said without the model

    agreed = await say(runtime, "yes")
    assert any(isinstance(e, Leaving) for e in agreed)
    assert reply(agreed) == AGREED
    assert [e.name for e in agreed if isinstance(e, ToolCall)] == ["leave_for_good"]
    # The conversation deletes nothing: the door does, after the archive.
    person = await runtime.person("theodore")
    assert [m.content for m in await runtime.store.messages(await runtime.conversation(person))][-2:] == [
        "yes", AGREED]
    assert isinstance(agreed[-1], TurnEnded)


async def test_no_or_other_talk_leaves_everything_as_it_was(runtime: Runtime, scripted: ScriptedModel) -> None:
    await say(runtime, "Hello")
    await say(runtime, "Delete my account.")
    declined = await say(runtime, "no")
    assert reply(declined) == "Okay, I won't. Nothing was done." and not any(isinstance(e, Leaving) for e in declined)

    await say(runtime, "I want to leave you.")
    scripted.enqueue("Of course, tell me about the lake.")
    moved_on = await say(runtime, "Actually, let me tell you about the lake first.")
    assert not any(isinstance(e, Leaving) for e in moved_on)
    later = await say(runtime, "yes")  # the question was dropped when they moved on: this yes is about the lake
    assert not any(isinstance(e, Leaving) for e in later)
