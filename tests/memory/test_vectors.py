import numpy as np

from os1.memory.vectors import VectorIndex, group_of


def unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_search_keeps_speakers_and_kinds_apart() -> None:
    index = VectorIndex(dim=3)
    index.add([(group_of("message", "user"), 1), (group_of("message", "assistant"), 2), (group_of("fact", None), 3)],
              np.stack([unit(1, 0, 0), unit(1, 0.1, 0), unit(0.9, 0.2, 0)]))
    query = unit(1, 0, 0)
    assert [(h.kind, h.item_id) for h in index.search(query, 10)] == [("message", 1), ("message", 2), ("fact", 3)]
    assert [h.item_id for h in index.search(query, 10, roles=("user",))] == [1, 3]
    assert [h.item_id for h in index.search(query, 10, kinds=frozenset({"fact"}))] == [3]
    assert [h.item_id for h in index.search(query, 1)] == [1]


def test_growing_keeps_every_row_and_a_reader_sees_a_consistent_snapshot() -> None:
    index = VectorIndex(dim=2)
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(1000, 2)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    for start in range(0, 1000, 100):
        index.add([("fact", i) for i in range(start, start + 100)], rows[start:start + 100])
    assert len(index) == 1000
    best = index.search(rows[737], 1)[0]
    assert best.item_id == 737 and abs(best.score - 1.0) < 1e-5
