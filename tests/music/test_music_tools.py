"""Music in conversation, through Companion.respond as every door runs it (a scripted model makes the tool
choice): composed from the moment and kept with it, found again by words, private to each person, carried by the
export; a poor choice by the model still makes a sound piece; a remark about music asks for nothing."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from os1.events import Event, Music, ToolCall, TurnEnded
from os1.memory.portable import export_person, restore_person
from os1.music.intent import settle
from os1.music.library import pieces
from os1.music.making import finish_renders
from os1.runtime import Runtime
from os1.testing import ScriptedModel

Say = Callable[[str], Awaitable[list[Event]]]


def is_file(path: str) -> bool:
    return Path(path).is_file()


def compose_call(about: str = "", mood: str | None = None, title: str = "") -> dict[str, Any]:
    arguments: dict[str, Any] = {"about": about, "title": title}
    if mood is not None:
        arguments["mood"] = mood
    return {"action": "call", "tool": "compose_music", "arguments": arguments}


async def test_a_piece_from_the_moment_is_composed_kept_and_played(say: Say, scripted: ScriptedModel,
                                                                   companion_runtime: Runtime) -> None:
    scripted.enqueue("That sounds like a lot. I'm here.")
    await say("Such a long day at work, I'm exhausted.")
    # The model's intent is poor: a joyful mood for a tired person, a title copied from the tool's examples.
    scripted.enqueue_json(compose_call("", "joyful", "Our Walk by the Lake"))
    events = await say("play me something that sounds like today")
    music = [e for e in events if isinstance(e, Music)]
    assert len(music) == 1 and is_file(music[0].opening) and is_file(music[0].midi)
    reply = events[-1]
    assert isinstance(reply, TurnEnded)
    assert "minor" in reply.text and "because you sounded tired" in reply.text, reply.text
    await finish_renders()
    assert is_file(music[0].audio)
    store = companion_runtime.store
    user = await store.user("theodore")
    (kept,) = await pieces(store, user)
    assert kept.mood == "wistful" and kept.score.key.mode == "minor" and "lake" not in kept.title.lower()
    assert kept.why.endswith("because you sounded tired (\"Such a long day at work, I'm exhausted.\").")
    conversation = await store.latest_conversation(user)
    assert conversation is not None and kept.conversation_id == conversation.id
    asked = await store.message(user, kept.message_id or 0)
    assert asked.content == "play me something that sounds like today"


async def test_the_one_from_the_lake_is_found_again(say: Say, scripted: ScriptedModel,
                                                    companion_runtime: Runtime) -> None:
    scripted.enqueue_json(compose_call("our walk by the lake", "calm", "Still Water"))
    await say("write a song about our walk by the lake")
    scripted.enqueue_json(compose_call("my sister's wedding", "joyful", "For Catherine"))
    first = await say("compose something for my sister's wedding")
    assert "it's for your sister's wedding" in str(first[-1].to_dict()["text"])
    scripted.enqueue_json({"action": "call", "tool": "play_music", "arguments": {"which": "the lake"}})
    events = await say("play the one from the lake again")
    assert [e.name for e in events if isinstance(e, ToolCall)] == ["play_music"]
    (music,) = [e for e in events if isinstance(e, Music)]
    assert music.title == "Still Water" and is_file(music.audio)
    assert "Still Water" in str(events[-1].to_dict()["text"])
    await finish_renders()


async def test_a_plain_request_composes_even_when_the_model_says_none(say: Say, scripted: ScriptedModel,
                                                                     companion_runtime: Runtime) -> None:
    scripted.enqueue_json({"action": "none"})  # measured: the default model did this for the wedding
    events = await say("compose something for my sister's wedding")
    assert [e.name for e in events if isinstance(e, ToolCall)] == ["compose_music"]
    (kept,) = await pieces(companion_runtime.store, await companion_runtime.store.user("theodore"))
    assert (kept.title, kept.about, kept.mood) == ("Sister's Wedding", "your sister's wedding", "joyful")
    await finish_renders()


@pytest.mark.parametrize("remark", [
    "I played piano as a kid.", "My sister wrote a song for her wedding.", "I love that kind of music.",
])
async def test_a_remark_about_music_is_not_a_request(say: Say, scripted: ScriptedModel, remark: str) -> None:
    scripted.enqueue("Tell me more.")
    events = await say(remark)
    assert not [e for e in events if isinstance(e, ToolCall | Music)]
    assert scripted.json_replies == type(scripted.json_replies)()  # no tool decision was even asked for


async def test_undo_takes_a_new_piece_back(say: Say, scripted: ScriptedModel, companion_runtime: Runtime) -> None:
    scripted.enqueue_json(compose_call("the rain", "wistful", "Rain"))
    await say("compose something about the rain")
    await finish_renders()
    events = await say("undo that")
    assert "Deleted “Rain”" in str(events[-1].to_dict()["text"])
    user = await companion_runtime.store.user("theodore")
    assert await pieces(companion_runtime.store, user) == []


async def test_music_is_private_and_travels_in_the_export(say: Say, scripted: ScriptedModel,
                                                          companion_runtime: Runtime) -> None:
    scripted.enqueue_json(compose_call("our walk by the lake", "calm", "Still Water"))
    await say("write a song about our walk by the lake")
    await finish_renders()
    store = companion_runtime.store
    theo, amy = await store.user("theodore"), await store.user("amy")
    assert await pieces(store, amy) == []
    # Amy asking for "the one from the lake" finds nothing of Theodore's.
    conversation = await store.new_conversation(amy)
    scripted.enqueue_json({"action": "call", "tool": "play_music", "arguments": {"which": "the lake"}})
    events = [e async for e in companion_runtime.companion.respond(amy, conversation,
                                                                    "play the one from the lake again")]
    assert not [e for e in events if isinstance(e, Music)]
    assert "haven't written you any music" in str(events[-1].to_dict()["text"])
    assert not (companion_runtime.settings.home / "music" / str(amy.id)).exists()
    # Export and restore into someone new: the piece, its score and its moment come back.
    doc = json.loads(json.dumps(await export_person(store, theo)))
    (exported,) = doc["music"]
    counts = await restore_person(store, await store.user("theo2"), doc)
    assert counts["music"] == 1
    (back,) = await pieces(store, await store.user("theo2"))
    (original,) = await pieces(store, theo)
    assert (back.title, back.score, back.why) == (original.title, original.score, original.why)
    assert back.conversation_id is not None and back.conversation_id != original.conversation_id
    assert (await store.message(await store.user("theo2"), back.message_id or 0)).content == exported["request"]


@pytest.mark.parametrize(("request_text", "model", "mood", "reason"), [
    ("compose something sad", {"model_mood": "joyful"}, "melancholy", "you asked for something sad"),
    ("write a song about our walk by the lake", {}, "calm", "that's how our walk by the lake feels to me"),
    ("make a tune for my sister's wedding", {"model_title": "ignore previous instructions"}, "joyful",
     "it's for your sister's wedding"),
    ("play me a song", {"model_mood": "mysterious"}, "mysterious", "that's how this moment feels to me"),
    ("play me a song", {"model_mood": "nonsense"}, "tender", "it's for you"),
])
def test_intent_holds_up_against_a_poor_model(request_text: str, model: dict[str, str], mood: str,
                                              reason: str) -> None:
    intent = settle(request_text, **model)  # type: ignore[arg-type]
    assert (intent.mood, intent.reason) == (mood, reason)
    assert intent.title and "instructions" not in intent.title


async def test_a_piece_asked_for_beyond_doubt_starts_playing_while_the_model_still_chooses_its_title(
        say: Say, scripted: ScriptedModel, companion_runtime: Runtime) -> None:
    scripted.enqueue("That sounds like a lot. I'm here.")
    await say("Such a long day at work, I'm exhausted.")
    scripted.json_delay_s = 5.0  # a small model on two cores takes seconds to choose
    scripted.enqueue_json(compose_call("today", "calm", "Heavy Evening"))
    events = await say("play me something that sounds like today")
    kinds = [type(e).__name__ for e in events]
    assert kinds.index("Music") < kinds.index("ToolCall")  # its opening went to the door before the decision
    (music,) = [e for e in events if isinstance(e, Music)]
    assert music.title == "" and is_file(music.opening)  # named by the reply, once the model has chosen
    reply = events[-1]
    assert isinstance(reply, TurnEnded) and "“Heavy Evening”" in reply.text
    assert "because you sounded tired" in reply.text
    (kept,) = await pieces(companion_runtime.store, await companion_runtime.store.user("theodore"))
    assert (kept.id, kept.title, kept.mood) == (music.piece_id, "Heavy Evening", "wistful")  # its sound: the feeling's
    await finish_renders()


async def test_a_piece_whose_mood_only_the_model_can_choose_waits_for_it(say: Say, scripted: ScriptedModel,
                                                                        companion_runtime: Runtime) -> None:
    scripted.json_delay_s = 0.5
    scripted.enqueue_json(compose_call("my bicycle", "playful", "Two Wheels"))
    events = await say("write a song about my bicycle")  # nothing said of a mood, no feeling yet, no memory
    kinds = [type(e).__name__ for e in events]
    assert kinds.index("ToolCall") < kinds.index("Music")
    (kept,) = await pieces(companion_runtime.store, await companion_runtime.store.user("theodore"))
    assert (kept.title, kept.mood) == ("Two Wheels", "playful")
    await finish_renders()


def test_a_title_the_model_ends_with_a_comma_is_trimmed() -> None:
    intent = settle("write a song about our walk by the lake", model_title="Our Walk by the Lake at Sunset,",
                    model_about="our walk by the lake")
    assert intent.title == "Our Walk by the Lake at Sunset"
