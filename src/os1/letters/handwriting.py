"""A letter as a handwritten page: PDF (fpdf2, the hand's font embedded) and PNG (Poppler's pdftoppm), laid out
as a letter is: the date at the top right, the salutation, the body in paragraphs, and the closing with the
signature below it, on warm paper with margins."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fpdf import FPDF

from os1.letters.clients import LettersError
from os1.letters.hands import Hand, drawable

PAPER = (253, 250, 241)  # cream
INK = (28, 38, 92)  # blue-black
MARGIN = 24.0  # mm
PNG_DPI = 110
_SALUTATION = re.compile(r"^\s*(?:dear|dearest|my dear|my dearest|hi|hello|to)\b.*$", re.IGNORECASE)


@dataclass(frozen=True)
class Parts:
    salutation: str
    body: list[str]  # paragraphs
    closing: str
    signature: str


def parts(text: str, sender: str, recipient: str) -> Parts:
    """The letter's salutation, paragraphs, closing and signature."""
    lines = [ln.rstrip() for ln in text.strip().splitlines()]
    salutation = f"Dear {recipient}," if recipient else ""
    if lines and _SALUTATION.match(lines[0]):
        salutation = lines.pop(0).strip()
    signature = closing = ""
    while lines and not lines[-1].strip():
        lines.pop()
    if lines and len(lines[-1].split()) <= 4 and not lines[-1].rstrip().endswith((".", "?", "!")):
        signature = lines.pop().strip()
        while lines and not lines[-1].strip():
            lines.pop()
        if lines and len(lines[-1].split()) <= 6 and lines[-1].rstrip().endswith((",", "!")):
            closing = lines.pop().strip()
    if not signature:
        signature = sender
    body = [" ".join(p.split()) for p in re.split(r"\n\s*\n", "\n".join(lines)) if p.strip()]
    return Parts(salutation, body, closing, signature)


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


class _Paper(FPDF):
    def header(self) -> None:
        self.set_fill_color(*PAPER)
        self.rect(0, 0, self.w, self.h, style="F")


def page(text: str, sender: str, recipient: str, hand: Hand, day: date, paper: str = "A4") -> FPDF:
    """The letter laid out in `hand` (one page, or more for a long letter)."""
    pdf = _Paper(format=paper)
    pdf.set_margins(MARGIN, MARGIN + 4, MARGIN)
    pdf.set_auto_page_break(True, MARGIN)
    pdf.set_title(f"A letter to {recipient}" if recipient else "A letter")
    pdf.set_author(sender)
    pdf.set_creator("OS1")
    pdf.add_font("hand", fname=str(hand.path))
    pdf.add_page()
    pdf.set_text_color(*INK)
    pdf.set_font("hand", size=hand.size)
    line = hand.size * hand.leading * 0.3528  # points to mm

    def write(text: str) -> str:  # in the hand's own characters only
        return drawable(text, hand.path)

    the = parts(text, sender, recipient)
    pdf.cell(0, line, write(long_date(day)), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(line * 0.8)
    if the.salutation:
        pdf.cell(0, line, write(the.salutation), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(line * 0.4)
    for paragraph in the.body:
        pdf.set_x(MARGIN + 8)  # the first line of a paragraph is indented, as by hand
        pdf.multi_cell(0, line, write(paragraph), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(line * 0.45)
    pdf.ln(line * 0.5)
    left = pdf.w * 0.55
    if the.closing:
        pdf.set_x(left)
        pdf.cell(0, line, write(the.closing), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("hand", size=hand.size * 1.3)
    pdf.set_x(left + 6)
    pdf.cell(0, line * 1.3, write(the.signature), new_x="LMARGIN", new_y="NEXT")
    return pdf


def pdf_file(text: str, sender: str, recipient: str, hand: Hand, day: date, path: Path,
             paper: str = "A4") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    page(text, sender, recipient, hand, day, paper).output(str(path))
    return path


def png_files(pdf: Path, dpi: int = PNG_DPI, first: int | None = None, last: int | None = None) -> list[Path]:
    """The PDF's pages as PNG images beside it (NAME-1.png, …), drawn by Poppler's pdftoppm."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise LettersError("Images of a letter are drawn with Poppler's pdftoppm. Install it with: "
                           "sudo apt-get install poppler-utils")
    stem = pdf.with_suffix("")
    for old in pdf.parent.glob(f"{stem.name}-*.png"):
        old.unlink()
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    done = subprocess.run([tool, "-png", "-r", str(dpi), *pages, str(pdf), str(stem)], capture_output=True,
                          text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise LettersError(f"pdftoppm could not draw {pdf.name}: {done.stderr.strip()[:200]}")
    return sorted(pdf.parent.glob(f"{stem.name}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
