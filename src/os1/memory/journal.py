"""The companion's own journal: what it noticed about the relationship and about itself, what it wonders, what
it wants to ask next time. Written by reflection; the latest entry colours the next conversation."""

from __future__ import annotations

from dataclasses import dataclass

from os1.db.store import Store, User
from os1.db.times import now_iso


@dataclass(frozen=True)
class JournalEntry:
    id: int
    text: str
    ask_next: str
    created_at: str


async def write_entry(store: Store, user: User, text: str, ask_next: str = "") -> JournalEntry:
    ts = now_iso()
    cur_id = await store.write(lambda db: int(db.execute(
        "INSERT INTO journal (user_id, text, ask_next, created_at) VALUES (?, ?, ?, ?)",
        (user.id, text.strip(), ask_next.strip(), ts)).lastrowid or 0))
    return JournalEntry(cur_id, text.strip(), ask_next.strip(), ts)


async def entries(store: Store, user: User, limit: int = 20) -> list[JournalEntry]:
    """The newest entries first."""
    rows = await store.read("SELECT id, text, ask_next, created_at FROM journal WHERE user_id = ? "
                            "ORDER BY id DESC LIMIT ?", (user.id, limit))
    return [JournalEntry(r[0], r[1], r[2], r[3]) for r in rows]
