"""Recall latency at 1k–100k memories of one person, against the peer a memory must beat: a brute-force scan.

One person is filled with N messages (conversations of 20, both speakers, a few a day over the years before
2026) through `Memory.import_conversations`, so they are stored, word-indexed and embedded as any import is.
The texts come from a pool of a few thousand distinct small-talk lines, and the embedder is memoized, so
filling 100k embeds each distinct line once instead of taking hours; queries are embedded for real, each
time, on both sides.

The peer loads every message text and vector of that person into Python once (untimed), then per query embeds
it, scores every message (shared words + cosine) and takes the top 10: the simplest thing that works.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from bench.memory import filler
from bench.memory.scoring import percentile

from os1.db.store import Role, Store, User
from os1.memory.embeddings import Embedder, Vector
from os1.memory.importers import ImportedConversation, ImportedMessage
from os1.memory.memory import Memory

PER_CONVERSATION = 20
WORD = re.compile(r"[a-z0-9']+")
STOP = frozenset("a an the i my me you your is am are was were do did does to of in on at for with and what who "
                 "which where when how it that this".split())


class MemoEmbedder:
    """An embedder that embeds each distinct passage once (same name and vectors as the one it wraps)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.strong_match = inner.strong_match
        self.weak_match = inner.weak_match
        self.queries_are_passages = inner.queries_are_passages
        self._cache: dict[str, Vector] = {}
        self.embedded = 0  # passages actually sent to the model

    def embed_passages(self, texts: list[str]) -> Vector:
        new = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if new:
            self._cache.update(zip(new, self.inner.embed_passages(new), strict=True))
            self.embedded += len(new)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def embed_query(self, text: str) -> Vector:
        return self.inner.embed_query(text)


def pool(rng: random.Random, size: int) -> tuple[list[str], list[str]]:
    """`size` distinct lines for the person and the companion's replies to draw from."""
    person: dict[str, None] = {}
    while len(person) < size:
        person[filler.user_line(rng)[0]] = None
    companion = {filler.companion_line(rng, mood): None for mood in ("good", "bad", "neutral") * 200}
    return list(person), list(companion)


def conversations(n: int, seed: int, pool_size: int = 3000,
                  speakers: tuple[str, str] | None = None) -> list[ImportedConversation]:
    """`n` messages in conversations of 20; with `speakers`, each message names who said it (the person's name,
    then the other's), as an imported transcript between two people does."""
    rng = random.Random(seed)
    person, companion = pool(rng, pool_size)
    count = max(1, n // PER_CONVERSATION)
    start = datetime(2023, 1, 1, 19, tzinfo=UTC)
    step = (datetime(2025, 12, 31, tzinfo=UTC) - start) / count
    out = []
    for c in range(count):
        at = start + step * c
        messages = []
        for m in range(PER_CONVERSATION):
            role: Role = "user" if m % 2 == 0 else "assistant"
            text = rng.choice(person if role == "user" else companion)
            speaker = speakers[m % 2] if speakers else None
            messages.append(ImportedMessage(role, text, at + timedelta(minutes=m), f"fill{n}-{c}-{m}", speaker))
        out.append(ImportedConversation("bench", f"fill{n}-{c}", None, tuple(messages)))
    return out


@dataclass
class Scan:
    """The brute-force peer: every message of one person, in Python."""

    embedder: Embedder
    texts: list[str]
    words: list[frozenset[str]]
    matrix: Vector

    @classmethod
    async def load(cls, store: Store, user: User, embedder: Embedder) -> Scan:
        rows = await store.read(
            "SELECT m.content, v.vec FROM messages m JOIN conversations c ON c.id = m.conversation_id "
            "JOIN vectors v ON v.kind = 'message' AND v.item_id = m.id AND v.model = ? WHERE c.user_id = ?",
            (embedder.name, user.id))
        if not rows:
            raise RuntimeError(f"no {embedder.name} vectors for {user.name}: nothing for the scan to score")
        texts = [str(r[0]) for r in rows]
        matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float16).reshape(len(rows), embedder.dim)
        return cls(embedder, texts, [terms(t) for t in texts], matrix.astype(np.float32))

    def search(self, query: str, limit: int = 10) -> list[str]:
        vector = self.embedder.embed_query(query)
        wanted = terms(query)
        overlap = np.fromiter((len(wanted & w) for w in self.words), dtype=np.float32, count=len(self.words))
        scores = overlap + self.matrix @ vector
        top = np.argpartition(-scores, min(limit, len(scores) - 1))[:limit]
        return [self.texts[i] for i in top[np.argsort(-scores[top])]]


def terms(text: str) -> frozenset[str]:
    return frozenset(w for w in WORD.findall(text.lower()) if w not in STOP)


SIDES = ("OS1 hybrid", "OS1 words", "OS1 meaning", "embed query", "scan")


@dataclass
class LatencyResult:
    memories: int
    fill_s: float | None
    embedded_passages: int
    ms: dict[str, list[float]]  # side → one time per query

    def summary(self) -> dict[str, float | int | None]:
        out: dict[str, float | int | None] = {"memories": self.memories, "embedded": self.embedded_passages,
                                              "fill_s": None if self.fill_s is None else round(self.fill_s, 1)}
        for side, times in self.ms.items():
            out[f"{side} p50_ms"] = round(percentile(times, 50), 2)
            out[f"{side} p95_ms"] = round(percentile(times, 95), 2)
        for q in ("p50", "p95"):
            out[f"ratio_{q}"] = round(percentile(self.ms["OS1 hybrid"], int(q[1:]))
                                      / percentile(self.ms["scan"], int(q[1:])), 3)
        return out


async def measure(folder: Path, n: int, embedder: MemoEmbedder, queries: Sequence[str], now: datetime,
                  roles: tuple[Role, ...], seed: int, speakers: tuple[str, str] | None = None) -> LatencyResult:
    """Fill one person with `n` messages (kept in `folder`: a second run reuses them), then time each query
    through OS1's recall (all signals, and words or meaning alone), the query's embedding alone, and the scan."""
    store = await Store.open(folder / (f"latency-{n}.db" if speakers is None else f"latency-{n}-named.db"))
    try:
        memory = Memory(store, embedder)
        user = await store.user(f"latency-{n}")
        before, started = embedder.embedded, time.perf_counter()
        imported = await memory.import_conversations(user, conversations(n, seed, speakers=speakers))
        fill_s = time.perf_counter() - started if imported.messages else None  # None: reused from an earlier run
        if memory.vectors is not None:
            await memory.vectors.catch_up(user)  # a reused store filled with another embedder's vectors
        scan = await Scan.load(store, user, embedder)
        sides = {"OS1 hybrid": frozenset({"words", "meaning", "time"}), "OS1 words": frozenset({"words"}),
                 "OS1 meaning": frozenset({"meaning"})}
        for q in queries[:3]:  # warm both: the vector matrix into RAM, SQLite's pages into the cache
            await memory.recall(user, q, now=now, roles=roles)
            scan.search(q)
        ms: dict[str, list[float]] = {side: [] for side in SIDES}
        for q in queries:  # interleaved, so drifting background load touches every side alike
            for side, signals in sides.items():
                started = time.perf_counter()
                await memory.recall(user, q, now=now, limit=10, signals=signals, roles=roles)
                ms[side].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            embedder.embed_query(q)
            ms["embed query"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            scan.search(q)
            ms["scan"].append((time.perf_counter() - started) * 1000)
        return LatencyResult(n, fill_s, embedder.embedded - before, ms)
    finally:
        await store.close()
