"""`os1 music …`: the pieces OS1 composed for you: list, play, export (MIDI, WAV, OGG), say why, delete; and
compose one from the command line."""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from os1.character.mood import Mood
from os1.cli.support import err, person_store, settings_from
from os1.db import state
from os1.events import Music
from os1.music.intent import settle
from os1.music.library import Piece, choose, delete_piece, pieces
from os1.music.making import audio_of, make_piece, midi_of
from os1.music.moods import MOODS
from os1.music.player import Player, speakers
from os1.music.render import SynthMissing

USER = click.option("--user", "user", help="Whose music (default: your login name).")


@click.group()
def music() -> None:
    """The music OS1 composed for you: list, play, export, delete."""


@music.command("list")
@USER
@click.option("--json", "json_out", is_flag=True, help="Print JSON.")
def music_list(user: str | None, json_out: bool) -> None:
    """Your pieces, with what each is about."""
    async def run() -> list[Piece]:
        async with person_store(settings_from(user=user)) as (store, person):
            return await pieces(store, person)

    found = asyncio.run(run())
    if json_out:
        click.echo(json.dumps([p.as_dict() for p in found], ensure_ascii=False, indent=2))
        return
    console = Console(highlight=False, soft_wrap=True)
    if not found:
        console.print("No music yet. In os1 chat, ask: \"play me something that sounds like today\".")
        return
    for p in found:
        console.print(f"[bold]{p.id}[/]  {escape(p.line())}  [dim]{p.created_at[:10]}[/]")


@music.command("compose")
@USER
@click.argument("about", required=False, default="today")
@click.option("--mood", type=click.Choice(MOODS), help="The feeling it should have (else from your words and "
                                                       "how today has felt).")
@click.option("--title", default="", help="Its title.")
@click.option("--play/--no-play", "play", default=True, help="Play it when done (where there are speakers).")
def music_compose(user: str | None, about: str, mood: str | None, title: str, play: bool) -> None:
    """Compose a new piece about something ("our walk by the lake"), or about today."""
    settings = settings_from(user=user)

    async def run() -> tuple[Piece, Path, str]:
        async with person_store(settings) as (store, person):
            feeling = Mood.from_json(await store.get_state(person, state.MOOD.key()))
            # a mood given on the command line is asked for outright
            request = f"compose something {mood or ''} about {about}".replace("  ", " ")
            intent = settle(request, model_title=title, model_about=about, feeling=feeling, now=datetime.now(UTC))
            made = await make_piece(store, person, settings.home, intent, request=request)
            if made.missing:
                return made.piece, made.files.midi, made.missing
            return made.piece, await audio_of(made.piece, person, settings.home), ""

    made, path, missing = asyncio.run(run())
    console = Console(highlight=False, soft_wrap=True)
    console.print(f"[bold]{made.id}[/]  {escape(made.line())}")
    console.print(f"[dim]{escape(made.why)}[/]")
    if missing:
        err.print(f"[yellow]{escape(missing)}[/]")
    _play_or_say(console, made, path, play and not missing)


@music.command("play")
@USER
@click.argument("which", nargs=-1)
def music_play(user: str | None, which: tuple[str, ...]) -> None:
    """Play a piece (its number, or words: "the one from the lake"; the latest by default)."""
    settings = settings_from(user=user)

    async def run() -> tuple[Piece, Path]:
        async with person_store(settings) as (store, person):
            found = _one(await pieces(store, person), " ".join(which))
            try:
                return found, await audio_of(found, person, settings.home)
            except SynthMissing as exc:
                err.print(f"[yellow]{escape(str(exc))}[/]")
                return found, midi_of(found, person, settings.home)

    found, path = asyncio.run(run())
    console = Console(highlight=False, soft_wrap=True)
    console.print(f"{escape(found.line())}")
    _play_or_say(console, found, path, path.suffix == ".wav")


@music.command("why")
@USER
@click.argument("which", nargs=-1)
def music_why(user: str | None, which: tuple[str, ...]) -> None:
    """Why a piece sounds the way it does, and its score in one line."""
    async def run() -> Piece:
        async with person_store(settings_from(user=user)) as (store, person):
            return _one(await pieces(store, person), " ".join(which))

    found = asyncio.run(run())
    console = Console(highlight=False, soft_wrap=True)
    console.print(f"[bold]{escape(found.title)}[/] — {escape(found.about)}")
    console.print(escape(found.why))
    console.print(f"[dim]{escape(found.score.summary())}[/]")
    if found.request:
        console.print(f"[dim]You asked: {escape(found.request)}[/]")


@music.command("export")
@USER
@click.argument("which", nargs=-1)
@click.option("--format", "kind", type=click.Choice(["midi", "wav", "ogg"]), default="wav", show_default=True)
@click.option("--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write it (default: the title, in this folder).")
def music_export(user: str | None, which: tuple[str, ...], kind: str, output: Path | None) -> None:
    """Write a piece out as MIDI, WAV or OGG."""
    settings = settings_from(user=user)

    async def run() -> tuple[Piece, Path]:
        async with person_store(settings) as (store, person):
            found = _one(await pieces(store, person), " ".join(which))
            if kind == "midi":
                return found, midi_of(found, person, settings.home)
            try:
                return found, await audio_of(found, person, settings.home, kind)
            except SynthMissing as exc:
                err.print(f"[red]os1:[/] {escape(str(exc))}")
                sys.exit(1)

    found, source = asyncio.run(run())
    suffix = ".mid" if kind == "midi" else f".{kind}"
    target = output or Path.cwd() / (_file_name(found.title) + suffix)
    shutil.copyfile(source, target)
    click.echo(f"Wrote “{found.title}” to {target}")


@music.command("delete")
@USER
@click.argument("piece_id", type=int)
@click.option("--yes", is_flag=True, help="Don't ask first.")
def music_delete(user: str | None, piece_id: int, yes: bool) -> None:
    """Delete a piece (its score and its audio)."""
    settings = settings_from(user=user)

    async def find() -> Piece:
        async with person_store(settings) as (store, person):
            return _one(await pieces(store, person), str(piece_id))

    found = asyncio.run(find())
    if not yes and not click.confirm(f"Delete {found.line()}?", default=False):
        click.echo("Kept.")
        return

    async def run() -> None:
        async with person_store(settings) as (store, person):
            await delete_piece(store, person, piece_id, settings.home)

    asyncio.run(run())
    click.echo(f"Deleted “{found.title}”.")


def _one(found: list[Piece], which: str) -> Piece:
    if not found:
        raise click.ClickException("No music yet.")
    chosen = choose(found, which)
    if not chosen:
        raise click.ClickException(f"No piece matches {which!r}: see os1 music list.")
    return chosen[0]


def _play_or_say(console: Console, found: Piece, path: Path, play: bool) -> None:
    if not play or not speakers():
        console.print(f"It's in {path}" + ("" if not play else " (no speakers to play it through here)."))
        return
    player = Player()
    console.print(f"♪ Playing ({found.length}); Ctrl-C stops.")
    try:
        player.play(path)
        player.wait()
    except KeyboardInterrupt:
        pass
    finally:
        player.stop()


def _file_name(title: str) -> str:
    kept = "".join(c if c.isalnum() or c in " -_" else "" for c in title).strip()
    return "-".join(kept.split()) or "piece"


class Jukebox:
    """The terminal's speakers for the pieces composed in a conversation: the newest stops the one before."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.player: Player | None = None

    def __call__(self, event: Music) -> None:
        audio = Path(event.audio) if event.audio else None
        minutes, secs = divmod(round(event.seconds), 60)
        named = f"“{escape(event.title)}”" if event.title else "a new piece"  # named by the reply still to come
        if audio is None or not speakers():
            where = event.audio or event.midi
            self.console.print(f"♪ {named} ({minutes}:{secs:02d}) is in {escape(where)}", style="dim")
            return
        self.player = self.player or Player()
        try:
            self.player.play(audio, Path(event.opening) if event.opening else None)
        except Exception as exc:  # noqa: BLE001 - a sound problem must not end the conversation
            self.console.print(f"♪ I couldn't play it ({exc}); it's in {escape(str(audio))}", style="dim")
            return
        self.console.print(f"♪ Playing {named} ({minutes}:{secs:02d}); os1 music play to hear it again.",
                           style="dim")

    def stop(self) -> None:
        if self.player is not None:
            self.player.stop()
