"""`os1 memory …` and `os1 reflect`: the person looks into, takes out, brings in and deletes what OS1 keeps."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from os1.character import how_it_feels
from os1.cli.support import err, open_with_progress, person_store, settings_from
from os1.config import Settings
from os1.memory.importers import detect_format, read_conversations
from os1.memory.learn import catch_up
from os1.memory.portable import export_person, read_export, restore_person
from os1.memory.portrait import portrait
from os1.memory.profile import BLOCKS
from os1.runtime import open_memory, user_name

USER = click.option("--user", "user", help="Whose memories (default: your login name).")


@click.group()
def memory() -> None:
    """Look into, search, export, import and forget what OS1 remembers of you."""


@memory.command("show")
@USER
@click.option("--json", "json_out", is_flag=True, help="Print JSON.")
@click.option("--history", is_flag=True, help="Also show facts that were replaced by newer ones.")
def memory_show(user: str | None, json_out: bool, history: bool) -> None:
    """What OS1 knows about you: profile, facts (with dates and sources), its own journal."""
    async def run() -> dict[str, Any]:
        async with person_store(settings_from(user=user)) as (store, person):
            known = (await portrait(store, person)).as_dict()
            known["mood"] = await how_it_feels(store, person)
            if history:
                from os1.memory.facts import facts
                replaced = [f for f in await facts(store, person, include_superseded=True) if not f.active]
                known["replaced_facts"] = [{"id": f.id, "text": f.text, "topic": f.topic, "learned": f.created_at,
                                            "replaced_at": f.superseded_at, "replaced_by": f.superseded_by}
                                           for f in replaced]
            return known

    known = asyncio.run(run())
    if json_out:
        click.echo(json.dumps(known, ensure_ascii=False, indent=2))
        return
    console = Console(highlight=False)
    if known["mood"]:
        console.print(f"[bold]How it feels[/]: {escape(known['mood'])}")
    if not (known["profile"] or known["facts"] or known["journal"]):
        console.print("Nothing yet. Talk with OS1 (os1 chat), or bring your history: os1 memory import FILE")
        return
    for block, text in known["profile"].items():
        console.print(f"[bold]{BLOCKS[block].split(':')[0].capitalize()}[/]: {text}", markup=True)
    if known["facts"]:
        console.print("\n[bold]Facts[/]")
        for f in known["facts"]:
            when = f" [dim](about {f['happened_on']})[/]" if f["happened_on"] else ""
            console.print(f"  {f['learned'][:10]}  {f['text']}{when}  [dim]#{f['id']} {f['topic']}[/]")
    for f in known.get("replaced_facts", []):
        console.print(f"  [dim]{f['learned'][:10]}  {f['text']}  (replaced {f['replaced_at'][:10]})[/]")
    if known["journal"]:
        console.print("\n[bold]The companion's journal[/]")
        for e in known["journal"]:
            console.print(f"  {e['time'][:10]}  {e['text']}" + (f" [dim]Next time: {e['ask_next']}[/]"
                                                                if e["ask_next"] else ""))


@memory.command("search")
@click.argument("query")
@USER
@click.option("--limit", default=10, show_default=True, help="How many items.")
@click.option("--json", "json_out", is_flag=True, help="Print JSON: kind, text, time and source message ids.")
def memory_search(query: str, user: str | None, limit: int, json_out: bool) -> None:
    """Search everything you and the companion said and everything it learned, best match first."""
    settings = settings_from(user=user)

    async def run() -> list[dict[str, Any]]:
        async with person_store(settings) as (store, person):
            memory = open_memory(settings, store)
            found = await memory.recall(person, query, limit=limit, min_similarity=memory.weak_match)
            return [item.as_dict() for item in found]

    items = asyncio.run(run())
    if json_out:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    if not items:
        click.echo("Nothing found.")
        return
    table = Table("time", "what", "text", "source", box=None)
    for item in items:
        what = {"user": "you said", "assistant": "it said"}.get(item["role"] or "", item["kind"])
        what = f"{item['speaker']} said" if item.get("speaker") else what  # a transcript that names people
        table.add_row(item["time"][:16].replace("T", " "), what, item["text"], ", ".join(item["source_ids"][:3]))
    Console().print(table)


@memory.command("forget")
@click.argument("query")
@USER
@click.option("--yes", is_flag=True, help="Do not ask before deleting.")
def memory_forget(query: str, user: str | None, yes: bool) -> None:
    """Delete for good what matches QUERY: messages, facts drawn from them, summaries (you see it all first)."""
    settings = settings_from(user=user)

    async def run() -> None:
        async with person_store(settings) as (store, person):
            mem = open_memory(settings, store)
            plan = await mem.plan_forget(person, query, limit=1000)
            if not len(plan):
                click.echo("Nothing matches; nothing was deleted.")
                return
            for item in plan.messages + plan.facts + plan.summaries:
                who = {"user": "you", "assistant": "companion"}.get(item.role or "", item.kind)
                click.echo(f"  {item.time[:16].replace('T', ' ')}  {who}: {item.text[:100]}")
            if not yes and not click.confirm(f"Forget these {len(plan)} items for good?", default=False):
                click.echo("Nothing was deleted.")
                return
            count = await mem.forget(person, plan)
            click.echo(f"Forgotten: {count} items, with their index entries, vectors and the facts drawn from "
                       f"them; the database was compacted.")

    asyncio.run(run())


@memory.command("export")
@USER
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout).")
def memory_export(user: str | None, output: Path | None) -> None:
    """Everything OS1 keeps about you, as one JSON document (restore it with `os1 memory import`)."""
    async def run() -> dict[str, Any]:
        async with person_store(settings_from(user=user)) as (store, person):
            return await export_person(store, person)

    text = json.dumps(asyncio.run(run()), ensure_ascii=False, indent=1)
    if output is None:
        click.echo(text)
        return
    tmp = output.with_name(output.name + ".partial")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(output)  # a crash mid-write never leaves half an export under the real name
    err.print(f"[green]✓[/] Exported to {output}")


@memory.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@USER
@click.option("--me", help="In a transcript, the speaker name that is you.")
@click.option("--learn/--no-learn", default=True, show_default=True,
              help="Learn facts from the imported messages (by rule: a year of chat in seconds).")
def memory_import(path: Path, user: str | None, me: str | None, learn: bool) -> None:
    """Bring in your history: an OS1 export, a ChatGPT export (conversations.json or the .zip) or a JSON-lines
    transcript ({"speaker", "text", "time"} per line). Safe to run again: what is already here is skipped."""
    settings = settings_from(user=user)
    kind = detect_format(path)
    if kind == "os1":
        _restore(path, settings)
        return
    conversations = list(read_conversations(path, me=me))

    async def store_all() -> None:
        async with person_store(settings) as (store, person):
            with _bar() as bar:
                task = bar.add_task("Storing conversations", total=sum(len(c.messages) for c in conversations))
                report = await open_memory(settings, store).import_conversations(
                    person, conversations, progress=lambda done, _: bar.update(task, completed=done))
            err.print(f"[green]✓[/] {report.conversations} conversations, {report.messages} messages stored"
                      + (f"; {report.skipped} already here, skipped" if report.skipped else "") + ".")

    asyncio.run(store_all())
    if learn:
        _learn(settings)


def _restore(path: Path, settings: Settings) -> None:
    doc = read_export(path)

    async def run() -> dict[str, int]:
        async with person_store(settings) as (store, person):
            counts = await restore_person(store, person, doc)
            mem = open_memory(settings, store)
            if mem.vectors is not None:
                await mem.vectors.catch_up(person)
            return counts

    counts = asyncio.run(run())
    err.print(f"[green]✓[/] Restored {counts['conversations']} conversations, {counts['messages']} messages, "
              f"{counts['facts']} facts.")


def _learn(settings: Settings) -> None:
    with asyncio.Runner() as runner:
        rt = open_with_progress(runner, settings)
        try:
            person = runner.run(rt.store.user(user_name(settings)))
            with _bar() as bar:
                task = bar.add_task("Learning from them (Ctrl-C stops; run again to go on)", total=None)
                report = runner.run(catch_up(rt.companion.memory, rt.model, person,
                                             progress=lambda done, total: bar.update(task, completed=done,
                                                                                     total=total)))
            err.print(f"[green]✓[/] Learned {report.facts} facts from {report.messages} messages"
                      + (f" ({report.superseded} older facts replaced)" if report.superseded else "") + ".")
        except KeyboardInterrupt:
            err.print("Stopped. What was learned is kept; `os1 memory import` or `os1 reflect` goes on from here.")
            sys.exit(130)
        finally:
            runner.run(rt.close())


def _bar() -> Progress:
    return Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=err, transient=False)


@click.command()
@USER
@click.option("--model", "model", help="Model spec (default: embedded).")
def reflect(user: str | None, model: str | None) -> None:
    """Let the companion look back: learn from new messages, summarise conversations, update what it knows
    about you, and write in its journal."""
    settings = settings_from(user=user, model=model)
    with asyncio.Runner() as runner:
        rt = open_with_progress(runner, settings)
        try:
            person = runner.run(rt.store.user(user_name(settings)))
            with err.status("Reflecting…") as status:
                report = runner.run(rt.between.reflect(person, progress=lambda text: status.update(text)))
            if not report.summaries:
                err.print("Nothing new to reflect on since last time.")
                return
            err.print(f"[green]✓[/] {report.summaries} conversation summaries; profile updated: "
                      f"{', '.join(report.profile_changed) or 'no changes'}.")
            if report.journal:
                click.echo(f"Journal: {report.journal}")
        finally:
            runner.run(rt.close())
