"""`os1 files …`: the folders a person opens to OS1 (allow, list, forbid), their index (index) and a search."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from os1.cli.support import err, person_store, settings_from
from os1.config import Settings
from os1.db.store import Store, User
from os1.files import folders, index, search
from os1.files.folders import Root, Roots, shown
from os1.memory.embeddings import Embedder, load_embedder

USER = click.option("--user", "user", help="Whose folders (default: your login name).")


@click.group()
def files() -> None:
    """The folders OS1 may see: open one, list them, close one, bring their index up to date."""


@files.command("allow")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@USER
def files_allow(path: Path, user: str | None) -> None:
    """Open the folder PATH to OS1 (it then finds, summarises and tidies files there) and index it."""
    settings = settings_from(user=user)

    async def run() -> None:
        async with person_store(settings) as (store, person):
            root = await folders.allow(store, person, path, settings.home)
            if root.path != folders.real(path):
                err.print(f"{shown(folders.real(path))} is inside {shown(root.path)}, which is open already.")
            else:
                err.print(f"[green]✓[/] Opened {shown(root.path)} to OS1. It never looks outside the folders you "
                          "open, nor into hidden ones.")
            roots = await Roots.load(store, person, settings.home)
            await _index(store, person, roots, [r for r in roots.roots if r.id == root.id], settings)

    asyncio.run(run())


@files.command("list")
@USER
def files_list(user: str | None) -> None:
    """The folders open to OS1, with how many files of each it has indexed."""
    settings = settings_from(user=user)

    async def run() -> tuple[list[Root], dict[int, tuple[int, int]]]:
        async with person_store(settings) as (store, person):
            return await folders.allowed(store, person), await index.counts(store, person)

    roots, counted = asyncio.run(run())
    if not roots:
        click.echo("No folders are open to OS1. Open one with: os1 files allow ~/Documents")
        return
    table = Table("folder", "files", "documents read", "indexed", box=None)
    for r in roots:
        total, read = counted.get(r.id, (0, 0))
        table.add_row(shown(r.path), str(total), str(read), (r.indexed_at or "never")[:16].replace("T", " "))
    Console().print(table)


@files.command("forbid")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@USER
def files_forbid(path: Path, user: str | None) -> None:
    """Close the folder PATH to OS1 again: its index is deleted (your files are not touched)."""
    settings = settings_from(user=user)

    async def run() -> Root:
        async with person_store(settings) as (store, person):
            return await folders.forbid(store, person, path)

    root = asyncio.run(run())
    err.print(f"[green]✓[/] Closed {shown(root.path)}: OS1 no longer sees it, and forgot its index.")


@files.command("index")
@USER
def files_index(user: str | None) -> None:
    """Bring the index of every open folder up to date (reads only files that changed)."""
    settings = settings_from(user=user)

    async def run() -> None:
        async with person_store(settings) as (store, person):
            roots = await Roots.load(store, person, settings.home)
            if not roots:
                err.print("No folders are open to OS1. Open one with: os1 files allow ~/Documents")
                return
            await _index(store, person, roots, roots.roots, settings)

    asyncio.run(run())


@files.command("search")
@click.argument("query")
@USER
@click.option("--limit", default=10, show_default=True, help="How many files.")
def files_search(query: str, user: str | None, limit: int) -> None:
    """Find files in the open folders by name, words or meaning."""
    settings = settings_from(user=user)

    async def run() -> list[search.Hit]:
        async with person_store(settings) as (store, person):
            roots = await Roots.load(store, person, settings.home)
            return await search.find(store, person, roots, _embedder(settings), query, limit)

    hits = asyncio.run(run())
    if not hits:
        click.echo("Nothing found.")
        return
    table = Table("file", "folder", "found by", "snippet", box=None)
    for h in hits:
        table.add_row(h.file.name, shown(h.file.folder), ", ".join(h.signals), h.snippet[:100])
    Console().print(table)


def _embedder(settings: Settings) -> Embedder | None:
    return None if settings.embedder == "none" else load_embedder(settings.embedder)


class _Rate(ProgressColumn):
    def render(self, task: Task) -> Text:
        unit = task.fields.get("unit", "files")
        return Text(f"{task.speed:.0f} {unit}/s" if task.speed else "", style="progress.data.speed")


async def _index(store: Store, person: User, roots: Roots, which: list[Root], settings: Settings) -> None:
    embedder = _embedder(settings)
    for root in which:
        bar = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                       "[dim]{task.fields[note]}[/]", _Rate(), TimeElapsedColumn(), console=err)
        with bar:
            report = await index.index_root(store, person, roots, root, embedder, _shown_on(bar, shown(root.path)))
        err.print(f"[green]✓[/] {shown(root.path)}: {report.seen} files seen, {report.indexed} read anew, "
                  f"{report.unchanged} unchanged" + (f", {report.removed} gone" if report.removed else "")
                  + (f", {report.unreadable} unreadable (indexed by name)" if report.unreadable else "")
                  + f" ({report.rate:.0f} files/s"
                  + (f"; {report.embedded} passages findable by meaning, {report.embed_rate:.0f}/s"
                     if report.embedded else "") + ").")


def _shown_on(bar: Progress, where: str) -> index.Progress:
    """Two bars: files read (names and words), then passages given a vector (finding by meaning)."""
    reading = bar.add_task(f"Reading {where}", total=None, note="", unit="files")
    meaning: list[TaskID] = []

    def show(report: index.IndexReport) -> None:
        bar.update(reading, total=report.seen, completed=report.done, note=f"{report.indexed} new or changed")
        if not report.reading:
            if not meaning:
                meaning.append(bar.add_task("Finding meaning", total=report.to_embed, note="passages",
                                            unit="passages"))
            bar.update(meaning[0], completed=report.embedded)

    return show
