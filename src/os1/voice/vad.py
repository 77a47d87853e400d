"""Voice activity: is someone speaking in this 32 ms of audio? Silero VAD v6, frame by frame, as it arrives.

The model is the ONNX file faster-whisper ships (no torch). It is a small recurrent network: each call takes one
512-sample frame at 16 kHz with the 64 samples that came before it, plus the recurrent state (h, c) the previous
call returned, and gives the probability of speech in that frame. faster-whisper runs it over a whole file at
once; here the state and the context are carried between calls, so a live microphone can be judged 32 ms at a
time with the same numbers (tests/voice/test_vad.py checks they agree).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from os1.voice.audio import missing
from os1.voice.base import EAR_RATE, FRAME, Samples

CONTEXT = 64  # samples of the previous frame the model sees before each frame (at 16 kHz)
_STATE = (1, 1, 128)  # shape of the LSTM's h and c


def model_path() -> Path:
    """Where faster-whisper keeps its copy of Silero VAD v6."""
    try:
        from faster_whisper.utils import get_assets_path
    except ImportError as exc:
        raise missing("faster-whisper", "faster-whisper==1.2.1") from exc
    return Path(get_assets_path()) / "silero_vad_v6.onnx"


@lru_cache(maxsize=4)
def _session(path: str) -> Any:
    """One ONNX session per model file, shared: `run` is thread-safe, the per-stream state lives elsewhere."""
    try:
        import onnxruntime
    except ImportError as exc:
        raise missing("onnxruntime", "'onnxruntime>=1.18'") from exc
    options = onnxruntime.SessionOptions()
    # one frame is ~0.1 ms of work: more threads only add hand-off cost and take cores from the language model
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.enable_cpu_mem_arena = False
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(path, sess_options=options, providers=["CPUExecutionProvider"])


class VoiceActivity:
    """Speech probability for one stream of 16 kHz audio, frame by frame.

    Feed consecutive `FRAME`-sample frames to `probability`; call `reset` when the stream restarts (a new
    microphone, a gap in the audio). Not thread-safe: use one instance per stream, from one thread at a time.
    Instances share the loaded model, so a second stream costs only its state (~1 KB)."""

    def __init__(self, path: Path | None = None) -> None:
        self._session = _session(str(path or model_path()))
        self._input = np.zeros((1, CONTEXT + FRAME), dtype=np.float32)  # [context | frame], reused
        self._h = np.zeros(_STATE, dtype=np.float32)
        self._c = np.zeros(_STATE, dtype=np.float32)

    def reset(self) -> None:
        """Forget the stream so far: the next frame is judged as the first."""
        self._input[:] = 0.0
        self._h = np.zeros(_STATE, dtype=np.float32)
        self._c = np.zeros(_STATE, dtype=np.float32)

    def probability(self, frame: Samples) -> float:
        """The probability (0–1) that `frame` (FRAME samples at EAR_RATE, float32 in [-1, 1]) holds speech."""
        if frame.shape != (FRAME,):
            raise ValueError(f"Voice activity takes frames of {FRAME} samples at {EAR_RATE} Hz, got shape "
                             f"{frame.shape}: split audio with os1.voice.vad.frames().")
        self._input[0, CONTEXT:] = frame
        out, self._h, self._c = self._session.run(None, {"input": self._input, "h": self._h, "c": self._c})
        self._input[0, :CONTEXT] = frame[-CONTEXT:]  # the next frame's context
        return float(out[0])

    def probabilities(self, samples: Samples) -> npt.NDArray[np.float32]:
        """`probability` for every frame of `samples` in turn (the last one padded with silence)."""
        return np.array([self.probability(frame) for frame in frames(samples)], dtype=np.float32)


def frames(samples: Samples, pad: bool = True) -> Iterator[Samples]:
    """Consecutive FRAME-sample frames of `samples`. A shorter tail is padded with zeros, or left out when
    `pad` is False (a live stream keeps it for the next chunk instead)."""
    whole = len(samples) // FRAME
    for i in range(whole):
        yield samples[i * FRAME : (i + 1) * FRAME]
    tail = len(samples) - whole * FRAME
    if pad and tail:
        last = np.zeros(FRAME, dtype=np.float32)
        last[:tail] = samples[whole * FRAME :]
        yield last
