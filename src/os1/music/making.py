"""From an intent to a kept piece with its files: compose, keep, write the MIDI, render the opening phrase first
(so it can start playing within a second or so), then the whole piece in the background.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from os1.db.store import Store, User
from os1.events import Music
from os1.music.compose import PHRASE_BARS, compose
from os1.music.intent import Intent
from os1.music.library import Files, Piece, add_piece, files
from os1.music.midi import write_midi
from os1.music.moods import style
from os1.music.render import SynthMissing, render, soundfont, synthesiser
from os1.music.score import Score

# Renders still running, by target file: asked for again (play, export), they are awaited, not started twice.
_rendering: dict[Path, asyncio.Task[Path]] = {}


@dataclass(frozen=True)
class Made:
    piece: Piece
    files: Files
    missing: str = ""  # what to install to hear it, when no synthesiser is here ("" when it renders)

    def event(self) -> Music:
        if self.missing:
            return Music(self.piece.id, self.piece.title, round(self.piece.seconds, 1), midi=str(self.files.midi))
        return Music(self.piece.id, self.piece.title, round(self.piece.seconds, 1), str(self.files.audio),
                     str(self.files.opening), str(self.files.midi))


async def make_piece(store: Store, user: User, home: Path, intent: Intent, *, request: str,
                     conversation_id: int | None = None, message_id: int | None = None,
                     memories: tuple[dict[str, Any], ...] = (), seed: int | None = None) -> Made:
    """Compose a new piece (another seed, another piece), keep it, and start its sound."""
    chosen = style(intent.mood)
    score = compose(chosen, secrets.randbits(31) if seed is None else seed)
    piece = await add_piece(store, user, title=intent.title, about=intent.about, mood=intent.mood,
                            why=why(score, chosen.sounds, intent.reason), request=request, score=score,
                            conversation_id=conversation_id, message_id=message_id, memories=memories)
    where = files(home, user, piece.id)
    write_midi(score, where.midi, piece.title)
    try:
        synthesiser()
        soundfont()
    except SynthMissing as exc:
        return Made(piece, where, str(exc))
    opening = where.opening.with_suffix(".mid")
    write_midi(opening_of(score), opening, piece.title)
    await render(opening, where.opening)
    opening.unlink(missing_ok=True)
    start_render(where.midi, where.audio)
    return Made(piece, where)


def why(score: Score, sounds: str, reason: str) -> str:
    """"Slow, low and quiet …, in D minor at 58 beats a minute, because you sounded tired."."""
    return f"{sounds[0].upper()}{sounds[1:]}: {score.key.name} at {score.tempo:.0f} beats a minute, because {reason}."


def opening_of(score: Score, bars: int = PHRASE_BARS) -> Score:
    """The first phrase alone, as its own short score (its sound is the start of the whole piece's)."""
    end = float(bars * score.meter)
    notes = tuple(replace(n, length=min(n.length, end - n.start)) for n in score.notes if n.start < end)
    return replace(score, bars=bars, notes=notes, tempo_changes=(),
                   chords=tuple(c for c in score.chords if c.start < end))


def start_render(midi: Path, target: Path) -> asyncio.Task[Path]:
    running = _rendering.get(target)
    if running is not None and not running.done():
        return running
    task = asyncio.get_running_loop().create_task(render(midi, target))
    _rendering[target] = task
    task.add_done_callback(lambda t: _rendering.pop(target, None) if _rendering.get(target) is t else None)
    return task


async def audio_of(piece: Piece, user: User, home: Path, suffix: str = "wav") -> Path:
    """The piece's audio as a file of this kind (wav, ogg, flac), rendered now if it isn't there yet.
    Raises SynthMissing (saying what to install) where it can't be."""
    where = files(home, user, piece.id)
    target = where.audio if suffix == "wav" else where.folder / f"{piece.id}.{suffix}"
    running = _rendering.get(target)
    if running is not None:
        return await running
    if target.is_file():
        return target
    synthesiser()  # each raises SynthMissing, saying what to install
    soundfont()
    midi_of(piece, user, home)
    return await start_render(where.midi, target)


def midi_of(piece: Piece, user: User, home: Path) -> Path:
    """The piece's MIDI file, written again from its score if it isn't there (after a restore, say)."""
    where = files(home, user, piece.id)
    return where.midi if where.midi.is_file() else write_midi(piece.score, where.midi, piece.title)


async def finish_renders() -> None:
    """Wait for the renders still running (before a process ends, so no piece is left without its audio)."""
    for task in list(_rendering.values()):
        try:
            await task
        except Exception:  # noqa: BLE001 - a failed render is made again the next time the piece is played
            pass
