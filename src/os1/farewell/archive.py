"""The farewell archive: one zip a person can open and read, and that `os1 memory import` brings back whole.

Inside: the complete export (`os1-export.json`, the same document as `os1 memory export`), and the same things
to read without OS1: every conversation as a transcript, what it knew of them and its journal, their letters,
the log of what it did for them, and each piece of music as a MIDI file.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from os1.db.store import Store, User
from os1.memory.portable import ARCHIVE_MEMBER, export_person
from os1.music.library import pieces
from os1.music.midi import to_midi

EXPORT_NAME = ARCHIVE_MEMBER  # the member that makes a zip an OS1 archive (memory/importers.py reads it)


@dataclass(frozen=True)
class Archive:
    path: Path
    sha256: str  # of the whole file: what a server asks back before it deletes anything
    counts: dict[str, int]


def counts_of(doc: dict[str, Any]) -> dict[str, int]:
    """How much the export holds, by kind: what the person is told they are taking with them."""
    return {"conversations": len(doc["conversations"]),
            "messages": sum(len(c["messages"]) for c in doc["conversations"]),
            "facts": sum(f["superseded_by"] is None for f in doc["facts"]), "journal": len(doc["journal"]),
            "reminders": len(doc["reminders"]), "actions": len(doc["actions"]), "music": len(doc["music"]),
            "letters": len(doc["letters"]), "letter_clients": len(doc["letter_clients"])}


async def write_archive(store: Store, user: User, path: Path, companion: str = "OS1") -> Archive:
    """Write the archive to `path` (a new file: an older one is never overwritten), and check it reads back."""
    doc = await export_person(store, user)
    scores = [(p.title, to_midi(p.score, p.title)) for p in await pieces(store, user)]
    members: dict[str, str | bytes] = {EXPORT_NAME: json.dumps(doc, ensure_ascii=False, indent=1),
               "README.txt": _readme(doc, companion),
               "about-you.md": _about(doc, companion),
               "what-it-did.md": _actions(doc)}
    for n, conv in enumerate(doc["conversations"], 1):
        day = str(conv["created_at"])[:10]
        members[f"conversations/{n:04d}-{day}{_slug(conv['title'])}.md"] = _transcript(conv, doc["person"], companion)
    for n, letter in enumerate(doc["letters"], 1):
        members[f"letters/{n:03d}-to-{_slug(letter['recipient']).strip('-') or 'someone'}.txt"] = _letter(letter)
    for n, (title, song) in enumerate(scores, 1):
        buffer = io.BytesIO()
        song.save(file=buffer)
        members[f"music/{n:02d}{_slug(title)}.mid"] = buffer.getvalue()
    sha256 = await asyncio.to_thread(_write, path, members, doc)
    return Archive(path, sha256, counts_of(doc))


def _write(path: Path, members: dict[str, str | bytes], doc: dict[str, Any]) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("xb") as out, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    check(path, doc)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check(path: Path, doc: dict[str, Any]) -> None:
    """The archive on disk opens, and its export is the one written: nothing is deleted on a broken archive."""
    with zipfile.ZipFile(path) as zf:
        if zf.testzip() is not None:
            raise OSError(f"{path} did not write correctly; nothing was deleted.")
        if json.loads(zf.read(EXPORT_NAME)) != json.loads(json.dumps(doc)):
            raise OSError(f"{path} does not read back as written; nothing was deleted.")


def _slug(title: str | None) -> str:
    words = re.sub(r"[^\w]+", "-", (title or "").lower(), flags=re.UNICODE).strip("-")[:40].strip("-")
    return f"-{words}" if words else ""


def _readme(doc: dict[str, Any], companion: str) -> str:
    counts = counts_of(doc)
    return (f"Everything {companion} kept of {doc['person']}, as it was on {str(doc['exported_at'])[:10]}.\n\n"
            f"- conversations/: {counts['conversations']} conversations, {counts['messages']} messages, as "
            f"transcripts\n"
            f"- about-you.md: what it knew of you ({counts['facts']} facts), and its journal\n"
            f"- letters/: {counts['letters']} letters, the latest version of each (every version is in the "
            f"export)\n"
            f"- music/: {counts['music']} pieces it composed for you, as MIDI files\n"
            f"- what-it-did.md: the log of what it did for you with its tools\n"
            f"- {EXPORT_NAME}: all of it, complete, in one document\n\n"
            f"To bring it all back into an OS1: os1 memory import {{this file}}\n")


def _about(doc: dict[str, Any], companion: str) -> str:
    lines = [f"# What {companion} knew of {doc['person']}", ""]
    for block in doc["profile"]:
        lines.append(f"**{block['block']}**: {block['text']}")
    lines += ["", "## Facts", ""]
    lines += [f"- {str(f['created_at'])[:10]}: {f['text']}" for f in doc["facts"] if f["superseded_by"] is None]
    lines += ["", f"## {companion}'s journal", ""]
    lines += [f"- {str(j['created_at'])[:10]}: {j['text']}" for j in doc["journal"]]
    return "\n".join(lines) + "\n"


def _transcript(conv: dict[str, Any], person: str, companion: str) -> str:
    who = {"user": person, "assistant": companion}
    lines = [f"# {conv['title'] or 'Conversation'} ({str(conv['created_at'])[:16].replace('T', ' ')})", ""]
    for m in conv["messages"]:
        if m["status"] == "rejected" or not m["content"]:
            continue
        mark = " (cut off)" if m["status"] == "interrupted" else ""
        lines += [f"**{who.get(m['role'], m['role'])}**, {str(m['created_at'])[11:16]}{mark}:", m["content"], ""]
    return "\n".join(lines)


def _letter(letter: dict[str, Any]) -> str:
    latest = letter["versions"][-1] if letter["versions"] else {"text": "", "number": 0}
    return (f"From {letter['sender']} to {letter['recipient']}, version {latest['number']} of "
            f"{len(letter['versions'])}\n\n{latest['text']}\n")


def _actions(doc: dict[str, Any]) -> str:
    lines = ["# What it did for you", ""]
    for a in doc["actions"]:
        undone = f" (undone {str(a['undone_at'])[:16]})" if a["undone_at"] else ""
        lines.append(f"- {str(a['created_at'])[:16].replace('T', ' ')}: {a['summary']}{undone}")
    return "\n".join(lines) + "\n"
