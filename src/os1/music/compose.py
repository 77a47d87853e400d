"""Composing a piece from a style: a form of four-bar phrases, harmony that cadences, a singable melody over it,
and an accompaniment in the style's pattern.

The rules are the ones a music student learns first, kept on purpose:
- Form: A (a question phrase ending on V, an answer ending V–I), a contrasting B that ends on V and leads home,
  A again; a repeat or a short coda where the tempo leaves room. Chosen to last about a minute (30–120 s).
- Harmony: one key throughout; every phrase ends with a cadence, the last one V–I, slowing down into it.
- Melody: strong beats on chord tones, steps between them, a leap answered by a step back, an arch within each
  phrase, never wider than the style's span (at most a tenth); the last note is the tonic, reached by step.
- The opening motif comes back at the answer and at the return of A, so the piece is recognisably one tune.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from os1.music.moods import PIANO, Style
from os1.music.score import Chord, Note, Score, Section
from os1.music.theory import DOMINANT, TONIC, Key, nearest

PHRASE_BARS = 4
SHORTEST_S, LONGEST_S = 34.0, 110.0  # kept inside 30–120 s with room for the ritardando
FORMS: tuple[tuple[str, ...], ...] = (
    ("A", "B", "A′"), ("A", "A", "B", "A′"), ("A", "B", "A′", "coda"), ("A", "A", "B", "A′", "coda"),
    ("A", "B", "A′", "B", "A′"),
)
BASS_RANGE = (33, 52)
RITARDANDO = (0.88, 0.72)  # the tempo in the last two bars, against the opening tempo

Harmony = list[tuple[int, float]]  # one bar: (scale degree, beats)


@dataclass(frozen=True)
class _Bar:
    harmony: Harmony
    section: int  # index into the form
    name: str  # the section's name: "A", "B", "A′", "coda"
    phrase_bar: int  # 0..3 within its phrase
    cadence: str  # of its phrase: "half" or "authentic"
    phrase: int  # which phrase of the piece


def compose(style: Style, seed: int, target_s: float | None = None) -> Score:
    """A new piece in `style`; the same seed gives the same piece, another seed another piece."""
    rng = random.Random(seed)
    key = Key(rng.choice(style.tonics), style.mode)
    tempo = float(rng.randint(*style.tempo))
    target = target_s if target_s is not None else rng.uniform(50.0, 90.0)
    form = _choose_form(style.meter, tempo, target)
    bars, sections = _harmony(style, form, rng)
    melody = _melody(key, style, bars, rng)
    chords = _chords(key, style.meter, bars)
    accompaniment = _accompaniment(key, style, chords, len(bars))
    total = len(bars) * style.meter
    changes = ((float(total - 2 * style.meter), tempo * RITARDANDO[0]),
               (float(total - style.meter), tempo * RITARDANDO[1]))
    programs = {"melody": PIANO, "harmony": PIANO, "bass": PIANO}
    if style.pad is not None:
        programs["pad"] = style.pad
    return Score(style.mood, key, style.meter, tempo, changes, len(bars), tuple(sections), tuple(chords),
                 tuple(melody + accompaniment), programs, seed)


# -- form and harmony ------------------------------------------------------------------------------------------

def _choose_form(meter: int, tempo: float, target: float) -> tuple[str, ...]:
    def seconds(form: tuple[str, ...]) -> float:
        return _bars(form) * meter * 60.0 / tempo

    fitting = [f for f in FORMS if SHORTEST_S <= seconds(f) <= LONGEST_S] or [min(FORMS, key=_bars)]
    return min(fitting, key=lambda f: abs(seconds(f) - target))


def _bars(form: tuple[str, ...]) -> int:
    return sum(2 if name == "coda" else 2 * PHRASE_BARS for name in form)


def _harmony(style: Style, form: tuple[str, ...], rng: random.Random) -> tuple[list[_Bar], list[Section]]:
    opening = rng.choice(style.openings)
    contrasts = rng.sample(style.contrasts, 2) if len(style.contrasts) > 1 else [style.contrasts[0]] * 2
    meter = style.meter
    cadence_bar: Harmony = ([(style.predominant, 2.0), (DOMINANT, meter - 2.0)] if meter >= 4
                            else [(style.predominant, 1.0), (DOMINANT, meter - 1.0)])
    question = [[(d, float(meter))] for d in opening] + [[(DOMINANT, float(meter))]]
    answer = [[(opening[0], float(meter))], [(opening[1], float(meter))], cadence_bar, [(TONIC, float(meter))]]
    bars: list[_Bar] = []
    sections: list[Section] = []
    phrase = 0
    for index, name in enumerate(form):
        if name == "coda":
            phrases: list[tuple[list[Harmony], str]] = [([cadence_bar, [(TONIC, float(meter))]], "authentic")]
        elif name == "B":
            phrases = [([[(d, float(meter))] for d in c[:3]] + [[(DOMINANT, float(meter))]], "half")
                       for c in contrasts]
        else:
            phrases = [(question, "half"), (answer, "authentic")]
        first = len(bars)
        for harmonies, cadence in phrases:
            for n, harmony in enumerate(harmonies):
                bars.append(_Bar(harmony, index, name, n, cadence, phrase))
            phrase += 1
        sections.append(Section(name, first, len(bars) - first, phrases[-1][1]))
    return bars, sections


def _chords(key: Key, meter: int, bars: list[_Bar]) -> list[Chord]:
    chords = []
    for number, bar in enumerate(bars):
        beat = float(number * meter)
        for degree, length in bar.harmony:
            chords.append(Chord(beat, length, degree, key.numeral(degree), key.triad(degree)))
            beat += length
    return chords


def _chord_at(bar: _Bar, offset: float) -> int:
    """The scale degree sounding `offset` beats into the bar."""
    beat = 0.0
    for degree, length in bar.harmony:
        if offset < beat + length:
            return degree
        beat += length
    return bar.harmony[-1][0]


# -- melody -------------------------------------------------------------------------------------------------

def _melody(key: Key, style: Style, bars: list[_Bar], rng: random.Random) -> list[Note]:
    low = style.center - style.span // 2
    high = low + style.span
    home = nearest(frozenset({key.tonic}), style.center, low, high)
    notes: list[Note] = []
    tunes: dict[str, list[Note]] = {}  # each section's tune from its own start: A′ plays A's again
    previous = home
    for index in sorted({b.section for b in bars}):
        first = next(n for n, b in enumerate(bars) if b.section == index)
        own = [b for b in bars if b.section == index]
        start = float(first * style.meter)
        name = own[0].name.rstrip("′")
        if name == "A" and "A" in tunes:
            tune = [replace(n, start=n.start + start) for n in tunes["A"]]
        else:
            tune = _section_tune(key, style, own, start, previous, (low, high), rng)
            tunes.setdefault(name, [replace(n, start=n.start - start) for n in tune])
        notes += tune
        previous = tune[-1].pitch
    return notes


def _section_tune(key: Key, style: Style, bars: list[_Bar], start: float, previous: int,
                  bounds: tuple[int, int], rng: random.Random) -> list[Note]:
    notes: list[Note] = []
    pitch = previous
    low, high = bounds
    meter = style.meter
    contours: dict[int, list[int]] = {}
    for number, bar in enumerate(bars):
        beat = start + number * meter
        length_of_phrase = sum(1 for b in bars if b.phrase == bar.phrase)
        if bar.name.startswith("A") and bar.cadence == "authentic" and bar.phrase_bar < 2:
            # The answer opens as the question did (same chords): the motif, heard again.
            asked = [n for n in notes if beat - PHRASE_BARS * meter <= n.start < beat - PHRASE_BARS * meter + meter]
            notes += [replace(n, start=n.start + PHRASE_BARS * meter) for n in asked]
            pitch = notes[-1].pitch
            continue
        last = bar.phrase_bar == length_of_phrase - 1
        before_cadence = bar.cadence == "authentic" and bar.phrase_bar == length_of_phrase - 2
        if bar.phrase not in contours:
            contours[bar.phrase] = _contour(style, length_of_phrase, rng)
        aim = contours[bar.phrase][bar.phrase_bar]
        rhythm: tuple[float, ...] = (float(meter),) if last else _rhythm(style, bar, rng)
        offset = 0.0
        for i, length in enumerate(rhythm):
            degree = _chord_at(bar, offset)
            tones = frozenset(key.triad(degree))
            strong = any(abs(offset - b) < 1e-9 for b in _chord_starts(bar))
            if last and bar.cadence == "authentic":
                pitch = nearest(frozenset({key.tonic}), pitch, low, high)
            elif last:
                pitch = nearest(tones, (pitch + aim) // 2, low, high)
            elif before_cadence and i == len(rhythm) - 1:
                # the tonic to come is reached by step: from the supertonic or the leading tone
                pitch = _approach(key, nearest(frozenset({key.tonic}), pitch, low, high), pitch, low, high)
            elif strong:
                # a chord tone towards the phrase's arch, no more than a fifth away
                pitch = nearest(tones, max(pitch - 7, min(pitch + 7, aim)), low, high)
            else:
                toward = 1 if aim > pitch else -1 if aim < pitch else rng.choice((1, -1))
                pitch = _step(_palette(key, degree, low, high), pitch, toward, rng, notes)
            notes.append(Note(beat + offset, _articulated(style, length), pitch, _velocity(style, bar, offset),
                              "melody"))
            offset += length
    return notes


def _rhythm(style: Style, bar: _Bar, rng: random.Random) -> tuple[float, ...]:
    """A bar's rhythm from the style, with a note wherever the chord changes (so each chord is sung)."""
    starts = _chord_starts(bar)
    fitting = [r for r in style.rhythms if all(any(abs(sum(r[:i]) - b) < 1e-9 for i in range(len(r)))
                                               for b in starts)]
    return rng.choice(fitting) if fitting else tuple(length for _, length in bar.harmony)


def _chord_starts(bar: _Bar) -> list[float]:
    starts, beat = [], 0.0
    for _, length in bar.harmony:
        starts.append(beat)
        beat += length
    return starts


def _palette(key: Key, degree: int, low: int, high: int) -> list[int]:
    """The scale for a melody over `degree`: in minor, over V, the leading tone instead of the flat seventh."""
    pitches = key.scale_pitches(low, high)
    if key.mode == "minor" and degree == DOMINANT:
        flat_seventh = (key.tonic + 10) % 12
        pitches = sorted({p + 1 if p % 12 == flat_seventh else p for p in pitches if p + 1 <= high})
    return pitches


def _step(palette: list[int], pitch: int, direction: int, rng: random.Random, notes: list[Note]) -> int:
    """The next melody pitch off the beat: a step, now and then a third; after a leap, a step back."""
    if len(notes) >= 2 and abs(notes[-1].pitch - notes[-2].pitch) > 4:
        direction = -1 if notes[-1].pitch > notes[-2].pitch else 1
    elif rng.random() < 0.2:
        direction = -direction
    size = 2 if rng.random() < 0.15 else 1
    below = [p for p in palette if p < pitch]
    above = [p for p in palette if p > pitch]
    if direction > 0 and len(above) >= size:
        return above[size - 1]
    if direction < 0 and len(below) >= size:
        return below[-size]
    return (above[0] if above else below[-1]) if direction < 0 else (below[-1] if below else above[0])


def _approach(key: Key, target: int, pitch: int, low: int, high: int) -> int:
    """The note a step from the tonic `target` (the supertonic above, or the leading tone below), whichever is
    nearer the melody's `pitch`."""
    options = [p for p in (key.degree_pitch(1, target), target - 1) if low <= p <= high]
    return min(options, key=lambda p: abs(p - pitch)) if options else target


def _contour(style: Style, bars: int, rng: random.Random) -> list[int]:
    """Where the melody heads in each bar of a phrase: up to a peak, then down towards the cadence."""
    low = style.center - style.span // 2
    peak = style.center + rng.randint(1, style.span - style.span // 2)
    top = rng.randint(1, max(1, bars - 2))
    start = style.center + rng.randint(-3, 1)
    aims = []
    for bar in range(bars):
        if bar <= top:
            aims.append(start + (peak - start) * bar // max(1, top))
        else:
            aims.append(peak - (peak - (low + 3)) * (bar - top) // max(1, bars - 1 - top))
    return aims


def _articulated(style: Style, length: float) -> float:
    return length * 0.5 if style.staccato and length <= 1.0 else length * 0.95


def _velocity(style: Style, bar: _Bar, offset: float) -> int:
    """Louder towards the middle of a phrase, softer as it ends; the downbeat a little accented."""
    shape = (0, 5, 3, -6)[min(bar.phrase_bar, 3)]
    accent = 6 if offset == 0.0 else 0
    return max(1, min(127, style.loudness + shape + accent))


# -- accompaniment ------------------------------------------------------------------------------------------

def _accompaniment(key: Key, style: Style, chords: list[Chord], bars: int) -> list[Note]:
    notes: list[Note] = []
    top = style.center - 5
    voicing: list[int] = []
    bass = nearest(frozenset({key.tonic}), 43, *BASS_RANGE)
    soft = max(1, style.loudness - 18)
    last_bar_start = float((bars - 1) * style.meter)
    for chord in chords:
        voicing = _voice(chord.pitch_classes, voicing, top)
        bass = nearest(frozenset({chord.pitch_classes[0]}), bass, *BASS_RANGE)
        if chord.start >= last_bar_start:  # the last chord: held, all together
            notes += [Note(chord.start, chord.length, p, soft, "harmony") for p in voicing]
            notes.append(Note(chord.start, chord.length, bass, soft + 6, "bass"))
        else:
            notes += _pattern(style, chord, voicing, bass, soft)
        if style.pad is not None:
            notes += [Note(chord.start, chord.length, p - 12, max(1, soft - 10), "pad") for p in voicing]
    return notes


def _voice(pitch_classes: tuple[int, ...], previous: list[int], top: int) -> list[int]:
    """A close-position triad under `top`, moving as little as it can from the previous chord."""
    options = []
    for inversion in range(3):
        pcs = pitch_classes[inversion:] + pitch_classes[:inversion]
        lowest = nearest(frozenset({pcs[0]}), top - 10, top - 18, top - 6)
        chord = [lowest]
        for pc in pcs[1:]:
            chord.append(chord[-1] + (pc - chord[-1]) % 12)
        options.append(chord)
    if not previous:
        return min(options, key=lambda c: abs(c[-1] - top))
    return min(options, key=lambda c: sum(abs(a - b) for a, b in zip(c, previous, strict=True)))


def _pattern(style: Style, chord: Chord, voicing: list[int], bass: int, soft: int) -> list[Note]:
    start, length = chord.start, chord.length
    out = [Note(start, length, bass, soft + 6, "bass")]
    low, mid, high = voicing
    if style.accompaniment == "block":
        out += [Note(start, length, p, soft, "harmony") for p in voicing]
    elif style.accompaniment == "arpeggio":  # broken chords, held as if with the pedal
        figure = [low, mid, high, low + 12, high, mid, low, mid]
        steps = int(length / 0.5)
        out += [Note(start + i * 0.5, length - i * 0.5, figure[i % len(figure)], soft - (0 if i % 4 else -4),
                     "harmony") for i in range(steps)]
    elif style.accompaniment == "alberti":  # low, high, middle, high, in eighths
        figure = [low, high, mid, high]
        out += [Note(start + i * 0.5, 0.5, figure[i % 4], soft - (0 if i % 2 else -3), "harmony")
                for i in range(int(length / 0.5))]
    elif style.accompaniment == "pulse":  # the chord on every beat, short
        out += [Note(start + beat, 0.6, p, soft + (4 if beat == 0 else 0), "harmony")
                for beat in range(int(length)) for p in voicing]
    else:  # waltz: bass on the first beat, the chord on the others
        out = [Note(start, 1.0, bass, soft + 6, "bass")] if length >= 1 else out
        beats = range(1, int(length)) if length > 1 else range(0)
        out += [Note(start + beat, 0.9, p, soft, "harmony") for beat in beats for p in voicing]
    return out
