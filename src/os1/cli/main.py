"""The command line: thin commands over the Runtime. Each command parses, opens, hands off, closes."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from os1.cli.farewell import farewell
from os1.cli.files import files
from os1.cli.letters import letters
from os1.cli.mail import mail
from os1.cli.maintenance import maintenance
from os1.cli.memory import memory, reflect
from os1.cli.music import music
from os1.cli.server import serve, users
from os1.cli.support import USER_ERRORS, err, open_with_progress, person_store, settings_from
from os1.cli.voice import talk, voices


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
    from os1.cli.terminal import chat_interactive, chat_piped

    interactive = sys.stdin.isatty()
    with asyncio.Runner() as runner:
        rt = open_with_progress(runner, settings_from(user=user, model=model, persona=persona), quiet=False)
        try:
            person = runner.run(rt.person())
            conversation = runner.run(rt.conversation(person, conversation_id, new=new))
            continuing = runner.run(rt.store.messages(conversation, limit=1)) != []
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
    settings = settings_from(user=user)

    async def run() -> None:
        async with person_store(settings) as (store, person):
            if conversation_id is None:
                _print_conversations(await store.conversations(person, limit), json_out)
            else:
                conv = await store.conversation(person, conversation_id)
                _print_transcript(await store.messages(conv), json_out)

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


cli.add_command(mail)
cli.add_command(memory)
cli.add_command(files)
cli.add_command(music)
cli.add_command(letters)
cli.add_command(reflect)
cli.add_command(talk)
cli.add_command(voices)
cli.add_command(serve)
cli.add_command(users)
cli.add_command(maintenance)
cli.add_command(farewell)


def main() -> None:
    try:
        cli(standalone_mode=True)
    except USER_ERRORS as exc:
        err.print(f"[red]os1:[/] {exc}")
        sys.exit(2)
