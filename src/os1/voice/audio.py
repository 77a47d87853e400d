"""Audio in and out: wav files, raw 16-bit PCM for sockets and devices, and resampling to the ear's rate.

Everything inside OS1 is `Audio`: mono float32 in [-1, 1] with its rate. These functions are the border where
files and bytes become that, and where something that cannot become it turns into an `AudioError` that says
what to do.
"""

from __future__ import annotations

import os
import sys
import tempfile
from functools import lru_cache
from math import ceil, gcd
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from os1.voice.base import Audio, AudioError, Samples

SILENCE_DBFS = -60.0  # a peak below this is silence: no microphone picks up speech that quietly
_EXPORT_HINT = "Record or export it as WAV, e.g. `ffmpeg -i input.m4a -ac 1 -ar 16000 output.wav`."

# Resampling filter: a Kaiser-windowed sinc. 32 zero crossings either side and beta 8 give ~80 dB of
# stop-band rejection with the pass band flat to ~6.6 kHz at 16 kHz out: all of what Whisper listens to
# (its mel bands stop at 8 kHz) and no aliasing folded into it.
_ZERO_CROSSINGS = 32
_ROLLOFF = 0.9  # cutoff as a share of the lower rate's Nyquist frequency
_KAISER_BETA = 8.0
_BLOCK = 1024  # output samples per matrix-vector product


class EarUnavailable(RuntimeError):
    """A package the ear needs (soundfile, onnxruntime, faster-whisper) is missing. Says what to install."""


def missing(package: str, pip_line: str) -> EarUnavailable:
    """The error for a missing package, with the command that installs it into this Python."""
    return EarUnavailable(f"{package} is not installed, and OS1 needs it to listen. "
                          f"Install it: {sys.executable} -m pip install {pip_line}")


def read_wav(path: str | os.PathLike[str]) -> Audio:
    """Read a sound file (any wav: 8/16/24/32-bit integer or 32/64-bit float, any rate, any number of
    channels; also FLAC, OGG and AIFF, which the same library reads) as mono float32 audio."""
    path = Path(path)
    if not path.is_file():
        what = "is a directory" if path.is_dir() else "does not exist"
        raise AudioError(f"{path} {what}: give the path of a WAV file.")
    if path.stat().st_size == 0:
        raise AudioError(f"{path} is empty (0 bytes): nothing was recorded into it. {_EXPORT_HINT}")
    data, rate = _decode(path)
    if data.shape[0] == 0:
        raise AudioError(f"{path} has no audio in it (a WAV header with 0 samples). {_EXPORT_HINT}")
    return Audio(_to_mono(data), int(rate))


def _decode(path: Path) -> tuple[npt.NDArray[np.float32], int]:
    soundfile = _soundfile()

    try:
        data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError) as exc:
        raise AudioError(f"{path} is not a WAV file I can read ({_reason(exc)}). {_EXPORT_HINT}") from exc
    except OSError as exc:
        raise AudioError(f"{path} could not be read ({exc.strerror or exc}). Check its permissions.") from exc
    return data, int(rate)


def _reason(exc: Exception) -> str:
    # libsndfile's messages start with the path again ("Error opening '…': Format not recognised.")
    text = str(getattr(exc, "error_string", "") or exc)
    return text.split(": ", 1)[-1].rstrip(".") if text.startswith("Error opening") else text.rstrip(".")


def _to_mono(data: npt.NDArray[np.float32]) -> Samples:
    mono = data[:, 0] if data.shape[1] == 1 else data.mean(axis=1, dtype=np.float32)
    # float files may hold NaN, infinities or values past full scale: everything downstream expects [-1, 1]
    mono = np.nan_to_num(mono, nan=0.0, posinf=1.0, neginf=-1.0)
    return np.clip(mono, -1.0, 1.0).astype(np.float32, copy=False)


def write_wav(path: str | os.PathLike[str], audio: Audio) -> None:
    """Write `audio` as a 16-bit PCM mono wav. Atomic: readers see the old file or the whole new one."""
    soundfile = _soundfile()
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            soundfile.write(out, _clipped(audio.samples), audio.rate, subtype="PCM_16", format="WAV")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _soundfile() -> Any:
    try:
        import soundfile
    except (ImportError, OSError) as exc:  # OSError: the module is there but libsndfile is not
        raise missing("soundfile", "'soundfile>=0.12'") from exc
    return soundfile


def to_pcm16(audio: Audio) -> bytes:
    """Little-endian signed 16-bit samples: what sockets, sound cards and most speech services take."""
    return np.round(_clipped(audio.samples) * 32767.0).astype("<i2").tobytes()


def from_pcm16(data: bytes, rate: int) -> Audio:
    """Audio from little-endian signed 16-bit samples (the inverse of `to_pcm16`)."""
    if len(data) % 2:
        raise AudioError(f"16-bit PCM has 2 bytes per sample, but {len(data)} bytes arrived: a sample was cut.")
    if rate <= 0:
        raise AudioError(f"A sample rate must be positive, not {rate}.")
    samples = np.frombuffer(data, dtype="<i2").astype(np.float32) / np.float32(32768.0)
    return Audio(samples, rate)


def _clipped(samples: Samples) -> Samples:
    return np.clip(np.nan_to_num(samples), -1.0, 1.0).astype(np.float32, copy=False)


def is_silent(audio: Audio, floor_dbfs: float = SILENCE_DBFS) -> bool:
    """Whether `audio` holds nothing to listen to: no samples, a peak below `floor_dbfs`, or an RMS level
    20 dB under it (silence with a click or two in it)."""
    if audio.samples.size == 0:
        return True
    peak = float(np.max(np.abs(audio.samples)))
    rms = float(np.sqrt(np.mean(np.square(audio.samples, dtype=np.float64))))
    return peak < 10 ** (floor_dbfs / 20) or rms < 10 ** ((floor_dbfs - 20) / 20)


def resample(audio: Audio, rate: int) -> Audio:
    """`audio` at `rate`, by band-limited (windowed-sinc, polyphase) interpolation.

    Exact for any pair of integer rates; the length becomes ceil(len × rate / audio.rate). The audio is taken
    as silent before its start and after its end."""
    if rate <= 0 or audio.rate <= 0:
        raise AudioError(f"Cannot resample from {audio.rate} Hz to {rate} Hz: rates must be positive.")
    if rate == audio.rate or audio.samples.size == 0:
        return Audio(audio.samples.astype(np.float32, copy=False), rate)
    step = gcd(rate, audio.rate)
    return Audio(_polyphase(audio.samples, rate // step, audio.rate // step), rate)


def _polyphase(x: Samples, up: int, down: int) -> Samples:
    """Output n sits at input position n·down/up. Outputs n = m·up + j share one set of filter taps (phase j)
    and step through the input `down` samples at a time, so each phase is one matrix-vector product."""
    taps, table = _filter(up, down)
    half = taps // 2
    n_out = ceil(len(x) * up / down)
    xp = np.zeros(len(x) + taps + 1, dtype=np.float32)
    xp[half : half + len(x)] = x
    windows = np.lib.stride_tricks.sliding_window_view(xp, taps)
    y = np.empty(n_out, dtype=np.float32)
    for j in range(min(up, n_out)):
        first = (j * down) // up + 1  # xp is x shifted by `half`: output j's window starts at xp[i0 + 1]
        weights = table[(j * down) % up]
        outputs = range(j, n_out, up)
        # np.dot hands the overlapping windows to BLAS as a copy: in blocks, the copy stays in cache
        for b in range(0, len(outputs), _BLOCK):
            rows = outputs[b : b + _BLOCK]
            start = first + b * down
            y[rows.start : rows.stop : up] = windows[start : start + len(rows) * down : down].dot(weights)
    return y


@lru_cache(maxsize=16)
def _filter(up: int, down: int) -> tuple[int, npt.NDArray[np.float32]]:
    """The taps for every phase: row p holds the weights of the `taps` input samples around an output that
    falls p/up of a sample after an input sample, each row summing to 1 (unit gain at every phase)."""
    ratio = min(1.0, up / down)  # below 1 when downsampling: the cutoff follows the output's Nyquist
    half = ceil(_ZERO_CROSSINGS / (_ROLLOFF * ratio))
    taps = 2 * half
    # window sample k (0..taps-1) lies at input index i0 - half + 1 + k; its distance to the output is d
    offsets = np.arange(taps, dtype=np.float64) - half + 1
    d = offsets[None, :] - (np.arange(up, dtype=np.float64) / up)[:, None]
    cutoff = _ROLLOFF * ratio  # in cycles per input sample × 2
    window = np.i0(_KAISER_BETA * np.sqrt(np.clip(1 - (d / half) ** 2, 0.0, 1.0))) / np.i0(_KAISER_BETA)
    table = np.sinc(cutoff * d) * window
    table /= table.sum(axis=1, keepdims=True)
    return taps, table.astype(np.float32)
