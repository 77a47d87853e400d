"""The command line: thin commands over the Runtime. Each command parses, opens, hands off, closes."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn, TransferSpeedColumn
from rich.table import Table

from os1.config import ConfigError, Settings, load_settings
from os1.memory.store import NotFound, Store, User
from os1.models.base import ModelError
from os1.models.spec import SpecError
from os1.persona import PersonaError
from os1.runtime import Runtime, open_runtime, user_name

err = Console(stderr=True, highlight=False)
USER_ERRORS = (ConfigError, SpecError, PersonaError, ModelError, NotFound)


def _settings(**overrides: Any) -> Settings:
    return load_settings().with_overrides(**overrides)


@contextmanager
def _assembly_progress(quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar for the one-time model assembly (to stderr, so piped output stays clean)."""
    if quiet:
        yield None
        return
    bar = Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                   TransferSpeedColumn(), TimeRemainingColumn(), console=err, transient=True)
    task = None

    def update(done: int, total: int) -> None:
        nonlocal task
        if task is None:
            bar.start()
            task = bar.add_task("Assembling the embedded model (once)", total=total)
        bar.update(task, completed=done)

    try:
        yield update
    finally:
        if task is not None:
            bar.stop()
            err.print("[green]✓[/] Embedded model assembled and verified (sha256).")


def _open(runner: asyncio.Runner, settings: Settings, quiet: bool = False) -> Runtime:
    with _assembly_progress(quiet) as progress:
        return runner.run(open_runtime(settings, progress))


@asynccontextmanager
async def _person_store(settings: Settings) -> AsyncIterator[tuple[Store, User]]:
    """The store, opened for the person these settings name, and closed again."""
    store = await Store.open(settings.db_path)
    try:
        yield store, await store.user(user_name(settings))
    finally:
        await store.close()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="os1")
def cli() -> None:
    """OS1: a private companion that talks with you and remembers you, on your own machine."""


@cli.command()
@click.option("--user", "user", help="Who is talking (default: your login name). Keeps people apart.")
@click.option("--model", "model", help="embedded (default), embedded:small, gguf:/path/file.gguf, "
                                       "or openai:MODEL@http://host:port/v1")
@click.option("--persona", type=click.Path(dir_okay=False, path_type=Path),
              help="A persona TOML file giving the companion another character.")
@click.option("--new", "new", is_flag=True, help="Start a fresh conversation instead of continuing the last.")
@click.option("--conversation", "conversation_id", type=int, help="Continue this conversation (see os1 history).")
@click.option("--json", "json_out", is_flag=True, help="Print each turn's events as JSON lines.")
def chat(user: str | None, model: str | None, persona: Path | None, new: bool, conversation_id: int | None,
         json_out: bool) -> None:
    """Talk with your companion. Continues your last conversation; reads lines when stdin is piped."""
    from os1.terminal import chat_interactive, chat_piped

    interactive = sys.stdin.isatty()
    with asyncio.Runner() as runner:
        rt = _open(runner, _settings(user=user, model=model, persona=persona), quiet=False)
        try:
            person = runner.run(rt.store.user(user_name(rt.settings)))
            conversation = runner.run(rt.store.latest_conversation(person)) if not new else None
            if conversation_id is not None:
                conversation = runner.run(rt.store.conversation(person, conversation_id))
            continuing = conversation is not None
            if conversation is None:
                conversation = runner.run(rt.store.new_conversation(person))
            if interactive:
                code = chat_interactive(runner, rt, person, conversation, continuing, json_out)
            else:
                code = chat_piped(runner, rt, person, conversation, sys.stdin, json_out)
        finally:
            runner.run(rt.close())
    sys.exit(code)


@cli.command()
@click.argument("conversation_id", type=int, required=False)
@click.option("--user", "user", help="Whose conversations (default: your login name).")
@click.option("--json", "json_out", is_flag=True, help="Print JSON instead of a table.")
@click.option("--limit", default=50, show_default=True, help="How many conversations to list.")
def history(conversation_id: int | None, user: str | None, json_out: bool, limit: int) -> None:
    """List your conversations, or show one of them in full."""
    settings = _settings(user=user)

    async def run() -> None:
        async with _person_store(settings) as (store, person):
            if conversation_id is None:
                _print_conversations(await store.conversations(person, limit), json_out)
            else:
                conv = await store.conversation(person, conversation_id)
                _print_transcript(await store.messages(conv), json_out)

    asyncio.run(run())


@cli.group()
def memory() -> None:
    """Look into what OS1 remembers of you."""


@memory.command("search")
@click.argument("query")
@click.option("--user", "user", help="Whose memories (default: your login name).")
@click.option("--limit", default=10, show_default=True, help="How many items.")
@click.option("--json", "json_out", is_flag=True, help="Print JSON: kind, text, time and source message ids.")
def memory_search(query: str, user: str | None, limit: int, json_out: bool) -> None:
    """Search everything you and the companion said, best match first."""
    from os1.memory.recall import as_item
    settings = _settings(user=user)

    async def run() -> list[dict[str, Any]]:
        async with _person_store(settings) as (store, person):
            return [as_item(m) | {"source_ids": [m.id]} for m in await store.search(person, query, limit)]

    items = asyncio.run(run())
    if json_out:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    if not items:
        click.echo("Nothing found.")
        return
    table = Table("time", "who", "text", "ids", box=None)
    for item in items:
        table.add_row(item["time"][:16].replace("T", " "), "you" if item["role"] == "user" else "companion",
                      item["text"], f"{item['conversation_id']}/{item['id']}")
    Console().print(table)


@memory.command("forget")
@click.argument("query")
@click.option("--user", "user", help="Whose memories (default: your login name).")
@click.option("--yes", is_flag=True, help="Do not ask before deleting.")
def memory_forget(query: str, user: str | None, yes: bool) -> None:
    """Delete for good everything you said that matches QUERY (you see the list first)."""
    settings = _settings(user=user)

    async def run() -> None:
        async with _person_store(settings) as (store, person):
            found = await store.search(person, query, limit=1000)
            if not found:
                click.echo("Nothing matches; nothing was deleted.")
                return
            for m in found:
                who = "you" if m.role == "user" else "companion"
                click.echo(f"  {m.created_at[:16].replace('T', ' ')}  {who}: {m.content[:100]}")
            if not yes and not click.confirm(f"Forget these {len(found)} messages for good?", default=False):
                click.echo("Nothing was deleted.")
                return
            count = await store.forget(person, [m.id for m in found])
            click.echo(f"Forgotten: {count} messages, with their index entries; the database was compacted.")

    asyncio.run(run())


def _print_conversations(items: list[Any], json_out: bool) -> None:
    if json_out:
        click.echo(json.dumps([{"id": s.conversation.id, "started": s.conversation.created_at,
                                "updated": s.conversation.updated_at, "messages": s.message_count,
                                "first_words": s.first_words} for s in items], ensure_ascii=False, indent=2))
        return
    if not items:
        click.echo("No conversations yet. Start one with: os1 chat")
        return
    table = Table("id", "started", "last", "messages", "first words", box=None)
    for s in items:
        table.add_row(str(s.conversation.id), s.conversation.created_at[:16].replace("T", " "),
                      s.conversation.updated_at[:16].replace("T", " "), str(s.message_count), s.first_words)
    Console().print(table)


def _print_transcript(messages: list[Any], json_out: bool) -> None:
    if json_out:
        click.echo(json.dumps([{"id": m.id, "role": m.role, "text": m.content, "status": m.status,
                                "time": m.created_at} for m in messages], ensure_ascii=False, indent=2))
        return
    console = Console(highlight=False)
    for m in messages:
        flag = "" if m.status == "complete" else f" [dim]({m.status})[/]"
        console.print(f"[dim]{m.created_at[:16].replace('T', ' ')}[/] [bold]{m.role}[/]{flag}")
        console.print(m.content, markup=False)


def main() -> None:
    try:
        cli(standalone_mode=True)
    except USER_ERRORS as exc:
        err.print(f"[red]os1:[/] {exc}")
        sys.exit(2)
