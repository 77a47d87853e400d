from pathlib import Path

import numpy as np

from os1.db.store import Store
from os1.memory.vector_rows import SHORTLIST_FROM, Rows
from os1.memory.vectors import Entry, VectorIndex, Vectors, group_of


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


def sentence_like_rows(count: int, dim: int, seed: int) -> np.ndarray:
    """Unit vectors whose variance falls off as a sentence embedder's does (the i-th direction holds ~1/i of it:
    a quarter of the directions hold ~80%, as MiniLM's do on real talk)."""
    rng = np.random.default_rng(seed)
    rows = rng.normal(size=(count, dim)) * (np.arange(1, dim + 1) ** -0.5) + 0.05
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows.astype(np.float32)


def test_a_large_group_shortlisted_by_projection_finds_what_an_exact_search_finds() -> None:
    dim, count = 384, SHORTLIST_FROM + 5_000
    rows = sentence_like_rows(count, dim, seed=1)
    group = Rows(dim)
    group.add(list(range(count - 1_000)), rows[:-1_000])
    for start in range(count - 1_000, count, 250):  # rows added after the fit are projected as they come
        group.add(list(range(start, start + 250)), rows[start:start + 250])
    assert group.view[3] is not None and group.size == count
    queries = sentence_like_rows(40, dim, seed=2)
    found = same = 0
    for query in queries:
        exact = rows @ query
        threshold = np.sort(exact)[-10] - 1e-6
        top = group.top(query, 10)
        found += len(top)
        same += sum(score >= threshold for score, _ in top)
        assert all(abs(score - exact[item]) < 1e-4 for score, item in top)  # scores are exact, not projected
    assert found == 400 and same / found >= 0.98
    assert group.top(rows[count - 3], 1)[0][1] == count - 3  # a row added after the fit finds itself


class CountingEmbedder:
    """Vectors from a text's letters; counts the texts embedded as passages."""

    name = "counting"
    dim = 26
    strong_match = 0.4
    weak_match = 0.3

    def __init__(self, queries_are_passages: bool) -> None:
        self.queries_are_passages = queries_are_passages
        self.passages: list[str] = []
        self.queries: list[str] = []

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.passages += texts
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        self.queries.append(text)
        return self._vector(text)

    def _vector(self, text: str) -> np.ndarray:
        counts = np.array([text.lower().count(c) for c in "abcdefghijklmnopqrstuvwxyz"], np.float32) + 0.01
        return counts / np.linalg.norm(counts)


async def test_a_message_recalled_with_is_not_embedded_again_when_learned(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "os1.db")
    embedder = CountingEmbedder(queries_are_passages=True)
    vectors = Vectors(store, embedder)
    theo, amy = await store.user("theodore"), await store.user("amy")
    said = "My sister Ana is visiting next weekend."

    await vectors.search(theo, said, limit=4)
    await vectors.add(theo, [Entry("message", 1, said, "user"), Entry("message", 2, "How lovely!", "assistant")])
    await vectors.add(amy, [Entry("message", 3, said, "user")])  # the same words from someone else: their own

    assert embedder.passages == ["How lovely!", said]
    hits = await vectors.search(theo, said, limit=1)
    assert [(h.item_id, round(h.score, 4)) for h in hits] == [(1, 1.0)]
    await store.close()


async def test_an_embedder_that_reads_queries_differently_embeds_every_passage(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "os1.db")
    embedder = CountingEmbedder(queries_are_passages=False)
    vectors = Vectors(store, embedder)
    theo = await store.user("theodore")

    await vectors.search(theo, "Ana is visiting.", limit=4)
    await vectors.add(theo, [Entry("message", 1, "Ana is visiting.", "user")])

    assert embedder.passages == ["Ana is visiting."]
    await store.close()


async def test_the_same_words_searched_twice_are_embedded_once(tmp_path: Path) -> None:
    # Voice pre-reads the prompt of the words heard so far; when the turn ends with the same words, its recall
    # searches with them again.
    store = await Store.open(tmp_path / "os1.db")
    embedder = CountingEmbedder(queries_are_passages=True)
    vectors = Vectors(store, embedder)
    theo, amy = await store.user("theodore"), await store.user("amy")

    await vectors.search(theo, "Ana is visiting.", limit=4)
    await vectors.search(theo, "Ana is visiting.", limit=4)
    await vectors.search(amy, "Ana is visiting.", limit=4)

    assert embedder.queries == ["Ana is visiting.", "Ana is visiting."]  # once for each person
    await store.close()


async def test_words_embedded_ahead_are_not_embedded_again_by_the_search(tmp_path: Path) -> None:
    # A turn starts embedding its words while its message is stored; recall's search then uses that vector.
    store = await Store.open(tmp_path / "os1.db")
    for queries_are_passages in (True, False):
        embedder = CountingEmbedder(queries_are_passages=queries_are_passages)
        vectors = Vectors(store, embedder)
        theo, amy = await store.user("theodore"), await store.user("amy")
        await vectors.add(theo, [Entry("message", 1, "Ana is visiting.", "user")])

        vectors.embed_ahead(theo, "Is Ana visiting?")
        vectors.embed_ahead(theo, "Is Ana visiting?")  # asked twice: embedded once
        hits = await vectors.search(theo, "Is Ana visiting?", limit=1)
        assert [h.item_id for h in hits] == [1]
        assert await vectors.search(amy, "Is Ana visiting?", limit=1) == []  # theo's vector, not amy's search

        assert embedder.queries == ["Is Ana visiting?", "Is Ana visiting?"]  # once for each person
    await store.close()


async def test_warm_indexes_are_bounded_by_the_rows_they_hold(tmp_path: Path, monkeypatch) -> None:
    import os1.memory.vectors as vectors_module

    monkeypatch.setattr(vectors_module, "WARM_ROWS", 10)
    store = await Store.open(tmp_path / "os1.db")
    vectors = Vectors(store, CountingEmbedder(queries_are_passages=True))
    people = [await store.user(f"person-{i}") for i in range(6)]
    for n, person in enumerate(people):
        await vectors.add(person, [Entry("message", 10 * n + k, f"memory {k} of {n}", "user") for k in range(3)])
        found = await vectors.search(person, "memory", limit=5)
        assert {h.item_id for h in found} == {10 * n, 10 * n + 1, 10 * n + 2}  # theirs alone
    warm = vectors._indexes
    assert sum(index.held for index in warm.values()) == vectors._held <= 10
    assert list(warm) == [p.id for p in people[-3:]]  # the latest searched, 3 rows each
    # A person whose index went cold finds everything again, read from the store.
    assert {h.item_id for h in await vectors.search(people[0], "memory", limit=5)} == {0, 1, 2}
    await store.close()
