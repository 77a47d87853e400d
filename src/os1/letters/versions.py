"""Letters and their versions: every draft, revision and proofread kept, numbered from 1, never overwritten."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from os1.db.store import NotFound, Store, User
from os1.db.times import now_iso


@dataclass(frozen=True)
class Version:
    number: int
    text: str
    note: str  # how it came to be: "written from the brief", "warmer", "accepted: recieve → receive"
    created_at: str
    proofread_of: int | None = None  # the version whose accepted suggestions made this one


@dataclass(frozen=True)
class Letter:
    id: int
    client_id: int | None  # None: the person's own letter
    sender: str
    recipient: str
    brief: str
    created_at: str
    latest: Version

    @property
    def text(self) -> str:
        return self.latest.text

    @property
    def words(self) -> int:
        return len(self.latest.text.split())

    @property
    def title(self) -> str:
        return f"To {self.recipient}, from {self.sender}" if self.recipient else f"From {self.sender}"


_LETTER = ("SELECT l.id, l.client_id, l.sender, l.recipient, l.brief, l.created_at, v.number, v.text, v.note, "
           "v.created_at, v.proofread_of FROM letters l JOIN letter_versions v ON v.letter_id = l.id AND v.number = "
           "(SELECT max(number) FROM letter_versions WHERE letter_id = l.id)")


def _letter(row: tuple[object, ...]) -> Letter:
    version = Version(int(str(row[6])), str(row[7]), str(row[8]), str(row[9]),
                      None if row[10] is None else int(str(row[10])))
    return Letter(int(str(row[0])), None if row[1] is None else int(str(row[1])), str(row[2]), str(row[3]),
                  str(row[4]), str(row[5]), version)


async def create(store: Store, person: User, client_id: int | None, sender: str, recipient: str, brief: str,
                 text: str, note: str) -> Letter:
    """A new letter with its first version."""
    created = now_iso()

    def op(db: sqlite3.Connection) -> int:
        cur = db.execute("INSERT INTO letters (user_id, client_id, sender, recipient, brief, created_at, updated_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", (person.id, client_id, sender, recipient, brief, created,
                                                          created))
        letter_id = int(cur.lastrowid or 0)
        db.execute("INSERT INTO letter_versions (letter_id, number, text, note, created_at) VALUES (?, 1, ?, ?, ?)",
                   (letter_id, text, note, created))
        return letter_id

    letter_id = await store.write(op)
    return await get(store, person, letter_id)


async def add_version(store: Store, person: User, letter: Letter, text: str, note: str,
                      proofread_of: int | None = None) -> Letter:
    """The letter's next version (the earlier ones stay)."""
    created = now_iso()

    def op(db: sqlite3.Connection) -> None:
        if db.execute("SELECT 1 FROM letters WHERE id = ? AND user_id = ?", (letter.id, person.id)).fetchone() is None:
            raise NotFound(f"There is no letter {letter.id}.")
        number = db.execute("SELECT max(number) FROM letter_versions WHERE letter_id = ?",
                            (letter.id,)).fetchone()[0] + 1
        db.execute("INSERT INTO letter_versions (letter_id, number, text, note, proofread_of, created_at) "
                   "VALUES (?, ?, ?, ?, ?, ?)", (letter.id, number, text, note, proofread_of, created))
        db.execute("UPDATE letters SET updated_at = ? WHERE id = ?", (created, letter.id))

    await store.write(op)
    return await get(store, person, letter.id)


async def get(store: Store, person: User, letter_id: int) -> Letter:
    rows = await store.read(f"{_LETTER} WHERE l.id = ? AND l.user_id = ?", (letter_id, person.id))
    if not rows:
        raise NotFound(f"There is no letter {letter_id}. See your letters with: os1 letters list")
    return _letter(rows[0])


async def all_of(store: Store, person: User, client_id: int | None = None, own: bool = False) -> list[Letter]:
    """This person's letters, oldest first: all, one client's, or (own) those they wrote for themselves."""
    where, params = "l.user_id = ?", [person.id]
    if client_id is not None:
        where += " AND l.client_id = ?"
        params.append(client_id)
    elif own:
        where += " AND l.client_id IS NULL"
    rows = await store.read(f"{_LETTER} WHERE {where} ORDER BY l.id", tuple(params))
    return [_letter(r) for r in rows]


async def latest(store: Store, person: User) -> Letter:
    rows = await store.read(f"{_LETTER} WHERE l.user_id = ? ORDER BY l.updated_at DESC, l.id DESC LIMIT 1",
                            (person.id,))
    if not rows:
        raise NotFound("There are no letters yet. Write one with: os1 letters write --client NAME \"BRIEF\"")
    return _letter(rows[0])


async def history(store: Store, person: User, letter: Letter) -> list[Version]:
    rows = await store.read("SELECT v.number, v.text, v.note, v.created_at, v.proofread_of FROM letter_versions v "
                            "JOIN letters l ON l.id = v.letter_id WHERE l.id = ? AND l.user_id = ? ORDER BY v.number",
                            (letter.id, person.id))
    return [Version(int(r[0]), str(r[1]), str(r[2]), str(r[3]), None if r[4] is None else int(r[4])) for r in rows]


async def version(store: Store, person: User, letter: Letter, number: int) -> Version:
    found = [v for v in await history(store, person, letter) if v.number == number]
    if not found:
        raise NotFound(f"Letter {letter.id} has no version {number}.")
    return found[0]


async def delete(store: Store, person: User, letter: Letter) -> None:
    await store.write(lambda db: db.execute("DELETE FROM letters WHERE id = ? AND user_id = ?",
                                            (letter.id, person.id)))
