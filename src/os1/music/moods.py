"""Mood → music, explicitly: what each mood sounds like (mode, tempo, metre, register, harmony, accompaniment,
dynamics, density), and which mood a moment calls for.

This table is the whole of how a feeling becomes sound; the model only names the mood (music/intent.py), and
the composer (music/compose.py) follows the table. Each style also says, in words, why it sounds as it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from os1.music.theory import Mode

Accompaniment = Literal["block", "arpeggio", "alberti", "pulse", "waltz"]
MoodWord = Literal["joyful", "playful", "triumphant", "tender", "calm", "wistful", "melancholy", "mysterious"]
MOODS: tuple[MoodWord, ...] = ("joyful", "playful", "triumphant", "tender", "calm", "wistful", "melancholy",
                               "mysterious")

# General MIDI programs (0-based)
PIANO, STRINGS, SLOW_STRINGS, WARM_PAD = 0, 48, 49, 89


@dataclass(frozen=True)
class Style:
    mood: MoodWord
    mode: Mode
    tonics: tuple[int, ...]  # pitch classes the piece may be in
    tempo: tuple[int, int]  # bpm, lowest and highest
    meter: int  # beats to the bar
    center: int  # the pitch the melody moves around (its register)
    span: int  # the melody's range in semitones: an octave at least (the tonic is in it), at most a ninth
    loudness: int  # the melody's MIDI velocity (dynamics); the accompaniment is quieter
    # Rhythms of one bar of melody, in beats (summing to the metre); the phrase's last bar is always held.
    rhythms: tuple[tuple[float, ...], ...]
    accompaniment: Accompaniment
    # The first three bars' harmony of a phrase (scale degrees, 0 = tonic); the fourth is the cadence.
    openings: tuple[tuple[int, int, int], ...]
    # The middle section's phrases: three bars away from home (the phrase's fourth bar is always V, leading back).
    contrasts: tuple[tuple[int, int, int, int], ...]
    predominant: int  # the chord before V at a cadence (ii or IV in major, iv in minor)
    pad: int | None  # strings or a pad holding the harmony under the piano
    staccato: bool  # short, detached melody notes
    sounds: str  # what it sounds like, in words


STYLES: dict[str, Style] = {s.mood: s for s in (
    Style("joyful", "major", (2, 7, 9, 4), (112, 132), 4, 73, 14, 92,
          ((1, 1, 1, 1), (0.5, 0.5, 1, 1, 1), (1, 0.5, 0.5, 2), (1.5, 0.5, 1, 1)), "alberti",
          ((0, 3, 4), (0, 5, 3), (0, 4, 5)), ((3, 0, 5, 4), (5, 3, 0, 4)), 3, None, False,
          "bright and quick"),
    Style("playful", "major", (0, 5, 7, 2), (120, 140), 4, 75, 12, 80,
          ((0.5, 0.5, 0.5, 0.5, 1, 1), (1, 0.5, 0.5, 1, 1), (0.5, 0.5, 1, 0.5, 0.5, 1), (1, 1, 2)), "pulse",
          ((0, 4, 0), (0, 1, 4), (0, 3, 4)), ((1, 4, 0, 4), (3, 4, 5, 4)), 1, None, True,
          "light and bouncing, quick and detached"),
    Style("triumphant", "major", (0, 2, 3, 10), (96, 112), 4, 72, 14, 104,
          ((2, 1, 1), (1.5, 0.5, 2), (1, 1, 1, 1), (3, 1)), "pulse",
          ((0, 3, 0), (0, 4, 3), (0, 5, 3)), ((3, 4, 5, 4), (5, 1, 3, 4)), 3, STRINGS, False,
          "broad and strong, full chords with strings"),
    Style("tender", "major", (5, 10, 0, 3), (72, 84), 3, 69, 12, 66,
          ((2, 1), (1, 1, 1), (1.5, 0.5, 1), (3,)), "waltz",
          ((0, 5, 3), (0, 3, 0), (0, 2, 3)), ((5, 3, 0, 4), (3, 5, 1, 4)), 1, None, False,
          "gentle, a slow waltz in the middle of the voice"),
    Style("calm", "major", (5, 10, 3, 7), (58, 70), 4, 67, 12, 56,
          ((2, 2), (4,), (3, 1), (2, 1, 1)), "arpeggio",
          ((0, 3, 0), (0, 5, 3), (0, 2, 3)), ((3, 0, 3, 4), (5, 3, 1, 4)), 3, SLOW_STRINGS, False,
          "slow and quiet, long notes over rippling chords and soft strings"),
    Style("wistful", "minor", (9, 4, 2, 7), (66, 78), 3, 67, 12, 62,
          ((2, 1), (1, 1, 1), (1.5, 0.5, 1), (3,)), "waltz",
          ((0, 5, 3), (0, 3, 5), (0, 2, 5)), ((5, 2, 3, 4), (3, 0, 5, 4)), 3, None, False,
          "unhurried and a little sad, a slow waltz"),
    Style("melancholy", "minor", (9, 4, 2, 11), (54, 66), 4, 62, 12, 52,
          ((2, 2), (3, 1), (4,), (2, 1, 1)), "block",
          ((0, 3, 0), (0, 5, 3), (0, 3, 5)), ((5, 3, 0, 4), (3, 5, 2, 4)), 3, SLOW_STRINGS, False,
          "slow, low and quiet, held chords and strings"),
    Style("mysterious", "minor", (4, 11, 7, 2), (60, 72), 4, 64, 12, 48,
          ((3, 1), (2, 2), (1, 1, 2), (4,)), "arpeggio",
          ((0, 5, 0), (0, 3, 5), (0, 2, 3)), ((5, 3, 5, 4), (3, 2, 5, 4)), 3, WARM_PAD, False,
          "hushed and slow, over a soft pad"),
)}

# The companion's feeling (character/mood.py) → the music of that moment.
FROM_FEELING: dict[str, MoodWord] = {
    "curious": "playful", "delighted": "joyful", "tender": "tender", "sad": "melancholy",
    "protective": "wistful", "warm": "tender", "hurt": "melancholy", "playful": "playful", "missed": "tender",
    "wondering": "mysterious",
}
# What the feeling says about the person, for "why it sounds as it does".
FEELING_REASON: dict[str, str] = {
    "curious": "we've been talking easily", "delighted": "you had good news", "tender": "you've had a hard time",
    "sad": "you told me something sad", "protective": "you sounded tired", "warm": "it's been warm between us",
    "hurt": "things felt a little raw between us", "playful": "we've been joking around",
    "missed": "you came back after a while", "wondering": "you asked what I am",
}

# Words in a request (or in the memory it points at) that call for a mood, strongest first: a mood named
# outright, then occasions and scenes.
_WORDS: tuple[tuple[MoodWord, tuple[str, ...]], ...] = (
    ("melancholy", ("sad", "sadness", "melancholy", "melancholic", "mournful", "grief", "grieving", "funeral",
                    "mourning", "heartbroken", "heartbreak", "lament", "requiem", "died", "loss")),
    ("triumphant", ("triumphant", "triumph", "victory", "victorious", "epic", "heroic", "graduation",
                    "anthem", "marching", "proud")),
    ("joyful", ("happy", "joyful", "joy", "cheerful", "upbeat", "celebrate", "celebration", "wedding",
                "birthday", "party", "dance", "dancing", "sunny", "excited", "bright")),
    ("playful", ("playful", "silly", "funny", "bouncy", "cheeky", "kids", "children", "jolly", "fun")),
    ("mysterious", ("mysterious", "mystery", "eerie", "strange", "dark", "spooky", "haunting", "dream",
                    "dreamy", "stars", "space")),
    ("wistful", ("wistful", "nostalgic", "nostalgia", "bittersweet", "longing", "remember", "memories",
                 "goodbye", "farewell", "autumn", "rain", "rainy", "tired", "exhausted", "missing")),
    ("calm", ("calm", "peaceful", "peace", "quiet", "relaxing", "relax", "soothing", "sleep", "lullaby",
              "gentle", "slow", "lake", "sea", "ocean", "beach", "walk", "river", "evening", "morning",
              "snow", "meditation", "still")),
    ("tender", ("tender", "love", "loving", "romantic", "sweet", "warm", "sister", "mother",
                "father", "friend", "baby", "thank", "thanks", "together")),
)


def style(mood: str) -> Style:
    """The style of a mood word (an unknown word gets the tender style: warm, never jarring)."""
    return STYLES.get(mood.strip().lower(), STYLES["tender"])


def mood_in(text: str) -> tuple[MoodWord, str] | None:
    """The mood a text calls for, by its words, and the word that called for it; None if nothing does."""
    found = {w.strip("'’").lower() for w in _split(text)}
    for mood, words in _WORDS:
        for word in words:
            if word in found:
                return mood, word
    return None


def _split(text: str) -> list[str]:
    return [w for w in "".join(c if c.isalnum() or c in "'’" else " " for c in text).split() if w]
