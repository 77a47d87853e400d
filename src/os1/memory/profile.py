"""The profile: a few short blocks about the person that are always in the companion's mind.

Reflection rewrites them (edited, never appended forever); each has a size limit so the system prompt stays
small however long the relationship lasts.
"""

from __future__ import annotations

import sqlite3

from os1.db.store import Store, User
from os1.db.times import now_iso

# Block name → what it holds (shown to the model when it rewrites them, and to the person in `memory show`).
BLOCKS: dict[str, str] = {
    "who": "who they are: name, age, home, work, background",
    "people": "the people (and animals) in their life, by name, and how they relate",
    "cares": "what they care about: interests, tastes, values, hopes",
    "now": "what is going on for them now: plans, worries, things in progress",
    "style": "how they like to be talked to",
}
BLOCK_CHARS = 400


async def profile(store: Store, user: User) -> dict[str, str]:
    """The person's profile blocks that have text, in the fixed block order."""
    rows = dict(await store.read("SELECT block, text FROM profile WHERE user_id = ?", (user.id,)))
    return {block: str(rows[block]) for block in BLOCKS if rows.get(block)}


async def set_blocks(store: Store, user: User, blocks: dict[str, str]) -> list[str]:
    """Replace the given blocks (unknown names ignored, text cut to size); returns the names that changed."""
    clean = {name: " ".join(text.split())[:BLOCK_CHARS] for name, text in blocks.items() if name in BLOCKS}

    def op(db: sqlite3.Connection) -> list[str]:
        changed = []
        for name, text in clean.items():
            old = db.execute("SELECT text FROM profile WHERE user_id = ? AND block = ?", (user.id, name)).fetchone()
            if (old[0] if old else "") == text:
                continue
            if text:
                db.execute("INSERT INTO profile (user_id, block, text, updated_at) VALUES (?, ?, ?, ?) "
                           "ON CONFLICT (user_id, block) DO UPDATE SET text = excluded.text, "
                           "updated_at = excluded.updated_at", (user.id, name, text, now_iso()))
            else:
                db.execute("DELETE FROM profile WHERE user_id = ? AND block = ?", (user.id, name))
            changed.append(name)
        return changed

    return await store.write(op)


def render_profile(blocks: dict[str, str]) -> str:
    return "\n".join(f"- {BLOCKS[name].split(':')[0].capitalize()}: {text}" for name, text in blocks.items())
