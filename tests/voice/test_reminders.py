"""`os1 talk` says reminders out loud: the live loop in a simulated room (real time) with the runtime's scheduler
as `os1 talk` runs it (reminders_out_loud), real Silero and Whisper, espeak speaking. Said at once between turns;
during a turn, only once the reply has been said."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from os1.events import Event, Reminded, TurnEnded, TurnStarted
from os1.reminders.book import add_reminder
from os1.runtime import Runtime
from os1.testing import FixedClock, ScriptedModel
from os1.testing.room import Room
from os1.voice.audio import read_wav
from os1.voice.base import EAR_RATE, FRAME, Audio
from os1.voice.loop import VoiceLoop
from os1.voice.reminders import reminders_out_loud, spoken
from os1.voice.stt import WhisperTranscriber
from os1.voice.tts import load_voice
from os1.voice.vad import VoiceActivity
from os1.voice.wer import word_error_rate

START = datetime(2026, 11, 20, 14, 3, tzinfo=UTC)


@pytest.fixture(scope="module")
def stt() -> Iterator[WhisperTranscriber]:
    ear = WhisperTranscriber()
    ear.warm()
    yield ear


def said_aloud(text: str, tmp: Path) -> Audio:
    path = tmp / f"{abs(hash(text))}.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "165", "-w", str(path), text], check=True)
    return read_wav(path)


async def when(condition: Callable[[], bool]) -> None:
    """Wait (at most 60 s) until `condition()` holds; the room's frames go on meanwhile."""
    async def poll() -> None:
        while not condition():  # noqa: ASYNC110 - the condition is state of another task, not an event
            await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), 60)


async def test_a_reminder_is_said_out_loud_between_turns_and_waits_for_a_reply_to_be_said(
        runtime: Runtime, scripted: ScriptedModel, stt: WhisperTranscriber, tmp_path: Path) -> None:
    clock = FixedClock(START)
    runtime.companion.clock = clock
    store = runtime.store
    person = await store.user("theodore")
    conversation = await store.new_conversation(person)
    pasta = await add_reminder(store, person, "take the pasta off", clock() + timedelta(minutes=20))
    events: list[Event] = []
    loop = VoiceLoop(runtime, person, conversation, VoiceActivity(), stt, load_voice("espeak"), events.append)
    room = Room(loop.outbox)
    scheduler = runtime.scheduler
    runtime.start(learn=False)  # the runtime's one scheduler delivers through the door the loop opens
    scripted.delay_s = 0.15
    scripted.enqueue("Lisbon is lovely in March, mild and bright.")
    heard_from: list[float] = []  # the room's time when the first reminder came

    def reminded() -> list[Reminded]:
        return [e for e in events if isinstance(e, Reminded)]

    async def meanwhile() -> None:
        await when(lambda: room.now_s > 0.5)
        clock.advance(minutes=21)  # the pasta comes due while nobody speaks
        scheduler.wake()
        await when(lambda: bool(reminded()))
        heard_from.append(room.now_s)
        await when(lambda: not loop.talking)
        room.say(room.now_s + 0.3, said_aloud("What is Lisbon like in March?", tmp_path))
        await when(lambda: any(isinstance(e, TurnStarted) for e in events))
        await add_reminder(store, person, "call my sister", clock())  # due now, in the middle of a turn
        scheduler.wake()

    with reminders_out_loud(runtime.open_door, person, loop):
        script = asyncio.ensure_future(meanwhile())
        await loop.run(room.frames(done=lambda: len(reminded()) == 2 and not loop.talking, linger_s=1.0))
        await script

    assert reminded()[0] == Reminded(pasta.id, "⏰ Reminder: take the pasta off", False,
                                     "2026-11-20T14:23:00.000+00:00")
    kinds = [type(e).__name__ for e in events if isinstance(e, Reminded | TurnStarted | TurnEnded)]
    assert kinds == ["Reminded", "TurnStarted", "TurnEnded", "Reminded"]
    # Said out loud: Whisper hears the first reminder in what the room played after it came.
    first = int(heard_from[0] * EAR_RATE / FRAME)
    played = np.concatenate(room.played[first - 2:first + 120])  # about 4 s from when it came
    said = stt.transcribe(Audio(played, EAR_RATE))  # tiny.en may hear espeak's "pasta" as "past"
    assert word_error_rate("Reminder: take the pasta off", said) <= 0.2, said
    stored = [(m.role, m.content) for m in await store.messages(conversation)]
    assert stored[0] == ("assistant", "⏰ Reminder: take the pasta off")
    assert stored[-1] == ("assistant", "⏰ Reminder: call my sister") and len(stored) == 4


def test_the_clock_on_the_screen_is_not_read_out() -> None:
    assert spoken("⏰ Reminder: take the pasta off") == "Reminder: take the pasta off"
