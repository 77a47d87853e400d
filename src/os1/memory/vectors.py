"""Vectors of a person's memories: kept in the store (float16, deleted with their item by triggers) and, for
search, in one in-RAM matrix per person, so a query is a single matrix-vector product (~5 ms at 100k)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from os1.memory.embeddings import Embedder, Vector
from os1.memory.store import Store, User

KIND_CODES = {"message": 1, "fact": 2, "summary": 3}
WARM_PEOPLE = 64  # indexes kept in RAM; a household server rarely has more people talking at once


@dataclass(frozen=True)
class VectorHit:
    kind: str
    item_id: int
    score: float


class VectorIndex:
    """One person's vectors, searched by cosine similarity (rows and queries have length 1)."""

    def __init__(self, dim: int) -> None:
        self._kinds: list[str] = []
        self._ids: list[int] = []
        self._matrix = np.zeros((0, dim), dtype=np.float32)
        self._codes = np.zeros(0, dtype=np.int8)  # each row's kind as a small number, for fast filtering
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def add(self, keys: list[tuple[str, int]], vectors: Vector) -> None:
        needed = self._size + len(keys)
        if needed > len(self._matrix):  # grow by doubling: appends stay cheap
            grown = np.zeros((max(needed, 2 * len(self._matrix), 256), self._matrix.shape[1]), dtype=np.float32)
            grown[:self._size] = self._matrix[:self._size]
            self._matrix = grown
            codes = np.zeros(len(grown), dtype=np.int8)
            codes[:self._size] = self._codes[:self._size]
            self._codes = codes
        self._matrix[self._size:needed] = vectors
        self._codes[self._size:needed] = [KIND_CODES.get(k, 0) for k, _ in keys]
        self._kinds += [k for k, _ in keys]
        self._ids += [i for _, i in keys]
        self._size = needed

    def search(self, query: Vector, limit: int, kinds: frozenset[str] | None = None) -> list[VectorHit]:
        if not self._size:
            return []
        scores = self._matrix[:self._size] @ query
        if kinds is not None:
            wanted = np.isin(self._codes[:self._size], [KIND_CODES.get(k, 0) for k in kinds])
            scores = np.where(wanted, scores, -2.0)
        k = min(limit, self._size)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [VectorHit(self._kinds[i], self._ids[i], float(scores[i])) for i in top if scores[i] > -2.0]


class Vectors:
    """Embeds memories as they are stored and finds them by meaning, one person at a time."""

    def __init__(self, store: Store, embedder: Embedder) -> None:
        self.store = store
        self.embedder = embedder
        self._indexes: OrderedDict[int, VectorIndex] = OrderedDict()

    async def add(self, user: User, items: list[tuple[str, int, str]]) -> None:
        """Embed and keep (kind, id, text) items of this person."""
        if not items:
            return
        vectors = await asyncio.to_thread(self.embedder.embed_passages, [text for _, _, text in items])
        rows = [(kind, item_id, user.id, self.embedder.name, vec.astype(np.float16).tobytes())
                for (kind, item_id, _), vec in zip(items, vectors, strict=True)]

        def op(db: sqlite3.Connection) -> None:
            db.executemany("INSERT OR REPLACE INTO vectors (kind, item_id, user_id, model, vec) "
                           "VALUES (?, ?, ?, ?, ?)", rows)

        await self.store.write(op)
        if user.id in self._indexes:
            self._indexes[user.id].add([(kind, item_id) for kind, item_id, _ in items], vectors)

    async def search(self, user: User, query: str | Vector, limit: int,
                     kinds: frozenset[str] | None = None) -> list[VectorHit]:
        vector = await self.query_vector(query) if isinstance(query, str) else query
        return (await self.index(user)).search(vector, limit, kinds)

    async def query_vector(self, text: str) -> Vector:
        return await asyncio.to_thread(self.embedder.embed_query, text)

    async def index(self, user: User) -> VectorIndex:
        index = self._indexes.get(user.id)
        if index is None:
            index = await self._load(user)
            self._indexes[user.id] = index
            while len(self._indexes) > WARM_PEOPLE:
                self._indexes.popitem(last=False)
        self._indexes.move_to_end(user.id)
        return index

    def forget_index(self, user: User) -> None:
        """Drop the in-RAM copy (after items were deleted); the next search reloads what is left."""
        self._indexes.pop(user.id, None)

    async def missing(self, user: User, limit: int = 512) -> list[tuple[str, int, str]]:
        """This person's messages, facts and summaries that have no vector from this embedder yet."""
        rows = await self.store.read(
            """SELECT 'message', m.id, m.content FROM messages m JOIN conversations c ON c.id = m.conversation_id
               WHERE c.user_id = ? AND m.status IN ('complete', 'interrupted') AND NOT EXISTS
                 (SELECT 1 FROM vectors v WHERE v.kind = 'message' AND v.item_id = m.id AND v.model = ?)
               UNION ALL
               SELECT 'fact', f.id, f.text FROM facts f WHERE f.user_id = ? AND NOT EXISTS
                 (SELECT 1 FROM vectors v WHERE v.kind = 'fact' AND v.item_id = f.id AND v.model = ?)
               UNION ALL
               SELECT 'summary', s.id, s.text FROM summaries s WHERE s.user_id = ? AND NOT EXISTS
                 (SELECT 1 FROM vectors v WHERE v.kind = 'summary' AND v.item_id = s.id AND v.model = ?)
               LIMIT ?""",
            (user.id, self.embedder.name, user.id, self.embedder.name, user.id, self.embedder.name, limit))
        return [(str(r[0]), int(r[1]), str(r[2])) for r in rows]

    async def catch_up(self, user: User) -> int:
        """Embed whatever of this person's memory has no vector yet (after an upgrade or a crash)."""
        done = 0
        while batch := await self.missing(user):
            await self.add(user, batch)
            done += len(batch)
        return done

    async def _load(self, user: User) -> VectorIndex:
        rows = await self.store.read("SELECT kind, item_id, vec FROM vectors WHERE user_id = ? AND model = ?",
                                     (user.id, self.embedder.name))
        index = VectorIndex(self.embedder.dim)
        if rows:
            matrix = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float16)
            index.add([(str(r[0]), int(r[1])) for r in rows],
                      matrix.reshape(len(rows), self.embedder.dim).astype(np.float32))
        return index
