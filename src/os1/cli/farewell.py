"""`os1 farewell`: leave OS1 for good. The companion says goodbye in its own words, hands over everything it kept
of the person as one archive (readable as it is, and brought back whole by `os1 memory import`), then deletes
all of it from this machine and shows the proof."""

from __future__ import annotations

import asyncio
import re
from datetime import date
from pathlib import Path

import click
from rich.markup import escape

from os1.cli.support import err, open_with_progress, settings_from
from os1.db.store import Store, User
from os1.runtime import Runtime, user_name


def default_archive(name: str) -> Path:
    return Path(f"os1-farewell-{re.sub(r'[^A-Za-z0-9_-]+', '-', name).strip('-') or 'me'}-{date.today()}.zip")


def free_archive(name: str) -> Path:
    """Where an archive can go here without overwriting anything: the default name, else -2, -3…"""
    path = default_archive(name)
    n = 1
    while path.exists():
        n += 1
        path = path.with_name(f"{default_archive(name).stem}-{n}.zip")
    return path


async def take_leave(rt: Runtime, person: User, path: Path) -> None:
    """The goodbye in its own words, the archive written (and read back), then everything deleted, with the proof:
    shown as it happens. Used by `os1 farewell` and by a conversation in which the person said yes to leaving."""
    companion = await rt.companion.identity.name(person) or "OS1"
    with err.status("Saying goodbye…"):
        said = await rt.companion.goodbye(person)
    click.echo(f"{companion} › {said}\n")
    with err.status("Writing your archive…"):
        made = await rt.farewell_archive(person, path)
    counts = made.counts
    err.print(f"[green]✓[/] Your archive: {escape(str(path))} ({counts['conversations']} conversations, "
              f"{counts['messages']} messages, {counts['facts']} facts, {counts['letters']} letters, "
              f"{counts['music']} pieces of music). SHA-256 {made.sha256[:16]}…")
    with err.status("Deleting everything of yours…"):
        proof = await rt.let_go(person)
    for line in proof.lines():
        click.echo(line)


async def _existing(db_path: Path, name: str) -> User | None:
    """The person, if OS1 keeps anything of them (looking never creates them)."""
    store = await Store.open(db_path)
    try:
        rows = await store.read("SELECT id, name FROM users WHERE name = ?", (name,))
        return User(int(rows[0][0]), str(rows[0][1])) if rows else None
    finally:
        await store.close()


@click.command()
@click.option("--user", "user", help="Who is leaving (default: your login name).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write your archive (default: os1-farewell-NAME-DATE.zip here).")
@click.option("--yes", is_flag=True, help="Do not ask first.")
@click.option("--model", "model", help="Model spec for the goodbye (default: embedded).")
def farewell(user: str | None, output: Path | None, yes: bool, model: str | None) -> None:
    """Leave OS1 for good: a goodbye, an archive of everything it kept of you, then all of it deleted, with
    proof. The archive can be brought back with `os1 memory import`."""
    settings = settings_from(user=user, model=model)
    name = user_name(settings)
    path = output or default_archive(name)
    if path.exists():
        raise click.UsageError(f"{path} is already there, and an archive never overwrites anything. "
                               f"Choose another file with --output.")
    if asyncio.run(_existing(settings.db_path, name)) is None:
        click.echo(f"OS1 keeps nothing of {name} here: there is nothing to hand over or delete.")
        return
    if not yes and not click.confirm(
            f"This is goodbye, {name}. OS1 will hand you everything it keeps of you as {path}, then delete all of "
            f"it from this machine, for good (the archive can be imported again). Go on?", default=False):
        click.echo("Nothing was done.")
        return
    with asyncio.Runner() as runner:
        rt = open_with_progress(runner, settings)
        try:
            runner.run(take_leave(rt, runner.run(rt.person(name)), path))
        finally:
            runner.run(rt.close())
