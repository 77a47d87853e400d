"""The audit log: every action OS1 took with a tool that changed something, for whom, and how to undo it."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from os1.db.store import Conversation, Store, User
from os1.db.times import now_iso
from os1.tools.registry import Undo


@dataclass(frozen=True)
class Action:
    id: int
    conversation_id: int | None
    tool: str
    arguments: dict[str, Any]
    summary: str  # what was done, in one sentence
    result: str
    undo: Undo | None  # None: the world does not allow it (a sent mail stays sent)
    confirmed: bool  # the person said yes to it (False: it ran at once, as reminders do)
    created_at: str
    undone_at: str | None


async def record(store: Store, user: User, conversation: Conversation | None, tool: str,
                 arguments: dict[str, Any], summary: str, result: str, undo: Undo | None,
                 confirmed: bool) -> Action:
    """Write one done action to the log, durably."""
    undo_json = json.dumps({"tool": undo.tool, "arguments": undo.arguments}, default=str) if undo else None
    created = now_iso()
    conversation_id = conversation.id if conversation else None

    def op(db: sqlite3.Connection) -> int:
        cur = db.execute(
            "INSERT INTO actions (user_id, conversation_id, tool, arguments, summary, result, undo, confirmed, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (user.id, conversation_id, tool, json.dumps(arguments, default=str, ensure_ascii=False), summary,
             result, undo_json, int(confirmed), created))
        return int(cur.lastrowid or 0)

    action_id = await store.write(op)
    return Action(action_id, conversation_id, tool, arguments, summary, result, undo, confirmed, created, None)


async def actions(store: Store, user: User, limit: int = 50) -> list[Action]:
    """This person's actions, newest first."""
    rows = await store.read(f"SELECT {_COLUMNS} FROM actions WHERE user_id = ? ORDER BY id DESC LIMIT ?",
                            (user.id, limit))
    return [_action(r) for r in rows]


async def last_undoable(store: Store, user: User, conversation: Conversation | None = None) -> Action | None:
    """The newest action not undone yet (in this conversation, when one is given)."""
    where = "user_id = ? AND undone_at IS NULL" + (" AND conversation_id = ?" if conversation else "")
    params: tuple[Any, ...] = (user.id, conversation.id) if conversation else (user.id,)
    rows = await store.read(f"SELECT {_COLUMNS} FROM actions WHERE {where} ORDER BY id DESC LIMIT 1", params)
    return _action(rows[0]) if rows else None


async def mark_undone(store: Store, user: User, action: Action) -> bool:
    """Mark the action undone; False when it already was (two doors undoing at once undo it once)."""
    def op(db: sqlite3.Connection) -> bool:
        cur = db.execute("UPDATE actions SET undone_at = ? WHERE id = ? AND user_id = ? AND undone_at IS NULL",
                         (now_iso(), action.id, user.id))
        return cur.rowcount == 1

    return await store.write(op)


_COLUMNS = "id, conversation_id, tool, arguments, summary, result, undo, confirmed, created_at, undone_at"


def _action(row: tuple[Any, ...]) -> Action:
    undo = json.loads(row[6]) if row[6] else None
    return Action(row[0], row[1], row[2], json.loads(row[3]), row[4], row[5],
                  Undo(undo["tool"], undo["arguments"]) if undo else None, bool(row[7]), row[8], row[9])
