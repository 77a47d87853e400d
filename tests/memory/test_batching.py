"""Group embedding: texts asked for at the same moment, from many threads, are embedded as one batch."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from os1.memory.batching import GroupEmbedder


class SlowModel:
    """Each text's vector is (its length, its first letter's code); a batch takes 20 ms, as a model would."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()

    def __call__(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        time.sleep(0.02)
        with self._lock:
            self.running -= 1
            self.batches.append(list(texts))
        if "boom" in texts:
            raise RuntimeError("the model failed")
        return np.array([[len(t), ord(t[0])] for t in texts], dtype=np.float32)


def test_many_threads_at_once_share_batches_and_each_gets_its_own_vectors() -> None:
    model = SlowModel()
    group = GroupEmbedder(model)
    asks = [[f"text {i}", "x" * (i + 1)] for i in range(24)]

    with ThreadPoolExecutor(max_workers=24) as pool:
        results = list(pool.map(group, asks))

    for texts, vectors in zip(asks, results, strict=True):
        assert vectors.tolist() == [[len(t), ord(t[0])] for t in texts]
    assert model.most_at_once == 1  # one batch at a time
    assert len(model.batches) < len(asks)  # and most of them held several people's texts
    assert sorted(t for batch in model.batches for t in batch) == sorted(t for texts in asks for t in texts)


def test_a_failure_reaches_everyone_in_its_batch_and_the_next_batch_still_runs() -> None:
    model = SlowModel()
    group = GroupEmbedder(model)
    with pytest.raises(RuntimeError, match="the model failed"):
        group(["boom"])
    assert group(["fine"]).tolist() == [[4, ord("f")]]


def test_the_real_model_gives_the_same_vectors_in_a_group_as_alone() -> None:
    from os1.memory.embeddings import load_embedder

    embedder = load_embedder("minilm")
    texts = ["Hi", "My sister Ana is visiting next weekend and I want to cook something nice.", "Lisbon in May"]
    alone = np.stack([embedder.embed_query(t) for t in texts])

    with ThreadPoolExecutor(max_workers=3) as pool:
        together = np.stack(list(pool.map(embedder.embed_query, texts)))

    assert np.min(np.sum(alone * together, axis=1)) > 0.9999
