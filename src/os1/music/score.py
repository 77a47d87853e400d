"""A piece as a score: the notes of each voice, the harmony under them, the form, and the tempo as it moves.

Times are in beats from the start (a beat is a quarter note). The score is what is kept (as JSON, in the store
and in the export); MIDI and audio are made from it again whenever they are needed.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from os1.music.theory import Key, pitch_name

VOICES = ("melody", "harmony", "bass", "pad")


@dataclass(frozen=True)
class Note:
    start: float  # beats
    length: float  # beats
    pitch: int  # MIDI note number
    velocity: int  # 1..127
    voice: str  # one of VOICES


@dataclass(frozen=True)
class Chord:
    start: float
    length: float
    degree: int  # 0 = the tonic triad
    numeral: str  # "V", "iv", …
    pitch_classes: tuple[int, ...]


@dataclass(frozen=True)
class Section:
    name: str  # "A", "B", "A′", "coda"
    first_bar: int  # 0-based
    bars: int
    cadence: str  # how it ends: "authentic" (V–I), "half" (on V)


@dataclass(frozen=True)
class Score:
    mood: str
    key: Key
    meter: int  # beats to the bar
    tempo: float  # the opening tempo, bpm
    # (beat, bpm): where the tempo changes (the ritardando into the last bars)
    tempo_changes: tuple[tuple[float, float], ...]
    bars: int
    sections: tuple[Section, ...]
    chords: tuple[Chord, ...]
    notes: tuple[Note, ...]
    programs: dict[str, int] = field(default_factory=dict)  # General MIDI program of each voice that sounds
    seed: int = 0

    @property
    def beats(self) -> float:
        return float(self.bars * self.meter)

    @property
    def seconds(self) -> float:
        """How long it lasts, played with its tempo changes (the last chord's ring not counted)."""
        return self.time_at(self.beats)

    def time_at(self, beat: float) -> float:
        changes = sorted([(0.0, self.tempo), *self.tempo_changes])
        seconds = 0.0
        for (start, bpm), (nxt, _) in zip(changes, [*changes[1:], (float("inf"), 0.0)], strict=True):
            if beat <= start:
                break
            seconds += (min(beat, nxt) - start) * 60.0 / bpm
        return seconds

    def voice(self, name: str) -> list[Note]:
        return sorted((n for n in self.notes if n.voice == name), key=lambda n: (n.start, n.pitch))

    def melody_range(self) -> tuple[int, int]:
        pitches = [n.pitch for n in self.voice("melody")]
        return min(pitches), max(pitches)

    @property
    def form(self) -> str:
        return " ".join(s.name for s in self.sections)

    def summary(self) -> str:
        """One line a musician reads: key, metre, tempo, form, length, range, instruments, the ending."""
        low, high = self.melody_range()
        minutes, secs = divmod(round(self.seconds), 60)
        instruments = " with strings" if "pad" in self.programs else ""
        last = [c.numeral for c in self.chords[-2:]]
        melody = f"{pitch_name(low, self.key)}–{pitch_name(high, self.key)}"
        return (f"{self.key.name}, {self.meter}/4, {self.tempo:.0f} bpm, {self.bars} bars ({self.form}), "
                f"{minutes}:{secs:02d}, melody {melody}, piano{instruments}; "
                f"ends {'–'.join(last)}")

    def to_json(self) -> str:
        data = asdict(self)
        data["key"] = {"tonic": self.key.tonic, "mode": self.key.mode}
        # Notes as compact rows: a two-minute piece has a thousand of them.
        data["notes"] = [[n.start, n.length, n.pitch, n.velocity, n.voice] for n in self.notes]
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @staticmethod
    def from_json(text: str) -> Score:
        data: dict[str, Any] = json.loads(text)
        return Score(
            mood=data["mood"], key=Key(int(data["key"]["tonic"]), data["key"]["mode"]), meter=int(data["meter"]),
            tempo=float(data["tempo"]), tempo_changes=tuple((float(b), float(t)) for b, t in data["tempo_changes"]),
            bars=int(data["bars"]), sections=tuple(Section(**s) for s in data["sections"]),
            chords=tuple(Chord(c["start"], c["length"], c["degree"], c["numeral"], tuple(c["pitch_classes"]))
                         for c in data["chords"]),
            notes=tuple(Note(float(s), float(ln), int(p), int(v), str(vo)) for s, ln, p, v, vo in data["notes"]),
            programs={str(k): int(v) for k, v in data["programs"].items()}, seed=int(data.get("seed", 0)))
