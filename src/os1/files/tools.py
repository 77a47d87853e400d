"""The file tools the companion uses: find and summarise (reads), organise, move, rename and delete (changes,
each proposed with exactly what will happen, run only after the person's yes, and undoable).

A change tool's plan is made and kept when it is proposed (moves.py); the yes applies that very plan, not a
fresh one, so what moves is what the person saw. Deleting moves to a trash folder in OS1's home: nothing is ever
deleted for good by OS1, and nothing is ever overwritten.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from os1.files import index, moves, search
from os1.files.folders import FilesError, Roots, real, shown
from os1.files.organise import describe_plan, duplicates, plan_tidy
from os1.files.reading import KINDS, PLAIN, read_document
from os1.files.summarise import summarise, summarised_parts
from os1.memory.embeddings import Embedder
from os1.models.base import ModelError
from os1.tools.registry import Outcome, ToolContext, ToolError, Undo, tool

_SAME = r"(?:[^.?!]|\.(?=\w))*"  # the rest of the sentence: a dot inside "budget.xlsx" does not end it
# Something in the sentence that is about files (so "we move to Berlin in May" asks for no tool).
_FILEISH = (r"(?:\.[a-z0-9]{2,5}\b|\b(?:files?|folders?|documents?|docs?|pdfs?|photos?|pictures?|images?|scans?|"
            r"notes|spreadsheets?|downloads|desktop|directory|archive|duplicates?|copies)\b)")
# About mail and not about files ("search my email for…"): the mail tools' words, not these.
_NOT_MAIL = rf"^(?!(?=.*\b(?:e-?mails?|mails?|inbox|messages?)\b)(?!.*{_FILEISH})).*?"
ASKS_TO_FIND = (_NOT_MAIL + r"(?:\b(?:find|search (?:for|my|through|in)|look(?:ing)? (?:for|through)|go through|"
                r"locate|where(?:'s|’s| is| are) (?:my|the|that|those|a)|where did I (?:put|save|leave)|"
                r"do I (?:still )?have (?:a|an|any|the) (?:file|document|pdf|copy|scan|notes?))\b|"
                r"\bwhich (?:file|folder|pdf|document)\b)")
ASKS_TO_SUMMARISE = (_NOT_MAIL + r"\b(?:summari[sz]e|summary of|sum up|the gist of|tl;?dr|what does (?:the|my|that|"
                     r"this) [^.?!]{1,60}? say)\b")
ASKS_TO_ORGANISE = (r"\b(?:tidy|clean up|clean out|organi[sz]e|sort out|sort|declutter|put (?:\w+ ){0,3}in order)\b"
                    rf"{_SAME}\b(?:folders?|downloads|desktop|documents|files|photos|pictures|directory)\b")
ASKS_TO_MOVE = (rf"\bmove\b(?={_SAME}{_FILEISH}){_SAME}\b(?:to|into)\b|"
                rf"\bput\b(?={_SAME}{_FILEISH}){_SAME}\b(?:in|into)\b{_SAME}\b(?:folder|directory)\b|"
                r"\bfile (?:[\w.'-]+ ){1,5}(?:under|into)\b")
ASKS_TO_RENAME = (r"\brename\b|\bchange (?:the |its )?(?:file ?)?name\b|"
                  r"\bgive (?:it|the file) (?:a )?(?:new|better) name\b")
ASKS_TO_DELETE = (rf"\b(?:delete|remove|trash|bin|throw (?:away|out)|get rid of|discard|erase)\b"
                  rf"(?={_SAME}{_FILEISH})")
_DUPLICATES = re.compile(r"\b(?:duplicates?|duplicated|copies|doubles)\b", re.IGNORECASE)
_THIS = {"", "this", "it", "here", "that", "this folder", "that folder", "there", "the folder"}


@contextmanager
def _told() -> Iterator[None]:
    """File errors reach the person (and the model) as a tool's error, in their own words."""
    try:
        yield
    except FilesError as exc:
        raise ToolError(str(exc)) from None


def _embedder(ctx: ToolContext) -> Embedder | None:
    return ctx.memory.vectors.embedder if ctx.memory is not None and ctx.memory.vectors is not None else None


async def _roots(ctx: ToolContext) -> Roots:
    roots = await Roots.load(ctx.store, ctx.person, ctx.home)
    if not roots:
        raise ToolError(search.NO_FOLDERS)
    return roots


def _date(moment_ns: int, ctx: ToolContext) -> str:
    return f"{datetime.fromtimestamp(moment_ns / 1e9, ctx.now().tzinfo):%-d %b %Y}"


# -- reading ----------------------------------------------------------------------------------------------

@tool(effect="read", asked_by=ASKS_TO_FIND,
      examples=["where did I put the insurance pdf?", "find my notes from the meeting with Rosa"])
async def find_files(ctx: ToolContext, query: str) -> Outcome:
    """Find the person's files (in the folders they opened to OS1) by name, by the words in them or by meaning.

    Args:
        query: what they are looking for, in their own words ("the tax letter from the council", "budget.xlsx")
    """
    roots = await _roots(ctx)
    with _told():
        hits = await search.find(ctx.store, ctx.person, roots, _embedder(ctx), query)
    if not hits:
        where = ", ".join(shown(r.path) for r in roots.roots)
        return Outcome(f"I found no file matching {query!r} in {where}.", said_as_is=True)
    lines = [f"Here's what I found for {query!r}:"]
    for n, h in enumerate(hits, 1):
        lines.append(f"{n}. {h.file.name} — in {shown(h.file.folder)}, {_date(h.file.mtime_ns, ctx)}")
        if h.snippet and h.snippet != h.file.name:
            lines.append(f"   “{h.snippet}”")
    return Outcome("\n".join(lines), from_outside=True, said_as_is=True)


@tool(effect="read", asked_by=ASKS_TO_SUMMARISE,
      examples=["summarise the insurance policy", "can you sum up IMG_0042.pdf for me?"])
async def summarise_file(ctx: ToolContext, name: str) -> Outcome:
    """Summarise one of the person's documents (text, Markdown, PDF or Word).

    Args:
        name: the file's name, or what it is ("the lease", "budget notes.md")
    """
    if ctx.model is None:
        raise ToolError("I have no model to read with here, so I can't summarise.")
    roots = await _roots(ctx)
    with _told():
        found = await search.resolve(ctx.store, ctx.person, roots, _embedder(ctx), name)
        path = roots.check_file(found.path)
        doc = await asyncio.to_thread(read_document, path)
    if not doc.text.strip():
        raise ToolError(f"{path.name} has no text I can read" + (f": {doc.note}." if doc.note else "."))
    try:
        summary = await summarise(ctx.model, doc.text, path.name, ctx.person.name)
    except ModelError as exc:
        raise ToolError(f"I couldn't summarise {path.name}: {exc}") from None
    used, parts = summarised_parts(ctx.model, doc.text)
    notes = [doc.note] if doc.note else []
    notes += [f"it is long, so I summarised it from {used} of its {parts} parts"] if used < parts else []
    note = f"\n(Note: {'; '.join(notes)}.)" if notes else ""
    return Outcome(f"{path.name} (in {shown(path.parent)}, {_date(path.stat().st_mtime_ns, ctx)}):\n{summary}{note}",
                   from_outside=True, said_as_is=True)


# -- changing -----------------------------------------------------------------------------------------------

async def _folder(ctx: ToolContext, roots: Roots, text: str, base: Path | None = None) -> Path:
    """The folder the person named: a path, an allowed folder's name ("Downloads"), a folder already known from
    the index ("Taxes"), or a new one inside the allowed folder of `base`."""
    words = re.sub(r"^(?:my|the|our|a|an)\s+|\s+(?:folder|directory)$", "", text.strip().strip("\"'."), flags=re.I)
    if words.lower() in _THIS:
        if len(roots.roots) == 1:
            return roots.roots[0].path
        raise FilesError("Which folder? You opened these to me: " + ", ".join(shown(r.path) for r in roots.roots))
    if "/" not in words and not words.startswith("~"):
        known = {Path(str(r[0])) for r in await ctx.store.read(
            "SELECT DISTINCT folder FROM files WHERE user_id = ? AND folder LIKE ?", (ctx.person.id, f"%/{words}"))}
        known = {k for k in known if k.name.lower() == words.lower() and roots.root_of(k) is not None}
        top = [r.path for r in roots.roots if r.path.name.lower() == words.lower()]
        if len(known | set(top)) == 1:
            return roots.check(next(iter(known | set(top))))
    root = roots.root_of(base) if base is not None else None
    return roots.folder(words, root.path if root else None)


async def _describe_organise(ctx: ToolContext, args: dict[str, Any]) -> str:
    roots = await _roots(ctx)
    with _told():
        folder = await _folder(ctx, roots, args["folder"])
        planned = await asyncio.to_thread(plan_tidy, folder)
        for m in planned:
            roots.check(m.dst.parent)  # a subfolder that is a link out of the allowed folders is refused
    if not planned:
        raise ToolError(f"{shown(folder)} is tidy already: there is nothing I would move.")
    sentence = describe_plan(folder, planned)
    await moves.save_plan(ctx.store, ctx.person, "organise_folder", args, planned, sentence)
    return sentence


@tool(effect="change", asked_by=ASKS_TO_ORGANISE, describe=_describe_organise,
      examples=["tidy up my Pictures folder", "sort out the music folder"])
async def organise_folder(ctx: ToolContext, folder: str) -> Outcome:
    """Tidy a messy folder: sort its loose files into folders by kind (photos by year), give scans clear names.

    Args:
        folder: which folder ("Downloads", "~/Desktop"), as the person named it
    """
    return await _apply(ctx, "organise_folder", {"folder": folder}, "Tidied")


async def _describe_move(ctx: ToolContext, args: dict[str, Any]) -> str:
    roots = await _roots(ctx)
    with _told():
        found = await search.resolve(ctx.store, ctx.person, roots, _embedder(ctx), args["name"])
        src = roots.check_file(found.path)
        target = await _folder(ctx, roots, args["to_folder"], base=src)
        if target == src.parent:
            raise FilesError(f"{src.name} is already in {shown(target)}.")
        if target.is_relative_to(src) or (target.exists() and not target.is_dir()):
            raise FilesError(f"{shown(target)} is not a folder I can move it into.")
        dst = moves.free_name(target / src.name)
    sentence = (f"Move {src.name} from {shown(src.parent)} to {shown(target)}"
                + (" (a new folder)" if not target.exists() else "")
                + (f", as {dst.name} because {src.name} is taken there" if dst.name != src.name else "") + ".")
    await moves.save_plan(ctx.store, ctx.person, "move_file", args, [moves.Move(src, dst)], sentence)
    return sentence


@tool(effect="change", asked_by=ASKS_TO_MOVE, describe=_describe_move,
      examples=["put invoice-march.pdf in the Taxes folder"])
async def move_file(ctx: ToolContext, name: str, to_folder: str) -> Outcome:
    """Move one of the person's files into another folder.

    Args:
        name: the file's name, or what it is ("the lease")
        to_folder: the folder to move it into ("Documents/Taxes", "Archive")
    """
    return await _apply(ctx, "move_file", {"name": name, "to_folder": to_folder}, "Moved")


def new_name_for(src: Path, wanted: str) -> str:
    """The name `wanted` as a file name: checked, with the file's own extension unless it names a known one."""
    name = " ".join(wanted.strip().strip("\"'").split())
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name:
        raise FilesError(f"{wanted!r} can't be a file name: give a name, not a path.")
    if name.startswith("."):
        raise FilesError("A name starting with a dot would hide the file; choose another.")
    ext = Path(name).suffix.lower().lstrip(".")
    known = ext in PLAIN or any(ext in exts for exts in KINDS.values())
    name = name if known else f"{name}{src.suffix}"
    if len(name.encode()) > 250:
        raise FilesError("That name is too long for a file.")
    return name


async def _describe_rename(ctx: ToolContext, args: dict[str, Any]) -> str:
    roots = await _roots(ctx)
    with _told():
        found = await search.resolve(ctx.store, ctx.person, roots, _embedder(ctx), args["name"])
        src = roots.check_file(found.path)
        dst = src.parent / new_name_for(src, args["new_name"])
        if dst.name == src.name:
            raise FilesError(f"It is already called {src.name}.")
        if dst.exists() or dst.is_symlink():
            raise FilesError(f"There is already a {dst.name} in {shown(src.parent)}; choose another name.")
    sentence = f"Rename {src.name} (in {shown(src.parent)}) to {dst.name}."
    await moves.save_plan(ctx.store, ctx.person, "rename_file", args, [moves.Move(src, dst)], sentence)
    return sentence


@tool(effect="change", asked_by=ASKS_TO_RENAME, describe=_describe_rename,
      examples=["rename IMG_2231.jpg to Mum at the beach"])
async def rename_file(ctx: ToolContext, name: str, new_name: str) -> Outcome:
    """Give one of the person's files a new name (it stays in its folder).

    Args:
        name: the file's name now, or what it is
        new_name: the new name
    """
    return await _apply(ctx, "rename_file", {"name": name, "new_name": new_name}, "Renamed")


def _trash(ctx: ToolContext) -> Path:
    if ctx.home is None:
        raise ToolError("I have no folder of my own for a trash here, so I won't delete anything.")
    return real(ctx.home) / "trash" / str(ctx.person.id) / ctx.now().strftime("%Y-%m-%d %H%M%S")


async def _describe_delete(ctx: ToolContext, args: dict[str, Any]) -> str:
    roots = await _roots(ctx)
    trash = _trash(ctx)
    with _told():
        if _DUPLICATES.search(args["name"]):
            planned, where = await _duplicates_plan(ctx, roots, args["name"], trash)
            lines = [f"- {shown(m.src)} ({m.why})" for m in planned]
            sentence = (f"Move {len(planned)} duplicate file{'s' if len(planned) != 1 else ''} in {where} to OS1's "
                        f"trash ({shown(trash)}), keeping one of each: not deleted for good, and you can undo it.\n"
                        + "\n".join(lines))
        else:
            found = await search.resolve(ctx.store, ctx.person, roots, _embedder(ctx), args["name"])
            src = roots.check_file(found.path)
            planned = [moves.Move(src, moves.free_name(trash / src.name))]
            sentence = (f"Move {src.name} (from {shown(src.parent)}) to OS1's trash ({shown(trash)}): not deleted "
                        "for good, and you can undo it.")
    await moves.save_plan(ctx.store, ctx.person, "delete_file", args, planned, sentence)
    return sentence


async def _duplicates_plan(ctx: ToolContext, roots: Roots, words: str, trash: Path) -> tuple[list[moves.Move], str]:
    scope = re.search(r"\b(?:in|from|inside)\s+(.+)$", words, re.IGNORECASE)
    folders = [await _folder(ctx, roots, scope[1])] if scope else [r.path for r in roots.roots]
    where = ", ".join(shown(f) for f in folders)

    def pairs() -> list[tuple[Path, Path]]:
        files = [p for f in folders for p, _ in index.walk(f, roots)]
        return duplicates(files)

    found = await asyncio.to_thread(pairs)
    if not found:
        raise FilesError(f"I found no duplicate files in {where}: no two files there have the same contents.")
    taken: set[Path] = set()
    planned = []
    for copy, original in found:
        dst = moves.free_name(trash / copy.name, taken)
        taken.add(dst)
        planned.append(moves.Move(copy, dst, f"a copy of {shown(original)}"))
    return planned, where


@tool(effect="change", asked_by=ASKS_TO_DELETE, describe=_describe_delete,
      examples=["bin old-invoice.pdf", "get rid of the duplicate photos"])
async def delete_file(ctx: ToolContext, name: str) -> Outcome:
    """Delete one of the person's files, or the duplicate copies in a folder (into OS1's trash, undoable).

    Args:
        name: the file's name, or what it is; "duplicates in FOLDER" for the extra copies of identical files
    """
    return await _apply(ctx, "delete_file", {"name": name}, "Moved to OS1's trash:")


async def _apply(ctx: ToolContext, tool_name: str, args: dict[str, Any], done: str) -> Outcome:
    """Apply the plan the person was shown for this call, update the index, and say what happened."""
    roots = await _roots(ctx)
    trash = real(ctx.home) / "trash" if ctx.home is not None else None
    with _told():
        plan = await moves.shown_plan(ctx.store, ctx.person, tool_name, args)
        applied = await moves.apply(ctx.store, ctx.person, plan, checks=_checker(roots, trash))
    await _reindex(ctx, roots, applied.moved)
    undo = Undo("undo_file_changes", {"batch": plan.id})
    if not applied.moved:
        reasons = "; ".join(why for _, why in applied.skipped)
        raise ToolError(f"Nothing was moved: {reasons}.")
    text = f"{done} {_count(applied.moved)}" if len(applied.moved) > 1 else f"{done} {_one(applied.moved[0])}"
    if applied.skipped:
        text += " Left where they were: " + "; ".join(f"{m.src.name} ({why})" for m, why in applied.skipped) + "."
    return Outcome(text + " Say \"undo that\" to put it back.", undo)


def _one(m: moves.Move) -> str:
    return f"{m.src.name} → {shown(m.dst)}." if m.src.parent != m.dst.parent else f"{m.src.name} → {m.dst.name}."


def _count(moved: list[moves.Move]) -> str:
    return f"{len(moved)} files."


def _checker(roots: Roots, trash: Path | None) -> Callable[[Path], object]:
    def check(folder: Path) -> object:
        if trash is not None and real(folder).is_relative_to(trash):
            return folder
        return roots.check(folder)

    return check


async def _reindex(ctx: ToolContext, roots: Roots, moved: list[moves.Move]) -> None:
    """The index follows what moved: moved files keep their entries, trashed ones lose them, and files back
    from the trash are read again."""
    inside = [(m.src, m.dst) for m in moved if roots.root_of(m.dst) is not None and roots.root_of(m.src) is not None]
    gone = [m.src for m in moved if roots.root_of(m.dst) is None]
    back = [m.dst for m in moved if roots.root_of(m.src) is None and roots.root_of(m.dst) is not None]
    if inside:
        await index.moved(ctx.store, ctx.person, roots, inside)
    if gone:
        await index.drop(ctx.store, ctx.person, gone)
    if back:
        await index.index_paths(ctx.store, ctx.person, roots, _embedder(ctx), back)


# -- undo: run by OS1 on "undo that", never offered to the model ---------------------------------------------

@tool(effect="change", confirm=False, asked_by=None)
async def undo_file_changes(ctx: ToolContext, batch: int) -> Outcome:
    """Put back the files that one organise, move, rename or delete moved."""
    roots = await Roots.load(ctx.store, ctx.person, ctx.home)
    with _told():
        plan = await moves.batch(ctx.store, ctx.person, batch)
        undone = await moves.undo(ctx.store, ctx.person, plan, checks=roots.check)
    await _reindex(ctx, roots, undone.moved)
    if not undone.moved and undone.skipped:
        raise ToolError("I couldn't put anything back: " + "; ".join(why for _, why in undone.skipped) + ".")
    text = (f"Put back {len(undone.moved)} file{'s' if len(undone.moved) != 1 else ''}"
            + (f": {undone.moved[0].dst.name} is in {shown(undone.moved[0].dst.parent)} again." if
               len(undone.moved) == 1 else " where they were."))
    if undone.skipped:
        text += (" Left as they are, so nothing gets overwritten: "
                 + "; ".join(f"{m.dst.name} ({why})" for m, why in undone.skipped) + ".")
    return Outcome(text, said_as_is=True)


FILE_TOOLS = (find_files, summarise_file, organise_folder, move_file, rename_file, delete_file, undo_file_changes)
