"""What the speaker plays next: audio queued phrase by phrase, pulled one block at a time by the device.

The device's callback (a PortAudio thread, or a simulated room) pulls fixed blocks; the voice loop appends
phrases and, on barge-in, clears the queue. Clearing takes effect at the next block, so playback stops within
one block (32 ms) of the decision.
"""

from __future__ import annotations

import threading
import time
from collections import deque

import numpy as np

from os1.voice.base import Samples


class Outbox:
    def __init__(self) -> None:
        self._queue: deque[Samples] = deque()
        self._offset = 0  # samples of the head already played
        self._lock = threading.Lock()
        self.first_sound_at: float | None = None  # perf_counter when audio was first pulled since `mark`
        self.played_samples = 0  # of queued audio, since `mark`

    def put(self, samples: Samples) -> None:
        if len(samples):
            with self._lock:
                self._queue.append(samples.astype(np.float32, copy=False))

    def clear(self) -> int:
        """Drop everything not yet played; returns how many samples were dropped."""
        with self._lock:
            dropped = sum(len(s) for s in self._queue) - self._offset
            self._queue.clear()
            self._offset = 0
            return dropped

    def mark(self) -> None:
        """Start counting anew (a new reply)."""
        with self._lock:
            self.first_sound_at = None
            self.played_samples = 0

    @property
    def busy(self) -> bool:
        with self._lock:
            return bool(self._queue)

    def pull(self, n: int) -> Samples:
        """The next `n` samples to play (silence where nothing is queued)."""
        out = np.zeros(n, dtype=np.float32)
        filled = 0
        with self._lock:
            while filled < n and self._queue:
                head = self._queue[0]
                take = min(n - filled, len(head) - self._offset)
                out[filled:filled + take] = head[self._offset:self._offset + take]
                filled += take
                self._offset += take
                if self._offset >= len(head):
                    self._queue.popleft()
                    self._offset = 0
            if filled:
                self.played_samples += filled
                if self.first_sound_at is None:
                    self.first_sound_at = time.perf_counter()
        return out
