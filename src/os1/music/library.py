"""Each person's pieces, as kept in the store, and their files under OS1's home.

A piece's truth is its score (in the store, and in the export); its MIDI and audio are made from it and kept
under `<home>/music/<person id>/`, one folder per person, so no one's music is ever in another's folder. Every
query names the person.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from os1.db.store import Store, User, telling_words
from os1.db.times import now_iso
from os1.music.score import Score


@dataclass(frozen=True)
class Piece:
    id: int
    user_id: int
    conversation_id: int | None
    message_id: int | None
    title: str
    about: str
    mood: str
    why: str  # why it sounds as it does, in words for the person
    request: str  # what the person said when they asked for it
    memories: tuple[dict[str, Any], ...]  # the memories it was made from: {kind, id, text}
    score: Score
    created_at: str

    @property
    def seconds(self) -> float:
        return self.score.seconds

    @property
    def length(self) -> str:
        minutes, secs = divmod(int(self.seconds + 0.5), 60)
        return f"{minutes}:{secs:02d}"

    def line(self) -> str:
        """"“Title” — about …, 1:12, in D minor"."""
        return f"“{self.title}” — {self.about}, {self.length}, in {self.score.key.name}"

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "about": self.about, "mood": self.mood, "why": self.why,
                "seconds": round(self.seconds, 1), "key": self.score.key.name, "tempo": self.score.tempo,
                "summary": self.score.summary(), "request": self.request, "memories": list(self.memories),
                "conversation_id": self.conversation_id, "message_id": self.message_id,
                "created_at": self.created_at}


@dataclass(frozen=True)
class Files:
    """Where a piece's files are (or will be)."""

    folder: Path
    midi: Path
    audio: Path  # the whole piece, WAV
    opening: Path  # its first phrase, rendered first so that it can start playing at once


def files(home: Path, user: User, piece_id: int) -> Files:
    folder = home / "music" / str(user.id)
    return Files(folder, folder / f"{piece_id}.mid", folder / f"{piece_id}.wav", folder / f"{piece_id}.opening.wav")


_COLUMNS = ("id, user_id, conversation_id, message_id, title, about, mood, why, request, memories, score, "
            "created_at")


async def add_piece(store: Store, user: User, *, title: str, about: str, mood: str, why: str, request: str,
                    score: Score, conversation_id: int | None = None, message_id: int | None = None,
                    memories: tuple[dict[str, Any], ...] = ()) -> Piece:
    created = now_iso()

    def op(db: sqlite3.Connection) -> int:
        cur = db.execute(f"INSERT INTO pieces ({_COLUMNS.removeprefix('id, ')}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                         "?, ?)", (user.id, conversation_id, message_id, title, about, mood, why, request,
                                   json.dumps(list(memories), ensure_ascii=False), score.to_json(), created))
        return int(cur.lastrowid or 0)

    return Piece(await store.write(op), user.id, conversation_id, message_id, title, about, mood, why, request,
                 memories, score, created)


async def retitle(store: Store, user: User, piece_id: int, title: str, about: str) -> Piece:
    """Name a piece composed before its title was chosen (music/tools.py: `_compose_at_once`)."""
    await store.write(lambda db: db.execute("UPDATE pieces SET title = ?, about = ? WHERE user_id = ? AND id = ?",
                                            (title, about, user.id, piece_id)))
    named = await piece(store, user, piece_id)
    if named is None:
        raise LookupError(f"piece {piece_id} is gone")
    return named


async def pieces(store: Store, user: User) -> list[Piece]:
    """This person's pieces, oldest first."""
    rows = await store.read(f"SELECT {_COLUMNS} FROM pieces WHERE user_id = ? ORDER BY id", (user.id,))
    return [_piece(r) for r in rows]


async def piece(store: Store, user: User, piece_id: int) -> Piece | None:
    rows = await store.read(f"SELECT {_COLUMNS} FROM pieces WHERE user_id = ? AND id = ?", (user.id, piece_id))
    return _piece(rows[0]) if rows else None


async def delete_piece(store: Store, user: User, piece_id: int, home: Path | None) -> Piece | None:
    """Delete one of this person's pieces and its files; None if they have no such piece."""
    found = await piece(store, user, piece_id)
    if found is None:
        return None
    await store.write(lambda db: db.execute("DELETE FROM pieces WHERE user_id = ? AND id = ?", (user.id, piece_id)))
    if home is not None:
        folder = files(home, user, piece_id).folder
        for path in (*folder.glob(f"{piece_id}.*"), *folder.glob(f"{piece_id}.*.*")):  # every rendering of it
            path.unlink(missing_ok=True)
    return found


async def forget_all(store: Store, user: User, home: Path) -> None:
    """Every piece of this person, and their music folder."""
    await store.write(lambda db: db.execute("DELETE FROM pieces WHERE user_id = ?", (user.id,)))
    shutil.rmtree(home / "music" / str(user.id), ignore_errors=True)


_LATEST = re.compile(r"^(?:the )?(?:last|latest|newest|most recent|that|this|it|the one|again|one)\b",
                     re.IGNORECASE)
_PLAIN = {"play", "again", "one", "song", "songs", "piece", "pieces", "tune", "music", "please", "the", "from",
          "about", "that", "you", "wrote", "made", "composed", "once", "more", "me", "for", "last", "time", "hear"}


def choose(found: list[Piece], which: str) -> list[Piece]:
    """The pieces `which` names, best first: a number ("3", "#3"), words of the title, what it is about, the
    request or its memories ("the one from the lake"), or the latest ("the last one", "it")."""
    words = which.strip()
    if not found:
        return []
    number = re.fullmatch(r"#?\s*(\d+)", words)
    if number:
        return [p for p in found if p.id == int(number[1])]
    wanted = set(telling_words(words)) - _PLAIN
    if wanted:
        scored = [(len(wanted & _words_of(p)), p.id, p) for p in found]
        best = max(score for score, _, _ in scored)
        if best > 0:
            return [p for score, _, p in sorted(scored, key=lambda s: (-s[0], -s[1])) if score == best]
        return []
    return [found[-1]] if not words or _LATEST.search(words) or not wanted else []


def _words_of(p: Piece) -> set[str]:
    text = " ".join([p.title, p.about, p.request, *(str(m.get("text", "")) for m in p.memories)])
    return set(telling_words(text)) | {_stem(w) for w in telling_words(text)}


def _stem(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def _piece(row: tuple[Any, ...]) -> Piece:
    return Piece(int(row[0]), int(row[1]), row[2], row[3], row[4], row[5], row[6], row[7], row[8],
                 tuple(json.loads(row[9])), Score.from_json(row[10]), row[11])
