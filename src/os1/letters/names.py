"""The names a letter uses, and those nothing grounds: a ghostwritten letter may name only the people, places and
events that the brief or the client's memory names.

A name is a capitalised word that is not an ordinary English word in lower case (Hunspell's en_US list: "Happy"
and "Lake" are words, "Chris" and "Tahoe" are names) nor one of the words letters capitalise anyway.
"""

from __future__ import annotations

import re

from os1.letters.dictionary import is_common

_WORD = re.compile(r"\b[A-Z][\w'’-]*\b")
_ANY_WORD = re.compile(r"[\w'’-]+")
# Capitalised in any letter without naming anyone: the pronoun, the days and months, and forms of address.
ALWAYS = {"i", "i'm", "i've", "i'd", "i'll", "dear", "dearest", "love", "yours", "mr", "mrs", "ms", "dr", "ok",
          "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
          "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
          "p.s", "ps", "xo", "xoxo", "xx", "xxx"}


def _bare(word: str) -> str:
    word = word.replace("’", "'")
    return re.sub(r"'s$|'$", "", word)


def known_words(*texts: str) -> set[str]:
    """Every word of these texts (lower case, without a possessive): what grounds a name."""
    found: set[str] = set()
    for text in texts:
        for word in _ANY_WORD.findall(text):
            bare = _bare(word).lower()
            found.add(bare)
            found.update(part for part in re.split(r"[-']", bare) if part)
            if bare.endswith("s"):  # "the Hendersons" grounded by "Henderson"
                found.add(bare[:-1])
    return found


def names_in(text: str) -> list[str]:
    """The names in `text`, in order, each once."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text):
        bare = _bare(word)
        if len(bare) < 2 or bare.lower() in ALWAYS or bare.isupper() and len(bare) > 3:
            continue
        parts = [p for p in re.split(r"[-']", bare) if p]
        if all(is_common(p) for p in parts):
            continue
        seen.setdefault(bare, None)
    return list(seen)


def invented(text: str, known: set[str]) -> list[str]:
    """The names in `text` that none of the `known` words grounds."""
    out = []
    for name in names_in(text):
        parts = [p.lower() for p in re.split(r"[-']", name) if p]
        if name.lower() not in known and not all(p in known or is_common(p) for p in parts):
            out.append(name)
    return out
