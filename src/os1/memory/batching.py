"""Group embedding: what several threads ask to embed at the same moment is embedded as one batch.

For a short text most of an embedding's cost is reading the model's weights (MiniLM: ~40 MB of float32, ~5 ms
of the ~7 ms a sentence takes on one core), and a batch reads them once for all its texts. On a server, one
person's question (recall) and another's last exchange (learning) often arrive together.

The first caller to find nobody embedding leads: it takes everything waiting, embeds it, and hands what came
meanwhile to the next caller in line, who leads the next batch. Nobody embeds for longer than their own batch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class _Request:
    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.vectors: Vectors | None = None
        self.error: BaseException | None = None
        self.lead = False  # handed the next batch to run
        self.ready = threading.Event()  # set when done, or when handed the lead


class GroupEmbedder:
    """Thread-safe: call it from any thread, as `embed(texts)` would be called. Only one batch runs at a time."""

    def __init__(self, embed: Callable[[list[str]], Vectors]) -> None:
        self._embed = embed
        self._lock = threading.Lock()  # guards _waiting and _busy
        self._waiting: list[_Request] = []
        self._busy = False
        self.batches = 0  # batches run, for tests and benchmarks

    def __call__(self, texts: list[str]) -> Vectors:
        request = _Request(texts)
        with self._lock:
            self._waiting.append(request)
            request.lead = not self._busy
            self._busy = True
        if not request.lead:
            request.ready.wait()
        if request.lead and request.vectors is None and request.error is None:
            self._run_batch()
        if request.error is not None:
            raise request.error
        assert request.vectors is not None
        return request.vectors

    def _run_batch(self) -> None:
        with self._lock:
            batch, self._waiting = self._waiting, []
        try:
            vectors = self._embed([text for request in batch for text in request.texts])
        except BaseException as exc:  # every caller in the batch gets it
            for request in batch:
                request.error = exc
        else:
            start = 0
            for request in batch:
                request.vectors = vectors[start:start + len(request.texts)]
                start += len(request.texts)
        self.batches += 1
        with self._lock:
            if self._waiting:
                self._waiting[0].lead = True
                self._waiting[0].ready.set()
            else:
                self._busy = False
        for request in batch:
            request.ready.set()
