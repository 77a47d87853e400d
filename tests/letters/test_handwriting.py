"""Handwritten pages: a PDF in each hand, opened again with pypdf (the hand's font embedded, the date, the
salutation and the signature on the page) and drawn by pdftoppm as PNG; a missing hand says what to install."""

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from os1.letters import hands, handwriting
from os1.letters.clients import LettersError
from os1.letters.hands import Hand

LETTER = """Dear Chris,

Fifty years ago you asked me to dance, and I stepped on your toes twice. You laughed and didn’t let go — and you
still haven’t.

This summer at the lake, when you paddled the blue canoe out past the reeds, I watched you from the dock.

Happy birthday, my love.

All my love,
Lewman"""


def embedded_fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                names.add(str(font["/BaseFont"]).split("+")[-1])
    return names


@pytest.mark.parametrize("hand", [h for h in hands.HANDS], ids=lambda h: h.name)
def test_a_letter_in_each_hand(hand: Hand, tmp_path: Path) -> None:
    pdf = handwriting.pdf_file(LETTER, "Lewman", "Chris", hands.hand(hand.name), date(2026, 11, 20),
                               tmp_path / f"{hand.name}.pdf")
    reader = PdfReader(str(pdf))
    assert len(reader.pages) == 1 and reader.metadata is not None and reader.metadata.author == "Lewman"
    assert len(embedded_fonts(reader)) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    for part in ("20 November 2026", "Dear Chris,", "blue canoe", "All my love,", "Lewman"):
        assert part in text, (part, text)
    assert text.index("20 November") < text.index("Dear Chris") < text.index("All my love") < text.rindex("Lewman")
    (png,) = handwriting.png_files(pdf, dpi=40)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_parts_of_a_letter() -> None:
    the = handwriting.parts(LETTER, "Lewman", "Chris")
    assert the.salutation == "Dear Chris," and the.closing == "All my love," and the.signature == "Lewman"
    assert len(the.body) == 3 and the.body[0].startswith("Fifty years") and "\n" not in the.body[0]
    bare = handwriting.parts("Just a note to say I love you.", "Lewman", "Chris")
    assert (bare.salutation, bare.body, bare.signature) == ("Dear Chris,", ["Just a note to say I love you."], "Lewman")


def test_a_long_letter_goes_on_to_a_second_page(tmp_path: Path) -> None:
    long = LETTER.replace("Happy birthday, my love.", "\n\n".join(["I remember everything about that summer."] * 40))
    pdf = handwriting.pdf_file(long, "Lewman", "Chris", hands.hand("dancing"), date(2026, 11, 20), tmp_path / "l.pdf")
    reader = PdfReader(str(pdf))
    assert len(reader.pages) >= 2 and "Lewman" in reader.pages[-1].extract_text()


def test_a_missing_hand_says_which_package_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with pytest.raises(LettersError, match="no hand called quill"):
        hands.hand("quill")
    monkeypatch.setattr(hands, "FONTS", tmp_path)
    with pytest.raises(LettersError, match="sudo apt-get install fonts-breip"):
        hands.hand("breip")
    with pytest.raises(LettersError, match="fonts-dancingscript fonts-breip fonts-dkg-handwriting"):
        hands.hand(None)
