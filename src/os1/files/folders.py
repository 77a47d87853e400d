"""The folders a person has opened to OS1, and the one rule every file operation goes through: a path is taken
only once it is resolved (symlinks and `..` followed to where they really lead) and found inside one of them,
outside hidden and system folders, and outside OS1's own home.

    roots = await Roots.load(store, person, home)
    path = roots.check(Path("~/Downloads/../Downloads/lease.pdf").expanduser())   # or FilesError
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from os1.db.store import Store, User
from os1.db.times import now_iso

# Never walked, listed or touched: version control, dependencies, caches, the system's own bookkeeping.
JUNK = frozenset({"node_modules", "__pycache__", "__MACOSX", "$RECYCLE.BIN", "System Volume Information",
                  "Thumbs.db", "desktop.ini", "venv", "site-packages", "Cache", "Caches", "cache", "lost+found"})


class FilesError(ValueError):
    """A file operation was refused or failed; the message is for the person and says why."""


def skipped(name: str) -> bool:
    """Whether a file or folder of this name is hidden or system junk (".git", "node_modules", ".DS_Store")."""
    return name.startswith(".") or name in JUNK or name.endswith((".partial", ".crdownload", ".part", "~"))


def real(path: Path | str) -> Path:
    """The absolute path with every symlink and `..` resolved (the place the operating system would use)."""
    return Path(os.path.realpath(os.path.expanduser(path)))


def expand(text: str) -> Path:
    """A path as typed: "~" is the person's home."""
    return Path(os.path.expanduser(text))


def shown(path: Path) -> str:
    """A path as the person reads it: "~/Downloads/lease.pdf"."""
    home = Path.home()
    return "~/" + str(path.relative_to(home)) if path.is_relative_to(home) and path != home else str(path)


@dataclass(frozen=True)
class Root:
    id: int
    path: Path
    added_at: str
    indexed_at: str | None


class Roots:
    """One person's allowed folders, and the checks made against them."""

    def __init__(self, roots: list[Root], home: Path | None = None) -> None:
        self.roots = roots
        self.home = real(home) if home is not None else None  # OS1's own home: never inside reach

    @classmethod
    async def load(cls, store: Store, user: User, home: Path | None = None) -> Roots:
        return cls(await allowed(store, user), home)

    def __bool__(self) -> bool:
        return bool(self.roots)

    def root_of(self, path: Path) -> Root | None:
        """The allowed folder a resolved path lies in, if any."""
        return next((r for r in self.roots if path == r.path or path.is_relative_to(r.path)), None)

    def check(self, path: Path) -> Path:
        """`path`, resolved, if OS1 may touch it; otherwise FilesError saying why."""
        resolved = real(path)
        root = self.root_of(resolved)
        if root is None:
            raise FilesError(f"{shown(resolved)} is outside the folders you opened to me, so I won't touch it "
                             "(open a folder with `os1 files allow PATH`).")
        if self.home is not None and (resolved == self.home or resolved.is_relative_to(self.home)):
            raise FilesError("That is inside OS1's own folder, which I keep out of reach of file tools.")
        hidden = [part for part in resolved.relative_to(root.path).parts if skipped(part)]
        if hidden:
            raise FilesError(f"{shown(resolved)} is in a hidden or system folder ({hidden[0]}); I leave those alone.")
        return resolved

    def check_file(self, path: Path) -> Path:
        """Like `check`, for an existing regular file that is not itself a link."""
        if path.is_symlink():
            raise FilesError(f"{shown(path)} is a link to somewhere else; I leave links alone.")
        resolved = self.check(path)
        if not resolved.is_file():
            raise FilesError(f"There is no file at {shown(resolved)}.")
        return resolved

    def folder(self, text: str, base: Path | None = None) -> Path:
        """The folder `text` names ("~/Documents/Taxes", "Taxes", "Downloads"), resolved and checked. A relative
        name is looked for under `base` (the file's own folder's root) and then under each allowed folder, and
        may also name an allowed folder itself by its last part ("Downloads")."""
        text = text.strip().strip("\"'").rstrip("/") or "."
        given = expand(text)
        if given.is_absolute():
            return self.check(given)
        bases = ([base] if base is not None else []) + [r.path for r in self.roots]
        for candidate in bases:
            path = real(candidate / given)
            if path.is_dir():
                return self.check(candidate / given)
        by_name = [r.path for r in self.roots if r.path.name.lower() == given.name.lower() and len(given.parts) == 1]
        if len(by_name) == 1:
            return by_name[0]
        return self.check((base or self.roots[0].path) / given) if self.roots else self.check(given)


async def allowed(store: Store, user: User) -> list[Root]:
    rows = await store.read("SELECT id, path, added_at, indexed_at FROM file_roots WHERE user_id = ? ORDER BY path",
                            (user.id,))
    return [Root(r[0], Path(r[1]), r[2], r[3]) for r in rows]


async def allow(store: Store, user: User, path: Path, home: Path | None = None) -> Root:
    """Open a folder to OS1 (an allowed folder inside it is folded into it). Returns its row."""
    folder = real(path)
    if not folder.is_dir():
        raise FilesError(f"{shown(folder)} is not a folder.")
    if folder == Path(folder.anchor):
        raise FilesError("I won't take a whole disk; open the folders you want me to see (Documents, Downloads…).")
    # A folder holding OS1's own may be opened: its files stay out of reach all the same (see Roots.check).
    if home is not None and folder.is_relative_to(real(home)):
        raise FilesError(f"{shown(folder)} is OS1's own folder or inside it; open one of your own folders.")
    roots = Roots(await allowed(store, user))
    outer = roots.root_of(folder)
    if outer is not None:
        return outer
    inner = [r.id for r in roots.roots if r.path.is_relative_to(folder)]

    def op(db: sqlite3.Connection) -> Root:
        # Files indexed under a folder inside this one are indexed again under this one.
        db.executemany("DELETE FROM file_roots WHERE id = ? AND user_id = ?", [(i, user.id) for i in inner])
        added = now_iso()
        cur = db.execute("INSERT INTO file_roots (user_id, path, added_at) VALUES (?, ?, ?)",
                         (user.id, str(folder), added))
        return Root(int(cur.lastrowid or 0), folder, added, None)

    return await store.write(op)


async def forbid(store: Store, user: User, path: Path) -> Root:
    """Close an allowed folder again: OS1 forgets its index at once (the files themselves are untouched)."""
    folder = real(path)
    roots = Roots(await allowed(store, user))
    exact = next((r for r in roots.roots if r.path == folder), None)
    if exact is None:
        outer = roots.root_of(folder)
        if outer is not None:
            raise FilesError(f"{shown(folder)} is inside {shown(outer.path)}, which is open as a whole; "
                             f"forbid {shown(outer.path)} instead.")
        raise FilesError(f"{shown(folder)} is not one of the folders you opened to me.")
    await store.write(lambda db: db.execute("DELETE FROM file_roots WHERE id = ? AND user_id = ?",
                                            (exact.id, user.id)))
    return exact
