"""Tidying a messy folder: a plan of moves and renames, made without touching anything, in words the person can
check line by line before saying yes.

The loose files of the folder (its subfolders are someone's order already, and stay as they are) go into
folders by kind: Photos/<year> (the year the photo was taken, else its file's date), Videos, Music, Documents,
Archives, Installers; exact copies go into Duplicates, never deleted. A document with a meaningless name
("Scan0001 (3) copy.pdf") gets its own title as its name. Nothing is ever planned onto an existing name.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from datetime import datetime
from pathlib import Path

from os1.files.exif import taken_at
from os1.files.folders import FilesError, shown, skipped
from os1.files.moves import Move, free_name
from os1.files.reading import first_line, kind_of, read_document, readable

FOLDER_FOR = {"photo": "Photos", "video": "Videos", "music": "Music", "archive": "Archives",
              "installer": "Installers", "document": "Documents", "spreadsheet": "Documents",
              "presentation": "Documents"}
DUPLICATES = "Duplicates"
LISTED_IN_FULL = 20  # a bigger plan is shown as a summary and its first moves
SHOWN_OF_BIG = 12

_COPY_MARKS = re.compile(r"(?:\s*\(\d+\)|(?:\s+|\s*[-_]\s*)copy(?:\s*\(?\d+\)?)?)+$", re.IGNORECASE)
_GENERIC = re.compile(r"^(?:scan(?:ned)?|scan_?doc|document|doc|untitled|file|download(?:ed)?|new document|print|"
                      r"page|output|export|img|image|attachment)?[\s_\-.]*\d*$", re.IGNORECASE)
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def loose_files(folder: Path) -> list[Path]:
    """The files directly in `folder` that a tidy may move (no links, nothing hidden)."""
    return sorted(p for p in folder.iterdir() if not skipped(p.name) and not p.is_symlink() and p.is_file())


def plan_tidy(folder: Path) -> list[Move]:
    """Where each loose file of `folder` would go, or [] when it is tidy already."""
    if not folder.is_dir():
        raise FilesError(f"{shown(folder)} is not a folder.")
    loose = loose_files(folder)
    copies = dict(duplicates(loose))
    taken: set[Path] = set()
    moves: list[Move] = []
    for path in loose:
        if path in copies:
            dst, why = free_name(folder / DUPLICATES / path.name, taken), f"a copy of {copies[path].name}"
        else:
            kind = kind_of(path)
            sub = _place(path, kind)
            target = folder / sub if sub else folder
            name, why = _clean_name(path, kind, target, taken)
            if sub is None and name == path.name:
                continue
            dst = free_name(target / name, taken)
            why = ", ".join(w for w in (_kind_words(path, kind, sub), why) if w)
        if dst != path:
            taken.add(dst)
            moves.append(Move(path, dst, why))
    return moves


def duplicates(paths: list[Path]) -> list[tuple[Path, Path]]:
    """(copy, original) for every file whose bytes are exactly those of another; the original kept is the one
    without a copy mark ("(2)", "copy") in its name, else the oldest."""
    by_size: dict[int, list[Path]] = {}
    for p in paths:
        size = p.stat().st_size
        if size:
            by_size.setdefault(size, []).append(p)
    pairs = []
    for same_size in by_size.values():
        if len(same_size) < 2:
            continue
        by_hash: dict[str, list[Path]] = {}
        for p in same_size:
            by_hash.setdefault(_sha256(p), []).append(p)
        for group in by_hash.values():
            if len(group) > 1:
                original = min(group, key=lambda p: (bool(_COPY_MARKS.search(p.stem)), p.stat().st_mtime_ns,
                                                     len(p.name), p.name))
                pairs += [(p, original) for p in group if p != original]
    return sorted(pairs)


def describe_plan(folder: Path, moves: list[Move]) -> str:
    """The plan in words: every move for a small plan; for a big one, how many go where and the first few."""
    def rel(p: Path) -> str:
        return p.relative_to(folder).as_posix() if p.is_relative_to(folder) else shown(p)

    def line(m: Move) -> str:
        return f"- {rel(m.src)} → {rel(m.dst)}" + (f" ({m.why})" if m.why else "")

    head = (f"Tidy {shown(folder)}: move {len(moves)} file{'s' if len(moves) != 1 else ''} "
            "(nothing is deleted or overwritten, and you can undo it):")
    if len(moves) <= LISTED_IN_FULL:
        return "\n".join([head, *map(line, moves)])
    into = Counter(rel(m.dst).split("/")[0] if m.dst.parent != folder else "(renamed in place)" for m in moves)
    summary = [f"- {n} into {where}" for where, n in into.most_common()]
    rest = len(moves) - SHOWN_OF_BIG
    return "\n".join([head, *summary, f"The first {SHOWN_OF_BIG}:", *map(line, moves[:SHOWN_OF_BIG]),
                      f"… and {rest} more like these."])


def _place(path: Path, kind: str) -> str | None:
    sub = FOLDER_FOR.get(kind)
    if sub == "Photos":
        when = taken_at(path) or datetime.fromtimestamp(path.stat().st_mtime)
        sub = f"Photos/{when.year}"
    if sub and path.parent.name.lower() == sub.split("/")[0].lower():
        return "/".join(sub.split("/")[1:]) or None  # tidying ~/Photos itself: no ~/Photos/Photos
    return sub


def _kind_words(path: Path, kind: str, sub: str | None) -> str:
    if kind == "photo" and sub:
        how = "taken" if taken_at(path) else "dated"
        return f"photo {how} {sub.split('/')[-1]}"
    return ""


def _clean_name(path: Path, kind: str, target: Path, taken: set[Path]) -> tuple[str, str]:
    """(name, why): its own title for a document with a meaningless name; without copy marks where that name
    is free; else the name it has."""
    stem = _COPY_MARKS.sub("", path.stem).strip() or path.stem
    if kind in ("document", "spreadsheet", "presentation") and _GENERIC.match(stem) and readable(path):
        title = _title(path)
        if title:
            return f"{title}{path.suffix.lower()}", "named from its title"
    if stem != path.stem:
        candidate = target / f"{stem}{path.suffix}"
        if not candidate.exists() and candidate not in taken:
            return candidate.name, "copy marks taken off"
    return path.name, ""


def _title(path: Path) -> str:
    try:
        doc = read_document(path)
    except FilesError:
        return ""
    title = _UNSAFE.sub(" ", doc.title or first_line(doc.text))
    title = " ".join(title.split()).strip(" .")
    if len(title) > 80:
        title = title[:80].rsplit(" ", 1)[0]
    return title if len(title) >= 3 and not skipped(title) else ""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
