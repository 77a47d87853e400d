"""`os1 talk --input … --output …` and `os1 voices` as a person runs them: real subprocesses, real speech models,
the real embedded model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest
import soundfile

from os1.voice.stt import WhisperTranscriber


def run_os1(home: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OS1_HOME": str(home), "OS1_TEMPERATURE": "0", "OS1_MAX_REPLY_TOKENS": "48"}
    return subprocess.run([sys.executable, "-m", "os1", *args], capture_output=True, text=True, timeout=timeout,
                          env=env, stdin=subprocess.DEVNULL)


def espeak(text: str, path: Path) -> Path:
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(path), text], check=True)
    return path


@pytest.mark.model
def test_a_spoken_question_in_a_file_gets_a_spoken_answer(home: Path, small_model_path: Path,
                                                          tmp_path: Path) -> None:
    question = espeak("My sister is called Ottilie. Can you say hello to her?", tmp_path / "question.wav")
    # A 48 kHz stereo float file: any common wav must do.
    data, rate = soundfile.read(question, dtype="float32")
    wide = np.repeat(np.interp(np.arange(0, len(data), rate / 48_000), np.arange(len(data)), data)[:, None], 2, 1)
    soundfile.write(tmp_path / "wide.wav", wide, 48_000, subtype="FLOAT")
    reply = tmp_path / "reply.wav"
    out = run_os1(home, "talk", "--model", "embedded:small", "--voice", "espeak", "--input",
                  str(tmp_path / "wide.wav"), "--output", str(reply), "--json")
    assert out.returncode == 0, out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    heard = [e["text"] for e in events if e["type"] == "heard"]
    assert len(heard) == 1 and "sister" in heard[0].lower()
    said = [e["text"] for e in events if e["type"] == "turn_ended"][0]
    assert said
    with wave.open(str(reply)) as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2 and w.getnframes() / w.getframerate() > 0.5
    # What was spoken into the reply file is the reply: Whisper hears its words.
    from os1.voice.audio import read_wav

    back = WhisperTranscriber().transcribe(read_wav(reply)).lower()
    words = [w.strip(".,!?").lower() for w in said.split() if len(w.strip(".,!?")) > 3]
    assert words and sum(w in back for w in words) >= len(words) // 2, (said, back)
    # The turn is in the history like a typed one.
    history = run_os1(home, "history", "--json")
    assert json.loads(history.stdout)[0]["messages"] == 2


def test_a_broken_or_silent_file_gets_a_clear_message(home: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.wav"
    broken.write_text("this is not audio")
    out = run_os1(home, "talk", "--model", "embedded:small", "--voice", "espeak", "--input", str(broken))
    assert out.returncode == 2 and "not a WAV file" in out.stderr and "Traceback" not in out.stderr
    silent = tmp_path / "silent.wav"
    soundfile.write(silent, np.zeros(16_000 * 2, dtype=np.float32), 16_000, subtype="PCM_16")
    out = run_os1(home, "talk", "--model", "embedded:small", "--voice", "espeak", "--input", str(silent))
    assert out.returncode == 2 and "silent" in out.stderr and "Traceback" not in out.stderr


def test_output_needs_input(home: Path) -> None:
    out = run_os1(home, "talk", "--output", "x.wav")
    assert out.returncode == 2 and "--output needs --input" in out.stderr


def test_voices_lists_the_male_and_female_voices(home: Path) -> None:
    out = run_os1(home, "voices", "--json")
    assert out.returncode == 0, out.stderr
    listed = {v["id"]: v for v in json.loads(out.stdout)}
    assert listed["joe"]["gender"] == "male" and listed["joe"]["installed"]
    assert listed["kokoro-alpha"]["gender"] == "female" and listed["kokoro-alpha"]["installed"]
    assert "GPL" in listed["joe"]["license"]
    assert [v["id"] for v in listed.values() if v["default"]] == ["kokoro-alpha"]
