"""The English dictionary letters are checked against: Hunspell's en_US word list (Debian's hunspell-en-us),
read through Enchant (pyenchant over Debian's libenchant-2-2). Loaded once per process."""

from __future__ import annotations

from functools import cache
from typing import Protocol

from os1.letters.clients import LettersError

LANGUAGE = "en_US"
INSTALL = ("Proofreading and checking names need Enchant and the Hunspell en_US dictionary. Install them with: "
           "sudo apt-get install libenchant-2-2 hunspell-en-us")


class Dictionary(Protocol):
    def check(self, word: str) -> bool: ...

    def suggest(self, word: str) -> list[str]: ...


@cache
def english() -> Dictionary:
    """The dictionary; raises LettersError saying what to install when Enchant or en_US is missing."""
    try:
        import enchant  # the C library is looked for on import: missing, it raises ImportError
    except ImportError:
        raise LettersError(INSTALL) from None
    try:
        found: Dictionary = enchant.Dict(LANGUAGE)
    except enchant.errors.DictNotFoundError:
        raise LettersError(INSTALL) from None
    return found


def is_word(word: str) -> bool:
    """Whether `word` is an English word as written (a proper name counts only when capitalised)."""
    return english().check(word)


def is_common(word: str) -> bool:
    """Whether `word`, lower-cased, is an ordinary English word (not only a name): "Happy" is, "Chris" is not."""
    return english().check(word.lower())
