"""Making the book and offering it to a publisher: the PDF from the person's chosen letters, and the mail that
carries it, shown in full before anything is sent, sent from the person's own account, copied to Sent."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pypdf import PdfReader

from os1.db.store import Store, User
from os1.letters import book, choose, hands
from os1.letters.clients import LettersError
from os1.mail.accounts import MailError, load_account
from os1.mail.client import send_message, with_imap
from os1.mail.compose import check_recipients


@dataclass(frozen=True)
class Offer:
    to: str
    subject: str
    body: str
    pdf: Path
    pages: int

    def shown(self) -> str:
        """The mail exactly as it will go."""
        size = self.pdf.stat().st_size
        return (f"To: {self.to}\nSubject: {self.subject}\nAttachment: {self.pdf.name} ({self.pages} pages, "
                f"{size / 1024:.0f} kB)\n---\n{self.body}\n---")


def folder(home: Path, person: User) -> Path:
    """Where the pages and books made for this person are written: theirs alone (a server holds many people)."""
    return home / "letters" / str(person.id)


def book_path(home: Path, person: User, title: str) -> Path:
    name = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-") or "book"
    return folder(home, person) / f"{name}.pdf"


async def make(store: Store, person: User, home: Path, when: datetime, hand: str | None = None,
               out: Path | None = None) -> tuple[Path, int, choose.Selection]:
    """The book of the chosen letters, as a PDF; returns (path, pages, selection)."""
    chosen = await choose.selection(store, person)
    letters = await choose.chosen_letters(store, person, chosen)
    if not letters:
        raise LettersError("No letters are chosen for the book yet. See OS1's proposal with: "
                           "os1 letters book propose --keep")
    path = out or book_path(home, person, chosen.title)
    pdf = await asyncio.to_thread(book.pdf_file, letters, chosen.title, chosen.author, hands.hand(hand), when, path)
    return pdf, len(PdfReader(str(pdf)).pages), chosen


async def offer(store: Store, person: User, home: Path, to: str, when: datetime) -> Offer:
    """The mail that would offer the book (made afresh from the chosen letters) to the publisher at `to`."""
    check_recipients(to)
    pdf, pages, chosen = await make(store, person, home, when)
    count = len(chosen.letter_ids)
    return Offer(to.strip(), f"Manuscript: {chosen.title}", book.offer_text(chosen.title, chosen.author, count, pages),
                 pdf, pages)


async def send(store: Store, person: User, home: Path, sent: Offer, when: datetime) -> str:
    """Send the offer from the person's account (after their yes). Returns what happened, in words."""
    account = await load_account(store, home, person)
    if account is None:
        raise LettersError("Your mail is not connected, so I can't send the book. Connect it with: os1 mail connect")
    chosen = await choose.selection(store, person)
    message = book.offer(chosen.author, account.address, sent.to, sent.subject, sent.body, sent.pdf, when)
    await asyncio.to_thread(send_message, account, message)
    copied = ""
    try:
        await with_imap(account, lambda s: s.append(s.folder("sent"), message.as_bytes(), seen=True))
    except MailError as exc:
        copied = f" (I couldn't keep a copy in Sent: {exc})"
    return f"Sent {sent.pdf.name} ({sent.pages} pages) to {sent.to}: “{sent.subject}”.{copied}"
