"""Streaming text → speakable phrases: the reply is voiced phrase by phrase while the model still writes.

The first phrase is cut early (at the first comma or after a few words) so audio starts soon; later ones end
at sentence ends, where a voice sounds natural. Markup a voice would read aloud (asterisks, hashes, code
ticks, emoji) is dropped.
"""

from __future__ import annotations

import re

FIRST_MIN_WORDS = 2  # a first phrase shorter than this sounds clipped ("Oh," alone)
FIRST_MAX_WORDS = 6  # …and one longer than this keeps the person waiting (~65 ms a word): cut at a space
LATER_MAX_WORDS = 30

_SENTENCE_END = re.compile(r"[.!?…]+[\"')\]]*\s")
_CLAUSE_END = re.compile(r"[,;:—]\s")
_MARKUP = re.compile(r"[*_#`~>|]+|\[(?:[^\]]*)\]\((?:[^)]*)\)|(?m:^\s*[-•]\s+)")
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]")
_SPACES = re.compile(r"\s+")


def speakable(text: str) -> str:
    """Text as a voice should say it: no markup, no emoji, single spaces."""
    return _SPACES.sub(" ", _EMOJI.sub("", _MARKUP.sub(" ", text))).strip()


class Phrases:
    """Feed text deltas with `add`; take finished phrases as they appear; `finish` gives the rest."""

    def __init__(self) -> None:
        self._pending = ""
        self._first = True

    def add(self, delta: str) -> list[str]:
        self._pending += delta
        out: list[str] = []
        while (cut := self._cut()) is not None:
            phrase, self._pending = self._pending[:cut], self._pending[cut:]
            if spoken := speakable(phrase):
                out.append(spoken)
                self._first = False
        return out

    def finish(self) -> list[str]:
        rest, self._pending = speakable(self._pending), ""
        return [rest] if rest else []

    def _cut(self) -> int | None:
        text = self._pending
        if (end := _SENTENCE_END.search(text)) is not None:
            return end.end()
        words = len(text.split())
        if self._first:
            for clause in _CLAUSE_END.finditer(text):
                if len(text[:clause.end()].split()) >= FIRST_MIN_WORDS:
                    return clause.end()
            if words > FIRST_MAX_WORDS:
                return _word_boundary(text, FIRST_MAX_WORDS)
        elif words > LATER_MAX_WORDS:
            later = _CLAUSE_END.search(text)
            return later.end() if later is not None else _word_boundary(text, LATER_MAX_WORDS)
        return None


def _word_boundary(text: str, words: int) -> int:
    """The index just after the `words`-th word (and its following space)."""
    found = list(re.finditer(r"\S+\s+", text))
    return found[words - 1].end() if len(found) >= words else len(text)
