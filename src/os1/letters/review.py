"""Proofreading as tracked changes: the suggestions for one version of a letter are kept, and the person accepts
or rejects each one. Every accepted one makes the letter's next version (the text of the proofread version with
all the suggestions accepted so far), so nothing changes silently and every step can be gone back to."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from os1.db.store import NotFound, Store, User
from os1.db.times import now_iso
from os1.letters import clients, proofread, versions
from os1.letters.clients import LettersError
from os1.letters.names import known_words
from os1.letters.proofread import Kind, Suggestion
from os1.letters.versions import Letter


@dataclass(frozen=True)
class Tracked:
    id: int
    letter_id: int
    version: int
    suggestion: Suggestion
    status: str  # open, accepted, rejected


async def _names(store: Store, person: User, letter: Letter) -> set[str]:
    texts = [letter.sender, letter.recipient, letter.brief]
    if letter.client_id is not None:
        client = next((c for c in await clients.all_of(store, person) if c.id == letter.client_id), None)
        if client is not None:
            texts += [client.name, client.writes_to, *(n.text for n in await clients.notes(store, person, client))]
    return known_words(*texts)


def _tracked(row: tuple[object, ...]) -> Tracked:
    kind: Kind = str(row[3])  # type: ignore[assignment]  # the table's CHECK keeps it one of KINDS
    return Tracked(int(str(row[0])), int(str(row[1])), int(str(row[2])),
                   proofread.Suggestion(kind, int(str(row[4])), int(str(row[5])), str(row[6]), str(row[7]),
                                        str(row[8])), str(row[9]))


_SELECT = ("SELECT s.id, s.letter_id, s.version, s.kind, s.start, s.end, s.original, s.replacement, s.message, "
           "s.status FROM letter_suggestions s JOIN letters l ON l.id = s.letter_id")


async def proofread_letter(store: Store, person: User, letter: Letter) -> list[Tracked]:
    """Proofread the letter's latest version: its suggestions, kept (a new proofread replaces the open ones)."""
    found = proofread.check(letter.text, await _names(store, person, letter))
    created = now_iso()

    def op(db: sqlite3.Connection) -> None:
        db.execute("DELETE FROM letter_suggestions WHERE letter_id = ? AND status = 'open'", (letter.id,))
        db.executemany("INSERT INTO letter_suggestions (letter_id, version, kind, start, end, original, replacement, "
                       "message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [(letter.id, letter.latest.number, s.kind, s.start, s.end, s.original, s.replacement,
                         s.message, created) for s in found])

    await store.write(op)
    return await suggestions(store, person, letter, letter.latest.number)


async def suggestions(store: Store, person: User, letter: Letter, version: int | None = None,
                      status: str | None = None) -> list[Tracked]:
    """The suggestions of the letter's last proofread (or of `version`), in the order of the text."""
    if version is None:
        rows = await store.read("SELECT max(version) FROM letter_suggestions WHERE letter_id = ?", (letter.id,))
        if not rows or rows[0][0] is None:
            return []
        version = int(rows[0][0])
    where = " AND s.status = ?" if status else ""
    rows = await store.read(f"{_SELECT} WHERE l.id = ? AND l.user_id = ? AND s.version = ?{where} ORDER BY s.start",
                            (letter.id, person.id, version, *((status,) if status else ())))
    return [_tracked(r) for r in rows]


async def one(store: Store, person: User, suggestion_id: int) -> Tracked:
    rows = await store.read(f"{_SELECT} WHERE s.id = ? AND l.user_id = ?", (suggestion_id, person.id))
    if not rows:
        raise NotFound(f"There is no suggestion {suggestion_id}.")
    return _tracked(rows[0])


async def decide(store: Store, person: User, suggestion_id: int, accept: bool) -> tuple[Tracked, Letter]:
    """Accept (the letter gets its next version with the change) or reject one suggestion."""
    tracked = await one(store, person, suggestion_id)
    letter = await versions.get(store, person, tracked.letter_id)
    if tracked.status != "open":
        raise LettersError(f"Suggestion {suggestion_id} was {tracked.status} already.")
    if letter.latest.number != tracked.version and letter.latest.proofread_of != tracked.version:
        raise LettersError("The letter has changed since it was proofread; proofread it again "
                           f"(os1 letters proofread {letter.id}).")
    status = "accepted" if accept else "rejected"
    await store.write(lambda db: db.execute("UPDATE letter_suggestions SET status = ? WHERE id = ?",
                                            (status, suggestion_id)))
    tracked = Tracked(tracked.id, tracked.letter_id, tracked.version, tracked.suggestion, status)
    if accept:
        base = await versions.version(store, person, letter, tracked.version)
        accepted = [t.suggestion for t in await suggestions(store, person, letter, tracked.version, "accepted")]
        s = tracked.suggestion
        note = f"accepted ({s.kind}): “{s.original.strip()}” → “{s.replacement.strip()}”"
        letter = await versions.add_version(store, person, letter, proofread.apply(base.text, accepted), note,
                                            proofread_of=tracked.version)
    return tracked, letter
