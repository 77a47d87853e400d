"""The little music theory a piece needs: keys and their scales, triads on scale degrees, and naming pitches.

Pitches are MIDI note numbers (60 is middle C). A minor key uses the natural minor scale, with the seventh
raised in its dominant chord (the leading tone that makes V pull home to i): that raised seventh belongs to the
key, so a piece in A minor may use G♯ and still be in one key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Mode = Literal["major", "minor"]

NAMES = ("C", "C♯", "D", "E♭", "E", "F", "F♯", "G", "A♭", "A", "B♭", "B")
SHARPS = ("C", "C♯", "D", "D♯", "E", "F", "F♯", "G", "G♯", "A", "A♯", "B")
FLATS = ("C", "D♭", "D", "E♭", "E", "F", "G♭", "G", "A♭", "A", "B♭", "B")
_FLAT_KEYS = {"major": {5, 10, 3, 8}, "minor": {2, 7, 0, 5}}
# The tonics a piece may be written in, and how each is spelled as a key (sharps for sharp keys, flats for flat).
KEY_SPELLING = {
    "major": {0: "C", 2: "D", 3: "E♭", 4: "E", 5: "F", 7: "G", 8: "A♭", 9: "A", 10: "B♭"},
    "minor": {0: "C", 2: "D", 4: "E", 5: "F", 7: "G", 9: "A", 11: "B"},
}
STEPS: dict[str, tuple[int, ...]] = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}
# Roman numerals of the triads on each degree (0 = the tonic), as a musician names them in each mode.
NUMERALS: dict[str, tuple[str, ...]] = {"major": ("I", "ii", "iii", "IV", "V", "vi", "vii°"),
                                        "minor": ("i", "ii°", "III", "iv", "V", "VI", "vii°")}
DOMINANT, TONIC, SUBDOMINANT = 4, 0, 3


@dataclass(frozen=True)
class Key:
    tonic: int  # pitch class, 0 = C
    mode: Mode

    @property
    def name(self) -> str:
        return f"{KEY_SPELLING[self.mode].get(self.tonic, NAMES[self.tonic])} {self.mode}"

    @property
    def leading_tone(self) -> int:
        """The pitch class a semitone below the tonic (raised seventh in minor)."""
        return (self.tonic + 11) % 12

    def pitch_classes(self) -> frozenset[int]:
        """Every pitch class that belongs to the key (in minor, with the raised seventh of its dominant)."""
        own = {(self.tonic + s) % 12 for s in STEPS[self.mode]}
        return frozenset(own | {self.leading_tone})

    def degree_pitch(self, degree: int, octave_base: int = 60) -> int:
        """The pitch of scale degree `degree` (0 = tonic; may be negative or past 6) from the tonic nearest at or
        above `octave_base - 12`… counted in whole scale steps."""
        octave, step = divmod(degree, 7)
        base = octave_base - (octave_base - self.tonic) % 12
        return base + 12 * octave + STEPS[self.mode][step]

    def scale_pitches(self, low: int, high: int) -> list[int]:
        """The key's natural scale between two pitches, inclusive (the melody's palette)."""
        natural = {(self.tonic + s) % 12 for s in STEPS[self.mode]}
        return [p for p in range(low, high + 1) if p % 12 in natural]

    def triad(self, degree: int) -> tuple[int, int, int]:
        """Pitch classes of the triad on `degree` (root, third, fifth); V and vii° in minor take the leading tone."""
        pcs = []
        for step in (0, 2, 4):
            d = (degree + step) % 7
            pc = (self.tonic + STEPS[self.mode][d]) % 12
            if self.mode == "minor" and d == 6 and degree in (DOMINANT, 6):
                pc = self.leading_tone
            pcs.append(pc)
        return pcs[0], pcs[1], pcs[2]

    def numeral(self, degree: int) -> str:
        if self.mode == "minor" and degree == DOMINANT:
            return "V"
        return NUMERALS[self.mode][degree % 7]


def pitch_name(pitch: int, key: Key | None = None) -> str:
    """"A4" for 69; spelt with the key's sharps or flats (G♯ in A major, A♭ in E♭ major)."""
    names = NAMES if key is None else FLATS if key.tonic in _FLAT_KEYS[key.mode] else SHARPS
    return f"{names[pitch % 12]}{pitch // 12 - 1}"


def nearest(pitch_classes: tuple[int, ...] | frozenset[int], around: int, low: int, high: int) -> int:
    """The pitch with one of these pitch classes nearest to `around`, within [low, high]."""
    candidates = [p for p in range(low, high + 1) if p % 12 in pitch_classes]
    return min(candidates, key=lambda p: (abs(p - around), p))
