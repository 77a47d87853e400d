"""Mid-sentence pauses on real synthesised speech (Piper's joe, espeak-ng) through the live loop in real time:
Silero hears the pause, Whisper the words before it, and the turn is not ended there. A scripted model answers;
what is tested is where the turn ends, never how fast."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from os1.events import Event, Heard
from os1.runtime import Runtime
from os1.testing import ScriptedModel
from os1.testing.room import Room
from os1.voice.audio import read_wav
from os1.voice.base import Audio
from os1.voice.loop import VoiceLoop
from os1.voice.stt import WhisperTranscriber
from os1.voice.tts import load_voice
from os1.voice.vad import VoiceActivity


def said(text: str, speaker: str, tmp: Path) -> Audio:
    if speaker == "piper":
        try:
            return load_voice("joe").synthesize(text)
        except Exception as exc:  # noqa: BLE001 - an optional extra
            pytest.skip(f"Piper's joe is not installed: {exc}")
    path = tmp / f"{abs(hash(text))}.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "160", "-w", str(path), text], check=True)
    return read_wav(path)


@pytest.mark.parametrize(("speaker", "first", "second"), [
    ("piper", "So yesterday", "I finally finished the book you recommended."),
    ("espeak", "I need to buy a present for", "my mother's birthday next week."),
])
async def test_a_pause_mid_sentence_is_not_the_end_of_the_turn(
        runtime: Runtime, scripted: ScriptedModel, tmp_path: Path, speaker: str, first: str, second: str) -> None:
    scripted.enqueue("Tell me more.")
    person = await runtime.store.user("theodore")
    conversation = await runtime.store.new_conversation(person)
    heard: list[str] = []

    def emit(event: Event) -> None:
        if isinstance(event, Heard):
            heard.append(event.text.lower())

    loop = VoiceLoop(runtime.companion, person, conversation, VoiceActivity(), WhisperTranscriber(),
                     load_voice("espeak"), emit)
    room = Room(loop.outbox)
    line = room.say(0.3, said(first, speaker, tmp_path))
    room.say(line.end_s + 0.6, said(second, speaker, tmp_path))
    await loop.run(room.frames(done=lambda: not loop.talking and not loop.turns.speaking, linger_s=0.3,
                               limit_s=30))
    assert len(heard) == 1, heard  # one turn, answered once it was finished
    assert first.split()[1].lower() in heard[0] and second.split()[-2].lower() in heard[0]
