"""Recall: bringing back what was said in earlier conversations (or earlier in this one, beyond the prompt's
window) when the person's new message touches it. Words first (FTS5, BM25); newer wins a tie.

What was recalled is stored with the message it was recalled for, so the prompt renders it the same way on
every later turn and the prefix cache keeps working.
"""

from __future__ import annotations

from typing import Any

from os1.memory.store import Store, StoredMessage, User

RECALL_LIMIT = 3
ITEM_CHARS = 240


async def recall(store: Store, user: User, new: StoredMessage, window_start_id: int,
                 limit: int = RECALL_LIMIT) -> list[dict[str, Any]]:
    """Memories for the person's new message, leaving out what the prompt already shows."""
    # Only what the person said: the companion's own earlier words, shown back to a small model, get parroted.
    hits = await store.search(user, new.content, limit=limit, before_id=new.id, roles=("user",),
                              exclude_conversation=new.conversation_id, after_id=window_start_id)
    return [as_item(m) for m in hits]


def as_item(message: StoredMessage, kind: str = "episode") -> dict[str, Any]:
    text = message.content if len(message.content) <= ITEM_CHARS else message.content[:ITEM_CHARS] + "…"
    return {"kind": kind, "id": message.id, "conversation_id": message.conversation_id, "role": message.role,
            "text": text, "time": message.created_at}
