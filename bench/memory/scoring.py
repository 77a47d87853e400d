"""Scoring: evidence recall@k for what memory found, and grading of short answers against accepted strings."""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def normalize(text: str) -> str:
    """Lowercase, straight quotes, single spaces."""
    return " ".join(text.translate(_QUOTES).lower().split())


def contains(answer: str, phrase: str) -> bool:
    """Whether `answer` says `phrase`: it must not start inside a word ("ana" is not in "banana"), and a
    phrase ending in a digit must not run on into another ("march 1" is not in "march 12"). Endings may
    continue ("nurse" is in "nurses", "march 8" in "march 8th")."""
    phrase = normalize(phrase)
    if not phrase:
        return False
    tail = r"(?!\d)" if phrase[-1].isdigit() else ""
    return re.search(r"(?<![a-z0-9])" + re.escape(phrase) + tail, normalize(answer)) is not None


def says_any(answer: str, phrases: Iterable[str]) -> bool:
    return any(contains(answer, p) for p in phrases)


def is_correct(answer: str, accept: Sequence[str]) -> bool:
    return says_any(answer, accept)


def is_stale(answer: str, accept: Sequence[str], stale: Sequence[str]) -> bool:
    """An update question answered with the old value (and not the new one)."""
    return bool(stale) and says_any(answer, stale) and not says_any(answer, accept)


def recall_at(evidence: Sequence[str], found: Sequence[Sequence[str]], k: int) -> float:
    """The share of `evidence` ids among the source ids of the first `k` items found."""
    if not evidence:
        raise ValueError("recall is undefined for a question without evidence")
    seen = {source for sources in found[:k] for source in sources}
    return sum(e in seen for e in evidence) / len(evidence)


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default method)."""
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=100, method="inclusive")[round(q) - 1]


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None
