"""Vectors of a person's memories: kept in the store (float16, deleted with their item by triggers) and, for
search, in in-RAM matrices per person (vector_rows.py): a query is a matrix-vector product, shortlisted
through a projection once a person has tens of thousands of rows."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from os1.db.store import Store, User
from os1.memory.embeddings import Embedder, Vector
from os1.memory.vector_rows import Rows

# Indexes kept in RAM, counted in rows held (a row is 1.5 KB at MiniLM's 384 dimensions: ~300 MB in all): on a
# server for thousands of people, a person coming back finds their index warm instead of read from the store on
# their turn. The least recently searched go first.
WARM_ROWS = 200_000
RECENT_QUERIES = 256  # query vectors kept: a message recalled with is soon learned, and need not be embedded twice


@dataclass(frozen=True)
class VectorHit:
    kind: str
    item_id: int
    score: float


@dataclass(frozen=True)
class Entry:
    """Something to find by meaning: a message (with who said it), a fact or a summary."""

    kind: str
    item_id: int
    text: str
    role: str | None = None  # messages only

    @property
    def group(self) -> str:
        return group_of(self.kind, self.role)


def group_of(kind: str, role: str | None) -> str:
    # Messages are kept apart by speaker: recall mostly wants only what the person said, and searching half
    # the rows takes half the time (the product over 100k rows is bound by memory bandwidth).
    return f"message:{role}" if kind == "message" else kind


class VectorIndex:
    """One person's vectors, searched by cosine similarity (rows and queries have length 1)."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._groups: dict[str, Rows] = {}

    def __len__(self) -> int:
        return sum(rows.size for rows in self._groups.values())

    @property
    def held(self) -> int:
        """Rows of memory this index takes, used or not yet."""
        return sum(rows.held for rows in self._groups.values())

    def add(self, entries: list[tuple[str, int]], vectors: Vector) -> None:
        """Add (group, item id) rows with their vectors."""
        by_group: dict[str, list[int]] = {}
        for n, (group, _) in enumerate(entries):
            by_group.setdefault(group, []).append(n)
        for group, rows in by_group.items():
            self._groups.setdefault(group, Rows(self.dim)).add([entries[n][1] for n in rows], vectors[rows])

    def search(self, query: Vector, limit: int, kinds: frozenset[str] | None = None,
               roles: tuple[str, ...] | None = None) -> list[VectorHit]:
        hits: list[tuple[float, str, int]] = []
        for group, rows in list(self._groups.items()):
            kind, _, role = group.partition(":")
            if (kinds is None or kind in kinds) and (not role or roles is None or role in roles):
                hits += [(score, kind, item_id) for score, item_id in rows.top(query, limit)]
        hits.sort(key=lambda h: -h[0])
        return [VectorHit(kind, item_id, score) for score, kind, item_id in hits[:limit]]


class Vectors:
    """Embeds memories as they are stored and finds them by meaning, one person at a time."""

    def __init__(self, store: Store, embedder: Embedder) -> None:
        self.store = store
        self.embedder = embedder
        self._indexes: OrderedDict[int, VectorIndex] = OrderedDict()
        self._held = 0  # rows the warm indexes hold, together
        self._queries: OrderedDict[tuple[int, str], Vector] = OrderedDict()  # (person, text) → its vector
        self._ahead: OrderedDict[tuple[int, str], asyncio.Future[Vector]] = OrderedDict()  # being embedded

    async def add(self, user: User, items: list[Entry]) -> None:
        """Embed and keep these items of this person."""
        if not items:
            return
        vectors = await self._embed(user, [item.text for item in items])
        rows = [(item.kind, item.item_id, user.id, self.embedder.name, vec.astype(np.float16).tobytes())
                for item, vec in zip(items, vectors, strict=True)]

        def op(db: sqlite3.Connection) -> None:
            db.executemany("INSERT OR REPLACE INTO vectors (kind, item_id, user_id, model, vec) "
                           "VALUES (?, ?, ?, ?, ?)", rows)

        await self.store.write(op)
        if (index := self._indexes.get(user.id)) is not None:
            before = index.held
            index.add([(item.group, item.item_id) for item in items], vectors)
            self._held += index.held - before

    def embed_ahead(self, user: User, query: str) -> None:
        """Start embedding `query` now (a turn's words, while its message is being stored): the search for it
        then finds its vector ready, or on the way."""
        key = (user.id, query)
        if key in self._queries or key in self._ahead:
            return
        ahead = asyncio.ensure_future(asyncio.to_thread(self.embedder.embed_query, query))
        ahead.add_done_callback(lambda done: done.cancelled() or done.exception())  # a failure is the search's
        self._ahead[key] = ahead
        while len(self._ahead) > RECENT_QUERIES:  # asked ahead for a turn that never searched
            self._ahead.popitem(last=False)

    async def search(self, user: User, query: str, limit: int, kinds: frozenset[str] | None = None,
                     roles: tuple[str, ...] | None = None) -> list[VectorHit]:
        """This person's items closest in meaning to `query`, best first. The query is embedded and searched
        in one trip to a worker thread, so recall's word and time searches run beside it."""
        index = await self.index(user)

        known = self._queries.get((user.id, query))  # voice pre-reads the same words before the turn ends
        ahead = self._ahead.pop((user.id, query), None)
        if known is None and ahead is not None:
            try:
                known = await ahead
            except Exception:  # embedded again below, where a lasting failure is raised
                known = None

        def embed_and_search() -> tuple[Vector, list[VectorHit]]:
            vector = known if known is not None else self.embedder.embed_query(query)
            return vector, index.search(vector, limit, kinds, roles)

        vector, hits = await asyncio.to_thread(embed_and_search)
        if self.embedder.queries_are_passages:
            self._queries[(user.id, query)] = vector
            while len(self._queries) > RECENT_QUERIES:
                self._queries.popitem(last=False)
        return hits

    async def _embed(self, user: User, texts: list[str]) -> Vector:
        """Passage vectors of `texts`; one this person searched with lately is not embedded again (a query and
        a passage are embedded alike)."""
        known = {i: vector for i, text in enumerate(texts) if (vector := self._queries.pop((user.id, text), None))
                 is not None}
        todo = [text for i, text in enumerate(texts) if i not in known]
        fresh = iter(await asyncio.to_thread(self.embedder.embed_passages, todo) if todo else [])
        return np.stack([known[i] if i in known else next(fresh) for i in range(len(texts))]).astype(np.float32)

    async def index(self, user: User) -> VectorIndex:
        index = self._indexes.get(user.id)
        if index is None:
            loaded = await self._load(user)
            index = self._indexes.get(user.id)  # another search of theirs may have loaded it meanwhile
            if index is None:
                index = self._indexes[user.id] = loaded
                self._held += index.held
        self._indexes.move_to_end(user.id)
        while self._held > WARM_ROWS and len(self._indexes) > 1:  # the one asked for stays
            self._held -= self._indexes.popitem(last=False)[1].held
        return index

    def forget_index(self, user: User) -> None:
        """Drop the in-RAM copy (after items were deleted); the next search reloads what is left."""
        if (index := self._indexes.pop(user.id, None)) is not None:
            self._held -= index.held

    async def missing(self, user: User, limit: int = 512) -> list[Entry]:
        """This person's messages, facts and summaries that have no vector from this embedder yet."""
        rows = await self.store.read(
            """SELECT 'message', m.id, m.content, m.role
               FROM messages m JOIN conversations c ON c.id = m.conversation_id
               WHERE c.user_id = ? AND m.status IN ('complete', 'interrupted') AND NOT EXISTS
                 (SELECT 1 FROM vectors v WHERE v.kind = 'message' AND v.item_id = m.id AND v.model = ?)
               UNION ALL
               SELECT 'fact', f.id, f.text, NULL FROM facts f WHERE f.user_id = ? AND NOT EXISTS
                 (SELECT 1 FROM vectors v WHERE v.kind = 'fact' AND v.item_id = f.id AND v.model = ?)
               UNION ALL
               SELECT 'summary', s.id, s.text, NULL FROM summaries s WHERE s.user_id = ? AND NOT EXISTS
                 (SELECT 1 FROM vectors v WHERE v.kind = 'summary' AND v.item_id = s.id AND v.model = ?)
               LIMIT ?""",
            (user.id, self.embedder.name, user.id, self.embedder.name, user.id, self.embedder.name, limit))
        return [Entry(str(r[0]), int(r[1]), str(r[2]), r[3]) for r in rows]

    async def catch_up(self, user: User) -> int:
        """Embed whatever of this person's memory has no vector yet (after an upgrade or a crash)."""
        done = 0
        while batch := await self.missing(user):
            await self.add(user, batch)
            done += len(batch)
        return done

    async def _load(self, user: User) -> VectorIndex:
        rows = await self.store.read(
            "SELECT v.kind, v.item_id, v.vec, m.role FROM vectors v "
            "LEFT JOIN messages m ON v.kind = 'message' AND m.id = v.item_id WHERE v.user_id = ? AND v.model = ?",
            (user.id, self.embedder.name))
        index = VectorIndex(self.embedder.dim)
        if rows:
            matrix = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float16)
            index.add([(group_of(str(r[0]), r[3]), int(r[1])) for r in rows],
                      matrix.reshape(len(rows), self.embedder.dim).astype(np.float32))
        return index
