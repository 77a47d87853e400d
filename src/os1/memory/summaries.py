"""Summaries: what a stretch of conversation was about, written by reflection. They let recall answer
"what did we talk about last weekend?" with one line instead of forty messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from os1.db.store import Conversation, Store, StoredMessage, User
from os1.db.times import now_iso

_COLUMNS = "id, conversation_id, text, first_message_id, last_message_id, started_at, ended_at"


@dataclass(frozen=True)
class Summary:
    id: int
    conversation_id: int
    text: str
    first_message_id: int
    last_message_id: int
    started_at: str
    ended_at: str


async def add_summary(store: Store, user: User, conversation: Conversation, text: str,
                      covered: list[StoredMessage]) -> Summary:
    first, last = covered[0], covered[-1]
    summary_id = await store.write(lambda db: int(db.execute(
        "INSERT INTO summaries (user_id, conversation_id, text, first_message_id, last_message_id, started_at, "
        "ended_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (user.id, conversation.id, text, first.id, last.id, first.created_at, last.created_at,
         now_iso())).lastrowid or 0))
    return Summary(summary_id, conversation.id, text, first.id, last.id, first.created_at, last.created_at)


async def summarized_through(store: Store, conversation: Conversation) -> int:
    """The last message id of this conversation that a summary already covers (0 if none)."""
    rows = await store.read("SELECT coalesce(max(last_message_id), 0) FROM summaries WHERE conversation_id = ?",
                            (conversation.id,))
    return int(rows[0][0])


async def summaries(store: Store, user: User, limit: int = 1000) -> list[Summary]:
    rows = await store.read(f"SELECT {_COLUMNS} FROM summaries WHERE user_id = ? ORDER BY ended_at DESC LIMIT ?",
                            (user.id, limit))
    return [_summary(r) for r in rows]


async def summaries_by_id(store: Store, user: User, ids: list[int]) -> dict[int, Summary]:
    if not ids:  # nothing to look up: no trip to the store
        return {}
    rows = await store.read(f"SELECT {_COLUMNS} FROM summaries WHERE user_id = ? "
                            "AND id IN (SELECT value FROM json_each(?))", (user.id, str(list(ids))))
    return {r[0]: _summary(r) for r in rows}


async def search_summaries(store: Store, user: User, query: str, limit: int = 10) -> list[Summary]:
    rows = await store.ranked(
        "summaries_fts", query,
        f"SELECT {', '.join('s.' + c for c in _COLUMNS.split(', '))} FROM summaries_fts "
        "JOIN summaries s ON s.id = summaries_fts.rowid WHERE summaries_fts MATCH ? AND s.user_id = ? "
        "ORDER BY bm25(summaries_fts, 1.0, 0.0) LIMIT ?", (user.id, limit), owner=user, column="text")
    return [_summary(r) for r in rows]


async def summaries_between(store: Store, user: User, start: str, end: str, limit: int = 10) -> list[Summary]:
    """Summaries of conversation that overlaps [start, end)."""
    rows = await store.read(f"SELECT {_COLUMNS} FROM summaries WHERE user_id = ? AND ended_at >= ? "
                            "AND started_at < ? ORDER BY started_at LIMIT ?", (user.id, start, end, limit))
    return [_summary(r) for r in rows]


def _summary(row: tuple[Any, ...]) -> Summary:
    return Summary(row[0], row[1], row[2], row[3], row[4], row[5], row[6])
