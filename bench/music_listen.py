"""What the pieces sound like: one seed in three moods, each score's summary beside what its rendered sound
measures (length, loudness over its thirds, brightness as the spectral centroid of its first 20 s).

The numbers stand in for a listener's ear where none is at hand: a sad piece should come out quieter and darker
than a joyful one, a calm one sparser; if the mood → music table (music/moods.py) stops making that true, it shows
here.

Run:  .venv/bin/python bench/music_listen.py [--seed 7]   (needs fluidsynth and fluid-soundfont-gm)
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import wave
from pathlib import Path

import numpy as np

from os1.db.store import Store
from os1.music.intent import Intent
from os1.music.making import finish_renders, make_piece
from os1.music.moods import MoodWord

VOICES = {0: "piano", 48: "strings", 49: "slow strings", 89: "warm pad"}
PITCHES = "C C# D D# E F F# G G# A A# B".split()
MOMENTS: tuple[tuple[MoodWord, str], ...] = (("wistful", "today"), ("calm", "our walk by the lake"),
                                             ("joyful", "your sister's wedding"))


def pitch(number: int) -> str:
    return f"{PITCHES[number % 12]}{number // 12 - 1}"


def decibels(samples: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(samples ** 2)) + 1e-9))


async def run(seed: int) -> None:
    home = Path(tempfile.mkdtemp(prefix="os1-listen-"))
    store = await Store.open(home / "os1.db")
    try:
        user = await store.user("listener")
        for mood, about in MOMENTS:
            made = await make_piece(store, user, home, Intent(mood, mood.title(), about, "the bench", "asked"),
                                    request=f"a {mood} piece", seed=seed)
            if made.missing:
                raise SystemExit(made.missing)
            await finish_renders()
            score = made.piece.score
            melody = [n for n in score.notes if n.voice == "melody"]
            with wave.open(str(made.files.audio)) as w:
                rate, channels = w.getframerate(), w.getnchannels()
                raw = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float32) / 32768
            sound = raw.reshape(-1, channels).mean(axis=1)
            head = sound[: rate * 20]
            spectrum = np.abs(np.fft.rfft(head))
            centroid = float((spectrum * np.fft.rfftfreq(len(head), 1 / rate)).sum() / spectrum.sum())
            thirds = ", ".join(f"{decibels(part):.1f}" for part in np.array_split(sound, 3))
            voices = ", ".join(sorted({VOICES.get(p, str(p)) for p in score.programs.values()}))
            print(f"{mood}: {score.key.name}, {score.tempo:.0f} bpm, {score.meter} beats a bar, {score.bars} bars, "
                  f"{'–'.join(s.name for s in score.sections)}; {voices}; melody "
                  f"{pitch(min(n.pitch for n in melody))}–{pitch(max(n.pitch for n in melody))}, "
                  f"{len(melody) / score.beats:.2f} notes a beat\n"
                  f"  sound: {len(sound) / rate:.0f} s, {decibels(sound):.1f} dBFS (by thirds {thirds}), "
                  f"spectral centroid {centroid:.0f} Hz")
    finally:
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=7)
    asyncio.run(run(parser.parse_args().seed))


if __name__ == "__main__":
    main()
