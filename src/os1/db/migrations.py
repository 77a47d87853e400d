"""Append-only, named schema migrations. Never edit one that has shipped; add the next."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from os1.db.times import mentioned_times

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(fn: Migration) -> Migration:
    MIGRATIONS.append((fn.__name__, fn))
    return fn


@migration
def m001_people_conversations_messages(db: sqlite3.Connection) -> None:
    _run_statements(db, """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        );
        CREATE TABLE conversations (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            title TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX conversations_by_user ON conversations(user_id, updated_at);
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
            content TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'complete'
                CHECK (status IN ('complete', 'interrupted', 'rejected', 'failed')),
            created_at TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX messages_by_conversation ON messages(conversation_id, id);
        CREATE TABLE companion_state (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (user_id, key)
        );
    """)


def _run_statements(db: sqlite3.Connection, script: str) -> None:
    # executescript() would commit on its own; statement by statement keeps the migration in one transaction
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def migrate(db: sqlite3.Connection) -> list[str]:
    """Apply the migrations not yet recorded; return their names. `db` must be in autocommit mode."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    applied = []
    for name, fn in MIGRATIONS:
        db.execute("BEGIN IMMEDIATE")  # also keeps two processes from migrating at once
        try:
            if db.execute("SELECT 1 FROM _migrations WHERE name = ?", (name,)).fetchone():
                db.execute("ROLLBACK")
                continue
            fn(db)
            db.execute("INSERT INTO _migrations VALUES (?, datetime('now'))", (name,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


@migration
def m002_episode_index(db: sqlite3.Connection) -> None:
    """Full-text index over every message (the episodes), kept in step by triggers."""
    for statement in (
        "CREATE VIRTUAL TABLE messages_fts USING fts5("
        "content, content='messages', content_rowid='id', tokenize='porter unicode61')",
        "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN "
        "INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content); END",
        "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN "
        "INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content); END",
        "CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN "
        "INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content); "
        "INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content); END",
        "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')",
    ):
        db.execute(statement)


@migration
def m003_facts_profile_journal_summaries_vectors(db: sqlite3.Connection) -> None:
    """What the companion learns and keeps about each person, beyond the raw messages.

    Everything derived from a message goes when the message goes (ON DELETE CASCADE + triggers): forgetting
    a message also forgets the facts drawn from it and every vector made of either.
    """
    _run_statements(db, """
        ALTER TABLE messages ADD COLUMN external_id TEXT;
        CREATE INDEX messages_by_external_id ON messages(external_id) WHERE external_id IS NOT NULL;
        ALTER TABLE conversations ADD COLUMN external_id TEXT;
        CREATE INDEX conversations_by_external_id ON conversations(user_id, external_id)
            WHERE external_id IS NOT NULL;
        CREATE TABLE facts (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            topic TEXT NOT NULL,
            happened_on TEXT,
            source_message_id INTEGER REFERENCES messages(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            superseded_by INTEGER REFERENCES facts(id) ON DELETE SET NULL,
            superseded_at TEXT
        );
        CREATE INDEX facts_by_user_topic ON facts(user_id, topic);
        CREATE INDEX facts_by_source ON facts(source_message_id);
        CREATE TABLE profile (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            block TEXT NOT NULL,
            text TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (user_id, block)
        );
        CREATE TABLE journal (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            ask_next TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE TABLE summaries (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            first_message_id INTEGER NOT NULL,
            last_message_id INTEGER NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX summaries_by_user ON summaries(user_id, ended_at);
        CREATE TABLE vectors (
            kind TEXT NOT NULL,
            item_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            vec BLOB NOT NULL,
            PRIMARY KEY (kind, item_id)
        );
        CREATE INDEX vectors_by_user ON vectors(user_id, model)
    """)
    for table in ("facts", "summaries"):
        db.execute(f"CREATE VIRTUAL TABLE {table}_fts USING fts5("
                   f"text, content='{table}', content_rowid='id', tokenize='porter unicode61')")
        db.execute(f"CREATE TRIGGER {table}_fts_insert AFTER INSERT ON {table} BEGIN "
                   f"INSERT INTO {table}_fts(rowid, text) VALUES (new.id, new.text); END")
        db.execute(f"CREATE TRIGGER {table}_fts_delete AFTER DELETE ON {table} BEGIN "
                   f"INSERT INTO {table}_fts({table}_fts, rowid, text) VALUES ('delete', old.id, old.text); END")
        db.execute(f"CREATE TRIGGER {table}_fts_update AFTER UPDATE OF text ON {table} BEGIN "
                   f"INSERT INTO {table}_fts({table}_fts, rowid, text) VALUES ('delete', old.id, old.text); "
                   f"INSERT INTO {table}_fts(rowid, text) VALUES (new.id, new.text); END")
    for table, kind in (("messages", "message"), ("facts", "fact"), ("summaries", "summary")):
        db.execute(f"CREATE TRIGGER {table}_vectors_delete AFTER DELETE ON {table} BEGIN "
                   f"DELETE FROM vectors WHERE kind = '{kind}' AND item_id = old.id; END")


@migration
def m004_mentioned_times(db: sqlite3.Connection) -> None:
    """The times a message talks about ("last Saturday" said on a Monday), resolved when it is stored, so
    "what did I do last weekend?" finds it although it was said after the weekend."""
    _run_statements(db, """
        CREATE TABLE mentions (
            message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            start TEXT NOT NULL,
            end TEXT NOT NULL
        );
        CREATE INDEX mentions_by_start ON mentions(start);
        CREATE INDEX mentions_by_message ON mentions(message_id)
    """)
    rows = db.execute("SELECT id, content, created_at FROM messages WHERE role = 'user'").fetchall()
    for message_id, content, created_at in rows:
        db.executemany("INSERT INTO mentions (message_id, start, end) VALUES (?, ?, ?)",
                       [(message_id, start, end) for start, end in mentioned_times(content, created_at)])



@migration
def m005_messages_by_time(db: sqlite3.Connection) -> None:
    """Time-aware recall ("what did we talk about last weekend?") reads messages by when they were said."""
    db.execute("CREATE INDEX messages_by_time ON messages(created_at)")


@migration
def m006_api_tokens(db: sqlite3.Connection) -> None:
    """Sign-in tokens for `os1 serve`. Only an argon2 hash of each token's secret is kept; the token's public
    id finds its row, so signing in checks one hash, not every one."""
    _run_statements(db, """
        CREATE TABLE api_tokens (
            id INTEGER PRIMARY KEY,
            public_id TEXT NOT NULL UNIQUE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            last_used_at TEXT
        );
        CREATE INDEX api_tokens_by_user ON api_tokens(user_id)
    """)


@migration
def m007_actions_and_reminders(db: sqlite3.Connection) -> None:
    """What OS1 did for each person with its tools (the audit log, with how to undo each action), and the
    reminders and alarms it keeps for them. `due_at` is when the person asked for, in UTC; quiet hours are
    applied when it fires, so changing them moves what is still waiting."""
    _run_statements(db, """
        CREATE TABLE actions (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            conversation_id INTEGER REFERENCES conversations(id) ON DELETE SET NULL,
            tool TEXT NOT NULL,
            arguments TEXT NOT NULL,
            summary TEXT NOT NULL,
            result TEXT NOT NULL,
            undo TEXT,
            confirmed INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            undone_at TEXT
        );
        CREATE INDEX actions_by_user ON actions(user_id, id);
        CREATE TABLE reminders (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            due_at TEXT NOT NULL,
            alarm INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            fired_at TEXT,
            cancelled_at TEXT
        );
        CREATE INDEX reminders_waiting ON reminders(due_at) WHERE fired_at IS NULL AND cancelled_at IS NULL;
        CREATE INDEX reminders_by_user ON reminders(user_id, due_at)
    """)


@migration
def m008_mail_accounts(db: sqlite3.Connection) -> None:
    """Each person's mail account (one each): where their IMAP and SMTP servers are and how to reach them. The
    password is kept only as Fernet ciphertext; its key lives in a 0600 file under OS1's home, never here."""
    _run_statements(db, """
        CREATE TABLE mail_accounts (
            user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
            address TEXT NOT NULL,
            imap_host TEXT NOT NULL,
            imap_port INTEGER NOT NULL,
            imap_security TEXT NOT NULL CHECK (imap_security IN ('ssl', 'starttls', 'none')),
            smtp_host TEXT NOT NULL,
            smtp_port INTEGER NOT NULL,
            smtp_security TEXT NOT NULL CHECK (smtp_security IN ('ssl', 'starttls', 'none')),
            username TEXT NOT NULL,
            password_sealed TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
    """)


@migration
def m009_files(db: sqlite3.Connection) -> None:
    """The person's files: the folders they opened to OS1, an index of what is in them (names, text in chunks
    with their vectors), and a journal of every move OS1 planned and made there, so each can be undone.

    The index is derived from the files and goes with its folder (ON DELETE CASCADE); the journal stays."""
    _run_statements(db, """
        CREATE TABLE file_roots (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            added_at TEXT NOT NULL,
            indexed_at TEXT,
            UNIQUE (user_id, path)
        );
        CREATE TABLE files (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            root_id INTEGER NOT NULL REFERENCES file_roots(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            name TEXT NOT NULL,
            folder TEXT NOT NULL,
            kind TEXT NOT NULL,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            indexed_at TEXT NOT NULL,
            UNIQUE (user_id, path)
        );
        CREATE INDEX files_by_root ON files(root_id);
        CREATE INDEX files_by_name ON files(user_id, name COLLATE NOCASE);
        CREATE TABLE file_chunks (
            id INTEGER PRIMARY KEY,
            file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            text TEXT NOT NULL,
            model TEXT,
            vec BLOB
        );
        CREATE INDEX file_chunks_by_file ON file_chunks(file_id, seq);
        CREATE INDEX file_chunks_by_user ON file_chunks(user_id, model);
        CREATE TABLE file_batches (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            tool TEXT NOT NULL,
            arguments TEXT NOT NULL,
            sentence TEXT NOT NULL,
            created_at TEXT NOT NULL,
            applied_at TEXT,
            undone_at TEXT
        );
        CREATE INDEX file_batches_by_user ON file_batches(user_id, tool, id);
        CREATE TABLE file_moves (
            id INTEGER PRIMARY KEY,
            batch_id INTEGER NOT NULL REFERENCES file_batches(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            src TEXT NOT NULL,
            dst TEXT NOT NULL,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            why TEXT NOT NULL DEFAULT '',
            made_dirs TEXT NOT NULL DEFAULT '[]',
            done_at TEXT,
            undone_at TEXT,
            note TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX file_moves_by_batch ON file_moves(batch_id, seq)
    """)
    for table, columns in (("files", "name, title, folder"), ("file_chunks", "text")):
        new = ", ".join(f"new.{c.strip()}" for c in columns.split(","))
        old = ", ".join(f"old.{c.strip()}" for c in columns.split(","))
        db.execute(f"CREATE VIRTUAL TABLE {table}_fts USING fts5("
                   f"{columns}, content='{table}', content_rowid='id', tokenize='porter unicode61')")
        db.execute(f"CREATE TRIGGER {table}_fts_insert AFTER INSERT ON {table} BEGIN "
                   f"INSERT INTO {table}_fts(rowid, {columns}) VALUES (new.id, {new}); END")
        db.execute(f"CREATE TRIGGER {table}_fts_delete AFTER DELETE ON {table} BEGIN "
                   f"INSERT INTO {table}_fts({table}_fts, rowid, {columns}) VALUES ('delete', old.id, {old}); END")
        db.execute(f"CREATE TRIGGER {table}_fts_update AFTER UPDATE OF {columns} ON {table} BEGIN "
                   f"INSERT INTO {table}_fts({table}_fts, rowid, {columns}) VALUES ('delete', old.id, {old}); "
                   f"INSERT INTO {table}_fts(rowid, {columns}) VALUES (new.id, {new}); END")


@migration
def m010_per_person_time_and_token_epoch(db: sqlite3.Connection) -> None:
    """Two things a server with many people needs.

    Recall by time ("what did I do last weekend?") reads one person's messages of that time through their own
    conversations, not everyone's messages of that time: on a shared server, today's messages are everybody's.
    It skips conversations whose `updated_at` is older than the time asked about, so that must never be older
    than a conversation's last message (made so here for any store where it was).

    `token_epoch` counts removals and changes of sign-in tokens, whoever makes them (`os1 users remove` in
    another process, a cascade from deleting a person). A server checks this one number instead of looking up
    every remembered token again."""
    _run_statements(db, """
        CREATE INDEX messages_by_conversation_time ON messages(conversation_id, created_at);
        CREATE TABLE token_epoch (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
        INSERT INTO token_epoch (id, n) VALUES (1, 0);
        UPDATE conversations SET updated_at = (SELECT max(m.created_at) FROM messages m
                                               WHERE m.conversation_id = conversations.id)
            WHERE updated_at < (SELECT max(m.created_at) FROM messages m WHERE m.conversation_id = conversations.id)
    """)
    for name, event in (("removed", "DELETE"), ("changed", "UPDATE OF public_id, user_id, hash")):
        db.execute(f"CREATE TRIGGER api_tokens_{name} AFTER {event} ON api_tokens BEGIN "
                   "UPDATE token_epoch SET n = n + 1 WHERE id = 1; END")


@migration
def m011_messages_fts_by_person(db: sqlite3.Connection) -> None:
    """The word index over messages also says whose each message is (`owner`, a token like `p12`), so a search
    matches, counts and ranks only the asking person's messages. Before, a common word ("today", "work") on a
    shared server matched thousands of other people's messages, all ranked by BM25 before being dropped (25-60 ms a
    search with 8,316 people). The index keeps its own copy of each message's text: deleting from it by id then
    needs no old values, which an external-content index would have had to rebuild from a conversation that a
    cascade may already have deleted."""
    for trigger in ("insert", "delete", "update"):
        db.execute(f"DROP TRIGGER messages_fts_{trigger}")
    db.execute("DROP TABLE messages_fts")
    db.execute("CREATE VIRTUAL TABLE messages_fts USING fts5(content, owner, tokenize='porter unicode61')")
    db.execute("INSERT INTO messages_fts(rowid, content, owner) SELECT m.id, m.content, 'p' || c.user_id "
               "FROM messages m JOIN conversations c ON c.id = m.conversation_id")
    for statement in (
        "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN "
        "INSERT INTO messages_fts(rowid, content, owner) SELECT new.id, new.content, 'p' || user_id "
        "FROM conversations WHERE id = new.conversation_id; END",
        "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN "
        "DELETE FROM messages_fts WHERE rowid = old.id; END",
        "CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN "
        "UPDATE messages_fts SET content = new.content WHERE rowid = new.id; END",
    ):
        db.execute(statement)


@migration
def m012_facts_and_summaries_fts_by_person(db: sqlite3.Connection) -> None:
    """Facts and summaries get the word index messages got in m011: each row's `owner` token, so a search
    matches only the asking person's. Their rows carry `user_id`, so the triggers need nothing else."""
    for table in ("facts", "summaries"):
        for trigger in ("insert", "delete", "update"):
            db.execute(f"DROP TRIGGER {table}_fts_{trigger}")
        db.execute(f"DROP TABLE {table}_fts")
        db.execute(f"CREATE VIRTUAL TABLE {table}_fts USING fts5(text, owner, tokenize='porter unicode61')")
        db.execute(f"INSERT INTO {table}_fts(rowid, text, owner) SELECT id, text, 'p' || user_id FROM {table}")
        db.execute(f"CREATE TRIGGER {table}_fts_insert AFTER INSERT ON {table} BEGIN "
                   f"INSERT INTO {table}_fts(rowid, text, owner) VALUES (new.id, new.text, 'p' || new.user_id); END")
        db.execute(f"CREATE TRIGGER {table}_fts_delete AFTER DELETE ON {table} BEGIN "
                   f"DELETE FROM {table}_fts WHERE rowid = old.id; END")
        db.execute(f"CREATE TRIGGER {table}_fts_update AFTER UPDATE OF text, user_id ON {table} BEGIN "
                   f"UPDATE {table}_fts SET text = new.text, owner = 'p' || new.user_id WHERE rowid = new.id; END")


@migration
def m013_reply_drafts(db: sqlite3.Connection) -> None:
    """What a person has been shown of a reply still being written, kept as it streams (os1.db.drafts): a
    server killed mid-reply loses none of what was read. `owner` names the process writing it, so another
    process on the same store leaves a live draft alone; `after_id` is the message it answers."""
    _run_statements(db, """
        CREATE TABLE reply_drafts (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            after_id INTEGER NOT NULL,
            owner TEXT NOT NULL,
            content TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX reply_drafts_by_conversation ON reply_drafts(conversation_id)
    """)


@migration
def m014_reach_outs(db: sqlite3.Connection) -> None:
    """What OS1 says to a person unasked: a follow-up on something they said would happen, a check-in after days
    of silence, a maintenance notice. Each is kept with its reason, and with when it was delivered (or dropped,
    and why), per person: so it is said once, and a notice that never arrived shows as such."""
    _run_statements(db, """
        CREATE TABLE reach_outs (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('follow_up', 'check_in', 'maintenance')),
            about TEXT NOT NULL,
            reason TEXT NOT NULL,
            event_at TEXT NOT NULL,
            due_at TEXT NOT NULL,
            created_at TEXT NOT NULL,
            delivered_at TEXT,
            said TEXT,
            dropped_at TEXT,
            dropped_why TEXT,
            UNIQUE (user_id, kind, about, event_at)
        );
        CREATE INDEX reach_outs_waiting ON reach_outs(user_id, due_at)
            WHERE delivered_at IS NULL AND dropped_at IS NULL
    """)


@migration
def m015_music_pieces(db: sqlite3.Connection) -> None:
    """The pieces OS1 composed for each person: the score (from which MIDI and audio are made again whenever
    needed), its title and what it is about, why it sounds as it does, and the moment it belongs to: the
    conversation, the message that asked for it, and the memories it was made from (JSON)."""
    _run_statements(db, """
        CREATE TABLE pieces (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            conversation_id INTEGER REFERENCES conversations(id) ON DELETE SET NULL,
            message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
            title TEXT NOT NULL,
            about TEXT NOT NULL,
            mood TEXT NOT NULL,
            why TEXT NOT NULL,
            request TEXT NOT NULL,
            memories TEXT NOT NULL DEFAULT '[]',
            score TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX pieces_by_user ON pieces(user_id, id)
    """)


@migration
def m016_letters(db: sqlite3.Connection) -> None:
    """Letters written for others (or for oneself): the clients a person writes for, each with a memory of their
    own (kept apart from the person's facts and from every other client's), the letters with every version kept,
    and the proofreading suggestions made on a version, each accepted or rejected one by one."""
    _run_statements(db, """
        CREATE TABLE letter_clients (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            writes_to TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            UNIQUE (user_id, name COLLATE NOCASE)
        );
        CREATE TABLE letter_client_notes (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            client_id INTEGER NOT NULL REFERENCES letter_clients(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT 'told',
            created_at TEXT NOT NULL
        );
        CREATE INDEX letter_client_notes_by_client ON letter_client_notes(user_id, client_id, id);
        CREATE TABLE letters (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            client_id INTEGER REFERENCES letter_clients(id) ON DELETE CASCADE,
            sender TEXT NOT NULL,
            recipient TEXT NOT NULL,
            brief TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX letters_by_user ON letters(user_id, client_id, id);
        CREATE TABLE letter_versions (
            id INTEGER PRIMARY KEY,
            letter_id INTEGER NOT NULL REFERENCES letters(id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            text TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            proofread_of INTEGER,
            created_at TEXT NOT NULL,
            UNIQUE (letter_id, number)
        );
        CREATE TABLE letter_suggestions (
            id INTEGER PRIMARY KEY,
            letter_id INTEGER NOT NULL REFERENCES letters(id) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('spelling', 'grammar', 'repeated', 'tone')),
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            original TEXT NOT NULL,
            replacement TEXT NOT NULL,
            message TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
            created_at TEXT NOT NULL
        );
        CREATE INDEX letter_suggestions_by_letter ON letter_suggestions(letter_id, version, start)
    """)


@migration
def m017_good_morning(db: sqlite3.Connection) -> None:
    """A good morning, said each day at the time the person asked for: a reach-out of its own kind. SQLite cannot
    change a CHECK, so the table is made again with the new kind and its rows copied over."""
    _run_statements(db, """
        CREATE TABLE reach_outs_new (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('follow_up', 'check_in', 'maintenance', 'morning')),
            about TEXT NOT NULL,
            reason TEXT NOT NULL,
            event_at TEXT NOT NULL,
            due_at TEXT NOT NULL,
            created_at TEXT NOT NULL,
            delivered_at TEXT,
            said TEXT,
            dropped_at TEXT,
            dropped_why TEXT,
            UNIQUE (user_id, kind, about, event_at)
        );
        INSERT INTO reach_outs_new SELECT * FROM reach_outs;
        DROP TABLE reach_outs;
        ALTER TABLE reach_outs_new RENAME TO reach_outs;
        CREATE INDEX reach_outs_waiting ON reach_outs(user_id, due_at)
            WHERE delivered_at IS NULL AND dropped_at IS NULL
    """)
