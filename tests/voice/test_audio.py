"""Audio in and out (os1.voice.audio): wav files of every common kind, raw PCM, resampling, silence."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile

from os1.voice.audio import from_pcm16, is_silent, read_wav, resample, to_pcm16, write_wav
from os1.voice.base import Audio, AudioError


def tone(freq: float, seconds: float, rate: int, level: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (level * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def peak_hz(audio: Audio) -> float:
    spectrum = np.abs(np.fft.rfft(audio.samples * np.hanning(len(audio.samples))))
    return float(np.fft.rfftfreq(len(audio.samples), 1 / audio.rate)[np.argmax(spectrum)])


def level_db(samples: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(np.square(samples, dtype=np.float64))) + 1e-12))


# --- reading wav files -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("subtype", "rate", "tolerance"), [
    ("PCM_U8", 8000, 1 / 64),
    ("PCM_16", 16000, 1 / 16000),
    ("PCM_24", 44100, 1e-6),
    ("PCM_32", 48000, 1e-6),
    ("FLOAT", 22050, 1e-7),
    ("DOUBLE", 24000, 1e-7),
])
def test_reads_every_common_sample_format_and_rate(tmp_path: Path, subtype: str, rate: int, tolerance: float) -> None:
    samples = tone(440, 0.5, rate)
    path = tmp_path / f"{subtype}.wav"
    soundfile.write(path, samples, rate, subtype=subtype)

    audio = read_wav(path)

    assert audio.rate == rate
    assert audio.samples.dtype == np.float32
    assert len(audio.samples) == len(samples)
    np.testing.assert_allclose(audio.samples, samples, atol=tolerance)


def test_mixes_channels_down_to_mono_by_averaging(tmp_path: Path) -> None:
    left, right = tone(440, 0.5, 48000, 0.6), tone(1000, 0.5, 48000, 0.2)
    soundfile.write(tmp_path / "stereo.wav", np.stack([left, right], axis=1), 48000, subtype="FLOAT")
    soundfile.write(tmp_path / "quad.wav", np.stack([left, left, right, right], axis=1), 48000, subtype="PCM_24")

    for name in ("stereo.wav", "quad.wav"):
        audio = read_wav(tmp_path / name)
        assert audio.samples.ndim == 1
        np.testing.assert_allclose(audio.samples, (left + right) / 2, atol=1e-6)


def test_float_files_past_full_scale_or_with_nan_are_made_safe(tmp_path: Path) -> None:
    samples = np.array([0.5, 2.0, -3.0, np.nan, np.inf, -np.inf], dtype=np.float32)
    soundfile.write(tmp_path / "wild.wav", samples, 16000, subtype="FLOAT")

    audio = read_wav(tmp_path / "wild.wav")

    np.testing.assert_array_equal(audio.samples, [0.5, 1.0, -1.0, 0.0, 1.0, -1.0])


# --- files that cannot be used -----------------------------------------------------------------------------

def test_a_text_file_named_wav_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_text("remember to buy milk\n")

    with pytest.raises(AudioError) as caught:
        read_wav(path)

    message = str(caught.value)
    assert str(path) in message
    assert "is not a WAV file I can read" in message
    assert "Record or export it as WAV" in message


def test_a_truncated_wav_is_refused(tmp_path: Path) -> None:
    whole = tmp_path / "whole.wav"
    soundfile.write(whole, tone(440, 1.0, 16000), 16000, subtype="PCM_16")
    broken = tmp_path / "broken.wav"
    broken.write_bytes(whole.read_bytes()[:30])  # cut inside the header

    with pytest.raises(AudioError, match="broken.wav is not a WAV file I can read"):
        read_wav(broken)


def test_garbage_after_a_riff_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "garbage.wav"
    path.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(256)) * 4)

    with pytest.raises(AudioError, match="garbage.wav is not a WAV file I can read"):
        read_wav(path)


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.touch()

    with pytest.raises(AudioError, match=r"empty.wav is empty \(0 bytes\)"):
        read_wav(path)


def test_a_wav_with_no_samples_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "header-only.wav"
    soundfile.write(path, np.zeros(0, dtype=np.float32), 16000, subtype="PCM_16")

    with pytest.raises(AudioError, match="has no audio in it"):
        read_wav(path)


def test_a_missing_file_or_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="nowhere.wav does not exist"):
        read_wav(tmp_path / "nowhere.wav")
    with pytest.raises(AudioError, match="is a directory"):
        read_wav(tmp_path)


# --- writing -----------------------------------------------------------------------------------------------

def test_write_wav_makes_16_bit_mono_that_reads_back(tmp_path: Path) -> None:
    samples = tone(440, 1.0, 22050, 0.8)
    path = tmp_path / "out.wav"

    write_wav(path, Audio(samples, 22050))

    info = soundfile.info(str(path))
    assert (info.format, info.subtype, info.channels, info.samplerate) == ("WAV", "PCM_16", 1, 22050)
    back = read_wav(path)
    np.testing.assert_allclose(back.samples, samples, atol=1.5 / 32768)
    assert list(tmp_path.iterdir()) == [path]  # no temp file left behind


def test_write_wav_clips_instead_of_wrapping_around(tmp_path: Path) -> None:
    write_wav(tmp_path / "loud.wav", Audio(np.array([1.5, -1.5, 0.25], dtype=np.float32), 16000))

    np.testing.assert_allclose(read_wav(tmp_path / "loud.wav").samples, [1.0, -1.0, 0.25], atol=1 / 32768)


def test_write_wav_replaces_the_old_file_whole_or_not_at_all(tmp_path: Path) -> None:
    path = tmp_path / "reply.wav"
    write_wav(path, Audio(tone(440, 0.5, 16000), 16000))
    before = path.read_bytes()

    with pytest.raises(Exception):  # noqa: B017 - whatever soundfile raises for a rate of 0
        write_wav(path, Audio(tone(440, 0.5, 16000), 0))

    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]


# --- raw PCM -----------------------------------------------------------------------------------------------

def test_pcm16_round_trip_is_little_endian_and_exact_to_a_step() -> None:
    audio = Audio(np.array([0.0, 0.5, -0.5, 1.0, -1.0, 2.0], dtype=np.float32), 16000)

    data = to_pcm16(audio)

    assert len(data) == 12
    assert data[2:4] == (16384).to_bytes(2, "little", signed=True)  # round(0.5 × 32767)
    assert np.frombuffer(data, "<i2")[5] == 32767  # clipped, not wrapped
    back = from_pcm16(data, 16000)
    assert back.rate == 16000
    np.testing.assert_allclose(back.samples, np.clip(audio.samples, -1, 1), atol=1 / 32768 + 1e-7)


def test_pcm16_with_half_a_sample_is_refused() -> None:
    with pytest.raises(AudioError, match="2 bytes per sample, but 3 bytes"):
        from_pcm16(b"\x00\x01\x02", 16000)


# --- resampling --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("rate", [8000, 11025, 22050, 24000, 32000, 44100, 48000])
def test_resampling_to_16k_keeps_a_tone_its_pitch_level_and_length(rate: int) -> None:
    audio = Audio(tone(440, 1.0, rate), rate)

    out = resample(audio, 16000)

    assert out.rate == 16000
    assert len(out.samples) == 16000
    assert out.samples.dtype == np.float32
    assert abs(peak_hz(out) - 440) <= 1.0
    middle = out.samples[1000:-1000]  # away from the edges, where the tone starts from and stops at silence
    expected = tone(440, 1.0, 16000)[1000:-1000]
    np.testing.assert_allclose(middle, expected, atol=1e-4)


def test_resampling_up_keeps_the_tone_too() -> None:
    out = resample(Audio(tone(440, 1.0, 16000), 16000), 48000)

    assert len(out.samples) == 48000
    np.testing.assert_allclose(out.samples[3000:-3000], tone(440, 1.0, 48000)[3000:-3000], atol=1e-4)


def test_resampling_down_removes_what_the_new_rate_cannot_hold() -> None:
    # a 12 kHz tone at 48 kHz would fold back to 4 kHz at 16 kHz without the low-pass filter
    out = resample(Audio(tone(12000, 1.0, 48000), 48000), 16000)

    assert level_db(out.samples[500:-500]) - level_db(tone(12000, 1.0, 48000)) < -70


def test_resampling_lengths_round_up_and_short_clips_work() -> None:
    assert len(resample(Audio(np.ones(3, np.float32), 48000), 16000).samples) == 1
    assert len(resample(Audio(np.ones(441, np.float32), 44100), 16000).samples) == 160
    assert len(resample(Audio(np.ones(442, np.float32), 44100), 16000).samples) == 161
    assert len(resample(Audio(np.zeros(0, np.float32), 44100), 16000).samples) == 0


def test_resampling_a_constant_keeps_its_level() -> None:
    out = resample(Audio(np.full(44100, 0.25, np.float32), 44100), 16000)

    np.testing.assert_allclose(out.samples[200:-200], 0.25, atol=1e-5)


def test_resampling_to_the_same_rate_is_a_no_op_and_bad_rates_are_refused() -> None:
    audio = Audio(tone(440, 0.1, 16000), 16000)
    assert resample(audio, 16000).samples is audio.samples
    with pytest.raises(AudioError, match="rates must be positive"):
        resample(audio, 0)


def test_resampling_ten_seconds_is_fast() -> None:
    for rate in (48000, 44100):
        audio = Audio(tone(440, 10.0, rate), rate)
        resample(audio, 16000)  # builds the filter once
        started = time.perf_counter()
        resample(audio, 16000)
        elapsed = time.perf_counter() - started
        print(f"resample 10 s {rate} Hz → 16 kHz: {elapsed * 1000:.1f} ms")
        assert elapsed < 0.05


# --- silence -----------------------------------------------------------------------------------------------

def test_silence_and_a_hiss_below_minus_60_dbfs_are_silent() -> None:
    rng = np.random.default_rng(0)
    assert is_silent(Audio(np.zeros(16000, np.float32), 16000))
    assert is_silent(Audio(np.zeros(0, np.float32), 16000))
    assert is_silent(Audio((rng.standard_normal(16000) * 0.0002).astype(np.float32), 16000))


def test_a_tick_in_silence_is_silent_but_a_quiet_voice_is_not(speak: Callable[[str], Audio]) -> None:
    tick = np.zeros(16000 * 10, np.float32)
    tick[100] = 0.01  # -40 dBFS peak, but -92 dBFS over the whole clip
    assert is_silent(Audio(tick, 16000))

    voice = speak("Are you there?")
    quiet = Audio(voice.samples * 0.01, voice.rate)  # -40 dB: a voice across the room
    assert not is_silent(quiet)
