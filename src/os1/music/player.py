"""Playing a piece through the speakers (PortAudio, through sounddevice): its opening at once, then, seamlessly,
the whole piece once it has rendered. One piece at a time; a new one stops the one before.

Where there are no speakers, `speakers()` says so and the door says where the file is instead.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import soundfile

POLL_S = 0.05
WAIT_FOR_WHOLE_S = 120.0  # the whole piece must have rendered by then, or playing stops after the opening


def _sounddevice() -> Any:
    try:
        import sounddevice
    except (OSError, ImportError):  # PortAudio (libportaudio2) missing, or the package
        return None
    return sounddevice


def speakers() -> bool:
    """Whether there is an output device to play through."""
    sd = _sounddevice()
    if sd is None:
        return False
    try:
        return any(d["max_output_channels"] > 0 for d in sd.query_devices())
    except Exception:  # noqa: BLE001 - PortAudio without a device raises its own error types
        return False


class Player:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stream: Any = None
        self._sd: Any = None
        self._samples = np.zeros((0, 2), dtype=np.float32)
        self._whole = False
        self._position = 0
        self._finished = threading.Event()
        self._finished.set()

    def play(self, audio: Path, opening: Path | None = None) -> None:
        """Start playing; returns at once. `audio` may not exist yet if `opening` does."""
        self.stop()
        sd = _sounddevice()
        if sd is None:
            raise RuntimeError("Sound needs PortAudio: sudo apt-get install libportaudio2")
        self._sd = sd
        first = opening if opening is not None and not audio.is_file() and opening.is_file() else audio
        samples, rate = soundfile.read(str(first), dtype="float32", always_2d=True)
        with self._lock:
            self._samples, self._whole, self._position = samples, first == audio, 0
        self._finished.clear()
        self._stream = sd.OutputStream(samplerate=rate, channels=samples.shape[1], dtype="float32",
                                       callback=self._fill, finished_callback=self._finished.set)
        self._stream.start()
        if first != audio:
            threading.Thread(target=self._await_whole, args=(audio,), daemon=True).start()

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.abort()
            stream.close()
        self._finished.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the piece has played to its end (or stopped); False if `timeout` came first."""
        return self._finished.wait(timeout)

    @property
    def playing(self) -> bool:
        return not self._finished.is_set()

    def _fill(self, out: Any, frames: int, _time: Any, _status: Any) -> None:
        with self._lock:
            chunk = self._samples[self._position:self._position + frames]
            out[:len(chunk)] = chunk
            out[len(chunk):] = 0  # the whole piece is late: silence until it comes
            self._position += len(chunk)
            ended = self._whole and self._position >= len(self._samples)
        if ended:
            raise self._sd.CallbackStop

    def _await_whole(self, audio: Path) -> None:
        deadline = time.monotonic() + WAIT_FOR_WHOLE_S
        while not audio.is_file():
            if time.monotonic() > deadline or self._finished.is_set():
                with self._lock:
                    self._whole = True  # it never came: end after the opening
                return
            time.sleep(POLL_S)
        samples, _ = soundfile.read(str(audio), dtype="float32", always_2d=True)
        with self._lock:  # the opening is the start of the whole: carry on from the same sample
            self._samples, self._whole = samples, True
