"""The English dictionary letters are checked against: Hunspell's en_US word list (Debian's hunspell-en-us),
read through Enchant (pyenchant over Debian's libenchant-2-2). Loaded once per process."""

from __future__ import annotations

from functools import cache
from typing import Protocol

from os1.letters.clients import LettersError

LANGUAGE = "en_US"
ALSO = ("en_GB",)  # a word right in British English is right too ("favourite", "grey"), where that list is installed
INSTALL = ("Proofreading and checking names need Enchant and the Hunspell en_US dictionary. Install them with: "
           "sudo apt-get install libenchant-2-2 hunspell-en-us")


class _Either:
    """A word is right if any of the dictionaries has it; suggestions come from the first."""

    def __init__(self, first: Dictionary, others: list[Dictionary]) -> None:
        self.first, self.others = first, others

    def check(self, word: str) -> bool:
        return self.first.check(word) or any(d.check(word) for d in self.others)

    def suggest(self, word: str) -> list[str]:
        return self.first.suggest(word)


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
    return _Either(found, [enchant.Dict(tag) for tag in ALSO if enchant.dict_exists(tag)])


def is_word(word: str) -> bool:
    """Whether `word` is an English word as written (a proper name counts only when capitalised)."""
    return english().check(word)


def is_common(word: str) -> bool:
    """Whether `word`, lower-cased, is an ordinary English word (not only a name): "Happy" is, "Chris" is not."""
    return english().check(word.lower())
