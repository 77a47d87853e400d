"""Voice activity (os1.voice.vad): Silero VAD v6 frame by frame, on real speech, silence and noise."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pytest

from os1.voice.audio import resample
from os1.voice.base import EAR_RATE, FRAME, Audio
from os1.voice.vad import VoiceActivity, frames, model_path

Speak = Callable[[str], Audio]  # the `speak` fixture (conftest.py)
FRAME_S = FRAME / EAR_RATE


@pytest.fixture
def vad() -> VoiceActivity:
    return VoiceActivity()


def spoken(speak: Speak, text: str) -> np.ndarray:
    return resample(speak(text), EAR_RATE).samples


def padded(samples: np.ndarray, seconds: float = 1.0) -> np.ndarray:
    silence = np.zeros(int(seconds * EAR_RATE), np.float32)
    return np.concatenate([silence, samples, silence])


def test_streaming_matches_faster_whispers_own_batched_run(speak: Speak, vad: VoiceActivity) -> None:
    from faster_whisper.vad import SileroVADModel

    samples = padded(spoken(speak, "I think I left my keys at the office."))
    samples = samples[: len(samples) // FRAME * FRAME]

    streamed = vad.probabilities(samples)
    batched = SileroVADModel(str(model_path()))(samples).reshape(-1)

    np.testing.assert_allclose(streamed, batched, atol=1e-5)


def test_speech_is_speech(speak: Speak, vad: VoiceActivity) -> None:
    samples = spoken(speak, "Could you remind me what we talked about yesterday evening?")
    loud = [float(np.sqrt(np.mean(f**2))) > 0.03 for f in frames(samples)]  # frames with a voice in them

    probabilities = vad.probabilities(samples)

    voiced = probabilities[np.array(loud)]
    print(f"speech frames: mean {voiced.mean():.2f}, median {np.median(voiced):.2f}")
    assert np.median(voiced) > 0.9
    assert voiced.mean() > 0.8


@pytest.mark.parametrize(("name", "level"), [("silence", 0.0), ("hiss at -50 dBFS", 0.003),
                                             ("hiss at -40 dBFS", 0.01)])
def test_silence_and_low_noise_are_not_speech(vad: VoiceActivity, name: str, level: float) -> None:
    noise = (np.random.default_rng(7).standard_normal(3 * EAR_RATE) * level).astype(np.float32)

    probabilities = vad.probabilities(noise)

    print(f"{name}: max {probabilities.max():.3f}")
    assert probabilities.max() < 0.2


def test_a_hum_is_not_speech(vad: VoiceActivity) -> None:
    t = np.arange(3 * EAR_RATE) / EAR_RATE
    hum = (0.2 * np.sin(2 * np.pi * 50 * t) + 0.1 * np.sin(2 * np.pi * 150 * t)).astype(np.float32)

    assert vad.probabilities(hum).max() < 0.2


def test_speech_is_found_where_it_starts_and_ends(speak: Speak, vad: VoiceActivity) -> None:
    voice = spoken(speak, "What did I tell you about my sister last week?")
    start = int(np.argmax(np.abs(voice) > 0.01)) + EAR_RATE  # first audible sample, after 1 s of silence
    end = len(voice) - int(np.argmax(np.abs(voice[::-1]) > 0.01)) + EAR_RATE

    probabilities = vad.probabilities(padded(voice))

    speech = np.flatnonzero(probabilities > 0.5)
    heard_at = (speech[0] + 1) * FRAME_S  # when the frame is complete, i.e. when a live loop could know
    print(f"speech starts {start / EAR_RATE:.3f} s, heard at {heard_at:.3f} s")
    assert 0 <= heard_at - start / EAR_RATE <= 0.15
    stopped_at = (speech[-1] + 1) * FRAME_S
    assert -0.15 <= stopped_at - end / EAR_RATE <= 0.3  # the model holds on a little after the last sound
    assert probabilities[: int(0.9 / FRAME_S)].max() < 0.1  # the leading silence


def test_reset_forgets_the_stream(speak: Speak, vad: VoiceActivity) -> None:
    speech = spoken(speak, "Hello there.")
    first = vad.probabilities(speech)
    vad.probabilities(speech)  # state moves on

    vad.reset()

    np.testing.assert_array_equal(vad.probabilities(speech), first)


def test_instances_are_independent_streams(speak: Speak) -> None:
    speech = spoken(speak, "Hello there.")
    one, two = VoiceActivity(), VoiceActivity()
    alone = VoiceActivity().probabilities(speech)

    interleaved = [(one.probability(f), two.probability(np.zeros(FRAME, np.float32))) for f in frames(speech)]

    np.testing.assert_array_equal([p for p, _ in interleaved], alone)


def test_a_frame_of_the_wrong_size_is_refused(vad: VoiceActivity) -> None:
    with pytest.raises(ValueError, match="frames of 512 samples"):
        vad.probability(np.zeros(480, np.float32))


def test_frames_pads_the_tail_or_leaves_it_out() -> None:
    samples = np.arange(2 * FRAME + 10, dtype=np.float32)

    padded_frames = list(frames(samples))
    whole_frames = list(frames(samples, pad=False))

    assert [len(f) for f in padded_frames] == [FRAME, FRAME, FRAME]
    np.testing.assert_array_equal(padded_frames[2][:10], samples[-10:])
    assert not padded_frames[2][10:].any()
    assert len(whole_frames) == 2
    assert list(frames(np.zeros(0, np.float32))) == []


def test_a_frame_costs_well_under_a_millisecond(speak: Speak, vad: VoiceActivity) -> None:
    chunks = list(frames(padded(spoken(speak, "Testing, one, two, three."))))
    vad.probabilities(np.concatenate(chunks))  # first run warms the session

    started = time.perf_counter()
    for chunk in chunks:
        vad.probability(chunk)
    per_frame = (time.perf_counter() - started) / len(chunks)

    print(f"VAD: {per_frame * 1e6:.0f} µs per {FRAME_S * 1000:.0f} ms frame ({len(chunks)} frames)")
    assert per_frame < 1e-3


def test_audio_at_another_rate_works_once_resampled(speak: Speak, vad: VoiceActivity) -> None:
    voice = speak("Good morning, how did you sleep?")  # 22.05 kHz
    at_48k = resample(voice, 48000)

    probabilities = vad.probabilities(resample(Audio(at_48k.samples, 48000), EAR_RATE).samples)

    assert probabilities.max() > 0.9
