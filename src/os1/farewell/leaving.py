"""Deleting a person for good, with proof: every row of theirs goes in one transaction (conversations,
messages, memory, the companion's state, letters, music, reminders, sign-in tokens, by ON DELETE CASCADE), the
database file is compacted with secure delete, their folders are removed, and then the file itself is searched
for what they said: the proof is that none of it is there."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from os1.db.store import Store, User

SAMPLES = 400  # of their own sentences, looked for in the file afterwards
MIN_SAMPLE_CHARS = 16  # shorter ones ("ok, thanks") may well be someone else's words too
SAMPLE_CHARS = 48


@dataclass(frozen=True)
class Proof:
    deleted: dict[str, int]  # rows, by kind
    looked_for: int  # how many of their messages and facts were searched for in the database file afterwards
    still_there: int  # how many were found (0: none of it is left)
    folders: list[str] = field(default_factory=list)  # their files' folders, removed

    def lines(self) -> list[str]:
        rows = ", ".join(f"{n:,} {_one(kind) if n == 1 else kind}" for kind, n in self.deleted.items() if n)
        found = ("none of it is left in the file" if not self.still_there
                 else f"{self.still_there} still found (said by someone else here too, or a fault: please report)")
        return [f"Deleted: {rows or 'nothing was kept'}; the database was compacted.",
                *(f"Removed: {f}" for f in self.folders),
                f"Checked: searched the database file for {self.looked_for:,} things you said or it learned; "
                f"{found}."]


async def delete_person(store: Store, user: User, home: Path) -> Proof:
    """Delete everything of this person (see the module's note), and prove it."""
    deleted = await _counts(store, user)
    samples = await _samples(store, user)
    await store.delete_user(user)
    folders = []
    for folder in (home / "music" / str(user.id), home / "letters" / str(user.id)):
        if folder.exists():
            shutil.rmtree(folder)
            folders.append(str(folder))
    return Proof(deleted, len(samples), await store.run(lambda: still_in_file(store.path, samples)), folders)


def still_in_file(db_path: Path, samples: list[str]) -> int:
    """How many of `samples` are anywhere in the database file or its write-ahead log, byte for byte."""
    data = b"".join(p.read_bytes() for p in (db_path, db_path.with_name(db_path.name + "-wal")) if p.exists())
    return sum(s.encode() in data for s in samples)


async def _counts(store: Store, user: User) -> dict[str, int]:
    queries = {
        "conversations": "SELECT count(*) FROM conversations WHERE user_id = ?",
        "messages": "SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id "
                    "WHERE c.user_id = ?",
        "facts": "SELECT count(*) FROM facts WHERE user_id = ?",
        "summaries": "SELECT count(*) FROM summaries WHERE user_id = ?",
        "journal entries": "SELECT count(*) FROM journal WHERE user_id = ?",
        "reminders": "SELECT count(*) FROM reminders WHERE user_id = ?",
        "letters": "SELECT count(*) FROM letters WHERE user_id = ?",
        "clients": "SELECT count(*) FROM letter_clients WHERE user_id = ?",
        "pieces of music": "SELECT count(*) FROM pieces WHERE user_id = ?",
        "logged actions": "SELECT count(*) FROM actions WHERE user_id = ?",
        "sign-in tokens": "SELECT count(*) FROM api_tokens WHERE user_id = ?",
    }
    return {kind: int((await store.read(sql, (user.id,)))[0][0]) for kind, sql in queries.items()}


async def _samples(store: Store, user: User) -> list[str]:
    """The openings of their longest messages, facts, notes and letters: what would show if anything of theirs
    were left. An opening, not the whole text: a long one is stored across pages, and would not be found whole
    even if it were there."""
    rows = await store.read(
        "SELECT text FROM (SELECT m.content AS text FROM messages m JOIN conversations c ON c.id = m.conversation_id "
        "WHERE c.user_id = ? UNION SELECT text FROM facts WHERE user_id = ? "
        "UNION SELECT text FROM summaries WHERE user_id = ? UNION SELECT text FROM journal WHERE user_id = ? "
        "UNION SELECT text FROM profile WHERE user_id = ? "
        "UNION SELECT text FROM letter_client_notes WHERE user_id = ? "
        "UNION SELECT v.text FROM letter_versions v JOIN letters l ON l.id = v.letter_id WHERE l.user_id = ?) "
        "WHERE length(text) >= ? ORDER BY length(text) DESC LIMIT ?", (*[user.id] * 7, MIN_SAMPLE_CHARS, SAMPLES))
    return list(dict.fromkeys(str(r[0])[:SAMPLE_CHARS] for r in rows))


def _one(kind: str) -> str:
    """"conversations" → "conversation", "journal entries" → "journal entry", "pieces of music" → "piece of music"."""
    first, _, rest = kind.partition(" of ")
    if rest:
        return f"{_one(first)} of {rest}"
    if kind.endswith("ies"):
        return kind[:-3] + "y"
    return kind.removesuffix("s")
