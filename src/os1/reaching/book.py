"""Reach-outs as kept in the store: planned with a reason, delivered once (or dropped, with why), per person."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from os1.db.store import Store, User
from os1.db.times import utc_iso

Kind = Literal["follow_up", "check_in", "maintenance", "morning"]


@dataclass(frozen=True)
class ReachOut:
    id: int
    user_id: int
    kind: Kind
    about: str  # "the interview"; for a check-in, since when it was quiet; for maintenance, the notice
    reason: str  # why it is said, in words the person can be told
    event_at: datetime  # UTC: when the thing happens (the interview, the last word before silence, the outage)
    due_at: datetime  # UTC: when it is meant to be said
    delivered_at: str | None = None
    said: str | None = None
    dropped_at: str | None = None
    dropped_why: str | None = None


async def plan(store: Store, user: User, kind: Kind, about: str, reason: str, event_at: datetime,
               due_at: datetime, at: datetime) -> ReachOut | None:
    """Keep a reach-out to make; None when the same one (same person, kind, subject and moment) is kept already:
    nothing is planned, or said, twice."""
    def op(db: sqlite3.Connection) -> int | None:
        cur = db.execute("INSERT OR IGNORE INTO reach_outs (user_id, kind, about, reason, event_at, due_at, "
                         "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (user.id, kind, about, reason, utc_iso(event_at), utc_iso(due_at), utc_iso(at)))
        return int(cur.lastrowid) if cur.rowcount == 1 and cur.lastrowid else None

    reach_id = await store.write(op)
    if reach_id is None:
        return None
    return ReachOut(reach_id, user.id, kind, about, reason, _utc(utc_iso(event_at)), _utc(utc_iso(due_at)))


async def waiting(store: Store, user: User, kinds: tuple[Kind, ...] | None = None) -> list[ReachOut]:
    """This person's reach-outs not yet said nor dropped, soonest due first."""
    kinds_sql = f" AND kind IN ({', '.join('?' * len(kinds))})" if kinds else ""
    rows = await store.read(f"SELECT {_COLUMNS} FROM reach_outs WHERE user_id = ? AND delivered_at IS NULL "
                            f"AND dropped_at IS NULL{kinds_sql} ORDER BY due_at, id", (user.id, *(kinds or ())))
    return [_reach_out(r) for r in rows]


async def history(store: Store, user: User) -> list[ReachOut]:
    rows = await store.read(f"SELECT {_COLUMNS} FROM reach_outs WHERE user_id = ? ORDER BY due_at, id", (user.id,))
    return [_reach_out(r) for r in rows]


async def delivered_since(store: Store, user: User, since: datetime) -> list[ReachOut]:
    """What was said to this person unasked (maintenance notices aside) since `since`, latest last."""
    rows = await store.read(f"SELECT {_COLUMNS} FROM reach_outs WHERE user_id = ? AND delivered_at >= ? "
                            "AND kind != 'maintenance' ORDER BY delivered_at", (user.id, utc_iso(since)))
    return [_reach_out(r) for r in rows]


async def mark_delivered(store: Store, reach_out: ReachOut, said: str, at: datetime) -> bool:
    """Record that a door took it and keep the words in the person's latest conversation (so the companion knows
    it asked), in one transaction. False when it was delivered or dropped already: it is said once."""
    def op(db: sqlite3.Connection) -> bool:
        now = utc_iso(at)
        cur = db.execute("UPDATE reach_outs SET delivered_at = ?, said = ? WHERE id = ? AND delivered_at IS NULL "
                         "AND dropped_at IS NULL", (now, said, reach_out.id))
        if cur.rowcount != 1:
            return False
        row = db.execute("SELECT id FROM conversations WHERE user_id = ? ORDER BY updated_at DESC, id DESC LIMIT 1",
                         (reach_out.user_id,)).fetchone()
        conversation_id = row[0] if row else db.execute(
            "INSERT INTO conversations (user_id, created_at, updated_at) VALUES (?, ?, ?)",
            (reach_out.user_id, now, now)).lastrowid
        db.execute("INSERT INTO messages (conversation_id, role, content, status, created_at, meta) "
                   "VALUES (?, 'assistant', ?, 'complete', ?, ?)",
                   (conversation_id, said, now, json.dumps({"reach_out": reach_out.id, "kind": reach_out.kind})))
        db.execute("UPDATE conversations SET updated_at = max(updated_at, ?) WHERE id = ?", (now, conversation_id))
        return True

    return bool(await store.write(op))


async def drop(store: Store, reach_out: ReachOut, why: str, at: datetime) -> None:
    """Never say it (it went stale, the person told already, a notice's moment passed), and keep why."""
    await store.write(lambda db: db.execute(
        "UPDATE reach_outs SET dropped_at = ?, dropped_why = ? WHERE id = ? AND delivered_at IS NULL "
        "AND dropped_at IS NULL", (utc_iso(at), why, reach_out.id)))


async def upcoming_maintenance(store: Store, now: datetime) -> list[tuple[str, datetime]]:
    """Every announced maintenance not yet begun: (notice, start), soonest first."""
    rows = await store.read("SELECT DISTINCT about, event_at FROM reach_outs WHERE kind = 'maintenance' "
                            "AND event_at > ? ORDER BY event_at", (utc_iso(now),))
    return [(r[0], _utc(r[1])) for r in rows]


async def last_words(store: Store, user: User) -> datetime | None:
    """When the person last said anything, in any conversation."""
    rows = await store.read("SELECT max(m.created_at) FROM messages m JOIN conversations c ON c.id = "
                            "m.conversation_id WHERE c.user_id = ? AND m.role = 'user'", (user.id,))
    return _utc(rows[0][0]) if rows and rows[0][0] else None


_COLUMNS = "id, user_id, kind, about, reason, event_at, due_at, delivered_at, said, dropped_at, dropped_why"


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _reach_out(row: tuple[Any, ...]) -> ReachOut:
    return ReachOut(row[0], row[1], row[2], row[3], row[4], _utc(row[5]), _utc(row[6]), *row[7:])
