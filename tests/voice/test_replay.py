"""`os1 talk --mic-from`: a recording with a mid-sentence pause, played into the real live loop (Silero, Whisper,
the turn detector, a real voice) in real time; the JSON lines carry each turn's moments with their times.
A scripted model answers: what is tested is the replay and its report, not the model."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from os1.cli.voice import replay_live
from os1.runtime import Runtime
from os1.testing import ScriptedModel
from os1.voice.audio import read_wav, write_wav
from os1.voice.base import Audio
from os1.voice.stt import WhisperTranscriber
from os1.voice.tts import load_voice


def espeak(text: str, path: Path) -> Audio:
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "165", "-w", str(path), text], check=True)
    return read_wav(path)


async def test_a_recording_is_heard_as_a_microphone_and_its_moments_are_timed(
        runtime: Runtime, scripted: ScriptedModel, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scripted.enqueue("The beach sounds wonderful.")
    first = espeak("I was thinking that maybe", tmp_path / "a.wav")
    second = espeak("we could go to the beach this weekend.", tmp_path / "b.wav")
    gap = np.zeros(int(0.6 * first.rate), dtype=np.float32)
    recording = Audio(np.concatenate([gap, first.samples, gap, second.samples, gap]), first.rate)
    write_wav(tmp_path / "paused.wav", recording)
    person = await runtime.store.user("theodore")
    conversation = await runtime.store.new_conversation(person)
    speaker = tmp_path / "speaker.wav"

    code = await replay_live(runtime, person, conversation, WhisperTranscriber(), load_voice("espeak"),
                             read_wav(tmp_path / "paused.wav"), speaker, json_out=True)

    assert code == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    heard = [e["text"].lower() for e in lines if e["type"] == "heard"]
    assert len(heard) == 1 and "thinking" in heard[0] and "beach" in heard[0]  # one turn: not cut at the pause
    moments = [(e["name"], e["t_s"]) for e in lines if e["type"] == "moment"]
    assert [name for name, _ in moments] == ["speech_ended", "turn_ended", "first_audio"]
    times = [t for _, t in moments]
    assert times == sorted(times) and times[0] > recording.seconds - 1.0  # the end of the second half
    assert all("t_s" in e for e in lines)
    # The speakers' output, in step with the recording: the reply, after the person's last word.
    played = read_wav(speaker)
    loud = np.flatnonzero(np.abs(played.samples) > 0.02)
    assert len(loud) and loud[0] / played.rate > recording.seconds - len(gap) / recording.rate
