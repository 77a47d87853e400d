"""Word error rate: how far a transcript is from what was said, for tests and the voice benchmark.

Both sides are normalised first so that only real mistakes count: case, punctuation and the way a number is
written ("four" or "4": Whisper writes either) are not errors.
"""

from __future__ import annotations

import re

_NUMBERS = {
    word: str(value)
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
}
_APOSTROPHES = re.compile(r"['’‘`]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def words(text: str) -> list[str]:
    """`text` as the words WER compares: lowercase, no punctuation ("don't" → "dont", "well-known" → "well
    known"), number words zero to twenty as digits."""
    text = _APOSTROPHES.sub("", text.lower())
    return [_NUMBERS.get(word, word) for word in _NOT_WORD.sub(" ", text).split()]


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / words in `reference`, after normalising both with `words`.

    0.0 is perfect; it can exceed 1.0 when the hypothesis adds many words. An empty reference gives 0.0 for an
    empty hypothesis and 1.0 for anything else."""
    ref, hyp = words(reference), words(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return _edit_distance(ref, hyp) / len(ref)


def _edit_distance(ref: list[str], hyp: list[str]) -> int:
    """Levenshtein distance over words, one row at a time."""
    previous = list(range(len(hyp) + 1))
    for i, word in enumerate(ref, start=1):
        current = [i]
        for j, other in enumerate(hyp, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != other)))
        previous = current
    return previous[-1]
