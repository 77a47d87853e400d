"""The index of a person's allowed folders, in their store: every file's name, kind, size and time; the text of
the documents in chunks (full-text, FTS5); and vectors of their first chunks (to find them by meaning).

Indexing again reads only what changed (by size and modification time) and forgets what is gone. Moves OS1
makes itself update the index in place, so a tidied folder is found at once without reading it again.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from os1.db.store import Store, User
from os1.db.times import now_iso
from os1.files.folders import FilesError, Root, Roots, skipped
from os1.files.reading import Document, first_line, kind_of, read_document, readable
from os1.memory.embeddings import Embedder

CHUNK_CHARS = 1000  # a chunk is a few paragraphs: what a snippet shows and a vector can hold
# Vectors are made of a document's first chunks only: on two cores the embedder makes ~20 a second, and what a
# document is about is nearly always clear from its beginning; every chunk is still found by its words.
EMBEDDED_CHUNKS = 3
BATCH_FILES = 16
EMBED_BATCH = 32
MAX_FILES = 200_000  # per allowed folder: a guard against opening a whole disk by mistake


@dataclass(frozen=True)
class IndexedFile:
    id: int
    root_id: int
    path: Path
    kind: str
    size: int
    mtime_ns: int
    title: str
    note: str  # why its text is not indexed ("a photo", "damaged PDF"), or what was left out

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def folder(self) -> Path:
        return self.path.parent


@dataclass
class IndexReport:
    seen: int = 0
    indexed: int = 0  # read anew (new or changed)
    unchanged: int = 0
    removed: int = 0
    unreadable: int = 0
    to_embed: int = 0  # passages waiting for a vector (the second phase)
    embedded: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def done(self) -> int:
        return self.indexed + self.unchanged

    read_s: float | None = None  # how long the first phase took

    @property
    def rate(self) -> float:
        """Files looked at per second in the first phase (names and words)."""
        return self.done / max(self.read_s or time.monotonic() - self.started, 1e-6)

    @property
    def embed_rate(self) -> float:
        """Passages given a vector per second in the second phase."""
        return self.embedded / max(time.monotonic() - self.started - (self.read_s or 0.0), 1e-6)

    @property
    def reading(self) -> bool:
        """Still in the first phase (names and words), not yet making vectors."""
        return self.done < self.seen or not self.to_embed


Progress = Callable[[IndexReport], None]


def walk(root: Path, roots: Roots) -> Iterator[tuple[Path, os.stat_result]]:
    """Every regular file under `root`, skipping hidden and system folders and never following a link: a link
    that leads inside an allowed folder is found where its target is; one that leads outside is not followed."""
    stack = [root]
    count = 0
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue  # unreadable (permissions): skipped, like a file manager would
        for entry in entries:
            if skipped(entry.name) or entry.is_symlink():
                continue
            path = Path(entry.path)
            if roots.home is not None and path == roots.home:
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(path)
                elif entry.is_file(follow_symlinks=False):
                    count += 1
                    if count > MAX_FILES:
                        return
                    yield path, entry.stat(follow_symlinks=False)
            except OSError:
                continue


async def index_root(store: Store, user: User, roots: Roots, root: Root, embedder: Embedder | None,
                     progress: Progress | None = None) -> IndexReport:
    """Bring the index of one allowed folder up to date."""
    report = IndexReport()
    found = await asyncio.to_thread(lambda: list(walk(root.path, roots)))
    report.seen = len(found)
    known = {Path(r[0]): (int(r[1]), int(r[2])) for r in await store.read(
        "SELECT path, size, mtime_ns FROM files WHERE user_id = ? AND root_id = ?", (user.id, root.id))}
    todo = [(p, st) for p, st in found if known.get(p) != (st.st_size, st.st_mtime_ns)]
    report.unchanged = report.seen - len(todo)
    gone = sorted(set(known) - {p for p, _ in found})
    if gone:
        await drop(store, user, gone)
        report.removed = len(gone)
    if progress:
        progress(report)
    # First names and words, so the folder can be searched at once; then vectors, which take most of the time
    # and are picked up again where they stopped if indexing is interrupted.
    for start in range(0, len(todo), BATCH_FILES):
        batch = todo[start:start + BATCH_FILES]
        read = await asyncio.to_thread(_read_batch, batch, None)
        await store.write(partial(_store_batch, user=user, root_id=root.id, read=read, embedder=None))
        report.indexed += len(batch)
        report.unreadable += sum(1 for r in read if r.unreadable)
        if progress:
            progress(report)
    report.read_s = time.monotonic() - report.started
    if embedder is not None:
        await _embed_missing(store, user, root.id, embedder, report, progress)
    await store.write(lambda db: db.execute("UPDATE file_roots SET indexed_at = ? WHERE id = ?", (now_iso(), root.id)))
    return report


async def _embed_missing(store: Store, user: User, root_id: int, embedder: Embedder, report: IndexReport,
                         progress: Progress | None) -> None:
    """Vectors for the first chunks of every file in this folder that has none from this embedder yet."""
    wanted = ("FROM file_chunks c JOIN files f ON f.id = c.file_id WHERE f.root_id = ? AND c.user_id = ? "
              "AND c.seq < ? AND (c.model IS NULL OR c.model != ?)")
    params = (root_id, user.id, EMBEDDED_CHUNKS, embedder.name)
    report.to_embed = int((await store.read(f"SELECT count(*) {wanted}", params))[0][0])
    while rows := await store.read(f"SELECT c.id, c.text, f.title, f.name {wanted} LIMIT ?", (*params, EMBED_BATCH)):
        texts = [f"{title or Path(name).stem}\n{text}" for _, text, title, name in rows]
        vectors = (await asyncio.to_thread(embedder.embed_passages, texts)).astype(np.float16)
        updates = [(embedder.name, vec.tobytes(), row[0]) for row, vec in zip(rows, vectors, strict=True)]
        await store.write(partial(_set_vectors, updates=updates))
        report.embedded += len(rows)
        if progress:
            progress(report)


async def index_paths(store: Store, user: User, roots: Roots, embedder: Embedder | None, paths: list[Path]) -> int:
    """Index these files now (ones OS1 just put back); those outside every allowed folder are left out."""
    batch: dict[int, list[tuple[Path, os.stat_result]]] = {}
    for path in paths:
        root = roots.root_of(path)
        if root is not None and path.is_file() and not path.is_symlink():
            batch.setdefault(root.id, []).append((path, path.stat()))
    for root_id, files in batch.items():
        read = await asyncio.to_thread(_read_batch, files, embedder)
        await store.write(partial(_store_batch, user=user, root_id=root_id, read=read, embedder=embedder))
    return sum(len(f) for f in batch.values())


async def moved(store: Store, user: User, roots: Roots, pairs: list[tuple[Path, Path]]) -> None:
    """Files OS1 moved from one place to another: their index entries follow them (content unchanged)."""
    rows = []
    for src, dst in pairs:
        root = roots.root_of(dst)
        if root is not None:
            rows.append((str(dst), dst.name, str(dst.parent), root.id, user.id, str(src)))

    def op(db: sqlite3.Connection) -> None:
        db.executemany("UPDATE OR REPLACE files SET path = ?, name = ?, folder = ?, root_id = ? "
                       "WHERE user_id = ? AND path = ?", rows)

    await store.write(op)


async def drop(store: Store, user: User, paths: list[Path]) -> None:
    """Forget these files' entries (they are gone, or went to the trash)."""
    await store.write(lambda db: db.executemany("DELETE FROM files WHERE user_id = ? AND path = ?",
                                                [(user.id, str(p)) for p in paths]))


async def lookup(store: Store, user: User, where: str, params: tuple[Any, ...]) -> list[IndexedFile]:
    rows = await store.read(f"SELECT {_COLUMNS} FROM files WHERE user_id = ? AND ({where})", (user.id, *params))
    return [_file(r) for r in rows]


async def counts(store: Store, user: User) -> dict[int, tuple[int, int]]:
    """Per allowed folder: (files indexed, documents whose text is indexed)."""
    rows = await store.read(
        "SELECT root_id, count(*), sum(EXISTS (SELECT 1 FROM file_chunks c WHERE c.file_id = files.id)) "
        "FROM files WHERE user_id = ? GROUP BY root_id", (user.id,))
    return {int(r[0]): (int(r[1]), int(r[2] or 0)) for r in rows}


def chunks_of(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Text in pieces of about `size` characters, cut between paragraphs, else sentences, else words."""
    pieces: list[str] = []
    current = ""
    for paragraph in text.split("\n"):
        while len(paragraph) > size:
            cut = max(paragraph.rfind(". ", 0, size), paragraph.rfind(" ", 0, size))
            cut = cut + 1 if cut > size // 3 else size
            if current:
                pieces.append(current)
                current = ""
            pieces.append(paragraph[:cut].strip())
            paragraph = paragraph[cut:].strip()
        if current and len(current) + len(paragraph) + 1 > size:
            pieces.append(current)
            current = ""
        current = f"{current}\n{paragraph}" if current else paragraph
    if current.strip():
        pieces.append(current)
    return [p.strip() for p in pieces if p.strip()]


@dataclass(frozen=True)
class _Read:
    path: Path
    stat: os.stat_result
    kind: str
    title: str
    note: str
    chunks: list[str]
    vectors: Any  # (n, dim) float16 for the first chunks, or None
    unreadable: bool


def _read_batch(batch: list[tuple[Path, os.stat_result]], embedder: Embedder | None) -> list[_Read]:
    docs = [_read_one(path) for path, _ in batch]
    out = []
    wanted = [(n, f"{title or path.stem}\n{chunk}") for n, ((path, _), (_, title, _, chunks)) in
              enumerate(zip(batch, docs, strict=True)) for chunk in chunks[:EMBEDDED_CHUNKS]]
    vectors = embedder.embed_passages([text for _, text in wanted]) if embedder and wanted else None
    for n, ((path, st), (kind, title, note, chunks)) in enumerate(zip(batch, docs, strict=True)):
        mine = [i for i, (owner, _) in enumerate(wanted) if owner == n]
        vecs = vectors[mine].astype(np.float16) if vectors is not None and mine else None
        out.append(_Read(path, st, kind, title, note, chunks, vecs, readable(path) and not chunks and bool(note)))
    return out


def _read_one(path: Path) -> tuple[str, str, str, list[str]]:
    """(kind, title, note, chunks) of one file; a file that cannot be read is still indexed by its name."""
    kind = kind_of(path)
    if not readable(path):
        return kind, "", "", []
    try:
        doc: Document = read_document(path)
    except FilesError as exc:
        return kind, "", str(exc), []
    return kind, doc.title or first_line(doc.text), doc.note, chunks_of(doc.text)


def _set_vectors(db: sqlite3.Connection, updates: list[tuple[str, bytes, int]]) -> None:
    db.executemany("UPDATE file_chunks SET model = ?, vec = ? WHERE id = ?", updates)


def _store_batch(db: sqlite3.Connection, user: User, root_id: int, read: list[_Read],
                 embedder: Embedder | None) -> None:
    now = now_iso()
    for r in read:
        file_id = db.execute(
            "INSERT INTO files (user_id, root_id, path, name, folder, kind, size, mtime_ns, title, note, indexed_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, path) DO UPDATE SET "
            "root_id = excluded.root_id, name = excluded.name, folder = excluded.folder, kind = excluded.kind, "
            "size = excluded.size, mtime_ns = excluded.mtime_ns, title = excluded.title, note = excluded.note, "
            "indexed_at = excluded.indexed_at RETURNING id",
            (user.id, root_id, str(r.path), r.path.name, str(r.path.parent), r.kind, r.stat.st_size,
             r.stat.st_mtime_ns, r.title, r.note, now)).fetchone()[0]
        db.execute("DELETE FROM file_chunks WHERE file_id = ?", (file_id,))
        for seq, text in enumerate(r.chunks):
            has_vec = r.vectors is not None and seq < len(r.vectors)
            db.execute("INSERT INTO file_chunks (file_id, user_id, seq, text, model, vec) VALUES (?, ?, ?, ?, ?, ?)",
                       (file_id, user.id, seq, text, embedder.name if has_vec and embedder else None,
                        r.vectors[seq].tobytes() if has_vec and r.vectors is not None else None))


_COLUMNS = "id, root_id, path, kind, size, mtime_ns, title, note"


def _file(row: tuple[Any, ...]) -> IndexedFile:
    return IndexedFile(row[0], row[1], Path(row[2]), row[3], row[4], row[5], row[6], row[7])
