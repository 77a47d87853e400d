"""The two cores, lent for a moment to what the person is waiting to hear.

When a voice turn ends, the model writes the reply on every core while the voice synthesises its first phrase
on one of them: three busy threads on two cores, and llama.cpp's threads, which wait for each other at every
layer, slow the voice down most. Nobody hears the second phrase before the first has played, so while the first
is synthesised the model waits between two tokens (`hold`), and goes on at once after. A hold is bounded: a
stuck holder never stops the model for longer than `HOLD_LIMIT_S`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

HOLD_LIMIT_S = 4.0


class Cores:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holders = 0
        self._free = threading.Event()
        self._free.set()

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Within this block the model pauses between tokens (the one under way is finished first)."""
        with self._lock:
            self._holders += 1
            self._free.clear()
        try:
            yield
        finally:
            with self._lock:
                self._holders -= 1
                if not self._holders:
                    self._free.set()

    def wait(self) -> None:
        """Called by the model between tokens: returns at once unless a hold is under way."""
        self._free.wait(HOLD_LIMIT_S)


SHARED = Cores()  # one per process: the cores are the process's
