"""A reply as the person is shown it, kept while it streams, so that a process killed mid-reply (kill -9, a power
cut) loses none of what was read: the companion stores a reply when it ends, however it ends, except that way.

    draft = ReplyDraft(store, conversation, after_id=question.id)
    draft.shown(piece)        # each piece as it goes out: written behind, at most every GAP_S
    await draft.done()        # the reply was stored (or there was none): the draft goes

On the next start, `recover` turns every draft left by a process that is gone into the reply it was: an
assistant message, status `interrupted`, with `cut_off` in its meta (shown as cut off).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import sqlite3

from os1.db.store import Conversation, Store
from os1.db.times import now_iso

log = logging.getLogger(__name__)

GAP_S = 0.1  # the most often one draft is written: pieces that come faster go in the next write together
OWNER = f"{os.getpid()}:{secrets.token_hex(4)}"  # this process; the token tells it from one that had its pid
CUT_OFF = "cut_off"  # meta key of a recovered reply: {"cut_off": "stopped"}


class ReplyDraft:
    """One reply's shown text, written to the store behind the stream (never holding a piece back)."""

    def __init__(self, store: Store, conversation: Conversation, after_id: int) -> None:
        self.store = store
        self.conversation = conversation
        self.after_id = after_id
        self.text = ""
        self.written = ""  # what the store has
        self._id: int | None = None
        self._dirty = asyncio.Event()
        self._closed = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None

    def shown(self, piece: str) -> None:
        self.text += piece
        if not self.text.strip() or self._closed.is_set():
            return
        self._dirty.set()
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_behind())

    async def flush(self) -> None:
        """Write what has been shown now (tests, and a caller about to wait a long time)."""
        if self.text != self.written and self.text.strip():
            await self._write(self.text)

    async def done(self) -> None:
        """The reply is stored (or there is none to keep): stop writing, and delete the draft."""
        self._closed.set()
        self._dirty.set()
        if self._writer is not None:
            await self._writer  # a write under way finishes first: no draft is left behind unknown
        if self._id is not None:
            draft_id = self._id
            await self.store.write(lambda db: db.execute("DELETE FROM reply_drafts WHERE id = ?", (draft_id,)))

    async def _write_behind(self) -> None:
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            if self._closed.is_set():
                return
            try:
                await self._write(self.text)
            except sqlite3.Error:  # the reply goes on: the store's own write at its end says if it is gone
                log.exception("Keeping a reply's draft failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closed.wait(), GAP_S)

    async def _write(self, text: str) -> None:
        now = now_iso()
        if self._id is None:
            def insert(db: sqlite3.Connection) -> int:
                return int(db.execute(
                    "INSERT INTO reply_drafts (conversation_id, after_id, owner, content, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)", (self.conversation.id, self.after_id, OWNER, text.strip(), now,
                                                  now)).lastrowid or 0)

            self._id = await self.store.write(insert)
        else:
            draft_id = self._id
            await self.store.write(lambda db: db.execute(
                "UPDATE reply_drafts SET content = ?, updated_at = ? WHERE id = ?", (text.strip(), now, draft_id)))
        self.written = text


async def recover(store: Store) -> int:
    """Turn the drafts of processes that are gone into interrupted, cut-off replies; how many were kept. A
    draft whose reply was stored after all (the process died between the two writes) is only deleted."""

    def op(db: sqlite3.Connection) -> int:
        kept = 0
        rows = db.execute("SELECT id, conversation_id, after_id, owner, content, updated_at FROM reply_drafts "
                          "ORDER BY id").fetchall()
        for draft_id, conversation_id, after_id, owner, content, updated_at in rows:
            if _alive(str(owner)):
                continue
            db.execute("DELETE FROM reply_drafts WHERE id = ?", (draft_id,))
            answered = db.execute("SELECT 1 FROM messages WHERE conversation_id = ? AND role = 'assistant' "
                                  "AND id > ?", (conversation_id, after_id)).fetchone()
            if answered or not str(content).strip():
                continue
            db.execute("INSERT INTO messages (conversation_id, role, content, status, created_at, meta) "
                       "VALUES (?, 'assistant', ?, 'interrupted', ?, ?)",
                       (conversation_id, content, updated_at, json.dumps({CUT_OFF: "stopped"})))
            db.execute("UPDATE conversations SET updated_at = max(updated_at, ?) WHERE id = ?",
                       (updated_at, conversation_id))
            kept += 1
        return kept

    return await store.write(op)


def _alive(owner: str) -> bool:
    """Whether the process that wrote a draft is still running (this one, or another on this machine)."""
    if owner == OWNER:
        return True
    pid_text, _, _ = owner.partition(":")
    if not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False  # ours by number only: an earlier process that had this pid
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process has it: perhaps another server on this store
    return True
