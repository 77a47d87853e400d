"""Finding a person's files: by name ("budget.xlsx"), by the words in them ("council tax") and by meaning ("my
notes about the trip to Lisbon"), fused by rank; and resolving the name a person (or the model) gave a file to
exactly one file, or a question back when several fit."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from os1.db.store import Store, User, telling_words
from os1.files.folders import FilesError, Roots, expand, real, shown
from os1.files.index import IndexedFile, index_paths, lookup, walk
from os1.memory.embeddings import Embedder

RRF_K = 60  # reciprocal rank fusion: a file's score is the sum of 1/(K + its rank) in each signal
CANDIDATES = 50
# Words that say "a file" without saying which one.
_GENERIC = frozenset("find file files document documents doc folder folders where wheres look search somewhere "
                     "computer laptop stuff thing things open show".split())
_KIND_WORDS = {"pdf": "pdf", "pdfs": "pdf", "photo": "photo", "photos": "photo", "picture": "photo",
               "pictures": "photo", "image": "photo", "images": "photo", "spreadsheet": "spreadsheet",
               "spreadsheets": "spreadsheet", "excel": "spreadsheet", "song": "music", "songs": "music",
               "video": "video", "videos": "video", "word": "docx", "docx": "docx"}


@dataclass(frozen=True)
class Hit:
    file: IndexedFile
    score: float
    snippet: str
    signals: tuple[str, ...]  # which of "name", "words", "meaning" found it


async def find(store: Store, user: User, roots: Roots, embedder: Embedder | None, query: str,
               limit: int = 5) -> list[Hit]:
    """The files best matching `query`, best first (only those still there, inside an allowed folder)."""
    words = [w for w in telling_words(query) if w not in _GENERIC]
    said = " ".join(words)
    ranked: dict[str, list[int]] = {}
    snippets: dict[int, str] = {}
    exact: set[int] = set()
    if words:
        ranked["name"] = [int(r[0]) for r in await store.ranked(
            "files_fts", said, "SELECT f.id FROM files_fts JOIN files f ON f.id = files_fts.rowid "
            "WHERE files_fts MATCH ? AND f.user_id = ? ORDER BY bm25(files_fts, 10.0, 5.0, 1.0) LIMIT ?",
            (user.id, CANDIDATES))]
        by_words: list[int] = []
        for file_id, text in await store.ranked(
                "file_chunks_fts", said, "SELECT c.file_id, c.text FROM file_chunks_fts JOIN file_chunks c "
                "ON c.id = file_chunks_fts.rowid WHERE file_chunks_fts MATCH ? AND c.user_id = ? "
                "ORDER BY bm25(file_chunks_fts) LIMIT ?", (user.id, CANDIDATES * 4)):
            if file_id not in snippets:
                by_words.append(int(file_id))
                snippets[int(file_id)] = snippet(str(text), words)
        ranked["words"] = by_words
    name = query.strip().strip("\"'").lower()
    if name:
        exact = {int(r[0]) for r in await store.read(
            "SELECT id FROM files WHERE user_id = ? AND (lower(name) = ? OR lower(title) = ?)", (user.id, name, name))}
    if embedder is not None and query.strip():
        ranked["meaning"], meant = await _by_meaning(store, user, embedder, query)
        for file_id, text in meant.items():
            snippets.setdefault(file_id, snippet(text, words))
    kind = next((_KIND_WORDS[w] for w in telling_words(query) if w in _KIND_WORDS), None)
    scores: dict[int, float] = {i: 1.0 for i in exact}
    for ids in ranked.values():
        for rank, file_id in enumerate(ids):
            scores[file_id] = scores.get(file_id, 0.0) + 1.0 / (RRF_K + rank)
    files = {f.id: f for f in await lookup(store, user, "id IN (SELECT value FROM json_each(?))",
                                           (str(sorted(scores)),))} if scores else {}
    hits = []
    for file_id, score in sorted(scores.items(), key=lambda kv: -kv[1]):
        f = files.get(file_id)
        if f is None or not _still_there(f, roots):
            continue
        if kind and (f.kind == kind or f.path.suffix.lower() == f".{kind}"):
            score += 1.0 / RRF_K
        found_by = tuple(s for s, ids in ranked.items() if file_id in ids) + (("name",) if file_id in exact else ())
        hits.append(Hit(f, score, snippets.get(file_id, f.title), found_by))
    hits.sort(key=lambda h: -h.score)
    return hits[:limit]


async def resolve(store: Store, user: User, roots: Roots, embedder: Embedder | None, name: str) -> IndexedFile:
    """The one file `name` means: a path inside an allowed folder, an exact file name, or the clear best match
    of a search. Several equally likely: FilesError asking which, naming them with their folders."""
    text = name.strip().strip("\"'")
    if not text:
        raise FilesError("Which file do you mean?")
    if not roots:
        raise FilesError(NO_FOLDERS)
    if "/" in text or text.startswith("~"):
        return await _by_path(store, user, roots, text)
    for where in ("lower(name) = ?", "lower(name) LIKE ? || '.%'", "lower(title) = ?"):
        same = [f for f in await lookup(store, user, where, (text.lower(),)) if _still_there(f, roots)]
        if len(same) == 1:
            return same[0]
        if len(same) > 1:
            raise FilesError(f"There are {len(same)} files called {text!r}: {listing(same)}. Which one? "
                             "Say it with its folder.")
    if re.search(r"\.[A-Za-z0-9]{1,5}$", text):
        on_disk = await _on_disk(store, user, roots, embedder, text)  # added since the folder was last indexed
        if on_disk is not None:
            return on_disk
    hits = await find(store, user, roots, embedder, text, limit=5)
    if not hits:
        raise FilesError(f"I couldn't find a file matching {text!r} in your folders.")
    if len(hits) == 1 or hits[0].score >= 1.3 * hits[1].score:
        return hits[0].file
    raise FilesError(f"Several files could be {text!r}: {listing([h.file for h in hits])}. Which one?")


NO_FOLDERS = "You haven't opened any folders to me yet. Do it with: os1 files allow ~/Documents"


def listing(files: list[IndexedFile]) -> str:
    return "; ".join(f"{f.name} (in {shown(f.folder)})" for f in files)


def snippet(text: str, words: list[str], width: int = 160) -> str:
    """The part of `text` around the first of `words` it contains, on one line."""
    flat = " ".join(text.split())
    at = -1
    for w in words:
        m = re.search(rf"\b{re.escape(w[:max(4, len(w) - 2)])}", flat, re.IGNORECASE)
        if m:
            at = m.start()
            break
    start = max(0, at - width // 3) if at >= 0 else 0
    cut = flat[start:start + width]
    return ("…" if start else "") + cut + ("…" if start + width < len(flat) else "")


async def _by_meaning(store: Store, user: User, embedder: Embedder, query: str) -> tuple[list[int], dict[int, str]]:
    rows = await store.read("SELECT file_id, text, vec FROM file_chunks WHERE user_id = ? AND model = ? "
                            "AND vec IS NOT NULL", (user.id, embedder.name))
    if not rows:
        return [], {}

    def score() -> list[tuple[float, int, str]]:
        matrix = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float16).reshape(len(rows), embedder.dim)
        sims = matrix.astype(np.float32) @ embedder.embed_query(query)
        best: dict[int, tuple[float, str]] = {}
        for (file_id, text, _), sim in zip(rows, sims, strict=True):
            if sim >= embedder.weak_match and sim > best.get(int(file_id), (-1.0, ""))[0]:
                best[int(file_id)] = (float(sim), str(text))
        return sorted(((s, f, t) for f, (s, t) in best.items()), reverse=True)[:CANDIDATES]

    found = await asyncio.to_thread(score)
    return [f for _, f, _ in found], {f: t for _, f, t in found}


async def _by_path(store: Store, user: User, roots: Roots, text: str) -> IndexedFile:
    given = expand(text)
    candidates = [given] if given.is_absolute() else [r.path / given for r in roots.roots] + [
        r.path.parent / given for r in roots.roots]
    for candidate in candidates:
        if candidate.is_file() or candidate.is_symlink():
            path = roots.check_file(candidate)
            known = await lookup(store, user, "path = ?", (str(path),))
            if known:
                return known[0]
            st = path.stat()
            root = roots.root_of(path)
            return IndexedFile(0, root.id if root else 0, path, "", st.st_size, st.st_mtime_ns, "", "")
    roots.check(candidates[0])  # says so when the path is outside the allowed folders
    raise FilesError(f"There is no file at {shown(real(candidates[0]))}.")


async def _on_disk(store: Store, user: User, roots: Roots, embedder: Embedder | None,
                   name: str) -> IndexedFile | None:
    """The one file called `name` in the allowed folders that the index does not know yet, indexed now."""
    def look() -> list[Path]:
        return [p for r in roots.roots for p, _ in walk(r.path, roots) if p.name.lower() == name.lower()]

    found = await asyncio.to_thread(look)
    if len(found) != 1:
        return None
    await index_paths(store, user, roots, embedder, found)
    known = await lookup(store, user, "path = ?", (str(found[0]),))
    return known[0] if known else None


def _still_there(f: IndexedFile, roots: Roots) -> bool:
    return roots.root_of(f.path) is not None and f.path.is_file()
