"""Moving files without ever overwriting or losing one, with a journal that makes every move undoable.

A plan (the moves shown to the person) is written to the journal when it is proposed; after their yes it is
applied move by move, each marked done as it happens, so a crash leaves a journal that says exactly what moved.
Undo walks the done moves backwards and puts each file back, unless it changed since or its old place is taken:
then it stays, and the person is told which.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from os1.db.store import Store, User
from os1.db.times import now_iso
from os1.files.folders import FilesError, shown

PLAN_TTL = timedelta(minutes=30)  # as long as a proposal waits for its yes


@dataclass(frozen=True)
class Move:
    src: Path
    dst: Path
    why: str = ""  # "photo from 2024", "named from its title", "a copy of budget.xlsx"


@dataclass(frozen=True)
class Planned:
    """A move as the journal keeps it: with the size and time its file had when the plan was shown."""

    id: int
    seq: int
    move: Move
    size: int
    mtime_ns: int
    done_at: str | None
    undone_at: str | None
    made_dirs: tuple[str, ...]


@dataclass(frozen=True)
class Batch:
    id: int
    tool: str
    sentence: str
    created_at: str
    applied_at: str | None
    undone_at: str | None
    moves: tuple[Planned, ...]


@dataclass(frozen=True)
class Applied:
    moved: list[Move]
    skipped: list[tuple[Move, str]]  # and why


def move_file(src: Path, dst: Path) -> None:
    """Move one file to a path where nothing is, never replacing anything (FileExistsError if taken)."""
    try:
        # A hard link cannot replace an existing file: the only way here to "rename unless taken" atomically.
        os.link(src, dst, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno == errno.EXDEV:
            _copy_across(src, dst)  # another disk (OS1's trash may live on one)
        elif exc.errno in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.EACCES):
            if os.path.lexists(dst):  # a file system without hard links: check, then rename
                raise FileExistsError(errno.EEXIST, "exists", str(dst)) from None
            os.rename(src, dst)
            return
        else:
            raise
    else:
        os.unlink(src)


def _copy_across(src: Path, dst: Path) -> None:
    with src.open("rb") as reader, dst.open("xb") as writer:  # "x": fails if the name is taken
        shutil.copyfileobj(reader, writer, 1 << 20)
        writer.flush()
        os.fsync(writer.fileno())
    shutil.copystat(src, dst)
    if dst.stat().st_size != src.stat().st_size:
        dst.unlink()
        raise OSError(errno.EIO, f"copying {src.name} to another disk came out short; nothing was moved")
    src.unlink()


def free_name(path: Path, taken: set[Path] | None = None) -> Path:
    """`path`, or "name (2).ext", "name (3).ext"… : the first that is neither on disk nor in `taken`."""
    taken = taken or set()
    candidate, n = path, 1
    while os.path.lexists(candidate) or candidate in taken:
        n += 1
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
    return candidate


async def save_plan(store: Store, user: User, tool: str, arguments: dict[str, Any], moves: list[Move],
                    sentence: str) -> int:
    """Keep the moves shown to the person, with each file's size and time now; returns the batch id."""
    stats = []
    for m in moves:
        st = m.src.stat()
        stats.append((st.st_size, st.st_mtime_ns))

    def op(db: sqlite3.Connection) -> int:
        # Plans shown but never said yes to are of no use once their question has expired.
        db.execute("DELETE FROM file_batches WHERE user_id = ? AND applied_at IS NULL AND created_at < ?",
                   (user.id, (datetime.now(UTC) - PLAN_TTL).isoformat(timespec="milliseconds")))
        cur = db.execute("INSERT INTO file_batches (user_id, tool, arguments, sentence, created_at) "
                         "VALUES (?, ?, ?, ?, ?)", (user.id, tool, _key(arguments), sentence, now_iso()))
        batch = int(cur.lastrowid or 0)
        db.executemany("INSERT INTO file_moves (batch_id, seq, src, dst, size, mtime_ns, why) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [(batch, n, str(m.src), str(m.dst), size, mtime, m.why)
                        for n, (m, (size, mtime)) in enumerate(zip(moves, stats, strict=True))])
        return batch

    return await store.write(op)


async def shown_plan(store: Store, user: User, tool: str, arguments: dict[str, Any]) -> Batch:
    """The newest plan shown for this call and not yet applied (what the person said yes to)."""
    since = (datetime.now(UTC) - PLAN_TTL).isoformat(timespec="milliseconds")
    rows = await store.read("SELECT id FROM file_batches WHERE user_id = ? AND tool = ? AND arguments = ? "
                            "AND applied_at IS NULL AND created_at >= ? ORDER BY id DESC LIMIT 1",
                            (user.id, tool, _key(arguments), since))
    if not rows:
        raise FilesError("I no longer have the plan I showed you, so I didn't touch anything. Ask me again and "
                         "I'll make a fresh one.")
    return await batch(store, user, int(rows[0][0]))


async def batch(store: Store, user: User, batch_id: int) -> Batch:
    rows = await store.read("SELECT id, tool, sentence, created_at, applied_at, undone_at FROM file_batches "
                            "WHERE id = ? AND user_id = ?", (batch_id, user.id))
    if not rows:
        raise FilesError("I have no record of those file changes.")
    moves = await store.read("SELECT id, seq, src, dst, why, size, mtime_ns, done_at, undone_at, made_dirs "
                             "FROM file_moves WHERE batch_id = ? ORDER BY seq", (batch_id,))
    planned = tuple(Planned(m[0], m[1], Move(Path(m[2]), Path(m[3]), m[4]), m[5], m[6], m[7], m[8],
                            tuple(json.loads(m[9]))) for m in moves)
    r = rows[0]
    return Batch(r[0], r[1], r[2], r[3], r[4], r[5], planned)


async def apply(store: Store, user: User, plan: Batch, checks: Any = None) -> Applied:
    """Make the planned moves, each marked done in the journal as soon as it is made. A file that changed
    since the plan was shown, or whose new place got taken, is left where it is and reported. `checks`, if
    given, is called with each destination (the allowed-folder check) before anything is made there."""
    def claim(db: sqlite3.Connection) -> bool:
        return db.execute("UPDATE file_batches SET applied_at = ? WHERE id = ? AND applied_at IS NULL",
                          (now_iso(), plan.id)).rowcount == 1

    if not await store.write(claim):  # two doors saying yes at once: the plan is carried out once
        raise FilesError("That was done already.")
    moved: list[Move] = []
    skipped: list[tuple[Move, str]] = []
    for p in plan.moves:
        why_not = _unchanged(p.move.src, p.size, p.mtime_ns)
        if why_not is None and checks is not None:
            try:
                checks(p.move.dst.parent)
            except FilesError as exc:
                why_not = str(exc)
        if why_not is not None:
            skipped.append((p.move, why_not))
            continue
        made = _make_dirs(p.move.dst.parent)
        try:
            move_file(p.move.src, p.move.dst)
        except FileExistsError:
            skipped.append((p.move, f"something called {p.move.dst.name} appeared there meanwhile"))
            _remove_empty(made)
            continue
        except OSError as exc:
            skipped.append((p.move, exc.strerror or str(exc)))
            _remove_empty(made)
            continue
        await store.write(partial(_mark, column="done_at", move_id=p.id, made=made))
        moved.append(p.move)
    return Applied(moved, skipped)


async def undo(store: Store, user: User, plan: Batch, checks: Any = None) -> Applied:
    """Put back what a batch moved, newest move first; a file changed since, or whose old place is taken or
    no longer in an allowed folder (`checks`), stays where it is (reported, never overwritten)."""
    if plan.undone_at is not None:
        raise FilesError("Those file changes were already undone.")
    back: list[Move] = []
    kept: list[tuple[Move, str]] = []
    for p in reversed(plan.moves):
        if p.done_at is None or p.undone_at is not None:
            continue
        m = p.move
        why_not = _unchanged(m.dst, p.size, p.mtime_ns)
        if why_not is None and (m.src.exists() or m.src.is_symlink()):
            why_not = f"something new is at {shown(m.src)}"
        if why_not is None and checks is not None:
            try:
                checks(m.src.parent)
            except FilesError as exc:
                why_not = str(exc)
        if why_not is None:
            _make_dirs(m.src.parent)
            try:
                move_file(m.dst, m.src)
            except OSError as exc:
                why_not = exc.strerror or str(exc)
        if why_not is not None:
            kept.append((m, why_not))
            continue
        _remove_empty(list(p.made_dirs))
        await store.write(partial(_mark, column="undone_at", move_id=p.id))
        back.append(Move(m.dst, m.src))
    await store.write(lambda db: db.execute("UPDATE file_batches SET undone_at = ? WHERE id = ?",
                                            (now_iso(), plan.id)))
    return Applied(back, kept)


def _mark(db: sqlite3.Connection, column: str, move_id: int, made: list[str] | None = None) -> None:
    db.execute(f"UPDATE file_moves SET {column} = ? WHERE id = ?", (now_iso(), move_id))
    if made is not None:
        db.execute("UPDATE file_moves SET made_dirs = ? WHERE id = ?", (json.dumps(made), move_id))


def _unchanged(path: Path, size: int, mtime_ns: int) -> str | None:
    """None if the file at `path` is as it was; otherwise why it is not."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        return f"{path.name} is no longer at {shown(path.parent)}"
    if not path.is_file() or path.is_symlink():
        return f"{shown(path)} is no longer a plain file"
    if (st.st_size, st.st_mtime_ns) != (size, mtime_ns):
        return f"{path.name} was changed since"
    return None


def _make_dirs(folder: Path) -> list[str]:
    """Create `folder` and any missing parents; returns those created, innermost first (undo removes them)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for d in reversed(missing):
        d.mkdir()
    return [str(d) for d in missing]


def _remove_empty(folders: list[str]) -> None:
    for d in folders:  # innermost first; a folder something else was put into since stays
        try:
            os.rmdir(d)
        except OSError:
            break


def _key(arguments: dict[str, Any]) -> str:
    return json.dumps(arguments, sort_keys=True, ensure_ascii=False, default=str)
