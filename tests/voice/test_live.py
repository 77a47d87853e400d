"""The live loop with real audio: espeak-ng speaks the person, Silero hears them, Whisper transcribes, a voice
answers through a simulated room (real time). The reply text comes from a scripted model: what is tested here
is listening, turn-taking, speaking and interrupting, not the model."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from os1.events import Event, Heard, TurnEnded
from os1.runtime import Runtime
from os1.testing import ScriptedModel
from os1.testing.room import Room
from os1.voice.audio import read_wav
from os1.voice.base import Audio
from os1.voice.loop import VoiceLoop
from os1.voice.stt import WhisperTranscriber
from os1.voice.tts import load_voice
from os1.voice.vad import VoiceActivity

LONG_REPLY = ("Lisbon in March is lovely. The days are mild and bright, the evenings are cool, and the city is "
              "quieter than in summer. You could walk along the river, take the tram up to the castle, and eat "
              "pastries in the old bakeries. A day trip to Sintra or Cascais is easy by train. Bring a light "
              "jacket and good shoes, because the hills are steep and the stones are slippery after rain.")


def spoken(text: str, tmp: Path) -> Audio:
    path = tmp / f"{abs(hash(text))}.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "165", "-w", str(path), text], check=True)
    return read_wav(path)


@pytest.fixture(scope="module")
def stt() -> Iterator[WhisperTranscriber]:
    ear = WhisperTranscriber()
    ear.warm()
    yield ear


async def converse(runtime: Runtime, stt: WhisperTranscriber, room_setup: dict[str, float],
                   script: list[tuple[float, Audio]], interrupt: Audio | None = None,
                   interrupt_after_s: float = 1.0) -> tuple[VoiceLoop, Room, list[Event], float | None]:
    person = await runtime.store.user("theodore")
    conversation = await runtime.store.new_conversation(person)
    events: list[Event] = []
    loop = VoiceLoop(runtime.companion, person, conversation, VoiceActivity(), stt, load_voice("espeak"),
                     events.append)
    room = Room(loop.outbox, **room_setup)
    for at, audio in script:
        room.say(at, audio)
    onset: float | None = None

    async def interrupter() -> None:
        nonlocal onset
        while loop.outbox.first_sound_at is None:  # noqa: ASYNC110 - the outbox is filled from another task
            await asyncio.sleep(0.01)
        await asyncio.sleep(interrupt_after_s)
        assert interrupt is not None
        onset = room.say(room.now_s + 0.05, interrupt).onset_s

    task = asyncio.ensure_future(interrupter()) if interrupt is not None else None
    await loop.run(room.frames(done=lambda: not loop.talking and not loop.turns.speaking, linger_s=1.5))
    if task is not None:
        task.cancel()
    return loop, room, events, onset


async def test_a_spoken_question_is_heard_and_answered_out_loud(runtime: Runtime, scripted: ScriptedModel,
                                                                stt: WhisperTranscriber, tmp_path: Path) -> None:
    scripted.enqueue("Of course. Thursday it is.")
    question = spoken("Can you remind me to call my sister on Thursday?", tmp_path)
    loop, room, events, _ = await converse(runtime, stt, {}, [(0.5, question)])
    heard = [e.text for e in events if isinstance(e, Heard)]
    assert len(heard) == 1 and "sister" in heard[0].lower() and "thursday" in heard[0].lower()
    assert room.sound_times(after_s=0.5)  # the answer was played
    person = await runtime.store.user("theodore")
    stored = await runtime.store.messages(await runtime.store.latest_conversation(person))  # type: ignore[arg-type]
    assert [(m.role, m.status) for m in stored] == [("user", "complete"), ("assistant", "complete")]
    assert stored[0].content == heard[0]
    assert loop.times[0].first_audio_ms > 0


async def test_speaking_over_the_companion_stops_it_and_keeps_what_it_said(
        runtime: Runtime, scripted: ScriptedModel, stt: WhisperTranscriber, tmp_path: Path) -> None:
    scripted.delay_s = 0.02
    scripted.enqueue(LONG_REPLY)
    scripted.enqueue("Sorry, go ahead.")
    question = spoken("What is Lisbon like in March?", tmp_path)
    interruption = spoken("Wait, hold on a second.", tmp_path)
    loop, room, events, onset = await converse(runtime, stt, {}, [(0.5, question)], interrupt=interruption)
    assert onset is not None and loop.barge_ins == 1
    frame_s = 0.032
    after = [t for t in room.sound_times(after_s=onset)]
    # Playback of the first reply stops within 200 ms of the person starting to speak.
    stopped = next(t for t in np.arange(onset, onset + 2.0, frame_s)
                   if not any(abs(t - s) < frame_s / 2 for s in after))
    assert stopped - onset <= 0.2, f"playback went on {stopped - onset:.3f} s into the interruption"
    ended = [e for e in events if isinstance(e, TurnEnded)]
    assert ended[0].interrupted
    person = await runtime.store.user("theodore")
    stored = await runtime.store.messages(await runtime.store.latest_conversation(person))  # type: ignore[arg-type]
    roles = [(m.role, m.status) for m in stored]
    assert roles == [("user", "complete"), ("assistant", "interrupted"), ("user", "complete"),
                     ("assistant", "complete")]
    assert LONG_REPLY.startswith(stored[1].content) and len(stored[1].content) < len(LONG_REPLY)
    assert "hold on" in stored[2].content.lower()


async def test_its_own_voice_coming_back_does_not_interrupt_it(runtime: Runtime, scripted: ScriptedModel,
                                                               stt: WhisperTranscriber, tmp_path: Path) -> None:
    scripted.enqueue(LONG_REPLY)
    question = spoken("What is Lisbon like in March?", tmp_path)
    loop, room, events, _ = await converse(runtime, stt, {"echo_gain": 0.5, "echo_delay_s": 0.06},
                                           [(0.5, question)])
    assert loop.barge_ins == 0
    assert [e.interrupted for e in events if isinstance(e, TurnEnded)] == [False]
    person = await runtime.store.user("theodore")
    stored = await runtime.store.messages(await runtime.store.latest_conversation(person))  # type: ignore[arg-type]
    assert [(m.role, m.status) for m in stored] == [("user", "complete"), ("assistant", "complete")]
    assert len(room.sound_times()) * 0.032 > 10  # the whole reply was played


async def test_going_on_after_a_pause_before_any_answer_is_heard_makes_one_utterance(
        runtime: Runtime, scripted: ScriptedModel, stt: WhisperTranscriber, tmp_path: Path) -> None:
    scripted.delay_s = 0.3  # the first answer, if it was begun, is still being written when the person goes on
    scripted.enqueue("Oh, a present, how lovely.")
    scripted.enqueue("Your mother will love something personal.")
    person = await runtime.store.user("theodore")
    conversation = await runtime.store.new_conversation(person)
    events: list[Event] = []
    loop = VoiceLoop(runtime.companion, person, conversation, VoiceActivity(), stt, load_voice("espeak"),
                     events.append)
    room = Room(loop.outbox)
    first = room.say(0.5, spoken("I need to buy a present.", tmp_path))
    room.say(first.end_s + 0.9, spoken("For my mother's birthday next week.", tmp_path))
    await loop.run(room.frames(done=lambda: not loop.talking and not loop.turns.speaking, linger_s=1.5))
    stored = await runtime.store.messages(conversation)
    kept = [(m.role, m.content) for m in stored if m.status == "complete"]
    assert [role for role, _ in kept] == ["user", "assistant"]
    assert "present" in kept[0][1].lower() and "mother" in kept[0][1].lower()
    # Depending on how far the first answer had got (still transcribing, or already writing), it was dropped or
    # withdrawn: either way nothing of it is left in the conversation but rejected rows.
    assert all(m.status == "rejected" for m in stored if m.status != "complete")
