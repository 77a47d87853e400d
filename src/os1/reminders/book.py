"""Reminders and alarms as kept in the store (they fire after a restart: see scheduler.py), and quiet hours.

Quiet hours (a per-person setting) hold a reminder until they end; an alarm the person set for that time is not
held: "wake me at 6" rings at 6.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from os1.db import state
from os1.db.store import Store, User
from os1.db.times import now_iso, utc_iso
from os1.reminders.clock import QuietHours


@dataclass(frozen=True)
class Reminder:
    id: int
    user_id: int
    text: str
    due_at: datetime  # UTC: when the person asked to be reminded
    alarm: bool
    created_at: str
    fired_at: str | None = None
    cancelled_at: str | None = None

    def when_due(self, quiet: QuietHours | None, tz: Any = None) -> datetime:
        """When it may be delivered: its due time, or the end of the quiet hours it falls in (unless an alarm)."""
        local = self.due_at.astimezone(tz)
        return local if self.alarm or quiet is None else quiet.release(local)

    def message(self, tz: Any = None) -> str:
        """What is said when it fires (an alarm says its time, in the zone `tz`)."""
        if self.alarm:
            return f"⏰ It's {self.due_at.astimezone(tz):%H:%M}: your alarm{' — ' + self.text if self.text else ''}."
        return f"⏰ Reminder: {self.text}"


# -- the store ---------------------------------------------------------------------------------------------

async def add_reminder(store: Store, user: User, text: str, due: datetime, alarm: bool = False) -> Reminder:
    created = now_iso()

    def op(db: sqlite3.Connection) -> int:
        cur = db.execute("INSERT INTO reminders (user_id, text, due_at, alarm, created_at) VALUES (?, ?, ?, ?, ?)",
                         (user.id, text, utc_iso(due), int(alarm), created))
        return int(cur.lastrowid or 0)

    return Reminder(await store.write(op), user.id, text, due.astimezone(UTC), alarm, created)


async def reminders(store: Store, user: User, waiting_only: bool = True) -> list[Reminder]:
    """This person's reminders, soonest first (only those still to fire, unless `waiting_only` is False)."""
    where = " AND fired_at IS NULL AND cancelled_at IS NULL" if waiting_only else ""
    rows = await store.read(f"SELECT {_COLUMNS} FROM reminders WHERE user_id = ?{where} ORDER BY due_at, id",
                            (user.id,))
    return [_reminder(r) for r in rows]


async def due(store: Store, now: datetime) -> list[tuple[Reminder, User]]:
    """Every reminder of everyone that is due by `now` and has not fired, with its person (the scheduler's view;
    quiet hours may hold some of them a while longer, never fire one sooner)."""
    rows = await store.read(
        f"SELECT {', '.join('r.' + c for c in _COLUMNS.split(', '))}, u.name FROM reminders r "
        "JOIN users u ON u.id = r.user_id WHERE r.fired_at IS NULL AND r.cancelled_at IS NULL AND r.due_at <= ? "
        "ORDER BY r.due_at", (utc_iso(now),))
    return [(_reminder(r[:-1]), User(r[1], r[-1])) for r in rows]


async def next_due(store: Store, now: datetime) -> datetime | None:
    """When the next reminder after `now` is due (of anyone)."""
    rows = await store.read("SELECT min(due_at) FROM reminders WHERE fired_at IS NULL AND cancelled_at IS NULL "
                            "AND due_at > ?", (utc_iso(now),))
    return datetime.fromisoformat(rows[0][0]) if rows and rows[0][0] else None


async def mark_fired(store: Store, reminder: Reminder, said: str | None = None) -> bool:
    """Record that a door took it and, with `said`, keep those words in the person's latest conversation (so the
    companion knows it reminded them), in one transaction. False when it had already fired or been cancelled: it
    fires once."""
    def op(db: sqlite3.Connection) -> bool:
        now = now_iso()
        cur = db.execute("UPDATE reminders SET fired_at = ? WHERE id = ? AND fired_at IS NULL "
                         "AND cancelled_at IS NULL", (now, reminder.id))
        if cur.rowcount != 1:
            return False
        if said is not None:
            row = db.execute("SELECT id FROM conversations WHERE user_id = ? ORDER BY updated_at DESC, id DESC "
                             "LIMIT 1", (reminder.user_id,)).fetchone()
            conversation_id = row[0] if row else db.execute(
                "INSERT INTO conversations (user_id, created_at, updated_at) VALUES (?, ?, ?)",
                (reminder.user_id, now, now)).lastrowid
            db.execute("INSERT INTO messages (conversation_id, role, content, status, created_at, meta) "
                       "VALUES (?, 'assistant', ?, 'complete', ?, ?)",
                       (conversation_id, said, now, json.dumps({"reminder": reminder.id})))
            db.execute("UPDATE conversations SET updated_at = max(updated_at, ?) WHERE id = ?", (now, conversation_id))
        return True

    return await store.write(op)


async def set_cancelled(store: Store, user: User, ids: list[int], cancelled: bool) -> list[Reminder]:
    """Cancel these reminders of this person that have not fired (or bring them back); returns those changed."""
    def op(db: sqlite3.Connection) -> list[Reminder]:
        changed = []
        for reminder_id in ids:
            changed += [_reminder(row) for row in db.execute(
                "UPDATE reminders SET cancelled_at = ? WHERE id = ? AND user_id = ? AND fired_at IS NULL AND "
                + ("cancelled_at IS NULL" if cancelled else "cancelled_at IS NOT NULL") + f" RETURNING {_COLUMNS}",
                (now_iso() if cancelled else None, reminder_id, user.id)).fetchall()]
        return changed

    return await store.write(op)


async def quiet_hours(store: Store, user: User) -> QuietHours | None:
    value = await store.get_state(user, state.QUIET_HOURS.key())
    return QuietHours.parse(value) if value else None


async def set_quiet_hours(store: Store, user: User, hours: QuietHours | None) -> None:
    if hours is None:
        await store.delete_state(user, state.QUIET_HOURS.key())
    else:
        await store.set_state(user, state.QUIET_HOURS.key(), f"{hours.start:%H:%M}-{hours.end:%H:%M}")


_COLUMNS = "id, user_id, text, due_at, alarm, created_at, fired_at, cancelled_at"


def _reminder(row: tuple[Any, ...]) -> Reminder:
    return Reminder(row[0], row[1], row[2], datetime.fromisoformat(row[3]), bool(row[4]), row[5], row[6], row[7])
