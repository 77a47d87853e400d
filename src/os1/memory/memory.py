"""Memory: one person's everything, behind one small interface the companion and the doors use.

`recall` finds, `remember` indexes what was just said, `import_conversations` brings history from elsewhere,
`forget` deletes for good. Learning (facts, profile, journal) lives in learn.py and reflect.py and writes
through the same store.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from os1.db.store import (
    Conversation,
    NewMessage,
    Role,
    Store,
    StoredMessage,
    User,
    scrub_recalled,
    telling_words,
)
from os1.db.times import mentioned_times, utc_iso
from os1.memory import facts as factbook
from os1.memory.embeddings import Embedder
from os1.memory.importers import ImportedConversation
from os1.memory.recall import KINDS, NO_SCOPE, SIGNALS, MemoryItem, Scope, recall
from os1.memory.speakers import add_speakers, keep_speakers_left
from os1.memory.vectors import Entry, Vectors

ImportProgress = Callable[[int, int], None]  # (messages done, messages in all)


@dataclass(frozen=True)
class ImportReport:
    conversations: int
    messages: int
    skipped: int  # already there from an earlier (perhaps interrupted) import of the same file


@dataclass(frozen=True)
class ForgetPlan:
    """What `forget` would delete: shown to the person before anything goes."""

    query: str
    messages: list[MemoryItem]
    facts: list[MemoryItem]
    summaries: list[MemoryItem]

    def __len__(self) -> int:
        return len(self.messages) + len(self.facts) + len(self.summaries)


class Memory:
    def __init__(self, store: Store, embedder: Embedder | None) -> None:
        self.store = store
        self.vectors = Vectors(store, embedder) if embedder is not None else None

    @property
    def strong_match(self) -> float:
        """The similarity a memory found only by meaning needs to go into a prompt (see Embedder)."""
        return self.vectors.embedder.strong_match if self.vectors else -1.0

    @property
    def weak_match(self) -> float:
        return self.vectors.embedder.weak_match if self.vectors else -1.0

    async def warm(self) -> None:
        """Load the embedding model now, so the first recall doesn't wait for it (~0.2-0.6 s)."""
        if self.vectors is not None:
            await asyncio.to_thread(self.vectors.embedder.embed_query, "")

    def embed_ahead(self, user: User, query: str) -> None:
        """Begin embedding what a recall will soon be asked for (see Vectors.embed_ahead)."""
        if self.vectors is not None:
            self.vectors.embed_ahead(user, query)

    async def recall(self, user: User, query: str, *, now: datetime | None = None, limit: int = 10,
                     signals: frozenset[str] = SIGNALS, kinds: frozenset[str] = KINDS,
                     roles: tuple[Role, ...] = ("user", "assistant"), scope: Scope = NO_SCOPE,
                     min_similarity: float = -1.0) -> list[MemoryItem]:
        """This person's memories for `query`, best first (see recall.py)."""
        return await recall(self.store, self.vectors, user, query, now=now, limit=limit, signals=signals,
                            kinds=kinds, roles=roles, scope=scope, min_similarity=min_similarity)

    async def remember(self, user: User, messages: list[StoredMessage]) -> None:
        """Index what was just said by meaning and by the times it mentions (words are indexed by the store
        as it writes)."""
        mentions = [(m.id, start, end) for m in messages if m.role == "user"
                    for start, end in mentioned_times(m.content, m.created_at)]
        if mentions:
            await self.store.write(lambda db: db.executemany(
                "INSERT INTO mentions (message_id, start, end) VALUES (?, ?, ?)", mentions))
        if self.vectors is not None:
            await self.vectors.add(user, [Entry("message", m.id, m.content, m.role) for m in messages
                                          if m.content and m.status in ("complete", "interrupted")])

    async def remember_facts(self, user: User, learned: list[factbook.Fact]) -> None:
        if self.vectors is not None:
            await self.vectors.add(user, [Entry("fact", f.id, f.text) for f in learned])

    async def import_conversations(self, user: User, conversations: Iterable[ImportedConversation],
                                   progress: ImportProgress | None = None) -> ImportReport:
        """Store conversations from elsewhere with their own times and ids. Each conversation is stored in one
        transaction, and one already stored is skipped, so an interrupted import resumes where it stopped."""
        todo = list(conversations)
        total, done, stored, skipped, count = sum(len(c.messages) for c in todo), 0, 0, 0, 0
        for conv in todo:
            key = conversation_key(conv)
            if await self.store.conversation_by_external_id(user, key) is not None:
                skipped += len(conv.messages)
            else:
                first = utc_iso(conv.messages[0].time)
                target = await self.store.new_conversation(user, conv.title, created_at=first, external_id=key)
                new = [NewMessage(m.role, m.text, created_at=utc_iso(m.time),
                                  external_id=m.external_id or f"{key}#{i}",
                                  meta={"imported": conv.source} | ({"speaker": m.speaker} if m.speaker else {}))
                       for i, m in enumerate(conv.messages)]
                await add_speakers(self.store, user, [m.speaker for m in conv.messages if m.speaker])
                await self.remember(user, await self.store.append_many(target, new))
                stored += len(new)
                count += 1
            done += len(conv.messages)
            if progress:
                progress(done, total)
        return ImportReport(count, stored, skipped)

    async def plan_forget(self, user: User, query: str, limit: int = 50) -> ForgetPlan:
        """Everything matching `query` by its words: what the person would lose with `forget`."""
        found = await self.recall(user, query, limit=limit, signals=frozenset({"words"}))
        return ForgetPlan(query, [i for i in found if i.kind == "message"], [i for i in found if i.kind == "fact"],
                          [i for i in found if i.kind == "summary"])

    async def forget(self, user: User, plan: ForgetPlan, also: list[int] | None = None) -> int:
        """Delete for good: the messages (with every fact drawn from them, their index entries and vectors,
        copies recalled into later messages and the summaries that covered them), the facts and summaries;
        then compact the file so that no trace of the text is left on disk. `also`: more message ids to delete
        (the request to forget, which names what is forgotten). Returns how many items went."""
        fact_ids = [f.id for f in plan.facts]
        summary_ids = [s.id for s in plan.summaries]

        def op(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM facts WHERE user_id = ? AND id IN (SELECT value FROM json_each(?))",
                       (user.id, str(fact_ids)))
            db.execute("DELETE FROM summaries WHERE user_id = ? AND id IN (SELECT value FROM json_each(?))",
                       (user.id, str(summary_ids)))
            scrub_recalled(db, user, {("fact", i) for i in fact_ids} | {("summary", i) for i in summary_ids})
            scrub_words(db, user, telling_words(plan.query))
            # The companion's per-conversation notes on the person (its system prompt) were made from what is
            # forgotten; they are made again when next needed.
            db.execute("DELETE FROM companion_state WHERE user_id = ? AND key GLOB 'person_note:*'", (user.id,))
            keep_speakers_left(db, user, doomed)

        listed = [m.id for m in plan.messages]
        doomed = listed + [i for i in also or [] if i not in listed]
        await self.store.write(op)
        gone = await self.store.forget(user, doomed)
        if self.vectors is not None:
            self.vectors.forget_index(user)
        return min(gone, len(listed)) + len(fact_ids) + len(summary_ids)


    async def forget_conversation(self, user: User, conversation: Conversation) -> int:
        """Delete one conversation for good: its messages as `forget` deletes them (with the facts drawn from
        them and the summaries that covered them), then the conversation and what was kept for it. What the
        profile and journal say in general terms stays. Returns how many messages went."""
        ids = [int(row[0]) for row in await self.store.read(
            "SELECT id FROM messages WHERE conversation_id = ?", (conversation.id,))]
        gone = await self.store.forget(user, ids) if ids else 0
        if self.vectors is not None and ids:
            self.vectors.forget_index(user)
        await self.store.drop_conversation(user, conversation)
        return gone


def scrub_words(db: sqlite3.Connection, user: User, words: list[str]) -> None:
    """Remove every sentence that mentions one of `words` from the profile and the journal, which were written
    from what is being forgotten."""
    if not words:
        return
    # A longer word also matches its other forms ("record": "records", "recorded"); a short one only its plural
    # or possessive, so forgetting "my ex" keeps "He is excited about the move."
    forms = [re.escape(w) + (r"\w*" if len(w) > 3 else r"(?:s|es|'s|’s)?") for w in words]
    pattern = re.compile(r"\b(?:" + "|".join(forms) + r")\b", re.IGNORECASE)

    def keep(text: str) -> str:
        return " ".join(s for s in re.split(r"(?<=[.!?])\s+", text) if not pattern.search(s))

    for block, text in db.execute("SELECT block, text FROM profile WHERE user_id = ?", (user.id,)).fetchall():
        if pattern.search(text):
            db.execute("UPDATE profile SET text = ? WHERE user_id = ? AND block = ?", (keep(text), user.id, block))
    for entry_id, text, ask in db.execute("SELECT id, text, ask_next FROM journal WHERE user_id = ?",
                                          (user.id,)).fetchall():
        if pattern.search(text) or pattern.search(ask):
            db.execute("UPDATE journal SET text = ?, ask_next = ? WHERE id = ?", (keep(text), keep(ask), entry_id))
    db.execute("DELETE FROM journal WHERE user_id = ? AND text = '' AND ask_next = ''", (user.id,))


def conversation_key(conv: ImportedConversation) -> str:
    """A stable id for an imported conversation. A transcript split by time gaps numbers its pieces from 1 in
    every file, so those are known by their first message instead."""
    if conv.source == "jsonl" and conv.external_id.startswith("jsonl-"):
        first = conv.messages[0]
        digest = hashlib.sha256(f"{first.time.isoformat()}\n{first.text}".encode()).hexdigest()[:16]
        return f"jsonl:{digest}"
    return f"{conv.source}:{conv.external_id}"
