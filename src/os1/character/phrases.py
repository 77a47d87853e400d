"""Word-sequence patterns, matched while a reply is still being written.

A pattern is written in a small notation: words, `(a|b c)` for alternatives, `[x]` for optional words, e.g.
`i (am|'m) [just] (a|an) (ai|language model)`. Patterns are expanded into a trie of words, so the text seen so
far can be asked two things at once: which patterns it completes, and from which word on the next words could
still complete one (those words must be held back, not shown yet).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

_WORD = re.compile(r"\w+(?:['’]\w+)*")
_ITEM = re.compile(r"\s*(\(|\)|\[|\]|\||[^\s()\[\]|]+)")


@dataclass(frozen=True)
class Word:
    text: str  # normalised: lower case, straight apostrophe
    start: int
    end: int


def words(text: str) -> list[Word]:
    return [Word(m.group().lower().replace("’", "'"), m.start(), m.end()) for m in _WORD.finditer(text)]


@dataclass(frozen=True)
class Match:
    kind: str
    start: int  # index of its first word
    end: int  # index after its last word


@dataclass
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    kind: str | None = None


@dataclass(frozen=True)
class Scan:
    matches: list[Match]
    alive_from: int | None  # the first word of a pattern the coming words could still complete


class Patterns:
    """A set of patterns, each with a kind ("register", "denial", …)."""

    def __init__(self, patterns: Iterable[tuple[str, str]]) -> None:
        self._root = _Node()
        for kind, pattern in patterns:
            for seq in expand(pattern):
                node = self._root
                for w in seq:
                    node = node.children.setdefault(w, _Node())
                node.kind = node.kind or kind
        self._starts = {w[:i] for w in self._root.children for i in range(1, len(w) + 1)}

    def could_start(self, partial: str) -> bool:
        """Whether a word still being written may become the first word of a pattern."""
        return partial in self._starts

    def scan(self, ws: Sequence[Word], last_partial: bool = False) -> Scan:
        """Complete matches in `ws`, and where a match may yet begin. `last_partial`: the last word may still
        grow ("lang" may become "language")."""
        found: list[Match] = []
        alive: int | None = None
        for start in range(len(ws)):
            node = self._root
            i = start
            while i < len(ws):
                w = ws[i].text
                if last_partial and i == len(ws) - 1:
                    if any(k.startswith(w) for k in node.children):
                        alive = start if alive is None else alive
                    break
                child = node.children.get(w)
                if child is None:
                    break
                node, i = child, i + 1
                if node.kind is not None:
                    found.append(Match(node.kind, start, i))
                    break
            else:
                if node.children:
                    alive = start if alive is None else alive
        return Scan(found, alive)


def expand(pattern: str) -> list[tuple[str, ...]]:
    """Every word sequence a pattern stands for."""
    tokens = [m.group(1) for m in _ITEM.finditer(pattern)]
    seqs, rest = _sequence(tokens, 0)
    if rest != len(tokens):
        raise ValueError(f"unbalanced pattern: {pattern!r}")
    return [s for s in seqs if s]


def _sequence(tokens: list[str], i: int) -> tuple[list[tuple[str, ...]], int]:
    out: list[tuple[str, ...]] = [()]
    while i < len(tokens) and tokens[i] not in (")", "]", "|"):
        tok = tokens[i]
        if tok in ("(", "["):
            close = ")" if tok == "(" else "]"
            options: list[tuple[str, ...]] = []
            i += 1
            while True:
                seqs, i = _sequence(tokens, i)
                options += seqs
                if i >= len(tokens):
                    raise ValueError("unclosed group")
                if tokens[i] == "|":
                    i += 1
                    continue
                if tokens[i] != close:
                    raise ValueError("mismatched group")
                i += 1
                break
            if close == "]":
                options.append(())
            out = [a + b for a in out for b in options]
        else:
            out = [a + tuple(w.text for w in words(tok)) for a in out]
            i += 1
    return out, i
