"""The hands a letter can be written in: handwriting fonts from Debian's packages, found where Debian puts them.
A hand whose package is missing says which package to install."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont  # fpdf2's own dependency: reads which characters a font has

from os1.letters.clients import LettersError

FONTS = Path("/usr/share/fonts")


@dataclass(frozen=True)
class Hand:
    name: str
    description: str
    package: str  # the Debian package the font comes from
    file: str  # under /usr/share/fonts
    size: float  # points: the hands differ a lot in how large they write at the same size
    leading: float  # line height, in multiples of the size

    @property
    def path(self) -> Path:
        return FONTS / self.file

    @property
    def installed(self) -> bool:
        return self.path.is_file()


HANDS = (
    Hand("dancing", "a flowing, joined-up script", "fonts-dancingscript",
         "opentype/dancingscript/DancingScript-Regular.otf", 17, 1.45),
    Hand("breip", "a loose, friendly print", "fonts-breip", "truetype/breip/Breip.ttf", 18, 1.35),
    Hand("dkg", "a careful, upright print", "fonts-dkg-handwriting", "truetype/fifthhorseman/dkg.ttf", 15, 1.45),
)
DEFAULT = "dancing"
BOOK_SERIF = ("fonts-dejavu-core", FONTS / "truetype/dejavu/DejaVuSerif.ttf")


def hand(name: str | None) -> Hand:
    """The hand called `name` (default: the first installed), installed, or a LettersError saying what to do."""
    if name is None:
        ready = [h for h in HANDS if h.installed]
        if not ready:
            raise LettersError("No handwriting font is installed. Install one with: sudo apt-get install "
                               + " ".join(h.package for h in HANDS))
        return ready[0]
    found = [h for h in HANDS if h.name == name.lower()]
    if not found:
        raise LettersError(f"There is no hand called {name}. The hands: " + ", ".join(h.name for h in HANDS))
    chosen = found[0]
    if not chosen.installed:
        raise LettersError(f"The {chosen.name} hand needs Debian's {chosen.package}. Install it with: "
                           f"sudo apt-get install {chosen.package}")
    return chosen


def serif() -> Path:
    package, path = BOOK_SERIF
    if not path.is_file():
        raise LettersError(f"The book is set in DejaVu Serif. Install it with: sudo apt-get install {package}")
    return path


@cache
def characters(path: Path) -> frozenset[int]:
    """The characters the font at `path` can draw."""
    font = TTFont(str(path), lazy=True)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


_PLAIN = {"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "—": "-", "–": "-", "…": "...", "\u00a0": " ",
          "é": "e", "è": "e", "à": "a", "ç": "c", "ö": "o", "ü": "u", "ä": "a", "ñ": "n"}


def drawable(text: str, path: Path) -> str:
    """`text` with the characters the font lacks written in plain ones it has (curly quotes as straight)."""
    has = characters(path)
    return "".join(c if ord(c) in has or c == "\n" else _PLAIN.get(c, c if ord(c) < 128 else "") for c in text)
