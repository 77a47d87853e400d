"""Facts: atomic statements about a person, each with its source message and date.

A fact has a topic ("home city", "dog's name"). A new fact on the topic of an active one supersedes it: the
old one stays, marked with what replaced it and when, so "where did I live before?" still has an answer and
the history can be inspected. The same statement learned twice is kept once.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from os1.db.store import Store, User
from os1.db.times import now_iso

_COLUMNS = "id, text, topic, happened_on, source_message_id, created_at, superseded_by, superseded_at"
_FILLER = re.compile(r"^(?:(?:the|a|an|my|his|her|their|user's|person's)\s+)+")


@dataclass(frozen=True)
class Fact:
    id: int
    text: str
    topic: str
    happened_on: str | None
    source_message_id: int | None
    created_at: str
    superseded_by: int | None = None
    superseded_at: str | None = None

    @property
    def active(self) -> bool:
        return self.superseded_by is None


def normalize_topic(topic: str) -> str:
    """A topic as a stable key: lower case, single spaces, no leading articles or possessives."""
    key = " ".join(re.sub(r"[^\w' :-]", " ", topic.lower()).split())
    return _FILLER.sub("", key).strip() or "misc"


def _same_statement(a: str, b: str) -> bool:
    def words(s: str) -> str:
        return " ".join(re.findall(r"\w+", s.lower()))
    return words(a) == words(b)


async def add_fact(store: Store, user: User, text: str, topic: str, *, happened_on: str | None = None,
                   source_message_id: int | None = None, created_at: str | None = None,
                   single_valued: frozenset[str] | None = None, replaces: Callable[[Fact], bool] | None = None,
                   related: Sequence[str] = ()) -> tuple[Fact, list[Fact]]:
    """Keep a fact; returns it (or the identical one already known) and the facts it superseded. With
    `single_valued`, only topics in it are replaced by a newer fact; others only merge identical statements.
    With `replaces`, it decides which active facts the new one makes untrue: those on the same topic, and those
    whose text or topic holds one of the `related` words."""
    key = normalize_topic(topic)
    by_slot = single_valued is None or key in single_valued
    patterns = [f"%{word}%" for word in related[:6]]

    def op(db: sqlite3.Connection) -> tuple[Fact, list[Fact]]:
        active = [_fact(r) for r in db.execute(
            f"SELECT {_COLUMNS} FROM facts WHERE user_id = ? AND topic = ? AND superseded_by IS NULL",
            (user.id, key))]
        for old in active:
            if _same_statement(old.text, text):
                return old, []
        nearby = [_fact(r) for r in db.execute(
            f"SELECT {_COLUMNS} FROM facts WHERE user_id = ? AND superseded_by IS NULL AND topic != ? AND ("
            + " OR ".join(["text LIKE ? OR topic LIKE ?"] * len(patterns)) + ") ORDER BY id DESC LIMIT 50",
            (user.id, key, *[p for p in patterns for _ in (0, 1)]))] if patterns else []
        ts = created_at or now_iso()
        cur = db.execute("INSERT INTO facts (user_id, text, topic, happened_on, source_message_id, created_at) "
                         "VALUES (?, ?, ?, ?, ?, ?)", (user.id, text, key, happened_on, source_message_id, ts))
        new = Fact(int(cur.lastrowid or 0), text, key, happened_on, source_message_id, ts)
        if replaces is not None:
            replaced = [old for old in active + nearby if replaces(old)]
        else:
            replaced = active if by_slot else []
        # The newest wins by when it was said, not by when it was learned: history learned out of order (an
        # import after a conversation here) leaves a newer fact standing.
        later = [old for old in replaced if old.created_at > ts]
        replaced = [old for old in replaced if old.created_at <= ts]
        db.executemany("UPDATE facts SET superseded_by = ?, superseded_at = ? WHERE id = ?",
                       [(new.id, ts, old.id) for old in replaced])
        if later:
            newest = max(later, key=lambda f: (f.created_at, f.id))
            db.execute("UPDATE facts SET superseded_by = ?, superseded_at = ? WHERE id = ?",
                       (newest.id, newest.created_at, new.id))
            new = Fact(new.id, text, key, happened_on, source_message_id, ts, newest.id, newest.created_at)
        return new, replaced

    return await store.write(op)


async def facts(store: Store, user: User, *, include_superseded: bool = False, limit: int = 10_000) -> list[Fact]:
    """This person's facts, newest first."""
    where = "" if include_superseded else "AND superseded_by IS NULL"
    rows = await store.read(f"SELECT {_COLUMNS} FROM facts WHERE user_id = ? {where} "
                            "ORDER BY created_at DESC, id DESC LIMIT ?", (user.id, limit))
    return [_fact(r) for r in rows]


async def facts_by_id(store: Store, user: User, ids: list[int]) -> dict[int, Fact]:
    if not ids:  # nothing to look up: no trip to the store
        return {}
    rows = await store.read(f"SELECT {_COLUMNS} FROM facts WHERE user_id = ? "
                            "AND id IN (SELECT value FROM json_each(?))", (user.id, _json(ids)))
    return {r[0]: _fact(r) for r in rows}


async def topic_history(store: Store, user: User, topic: str) -> list[Fact]:
    """Every fact ever kept on this topic, oldest first: how it changed."""
    rows = await store.read(f"SELECT {_COLUMNS} FROM facts WHERE user_id = ? AND topic = ? ORDER BY id",
                            (user.id, normalize_topic(topic)))
    return [_fact(r) for r in rows]


async def topics(store: Store, user: User, limit: int = 40) -> list[str]:
    """The topics of this person's active facts, most recently learned first."""
    rows = await store.read("SELECT topic FROM facts WHERE user_id = ? AND superseded_by IS NULL "
                            "GROUP BY topic ORDER BY max(id) DESC LIMIT ?", (user.id, limit))
    return [str(r[0]) for r in rows]


async def search_facts(store: Store, user: User, query: str, limit: int = 20,
                       include_superseded: bool = False) -> list[Fact]:
    """Facts matching the query's words (BM25), best first."""
    where = "" if include_superseded else "AND f.superseded_by IS NULL"
    rows = await store.ranked(
        "facts_fts", query,
        f"SELECT {', '.join('f.' + c for c in _COLUMNS.split(', '))} FROM facts_fts "
        f"JOIN facts f ON f.id = facts_fts.rowid WHERE facts_fts MATCH ? AND f.user_id = ? {where} "
        "ORDER BY bm25(facts_fts, 1.0, 0.0) LIMIT ?", (user.id, limit), owner=user, column="text")
    return [_fact(r) for r in rows]


async def delete_facts(store: Store, user: User, ids: list[int]) -> int:
    def op(db: sqlite3.Connection) -> int:
        cur = db.execute("DELETE FROM facts WHERE user_id = ? AND id IN (SELECT value FROM json_each(?))",
                         (user.id, _json(ids)))
        return cur.rowcount

    return await store.write(op)


def _json(ids: list[int]) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"


def _fact(row: tuple[Any, ...]) -> Fact:
    return Fact(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7])
