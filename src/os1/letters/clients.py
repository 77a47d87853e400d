"""The people a person writes letters for, each with a memory of their own.

A client's memory (the people in their life, their shared history) lives in its own table, always read by
person *and* client: nothing of it reaches the person's own memory, and nothing of one client reaches another's
letters. The letters written for a client are part of what OS1 knows of them (their voice).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from os1.db.store import NotFound, Store, User
from os1.db.times import now_iso

MAX_NOTE = 600  # one note: a fact or two; a longer text is cut into sentences
MAX_FILE = 200_000


class LettersError(ValueError):
    """A letters request that cannot be done as asked; the message says why, for the person."""


@dataclass(frozen=True)
class Client:
    id: int
    name: str
    writes_to: str  # whom they usually write to ("Chris, her husband"), may be empty
    created_at: str


@dataclass(frozen=True)
class Note:
    id: int
    text: str
    source: str
    created_at: str


def _client(row: tuple[object, ...]) -> Client:
    return Client(int(str(row[0])), str(row[1]), str(row[2]), str(row[3]))


async def add(store: Store, person: User, name: str, writes_to: str = "") -> Client:
    """A new client of this person's (raises LettersError if they have one of that name already)."""
    name = " ".join(name.split())
    if not name:
        raise LettersError("A client needs a name.")
    created = now_iso()

    def op(db: sqlite3.Connection) -> int:
        try:
            cur = db.execute("INSERT INTO letter_clients (user_id, name, writes_to, created_at) VALUES (?, ?, ?, ?)",
                             (person.id, name, writes_to.strip(), created))
        except sqlite3.IntegrityError:
            raise LettersError(f"You already have a client called {name}.") from None
        return int(cur.lastrowid or 0)

    return Client(await store.write(op), name, writes_to.strip(), created)


async def all_of(store: Store, person: User) -> list[Client]:
    rows = await store.read("SELECT id, name, writes_to, created_at FROM letter_clients WHERE user_id = ? "
                            "ORDER BY name COLLATE NOCASE", (person.id,))
    return [_client(r) for r in rows]


async def find(store: Store, person: User, name: str) -> Client:
    """This person's client called `name` (whole name or first name, any case)."""
    wanted = " ".join(name.split()).lower()
    clients = await all_of(store, person)
    exact = [c for c in clients if c.name.lower() == wanted]
    first = [c for c in clients if c.name.lower().split()[0] == wanted]
    found = exact or first
    if len(found) == 1:
        return found[0]
    if not clients:
        raise LettersError("You have no clients yet. Add one with: os1 letters clients add NAME")
    if found:
        raise LettersError(f"More than one client is called {name}: " + ", ".join(c.name for c in found))
    raise LettersError(f"You have no client called {name}. Your clients: " + ", ".join(c.name for c in clients))


async def named_in(store: Store, person: User, text: str) -> Client | None:
    """The one client of this person's whose name (or first name) the text mentions, if exactly one is."""
    found = [c for c in await all_of(store, person)
             if re.search(rf"\b{re.escape(c.name.split()[0])}\b", text, re.IGNORECASE)]
    return found[0] if len(found) == 1 else None


def sentences(text: str) -> list[str]:
    """What someone told of a client, as notes of a sentence or two (a file's paragraphs, cut to size)."""
    notes: list[str] = []
    for paragraph in re.split(r"\n\s*\n|\n(?=\s*[-*•])", text):
        paragraph = " ".join(paragraph.strip().lstrip("-*• ").split())
        while len(paragraph) > MAX_NOTE:
            cut = max(paragraph.rfind(". ", 0, MAX_NOTE), paragraph.rfind("! ", 0, MAX_NOTE),
                      paragraph.rfind("? ", 0, MAX_NOTE))
            cut = cut + 1 if cut > 0 else MAX_NOTE
            notes.append(paragraph[:cut].strip())
            paragraph = paragraph[cut:].strip()
        if paragraph:
            notes.append(paragraph)
    return notes


async def tell(store: Store, person: User, client: Client, text: str, source: str = "told") -> list[Note]:
    """Remember what was told of this client (in their memory only)."""
    parts = sentences(text)
    if not parts:
        raise LettersError(f"What should I remember about {client.name}?")
    created = now_iso()

    def op(db: sqlite3.Connection) -> list[Note]:
        known = {str(r[0]).lower() for r in db.execute(
            "SELECT text FROM letter_client_notes WHERE user_id = ? AND client_id = ?", (person.id, client.id))}
        notes = []
        for part in parts:
            if part.lower() in known:
                continue
            cur = db.execute("INSERT INTO letter_client_notes (user_id, client_id, text, source, created_at) "
                             "VALUES (?, ?, ?, ?, ?)", (person.id, client.id, part, source, created))
            notes.append(Note(int(cur.lastrowid or 0), part, source, created))
        return notes

    return await store.write(op)


def read_file(path: Path) -> str:
    """A plain-text or Markdown file of what someone knows of a client."""
    if path.stat().st_size > MAX_FILE:
        raise LettersError(f"{path.name} is too long to read as notes on a client (over {MAX_FILE // 1000} kB).")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise LettersError(f"{path.name} is not a text file I can read.") from None


async def notes(store: Store, person: User, client: Client) -> list[Note]:
    rows = await store.read("SELECT id, text, source, created_at FROM letter_client_notes "
                            "WHERE user_id = ? AND client_id = ? ORDER BY id", (person.id, client.id))
    return [Note(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]


async def forget_note(store: Store, person: User, client: Client, note_id: int) -> Note:
    def op(db: sqlite3.Connection) -> Note:
        row = db.execute("SELECT id, text, source, created_at FROM letter_client_notes "
                         "WHERE id = ? AND user_id = ? AND client_id = ?", (note_id, person.id, client.id)).fetchone()
        if row is None:
            raise NotFound(f"{client.name} has no note {note_id}.")
        db.execute("DELETE FROM letter_client_notes WHERE id = ?", (note_id,))
        return Note(int(row[0]), str(row[1]), str(row[2]), str(row[3]))

    return await store.write(op)


async def forget(store: Store, person: User, client: Client) -> int:
    """Forget a client wholly: their memory and every letter written for them. Returns how many letters went."""
    def op(db: sqlite3.Connection) -> int:
        letters = db.execute("SELECT count(*) FROM letters WHERE user_id = ? AND client_id = ?",
                             (person.id, client.id)).fetchone()[0]
        db.execute("DELETE FROM letter_clients WHERE id = ? AND user_id = ?", (client.id, person.id))
        return int(letters)

    return await store.write(op)
