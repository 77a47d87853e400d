"""`os1 serve` and `os1 users …`: one OS1 for a whole household, and who may sign in to it."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click
from rich.console import Console
from rich.table import Table

from os1.cli.support import assembly_progress, err, settings_from
from os1.db.store import Store

if TYPE_CHECKING:
    from os1.server.auth import TokenBook

T = TypeVar("T")
DEFAULT_PORT = 8316


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but this machine itself needs TLS (or --insecure-remote).")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535))
@click.option("--tls-cert", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Certificate (PEM) for HTTPS; with --tls-key.")
@click.option("--tls-key", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Its private key (PEM).")
@click.option("--insecure-remote", is_flag=True,
              help="Serve a non-loopback address over plain HTTP anyway (only on a network you trust).")
@click.option("--model", "model", help="embedded (default), embedded:small, gguf:/path/file.gguf, "
                                       "or openai:MODEL@http://host:port/v1")
@click.option("--slots", type=click.IntRange(1, 256),
              help="Turns the model serves at once (default: 1 embedded, 8 for an openai: server).")
def serve(host: str, port: int, tls_cert: Path | None, tls_key: Path | None, insecure_remote: bool,
          model: str | None, slots: int | None) -> None:
    """Serve OS1 to your household: the web app, an OpenAI-compatible API and realtime voice. Everyone signs
    in with their own token (os1 users add NAME) and talks with a companion that remembers them alone."""
    check_exposure(host, tls_cert, tls_key, insecure_remote)
    from os1.server.app import create_app, open_hub
    from os1.server.serving import Server, loop_factory, server_config

    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        with assembly_progress(quiet=False) as progress:
            hub = runner.run(open_hub(settings_from(model=model), progress=progress, slots=slots))
        try:
            if not any(p.tokens for p in runner.run(hub.tokens.people())):
                err.print("[yellow]Nobody can sign in yet.[/] Give someone a token: os1 users add NAME")
            server = Server(server_config(create_app(hub), host, port, tls_cert=tls_cert, tls_key=tls_key),
                            on_stop=hub.notices.close)  # open tabs' live channels end at once
            err.print(f"OS1 is at [bold]{url(host, port, tls_cert is not None)}[/] (Ctrl-C stops it).")
            try:
                runner.run(server.serve())
            except KeyboardInterrupt:
                pass  # Ctrl-C: uvicorn has already shut down gracefully, and passes the signal on
        finally:
            err.print("Closing (a model step under way is finished first)…")
            runner.run(hub.runtime.close())


def check_exposure(host: str, tls_cert: Path | None, tls_key: Path | None, insecure_remote: bool) -> None:
    """Refuse to send tokens and everything people say across a network in plain text, unless told to."""
    if (tls_cert is None) != (tls_key is None):
        raise click.UsageError("Give both --tls-cert and --tls-key (the certificate and its private key).")
    if tls_cert is not None or insecure_remote or is_loopback(host):
        return
    raise click.UsageError(
        f"Refusing to serve on {host} without TLS: sign-in tokens and everything people say to OS1 would cross "
        f"the network unencrypted. Give --tls-cert FILE --tls-key FILE (e.g. made with mkcert), or serve on "
        f"127.0.0.1 behind a TLS proxy. On a network you trust completely, --insecure-remote allows it.")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may well resolve to a public address


def url(host: str, port: int, tls: bool) -> str:
    shown = socket.gethostname() if host in ("0.0.0.0", "::") else host
    shown = f"[{shown}]" if ":" in shown else shown
    return f"{'https' if tls else 'http'}://{shown}:{port}/"


@click.group()
def users() -> None:
    """Who may sign in to `os1 serve`: give people tokens, list them, take them back."""


@users.command("add")
@click.argument("name")
def users_add(name: str) -> None:
    """Give NAME a sign-in token (NAME is created if new; run again for a second device)."""
    token = with_tokens(lambda book: book.add(name))
    click.echo(f"Token for {name.strip()} (shown only this once; keep it somewhere safe):", err=True)
    click.echo(token)
    click.echo(f"Paste it into the web app when it asks you to sign in. Programs send it as the header\n"
               f"  Authorization: Bearer {token[:8]}…\n"
               f"and OpenAI clients take it as their API key, with the base URL\n"
               f"  http://127.0.0.1:{DEFAULT_PORT}/v1  (or wherever `os1 serve` runs)", err=True)


@users.command("list")
@click.option("--json", "json_out", is_flag=True, help="Print JSON.")
def users_list(json_out: bool) -> None:
    """Everyone OS1 knows: how many tokens each has, and when one was last used."""
    people = with_tokens(lambda book: book.people())
    if json_out:
        click.echo(json.dumps([{"name": p.name, "tokens": p.tokens, "created": p.created, "last_used": p.last_used}
                               for p in people], ensure_ascii=False, indent=2))
        return
    if not people:
        click.echo("Nobody yet. Add someone: os1 users add NAME")
        return
    table = Table("name", "tokens", "since", "last used", box=None)
    for p in people:
        table.add_row(p.name, str(p.tokens), p.created[:10], (p.last_used or "never")[:16].replace("T", " "))
    Console().print(table)


@users.command("remove")
@click.argument("name")
@click.option("--purge", is_flag=True, help="Also delete their conversations and everything OS1 learned of them.")
@click.option("--yes", is_flag=True, help="With --purge: do not ask first.")
def users_remove(name: str, purge: bool, yes: bool) -> None:
    """Take NAME's tokens away (they can no longer sign in). Their conversations and memory stay, unless
    --purge."""
    from os1.server.auth import EPOCH_EVERY_S
    if purge and not yes and not click.confirm(f"Delete {name} and everything OS1 keeps about them, for good?",
                                               default=False):
        click.echo("Nothing was removed.")
        return
    if not with_tokens(lambda book: book.remove(name, purge=purge)):
        err.print(f"[red]os1:[/] Nobody called {name!r}. See who there is: os1 users list")
        sys.exit(1)
    if purge:
        click.echo(f"Removed {name} and everything OS1 kept about them; the database was compacted.")
    else:
        click.echo(f"{name} can no longer sign in (a running server stops accepting their tokens within "
                   f"{EPOCH_EVERY_S:.0f} second). Their conversations and memory are kept; --purge deletes them.")


def with_tokens(work: Callable[[TokenBook], Awaitable[T]]) -> T:
    """Open the store (not the model), do `work` with the token book, close."""
    from os1.server.auth import TokenBook  # here: the server's imports are not needed by other commands

    async def run() -> T:
        store = await Store.open(settings_from().db_path)
        try:
            return await work(TokenBook(store))
        finally:
            await store.close()

    return asyncio.run(run())
