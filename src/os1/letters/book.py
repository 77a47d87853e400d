"""The book: the chosen letters typeset as a PDF (fpdf2), with a cover, a title page, a table of contents, one
letter per section (its heading in a handwriting font, its text in DejaVu Serif, both embedded) and page
numbers; and the mail that offers it to a publisher, with the PDF attached."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path

from fpdf import FPDF

from os1.letters.hands import Hand, drawable, serif
from os1.letters.handwriting import parts
from os1.letters.versions import Letter

INK = (35, 35, 40)
ACCENT = (120, 60, 50)
COVER = (238, 229, 212)
MARGIN = 22.0
TOC_LINES = 16  # entries a contents page holds (A5)


class _Book(FPDF):
    def footer(self) -> None:
        if self.page_no() <= 2:  # the cover and the title page carry no number
            return
        self.set_y(-14)
        self.set_font("serif", size=9)
        self.set_text_color(120, 120, 120)
        self.cell(0, 6, str(self.page_no() - 2), align="C")


def _toc(pdf: FPDF, outline: list[object]) -> None:
    pdf.set_xy(MARGIN, MARGIN)
    pdf.set_font("hand", size=26)
    pdf.set_text_color(*ACCENT)
    pdf.cell(0, 16, "Contents", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("serif", size=11)
    pdf.set_text_color(*INK)
    for entry in outline:
        name, page = str(getattr(entry, "name", "")), int(getattr(entry, "page_number", 0)) - 2
        link = pdf.add_link(page=int(getattr(entry, "page_number", 0)))
        width = pdf.w - 2 * MARGIN - 14
        pdf.cell(width, 7.5, name, link=link)
        pdf.cell(14, 7.5, str(page), align="R", new_x="LMARGIN", new_y="NEXT", link=link)


def typeset(letters: Sequence[Letter], title: str, author: str, hand: Hand, when: datetime) -> FPDF:
    """The book of `letters` (each a section), ready to write out."""
    pdf = _Book(format=(148, 210))  # A5, in mm
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, 20)
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_creator("OS1")
    pdf.add_font("serif", fname=str(serif()))
    pdf.add_font("hand", fname=str(hand.path))

    def write(text: str) -> str:  # headings in the hand's own characters
        return drawable(text, hand.path)

    # the cover
    pdf.add_page()
    pdf.set_fill_color(*COVER)
    pdf.rect(0, 0, pdf.w, pdf.h, style="F")
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.6)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_y(pdf.h * 0.3)
    pdf.set_text_color(*ACCENT)
    pdf.set_font("hand", size=34)
    pdf.multi_cell(0, 15, write(title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("serif", size=12)
    pdf.set_text_color(*INK)
    pdf.cell(0, 8, author, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(pdf.h - 40)
    pdf.set_font("serif", size=9)
    pdf.cell(0, 6, f"{len(letters)} letters", align="C", new_x="LMARGIN", new_y="NEXT")

    # the title page
    pdf.add_page()
    pdf.set_y(pdf.h * 0.35)
    pdf.set_font("serif", size=20)
    pdf.multi_cell(0, 10, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("serif", size=11)
    pdf.cell(0, 7, f"letters written by {author}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(pdf.h - 45)
    pdf.set_font("serif", size=8)
    pdf.cell(0, 5, f"Typeset {when.day} {when:%B %Y}", align="C", new_x="LMARGIN", new_y="NEXT")

    # the contents, filled in once the letters are placed
    pdf.add_page()
    pages = max(1, -(-len(letters) // TOC_LINES))
    pdf.insert_toc_placeholder(lambda p, outline: _toc(p, list(outline)), pages=pages)  # ends on a new page

    for n, letter in enumerate(letters, 1):
        if n > 1:
            pdf.add_page()
        heading = f"{n}. {letter.title}"
        pdf.start_section(heading, strict=False)
        pdf.set_font("hand", size=20)
        pdf.set_text_color(*ACCENT)
        pdf.multi_cell(0, 10, write(letter.title), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_text_color(*INK)
        pdf.set_font("serif", size=10.5)
        the = parts(letter.text, letter.sender, letter.recipient)
        if the.salutation:
            pdf.multi_cell(0, 6, the.salutation, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        for paragraph in the.body:
            pdf.multi_cell(0, 5.6, paragraph, align="J", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2.4)
        pdf.ln(2)
        for line in (the.closing, the.signature):
            if line:
                pdf.set_x(pdf.w * 0.5)
                pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return pdf


def pdf_file(letters: Sequence[Letter], title: str, author: str, hand: Hand, when: datetime, path: Path) -> Path:
    if not letters:
        raise ValueError("The book has no letters yet. Choose them with: os1 letters book propose")
    path.parent.mkdir(parents=True, exist_ok=True)
    typeset(letters, title, author, hand, when).output(str(path))
    return path


def offer_text(title: str, author: str, count: int, pages: int) -> str:
    return (f"Dear Editor,\n\nI would like to offer you {title}, a collection of {count} letters I have written "
            f"over the years for the people in my life and for others, in their voices. The manuscript ({pages} "
            f"pages) is attached as a PDF.\n\nThank you for reading it. I would be glad to hear from you.\n\n"
            f"With warm regards,\n{author}")


def offer(sender_name: str, sender: str, to: str, subject: str, body: str, pdf: Path, now: datetime) -> EmailMessage:
    """The mail to the publisher, with the book attached."""
    msg = EmailMessage()
    msg["From"] = formataddr((sender_name, sender)) if sender_name else sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(domain=sender.split("@")[-1])
    msg["User-Agent"] = "OS1"
    msg.set_content(body)
    msg.add_attachment(pdf.read_bytes(), maintype="application", subtype="pdf", filename=pdf.name)
    return msg
