"""A score as a Standard MIDI File (mido): one track per voice, its own channel and General MIDI instrument, the
key signature, the metre, the tempo and its ritardando; a little silence after the last chord so it can ring."""

from __future__ import annotations

from pathlib import Path

import mido

from os1.music.score import VOICES, Score
from os1.music.theory import KEY_SPELLING

TICKS = 480  # per beat
RING_S = 0.5  # after the last chord before the file ends (FluidSynth renders ~2 s more of decay itself)
_MIDO_KEYS = {"♯": "#", "♭": "b"}


def to_midi(score: Score, title: str = "") -> mido.MidiFile:
    song = mido.MidiFile(type=1, ticks_per_beat=TICKS)
    conductor = mido.MidiTrack()
    song.tracks.append(conductor)
    if title:
        conductor.append(mido.MetaMessage("track_name", name=title[:120], time=0))
    conductor.append(mido.MetaMessage("key_signature", key=_key_name(score), time=0))
    conductor.append(mido.MetaMessage("time_signature", numerator=score.meter, denominator=4, time=0))
    tempos = sorted([(0.0, score.tempo), *score.tempo_changes])
    events = [(_ticks(beat), mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm))) for beat, bpm in tempos]
    # The ring: the file ends RING_S after the last beat, at the last tempo.
    end = _ticks(score.beats) + int(RING_S * tempos[-1][1] / 60.0 * TICKS)
    conductor += _timed(events, end)
    for channel, voice in enumerate(v for v in VOICES if v in score.programs):
        track = mido.MidiTrack()
        track.append(mido.MetaMessage("track_name", name=voice, time=0))
        track.append(mido.Message("program_change", channel=channel, program=score.programs[voice], time=0))
        timed: list[tuple[int, mido.Message]] = []
        for note in score.voice(voice):
            on, off = _ticks(note.start), _ticks(note.start + note.length)
            timed.append((on, mido.Message("note_on", channel=channel, note=note.pitch, velocity=note.velocity)))
            timed.append((max(off, on + 1), mido.Message("note_off", channel=channel, note=note.pitch, velocity=0)))
        track += _timed(timed, end)
        song.tracks.append(track)
    return song


def write_midi(score: Score, path: Path, title: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    to_midi(score, title).save(str(path))
    return path


def _key_name(score: Score) -> str:
    name = KEY_SPELLING[score.key.mode][score.key.tonic]
    for sign, plain in _MIDO_KEYS.items():
        name = name.replace(sign, plain)
    return name + ("m" if score.key.mode == "minor" else "")


def _ticks(beat: float) -> int:
    return round(beat * TICKS)


def _timed(events: list[tuple[int, mido.Message | mido.MetaMessage]], end: int) -> list[mido.Message]:
    """Absolute ticks → delta times; note-offs before note-ons at the same tick; the track ends at `end`."""
    ordered = sorted(events, key=lambda e: (e[0], 0 if e[1].type == "note_off" else 1))
    out = []
    now = 0
    for tick, message in ordered:
        out.append(message.copy(time=tick - now))
        now = tick
    out.append(mido.MetaMessage("end_of_track", time=max(0, end - now)))
    return out
