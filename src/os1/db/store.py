"""The durable store: SQLite in WAL mode, every write committed (and fsynced) before it is acknowledged.

The connection lives on one dedicated thread; the async methods hand it work, so the event loop never
waits on the disk. Every read that names a conversation also names its owner: a conversation id on its own
never opens another person's messages.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from os1.db import state
from os1.db.migrations import migrate
from os1.db.times import now_iso

T = TypeVar("T")
Role = Literal["user", "assistant"]
MessageStatus = Literal["complete", "interrupted", "rejected", "failed"]


READERS = 3  # reading threads, each with its own connection


class NotFound(LookupError):
    """No such item for this person."""


@dataclass(frozen=True)
class User:
    id: int
    name: str


@dataclass(frozen=True)
class Conversation:
    id: int
    user_id: int
    title: str | None
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class ConversationSummary:
    conversation: Conversation
    message_count: int
    first_words: str


@dataclass(frozen=True)
class StoredMessage:
    id: int
    conversation_id: int
    role: Role
    content: str
    status: MessageStatus
    created_at: str
    meta: dict[str, Any]
    external_id: str | None = None  # the message's id where it came from (an imported transcript)


@dataclass(frozen=True)
class NewMessage:
    role: Role
    content: str
    status: MessageStatus = "complete"
    meta: dict[str, Any] = dataclasses.field(default_factory=dict)
    created_at: str | None = None  # now, unless the message is older than its storing (an import)
    external_id: str | None = None


class Store:
    """People, their conversations and messages, and the companion's small per-person state."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="os1-store")
        self._db: sqlite3.Connection | None = None
        # Searches and look-ups (`read`, `ranked`) run on query-only connections, one per reading thread: in WAL
        # mode a reader never waits for a writer, so a turn's recall does not queue behind another person's
        # commit (each one waits for the disk: synchronous = FULL), and with several readers a look-up by id does
        # not queue behind a word search of common words (a few ms). Each read sees every write that returned.
        self._reader = ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="os1-store-read")
        self._reading = threading.local()  # this reading thread's connection
        self._read_dbs: list[sqlite3.Connection] = []
        self._read_dbs_lock = threading.Lock()

    @classmethod
    async def open(cls, path: Path) -> Store:
        store = cls(path)
        await store.run(store._connect)
        return store

    async def close(self) -> None:
        def shut() -> None:
            if self._db is not None:
                self._db.close()
                self._db = None

        await asyncio.to_thread(self._reader.shutdown, wait=True)  # the reads under way finish first
        with self._read_dbs_lock:
            for db in self._read_dbs:
                db.close()
            self._read_dbs.clear()
        await self.run(shut)
        self._thread.shutdown(wait=True)

    # -- people -----------------------------------------------------------------------------------------

    async def user(self, name: str) -> User:
        """The person with this name, created on first use."""
        def op(db: sqlite3.Connection) -> User:
            db.execute("INSERT OR IGNORE INTO users (name, created_at) VALUES (?, ?)", (name, now_iso()))
            row = db.execute("SELECT id, name FROM users WHERE name = ?", (name,)).fetchone()
            return User(row[0], row[1])

        return await self.write(op)

    async def delete_user(self, user: User) -> None:
        """Delete this person and everything kept about them (conversations, messages, memory, the companion's
        state, sign-in tokens) in one transaction, then compact the file so no trace of it stays on disk."""
        # Every table naming a person, and everything derived from their messages, goes with them by
        # ON DELETE CASCADE; the full-text indexes follow through their delete triggers.
        await self.write(lambda db: db.execute("DELETE FROM users WHERE id = ?", (user.id,)))
        await self.run(self._compact)

    # -- conversations ----------------------------------------------------------------------------------

    async def new_conversation(self, user: User, title: str | None = None, *, created_at: str | None = None,
                               external_id: str | None = None) -> Conversation:
        def op(db: sqlite3.Connection) -> Conversation:
            ts = created_at or now_iso()
            cur = db.execute("INSERT INTO conversations (user_id, title, created_at, updated_at, external_id) "
                             "VALUES (?, ?, ?, ?, ?)", (user.id, title, ts, ts, external_id))
            return Conversation(int(cur.lastrowid or 0), user.id, title, ts, ts)

        return await self.write(op)

    async def conversation_by_external_id(self, user: User, external_id: str) -> Conversation | None:
        rows = await self.read(f"SELECT {_CONV} FROM conversations WHERE user_id = ? AND external_id = ?",
                                (user.id, external_id))
        return _conversation(rows[0]) if rows else None

    async def others_talking(self, user: User, since: str) -> int:
        """How many other people have said something since `since` (a store time): only a count, never who."""
        rows = await self.read(
            "SELECT COUNT(DISTINCT c.user_id) FROM messages m JOIN conversations c ON c.id = m.conversation_id "
            "WHERE m.role = 'user' AND m.created_at >= ? AND c.user_id != ?", (since, user.id))
        return int(rows[0][0]) if rows else 0

    async def latest_conversation(self, user: User) -> Conversation | None:
        rows = await self.read(f"SELECT {_CONV} FROM conversations WHERE user_id = ? "
                                "ORDER BY updated_at DESC, id DESC LIMIT 1", (user.id,))
        return _conversation(rows[0]) if rows else None

    async def conversation(self, user: User, conversation_id: int) -> Conversation:
        rows = await self.read(f"SELECT {_CONV} FROM conversations WHERE id = ? AND user_id = ?",
                                (conversation_id, user.id))
        if not rows:
            raise NotFound(f"No conversation {conversation_id} for {user.name}.")
        return _conversation(rows[0])

    async def rename_conversation(self, conversation: Conversation, title: str | None) -> Conversation:
        def op(db: sqlite3.Connection) -> None:
            db.execute("UPDATE conversations SET title = ? WHERE id = ?", (title, conversation.id))

        await self.write(op)
        return dataclasses.replace(conversation, title=title)

    async def drop_conversation(self, user: User, conversation: Conversation) -> None:
        """Remove an emptied conversation of this person's (its messages are forgotten first, by
        Memory.forget_conversation), with the state kept for it."""
        def op(db: sqlite3.Connection) -> None:
            for pattern in state.conversation_globs(conversation.id):
                db.execute("DELETE FROM companion_state WHERE user_id = ? AND key GLOB ?", (user.id, pattern))
            db.execute("DELETE FROM companion_state WHERE user_id = ? AND key = ? AND value = ?",
                       (user.id, state.API_CONVERSATION.key(), str(conversation.id)))
            db.execute("DELETE FROM conversations WHERE id = ? AND user_id = ?", (conversation.id, user.id))

        await self.write(op)

    async def conversations(self, user: User, limit: int = 50) -> list[ConversationSummary]:
        rows = await self.read(
            f"""SELECT {_CONV},
                   (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id),
                   coalesce((SELECT substr(content, 1, 80) FROM messages m
                             WHERE m.conversation_id = c.id AND m.role = 'user' ORDER BY id LIMIT 1), '')
                FROM conversations c WHERE user_id = ? ORDER BY updated_at DESC, id DESC LIMIT ?""",
            (user.id, limit))
        return [ConversationSummary(_conversation(r[:5]), r[5], r[6]) for r in rows]

    # -- messages ---------------------------------------------------------------------------------------

    async def append(self, conversation: Conversation, role: Role, content: str,
                     status: MessageStatus = "complete", meta: dict[str, Any] | None = None) -> StoredMessage:
        """Store one message durably; when this returns, it survives a crash or power cut."""
        return (await self.append_many(conversation, [NewMessage(role, content, status, meta or {})]))[0]

    async def append_many(self, conversation: Conversation, new: list[NewMessage]) -> list[StoredMessage]:
        """Store several messages in one transaction (an import): all of them, or none."""
        def op(db: sqlite3.Connection) -> list[StoredMessage]:
            stored = []
            for m in new:
                ts = m.created_at or now_iso()
                cur = db.execute(
                    "INSERT INTO messages (conversation_id, role, content, status, created_at, meta, external_id) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)", (conversation.id, m.role, m.content, m.status, ts,
                                                     json.dumps(m.meta, ensure_ascii=False), m.external_id))
                stored.append(StoredMessage(int(cur.lastrowid or 0), conversation.id, m.role, m.content, m.status,
                                            ts, m.meta, m.external_id))
            if stored:
                db.execute("UPDATE conversations SET updated_at = max(updated_at, ?) WHERE id = ?",
                           (max(m.created_at for m in stored), conversation.id))
            return stored

        return await self.write(op)

    async def messages_after(self, user: User, after_id: int, role: Role,
                             limit: int | None = None) -> list[StoredMessage]:
        """This person's kept messages by `role` after `after_id`, oldest first, across conversations."""
        rows = await self.read(
            f"SELECT {_MSG_OF_M} FROM messages m JOIN conversations c ON c.id = m.conversation_id "
            "WHERE c.user_id = ? AND m.id > ? AND m.role = ? AND m.status IN ('complete', 'interrupted') "
            "ORDER BY m.id LIMIT ?", (user.id, after_id, role, -1 if limit is None else limit))
        return [_message(r) for r in rows]

    async def message(self, user: User, message_id: int) -> StoredMessage:
        rows = await self.read(f"SELECT {_MSG_OF_M} FROM messages m JOIN conversations c ON c.id = m.conversation_id "
                                "WHERE m.id = ? AND c.user_id = ?", (message_id, user.id))
        if not rows:
            raise NotFound(f"No message {message_id} for {user.name}.")
        return _message(rows[0])

    async def set_status(self, message: StoredMessage, status: MessageStatus) -> None:
        await self.write(lambda db: db.execute("UPDATE messages SET status = ? WHERE id = ?",
                                                (status, message.id)))

    async def update_meta(self, message: StoredMessage, meta: dict[str, Any]) -> StoredMessage:
        """Replace a message's metadata (what was recalled for it, timings); the text never changes here."""
        await self.write(lambda db: db.execute("UPDATE messages SET meta = ? WHERE id = ?",
                                                (json.dumps(meta, ensure_ascii=False), message.id)))
        return dataclasses.replace(message, meta=meta)

    async def messages(self, conversation: Conversation, limit: int | None = None) -> list[StoredMessage]:
        """The conversation's messages, oldest first (the newest `limit` of them, if given)."""
        rows = await self.read(
            f"SELECT {_MSG} FROM (SELECT * FROM messages WHERE conversation_id = ? ORDER BY id DESC LIMIT ?) "
            "ORDER BY id", (conversation.id, -1 if limit is None else limit))
        return [_message(r) for r in rows]

    async def search(self, user: User, query: str, limit: int = 10, before_id: int | None = None,
                     exclude_conversation: int | None = None, after_id: int | None = None,
                     roles: tuple[Role, ...] = ("user", "assistant")) -> list[StoredMessage]:
        """This person's messages that best match `query` by words (BM25), best first.

        `exclude_conversation` with `after_id` leaves out what is already in that conversation's prompt window.
        """
        rows = await self.ranked(
            "messages_fts", query,
            f"""SELECT {_MSG_OF_M}
                FROM messages_fts f JOIN messages m ON m.id = f.rowid
                JOIN conversations c ON c.id = m.conversation_id
                WHERE messages_fts MATCH ? AND c.user_id = ? AND m.status IN ('complete', 'interrupted')
                  AND m.id < ? AND NOT (m.conversation_id = ? AND m.id >= ?)
                  AND m.role IN (SELECT value FROM json_each(?))
                ORDER BY bm25(messages_fts, 1.0, 0.0), m.id DESC LIMIT ?""",
            (user.id, before_id or 2**62, exclude_conversation or -1, after_id or 0, json.dumps(roles),
             limit), owner=user)
        return [_message(r) for r in rows]

    async def forget(self, user: User, message_ids: list[int]) -> int:
        """Delete these messages of this person for good: rows, index entries, copies recalled into later
        messages; then compact the file so no trace of the text remains on disk. Returns how many went."""
        def op(db: sqlite3.Connection) -> int:
            owned = [row[0] for row in db.execute(
                "SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id "
                "WHERE c.user_id = ? AND m.id IN (SELECT value FROM json_each(?))", (user.id, json.dumps(message_ids)))]
            # A summary made from a forgotten message would keep its content: it goes too (reflection redoes it).
            covering = [row[0] for row in db.execute(
                "SELECT id FROM summaries WHERE user_id = ? AND EXISTS (SELECT 1 FROM json_each(?) j "
                "WHERE j.value BETWEEN first_message_id AND last_message_id "
                "AND summaries.conversation_id = (SELECT conversation_id FROM messages WHERE id = j.value))",
                (user.id, json.dumps(owned)))]
            drawn = [row[0] for row in db.execute(  # the facts drawn from them go with them (ON DELETE CASCADE)
                "SELECT id FROM facts WHERE source_message_id IN (SELECT value FROM json_each(?))",
                (json.dumps(owned),))]
            scrub_recalled(db, user, {("message", i) for i in owned} | {("summary", i) for i in covering}
                           | {("fact", i) for i in drawn})
            db.execute("DELETE FROM summaries WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(covering),))
            db.execute("DELETE FROM messages WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(owned),))
            return len(owned)

        count = await self.write(op)
        await self.run(self._compact)
        return count

    def _compact(self) -> None:
        db = self._conn()
        for index in ("messages_fts", "facts_fts", "summaries_fts"):
            db.execute(f"INSERT INTO {index}({index}) VALUES ('optimize')")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("VACUUM")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- the companion's own per-person state (its chosen name, and so on) -------------------------------

    async def get_state(self, user: User, key: str) -> str | None:
        rows = await self.read("SELECT value FROM companion_state WHERE user_id = ? AND key = ?",
                                (user.id, key))
        return str(rows[0][0]) if rows else None

    async def set_state(self, user: User, key: str, value: str) -> None:
        await self.write(lambda db: db.execute(
            "INSERT INTO companion_state (user_id, key, value, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            (user.id, key, value, now_iso())))

    async def delete_state(self, user: User, key: str) -> None:
        await self.write(lambda db: db.execute("DELETE FROM companion_state WHERE user_id = ? AND key = ?",
                                               (user.id, key)))

    # -- plumbing ---------------------------------------------------------------------------------------

    def _connect(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = FULL")  # a committed message survives power loss, not only a crash
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA busy_timeout = 30000")
        db.execute("PRAGMA secure_delete = ON")  # forgotten text is overwritten, not left in free pages
        migrate(db)
        self._db = db

    async def run(self, fn: Callable[[], T]) -> T:
        """Run `fn` on the store's thread (for work that needs the connection outside a transaction)."""
        return await asyncio.get_running_loop().run_in_executor(self._thread, fn)

    async def write(self, op: Callable[[sqlite3.Connection], T]) -> T:
        def tx() -> T:
            db = self._conn()
            db.execute("BEGIN IMMEDIATE")
            try:
                result = op(db)
                db.execute("COMMIT")
                return result
            except BaseException:
                db.execute("ROLLBACK")
                raise

        """Run `op` in one immediate transaction on the store's thread, committed before this returns."""
        # Shielded: once a write has started, a cancelled turn must not leave it half done or unknown.
        return await asyncio.shield(self.run(tx))

    async def snapshot(self, op: Callable[[sqlite3.Connection], T]) -> T:
        """Run `op` in one read transaction: several queries that see the same moment."""
        def tx() -> T:
            db = self._conn()
            db.execute("BEGIN")
            try:
                return op(db)
            finally:
                db.execute("COMMIT")

        return await self.run(tx)

    async def ranked(self, table: str, query: str, sql: str, params: tuple[Any, ...], owner: User | None = None,
                     column: str = "content") -> list[tuple[Any, ...]]:
        """Rows of `sql`, a BM25-ranked search of the FTS table `table` whose first parameter is the MATCH
        expression: made from `query` by `bounded_match`, in the same trip to the store's thread. With `owner`
        (for a table with an `owner` column), only that person's rows are matched at all, by their `column`."""
        def op() -> list[tuple[Any, ...]]:
            db = self._read_conn()
            match = bounded_match(db, table, query, owner, column)
            return list(db.execute(sql, (match, *params)).fetchall()) if match else []

        return await self._read(op)

    async def read(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        return await self._read(lambda: list(self._read_conn().execute(sql, params).fetchall()))

    async def _read(self, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._reader, fn)

    def _read_conn(self) -> sqlite3.Connection:
        """This reading thread's connection (made on its first read), query-only."""
        if self._db is None:
            raise RuntimeError("the store is closed")
        db: sqlite3.Connection | None = getattr(self._reading, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
            db.execute("PRAGMA busy_timeout = 30000")
            db.execute("PRAGMA query_only = ON")
            self._reading.db = db
            with self._read_dbs_lock:
                self._read_dbs.append(db)
        return db

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("the store is closed")
        return self._db


def scrub_recalled(db: sqlite3.Connection, user: User, gone: set[tuple[str, int]]) -> None:
    """Remove the copies of these (kind, id) items from what this person's later messages recalled. A copy that
    names no kind is of a message."""
    if not gone:
        return
    for mid, meta_json in db.execute(
            "SELECT m.id, m.meta FROM messages m JOIN conversations c ON c.id = m.conversation_id "
            "WHERE c.user_id = ? AND m.meta LIKE '%recalled%'", (user.id,)).fetchall():
        meta = json.loads(meta_json)
        kept = [item for item in meta.get("recalled", []) if (item.get("kind", "message"), item.get("id")) not in gone]
        # A kept copy may carry the newer fact that replaced its own (grounding.py): that is a copy too.
        bare = [{k: v for k, v in item.items() if k != "changed"}
                if ("fact", (item.get("changed") or {}).get("id")) in gone else item for item in kept]
        if bare != meta.get("recalled", []):
            meta["recalled"] = bare
            db.execute("UPDATE messages SET meta = ? WHERE id = ?", (json.dumps(meta), mid))


_CONV = "id, user_id, title, created_at, updated_at"
_WORD = re.compile(r"\w+", re.UNICODE)
RANKING_BUDGET = 1500  # rows one word search may rank by BM25 (~2 us each with its joins; see bounded_match)
# Words too common to say anything about what a message is about (and words of time: "right now", "these
# days" say when, not what; the time signal reads them).
STOPWORDS = frozenset("""
a about after again all am an and any are as at be because been before being but by can could did do does doing
don down during each few for from had has have having he her here hers him his how i if in into is it its just
me more most my no nor not now of off on once only or other our out over own same she should so some such than
that the their them then there these they this those through to too under until up very was we were what when
where which while who whom why will with would you your yours yourself tell told know remember said say hi hey
hello ok okay yes yeah please thanks thank really think like want get got go going one also
now right currently moment days these lately recently still anymore nowadays
""".split())


def telling_words(text: str) -> list[str]:
    """The words of `text` that say what it is about, once each, in order."""
    words = [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1]
    return list(dict.fromkeys(words))[:16]


def fts_query(text: str) -> str:
    """A safe FTS5 query from free text: the telling words, each quoted, any of them may match."""
    return _any_of(telling_words(text))


def bounded_match(db: sqlite3.Connection, table: str, text: str, owner: User | None = None,
                  column: str = "content") -> str:
    """`fts_query(text)`, less its commonest words when together they match more than RANKING_BUDGET rows; with
    `owner`, limited to the rows of that person (the table's `owner` column), both in counting and in matching,
    the words looked for in `column` only.

    BM25 ranks every row that matches (~2 us each), so in 100k messages "what do I watch when I'm feeling under
    the weather?" would rank the 16k rows with "feel" (25-30 ms). A word that common says little about which row
    is meant (its weight in BM25 is near zero), and recall also searches by meaning; the rarer words lead.
    """
    words = telling_words(text)
    if not words:
        return ""

    def scoped(match: str) -> str:
        return f'owner : "p{owner.id}" AND {column} : ({match})' if owner is not None else match

    match = _any_of(words)
    if len(words) < 2 or _matches(db, table, scoped(match)) <= RANKING_BUDGET:
        return scoped(match)
    counted = sorted((_matches(db, table, scoped(_any_of([w]))), w) for w in words)
    kept, rows = [counted[0][1]], counted[0][0]
    for count, word in counted[1:]:
        if rows + count > RANKING_BUDGET:
            break
        kept.append(word)
        rows += count
    return scoped(_any_of(kept))


def _any_of(words: list[str]) -> str:
    return " OR ".join(f'"{w}"' for w in words)


def _matches(db: sqlite3.Connection, table: str, match: str) -> int:
    # Counting reads only the index's doclists: ~0.1 ms per thousand rows, against ~1 ms to rank them.
    return int(db.execute(f"SELECT count(*) FROM {table} WHERE {table} MATCH ?", (match,)).fetchone()[0])
_MSG = "id, conversation_id, role, content, status, created_at, meta, external_id"
_MSG_OF_M = ", ".join("m." + column.strip() for column in _MSG.split(","))  # the same columns, of alias m


def _conversation(row: tuple[Any, ...]) -> Conversation:
    return Conversation(row[0], row[1], row[2], row[3], row[4])


def _message(row: tuple[Any, ...]) -> StoredMessage:
    return StoredMessage(row[0], row[1], row[2], row[3], row[4], row[5], json.loads(row[6]), row[7])
