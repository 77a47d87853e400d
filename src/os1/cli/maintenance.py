"""`os1 maintenance announce "…" --at TIME` and `os1 maintenance status`: tell every person before OS1 goes away
for a while, and see whom the notice reached. The notice is kept in the store; a running `os1 serve` (or any open
door) says it to each person the next time it can, before TIME, and records the delivery per person."""

from __future__ import annotations

import asyncio
import json

import click
from rich.console import Console
from rich.table import Table

from os1.cli.support import settings_from
from os1.db.store import Store, User
from os1.reaching import book
from os1.reaching.outreach import Outreach
from os1.reminders.clock import resolve_when
from os1.reminders.scheduler import Doors
from os1.tools.registry import local_now


@click.group()
def maintenance() -> None:
    """Announce maintenance to everyone before it happens, and see whom the notice reached."""


@maintenance.command("announce")
@click.argument("notice")
@click.option("--at", "at", required=True, help='When it starts: "22:00", "tomorrow at 3", "Saturday 9:00".')
def announce(notice: str, at: str) -> None:
    """Tell every person NOTICE before maintenance starts at --at."""
    if not notice.strip():
        raise click.UsageError("Say what the maintenance is, e.g. \"upgrading the model\".")
    now = local_now()
    start = resolve_when(at, now)
    if start is None or start <= now:
        raise click.UsageError(f"I couldn't read {at!r} as a time ahead; try \"22:00\" or \"tomorrow at 3\".")

    async def run() -> int:
        store = await Store.open(settings_from().db_path)
        try:
            return await Outreach(store, Doors()).announce(notice, start)
        finally:
            await store.close()

    planned = asyncio.run(run())
    click.echo(f"Announced for {start:%a %d %b %H:%M}: {planned} {'person' if planned == 1 else 'people'} will be "
               "told the next time they open OS1 before then. See who was: os1 maintenance status")


@maintenance.command("status")
@click.option("--json", "json_out", is_flag=True, help="Print JSON.")
def status(json_out: bool) -> None:
    """Each announced notice, and for each person whether it reached them (and when), is waiting, or never did."""
    async def run() -> list[dict[str, str | None]]:
        store = await Store.open(settings_from().db_path)
        try:
            rows = await store.read("SELECT id, name FROM users ORDER BY name", ())
            out = []
            for row in rows:
                for r in await book.history(store, User(row[0], row[1])):
                    if r.kind == "maintenance":
                        state = "told" if r.delivered_at else "never reached" if r.dropped_at else "waiting"
                        out.append({"person": row[1], "notice": r.about, "starts": r.event_at.isoformat(),
                                    "state": state, "told_at": r.delivered_at})
            return out
        finally:
            await store.close()

    found = asyncio.run(run())
    if json_out:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo("No maintenance has been announced.")
        return
    table = Table("person", "notice", "starts (UTC)", "state", "told at (UTC)", box=None)
    for f in found:
        table.add_row(f["person"], f["notice"], (f["starts"] or "")[:16].replace("T", " "), f["state"],
                      (f["told_at"] or "")[:16].replace("T", " "))
    Console().print(table)
