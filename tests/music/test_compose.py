"""The composer's music, checked as a teacher would: one key, harmony that resolves, a singable melody, phrases
and a final cadence, a sensible length; moods that sound measurably different; a new piece each time."""

from __future__ import annotations

import statistics
from pathlib import Path

import mido
import pytest

from os1.music.compose import PHRASE_BARS, compose
from os1.music.midi import RING_S, to_midi, write_midi
from os1.music.moods import MOODS, STYLES, mood_in, style
from os1.music.score import Score
from os1.music.theory import DOMINANT, TONIC, Key

SEEDS = range(6)
PIECES = [(mood, seed) for mood in MOODS for seed in SEEDS]


def piece(mood: str, seed: int) -> Score:
    return compose(style(mood), seed)


def chord_at(score: Score, beat: float) -> tuple[int, tuple[int, ...]]:
    for c in score.chords:
        if c.start <= beat < c.start + c.length:
            return c.degree, c.pitch_classes
    raise AssertionError(f"no chord at beat {beat}")


@pytest.mark.parametrize(("mood", "seed"), PIECES)
def test_one_key_throughout(mood: str, seed: int) -> None:
    score = piece(mood, seed)
    allowed = score.key.pitch_classes()
    assert {n.pitch % 12 for n in score.notes} <= allowed
    if score.key.mode == "minor":  # the raised seventh only where V asks for it
        for n in score.notes:
            if n.pitch % 12 == score.key.leading_tone:
                assert chord_at(score, n.start)[0] == DOMINANT, (n, mood, seed)


@pytest.mark.parametrize(("mood", "seed"), PIECES)
def test_harmony_cadences_and_resolves(mood: str, seed: int) -> None:
    score = piece(mood, seed)
    assert [c.degree for c in score.chords[-2:]] == [DOMINANT, TONIC], "it ends V–I"
    for section in score.sections:
        end = (section.first_bar + section.bars) * score.meter - 0.5
        assert chord_at(score, end)[0] == (TONIC if section.cadence == "authentic" else DOMINANT)
    # Every phrase ends on a cadence: its last bar is V (a question) or I after V (an answer).
    for bar in range(PHRASE_BARS - 1, score.bars, PHRASE_BARS):
        degree = chord_at(score, bar * score.meter + 0.01)[0]
        if bar < score.bars - 2 or score.form.endswith("coda") is False:
            assert degree in (DOMINANT, TONIC) or score.form.endswith("coda")
    # The accompaniment sounds the chord of the moment.
    for n in score.notes:
        if n.voice in ("harmony", "bass", "pad"):
            assert n.pitch % 12 in chord_at(score, n.start)[1]


@pytest.mark.parametrize(("mood", "seed"), PIECES)
def test_melody_is_singable_and_follows_the_harmony(mood: str, seed: int) -> None:
    score = piece(mood, seed)
    melody = score.voice("melody")
    low, high = score.melody_range()
    assert high - low <= 16, "no wider than a tenth"
    assert 55 <= low and high <= 81, "within a voice's reach (G3 to A5)"
    leaps = [abs(b.pitch - a.pitch) for a, b in zip(melody, melody[1:], strict=False)]
    assert max(leaps) <= 9, "no leap wider than a sixth"
    assert sum(1 for leap in leaps if leap <= 2) / len(leaps) >= 0.4, "mostly steps and repeats"
    assert all(a.start + a.length <= b.start + 1e-9 for a, b in zip(melody, melody[1:], strict=False)), "one line"
    downbeats = [n for n in melody if n.start % score.meter == 0]
    in_chord = sum(1 for n in downbeats if n.pitch % 12 in chord_at(score, n.start)[1])
    assert in_chord == len(downbeats), "every downbeat is a chord tone"


@pytest.mark.parametrize(("mood", "seed"), PIECES)
def test_form_phrases_and_final_cadence(mood: str, seed: int) -> None:
    score = piece(mood, seed)
    assert score.bars % 2 == 0 and score.sections[0].name == "A" and "B" in score.form.split()
    assert sum(s.bars for s in score.sections) == score.bars
    melody = score.voice("melody")
    last, before = melody[-1], melody[-2]
    assert last.pitch % 12 == score.key.tonic, "the tune ends on the tonic"
    assert abs(last.pitch - before.pitch) <= 2, "reached by step"
    assert last.start == score.beats - score.meter and last.length >= score.meter * 0.9, "held through the last bar"
    assert score.tempo_changes[-1][1] < score.tempo, "it slows into the end"
    # The return of A is A: the tune is recognisably one piece.
    a, back = (next(s for s in score.sections if s.name == n) for n in ("A", "A′"))
    def tune(first_bar: int) -> list[tuple[float, int]]:
        start = first_bar * score.meter
        return [(n.start - start, n.pitch) for n in melody if start <= n.start < start + a.bars * score.meter]
    assert tune(a.first_bar) == tune(back.first_bar)
    # ...and its answer phrase opens with the question's motif.
    first = [(n.start, n.pitch) for n in melody if n.start < 2 * score.meter]
    answer = [(n.start - PHRASE_BARS * score.meter, n.pitch) for n in melody
              if PHRASE_BARS * score.meter <= n.start < (PHRASE_BARS + 2) * score.meter]
    assert first == answer


@pytest.mark.parametrize(("mood", "seed"), PIECES)
def test_lasts_between_half_a_minute_and_two(mood: str, seed: int) -> None:
    assert 30.0 <= piece(mood, seed).seconds <= 120.0


def test_the_midi_file_is_the_score(tmp_path: Path) -> None:
    score = piece("wistful", 3)
    path = write_midi(score, tmp_path / "p.mid", "Rain on the Window")
    read = mido.MidiFile(str(path))
    assert read.length == pytest.approx(score.seconds + RING_S, abs=0.05)
    metas = {m.type: m for m in read.tracks[0] if m.is_meta}
    assert metas["key_signature"].key == f"{Key(score.key.tonic, 'minor').name.split()[0]}m".replace("♭", "b")
    assert metas["time_signature"].numerator == 3
    assert metas["track_name"].name == "Rain on the Window"
    ons = [m for t in read.tracks for m in t if m.type == "note_on" and m.velocity > 0]
    assert len(ons) == len(score.notes)
    assert Score.from_json(score.to_json()) == score


def _features(score: Score) -> dict[str, float]:
    melody = score.voice("melody")
    return {"tempo": score.tempo, "minor": float(score.key.mode == "minor"),
            "register": statistics.mean(n.pitch for n in melody),
            "density": sum(1 for n in score.notes if n.voice != "pad") / score.seconds,
            "loudness": statistics.mean(n.velocity for n in melody)}


def test_two_moods_give_measurably_different_pieces() -> None:
    joy = [_features(piece("joyful", s)) for s in SEEDS]
    sad = [_features(piece("melancholy", s)) for s in SEEDS]
    for f in joy:
        for g in sad:
            assert f["tempo"] - g["tempo"] >= 40
            assert f["minor"] == 0.0 and g["minor"] == 1.0
            assert f["register"] - g["register"] >= 6
            assert f["density"] >= 2 * g["density"]
            assert f["loudness"] - g["loudness"] >= 25


def test_every_mood_has_its_own_sound() -> None:
    """No two moods share tempo range, mode, metre, register and accompaniment all at once."""
    signatures = {(s.tempo, s.mode, s.meter, s.center, s.accompaniment) for s in STYLES.values()}
    assert len(signatures) == len(STYLES) == len(MOODS)


def test_the_same_moment_twice_gives_two_pieces() -> None:
    first, second = compose(style("calm"), 101), compose(style("calm"), 202)
    assert [n.pitch for n in first.voice("melody")] != [n.pitch for n in second.voice("melody")]
    assert compose(style("calm"), 101) == first, "a seed is a piece: kept, it plays the same again"


@pytest.mark.parametrize(("text", "mood"), [
    ("something sad", "melancholy"), ("for my sister's wedding", "joyful"), ("our walk by the lake", "calm"),
    ("a lullaby for the baby", "calm"), ("it's been a rainy, nostalgic day", "wistful"),
    ("what's the weather like", None),
])
def test_words_that_call_for_a_mood(text: str, mood: str | None) -> None:
    found = mood_in(text)
    assert (found[0] if found else None) == mood


def test_midi_plays_the_notes_in_order() -> None:
    song = to_midi(piece("playful", 1))
    assert song.type == 1 and len(song.tracks) == 4  # conductor, melody, harmony, bass
