"""`os1 letters …`: clients and what OS1 knows of them, letters written from a brief and revised, proofreading
one suggestion at a time, handwritten pages, and the book."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from os1.cli.support import err, person_store, settings_from
from os1.config import Settings
from os1.db.store import Store, User
from os1.letters import choose, clients, hands, handwriting, publish, review, service, versions
from os1.letters.review import Tracked
from os1.letters.versions import Letter
from os1.mail.accounts import MailError
from os1.models.base import Model
from os1.models.resolve import resolve_model
from os1.tools import audit

T = TypeVar("T")
USER = click.option("--user", "user", help="Whose letters (default: your login name).")
MODEL = click.option("--model", "model", help="embedded (default), embedded:small, or openai:MODEL@URL")
out = Console(highlight=False)


def _run(settings: Settings, work: Callable[[Store, User], Awaitable[T]]) -> T:
    async def run() -> T:
        async with person_store(settings) as (store, person):
            return await work(store, person)

    return asyncio.run(run())


def _with_model(settings: Settings, work: Callable[[Store, User, Model], Awaitable[T]]) -> T:
    async def run() -> T:
        model = resolve_model(settings.model, settings)
        try:
            if not model.loaded:
                err.print(f"[dim]Waking up ({model.name})…[/]")
                await model.load()
            async with person_store(settings) as (store, person):
                return await work(store, person, model)
        finally:
            await model.close()

    return asyncio.run(run())


def _print_letter(letter: Letter) -> None:
    out.print(f"[bold]Letter {letter.id}[/] · {letter.title} · version {letter.latest.number} · {letter.words} words"
              f" [dim]({letter.latest.note})[/]")
    out.print(letter.text, markup=False)


@click.group()
def letters() -> None:
    """Letters you write for others or yourself: clients, ghostwriting, proofreading, handwriting, the book."""


# -- clients ---------------------------------------------------------------------------------------------------

@letters.group("clients")
def clients_group() -> None:
    """The people you write for, each with a memory of their own (kept apart from yours and each other's)."""


@clients_group.command("add")
@click.argument("name")
@click.option("--writes-to", default="", help='Whom they write to, e.g. "Chris, her husband".')
@USER
def clients_add(name: str, writes_to: str, user: str | None) -> None:
    """Add a client called NAME."""
    client = _run(settings_from(user=user), lambda s, p: clients.add(s, p, name, writes_to))
    err.print(f"[green]✓[/] {client.name} is a client now. Tell me about them with: "
              f"os1 letters clients tell {client.name.split()[0]} \"…\"")


@clients_group.command("list")
@USER
def clients_list(user: str | None) -> None:
    """Your clients."""
    async def work(store: Store, person: User) -> list[tuple[clients.Client, int, int]]:
        found = []
        for c in await clients.all_of(store, person):
            found.append((c, len(await clients.notes(store, person, c)),
                          len(await versions.all_of(store, person, c.id))))
        return found

    rows = _run(settings_from(user=user), work)
    if not rows:
        click.echo("No clients yet. Add one with: os1 letters clients add NAME --writes-to \"…\"")
        return
    table = Table("client", "writes to", "notes", "letters", box=None)
    for c, notes, count in rows:
        table.add_row(c.name, c.writes_to, str(notes), str(count))
    out.print(table)


@clients_group.command("tell")
@click.argument("name")
@click.argument("text", required=False)
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A text or Markdown file of what you know of them (one note a paragraph).")
@USER
def clients_tell(name: str, text: str | None, file: Path | None, user: str | None) -> None:
    """Tell OS1 about client NAME: TEXT, a --file, or lines on stdin. Kept in their memory only."""
    told = clients.read_file(file) if file else text if text else sys.stdin.read() if not sys.stdin.isatty() else ""

    async def work(store: Store, person: User) -> tuple[clients.Client, list[clients.Note]]:
        client = await clients.find(store, person, name)
        return client, await clients.tell(store, person, client, told, "file" if file else "told")

    client, notes = _run(settings_from(user=user), work)
    err.print(f"[green]✓[/] {len(notes)} new note{'s' if len(notes) != 1 else ''} on {client.name} "
              "(only their letters will use them).")


@clients_group.command("show")
@click.argument("name")
@USER
def clients_show(name: str, user: str | None) -> None:
    """What OS1 knows of client NAME, and the letters written for them."""
    async def work(store: Store, person: User) -> tuple[clients.Client, list[clients.Note], list[Letter]]:
        client = await clients.find(store, person, name)
        return (client, await clients.notes(store, person, client),
                await versions.all_of(store, person, client.id))

    client, notes, written = _run(settings_from(user=user), work)
    out.print(f"[bold]{client.name}[/]" + (f" — writes to {client.writes_to}" if client.writes_to else ""))
    for n in notes:
        out.print(f"  [dim]{n.id:>4}[/]  {n.text}", markup=True)
    if not notes:
        out.print("  (nothing known yet)")
    for x in written:
        out.print(f"  letter {x.id}: {x.title}, {x.words} words, version {x.latest.number}")


@clients_group.command("forget")
@click.argument("name")
@click.option("--note", "note_id", type=int, help="Forget only this note (its number from clients show).")
@click.option("--yes", is_flag=True, help="Do not ask first.")
@USER
def clients_forget(name: str, note_id: int | None, yes: bool, user: str | None) -> None:
    """Forget client NAME: their memory and every letter written for them (or, with --note, one note)."""
    settings = settings_from(user=user)

    async def work(store: Store, person: User) -> str:
        client = await clients.find(store, person, name)
        if note_id is not None:
            note = await clients.forget_note(store, person, client, note_id)
            return f"Forgotten for {client.name}: {note.text}"
        if not yes and not click.confirm(f"Forget {client.name}, all OS1 knows of them and every letter written "
                                         "for them? This cannot be undone", default=False, err=True):
            return "Nothing was forgotten."
        gone = await clients.forget(store, person, client)
        return f"{client.name} is forgotten, with {gone} letter{'s' if gone != 1 else ''}."

    err.print(_run(settings, work))


# -- letters ---------------------------------------------------------------------------------------------------

@letters.command("write")
@click.argument("brief")
@click.option("--client", "client", help="The client it is for (else the one the brief names, if any).")
@click.option("--to", "recipient", help="Whom it is to (else read from the brief).")
@click.option("--from", "sender", help="Who it is from (else the client).")
@MODEL
@USER
def letters_write(brief: str, client: str | None, recipient: str | None, sender: str | None, model: str | None,
                  user: str | None) -> None:
    """Write a letter from a BRIEF ("a birthday letter to Chris about our trip to the lake")."""
    settings = settings_from(user=user, model=model)
    drafted = _with_model(settings, lambda s, p, m: service.write(s, p, m, brief, client, sender, recipient))
    _print_letter(drafted.letter)
    if drafted.written.invented:
        err.print(f"[yellow]Cut, because nothing you told me names them:[/] {', '.join(drafted.written.invented)}")


@letters.command("revise")
@click.argument("letter_id", type=int)
@click.argument("change")
@MODEL
@USER
def letters_revise(letter_id: int, change: str, model: str | None, user: str | None) -> None:
    """Rewrite letter LETTER_ID as asked: CHANGE ("warmer", "shorter", "mention the blue canoe")."""
    settings = settings_from(user=user, model=model)

    async def work(store: Store, person: User, m: Model) -> service.Drafted:
        letter = await versions.get(store, person, letter_id)
        return await service.revise(store, person, m, letter, change)

    drafted = _with_model(settings, work)
    _print_letter(drafted.letter)


@letters.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--from", "sender", required=True, help="Who wrote it.")
@click.option("--to", "recipient", required=True, help="Whom it is to.")
@click.option("--client", "client", help="A client it was written for (it teaches OS1 their voice).")
@USER
def letters_add(file: Path, sender: str, recipient: str, client: str | None, user: str | None) -> None:
    """Bring in a letter written elsewhere (to proofread it, write it by hand, or learn a client's voice)."""
    text = clients.read_file(file)

    async def work(store: Store, person: User) -> Letter:
        owner = await clients.find(store, person, client) if client else None
        return await service.add_written(store, person, text, sender, recipient, owner)

    letter = _run(settings_from(user=user), work)
    err.print(f"[green]✓[/] Kept as letter {letter.id} ({letter.words} words).")


@letters.command("list")
@click.option("--client", "client", help="Only this client's letters.")
@USER
def letters_list(client: str | None, user: str | None) -> None:
    """Your letters."""
    async def work(store: Store, person: User) -> list[Letter]:
        owner = await clients.find(store, person, client) if client else None
        return await versions.all_of(store, person, owner.id if owner else None)

    found = _run(settings_from(user=user), work)
    if not found:
        click.echo("No letters yet. Write one with: os1 letters write \"a letter to … about …\" --client NAME")
        return
    table = Table("id", "letter", "words", "versions", "last change", box=None)
    for x in found:
        table.add_row(str(x.id), x.title, str(x.words), str(x.latest.number), x.latest.note[:50])
    out.print(table)


@letters.command("show")
@click.argument("letter_id", type=int)
@click.option("--version", "number", type=int, help="An earlier version.")
@click.option("--versions", "all_versions", is_flag=True, help="List every version.")
@USER
def letters_show(letter_id: int, number: int | None, all_versions: bool, user: str | None) -> None:
    """Show letter LETTER_ID (its latest version, or --version N, or --versions)."""
    async def work(store: Store, person: User) -> tuple[Letter, list[versions.Version]]:
        letter = await versions.get(store, person, letter_id)
        return letter, await versions.history(store, person, letter)

    letter, history = _run(settings_from(user=user), work)
    if all_versions:
        for v in history:
            out.print(f"{v.number:>3}  {v.created_at[:16].replace('T', ' ')}  {len(v.text.split())} words  {v.note}")
        return
    chosen = next((v for v in history if v.number == number), None) if number else letter.latest
    if chosen is None:
        raise click.BadParameter(f"letter {letter_id} has versions 1 to {letter.latest.number}", param_hint="--version")
    out.print(f"[bold]Letter {letter.id}[/] · {letter.title} · version {chosen.number} of {letter.latest.number}")
    out.print(chosen.text, markup=False)


# -- proofreading ----------------------------------------------------------------------------------------------

def _print_suggestion(t: Tracked, text: str) -> None:
    s = t.suggestion
    line_start = text.rfind("\n", 0, s.start) + 1
    line_end = text.find("\n", s.end)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    at = s.start - line_start
    change = f"⟨[red]{escape(s.original)}[/] → [green]{escape(s.replacement) or '(cut)'}[/]⟩"
    context = escape(line[max(0, at - 40):at]) + change + escape(line[at + len(s.original):at + len(s.original) + 40])
    out.print(f"[bold]\\[{t.id}][/] [cyan]{s.kind}[/] {escape(s.message)}")
    out.print(f"      …{context}…")


@letters.command("proofread")
@click.argument("letter_id", type=int)
@click.option("--review/--list", "walk", default=None,
              help="Go through the suggestions one by one (default when at a terminal), or only list them.")
@USER
def letters_proofread(letter_id: int, walk: bool | None, user: str | None) -> None:
    """Proofread letter LETTER_ID: each suggestion is accepted or rejected one by one, never applied silently."""
    settings = settings_from(user=user)
    interactive = sys.stdin.isatty() if walk is None else walk

    async def work(store: Store, person: User) -> None:
        letter = await versions.get(store, person, letter_id)
        found = await review.proofread_letter(store, person, letter)
        if not found:
            out.print(f"Nothing to change in letter {letter.id}.")
            return
        out.print(f"{len(found)} suggestion{'s' if len(found) != 1 else ''} for letter {letter.id}:")
        for t in found:
            _print_suggestion(t, letter.text)
            if not interactive:
                continue
            answer = click.prompt("      accept, reject, skip or quit?", type=click.Choice(["a", "r", "s", "q"]),
                                  default="s", show_choices=True)
            if answer == "q":
                break
            if answer in "ar":
                _, letter = await review.decide(store, person, t.id, answer == "a")
        if not interactive:
            out.print("Accept or reject each with: os1 letters accept ID / os1 letters reject ID")
        else:
            out.print(f"Letter {letter.id} is at version {letter.latest.number}.")

    _run(settings, work)


def _decide(ids: tuple[int, ...], user: str | None, accept: bool) -> None:
    async def work(store: Store, person: User) -> Letter | None:
        letter = None
        for sid in ids:
            tracked, letter = await review.decide(store, person, sid, accept)
            s = tracked.suggestion
            err.print(f"[green]✓[/] {'Accepted' if accept else 'Rejected'} [{sid}] “{s.original.strip()}” → "
                      f"“{s.replacement.strip()}”")
        return letter

    letter = _run(settings_from(user=user), work)
    if letter is not None and accept:
        err.print(f"Letter {letter.id} is at version {letter.latest.number} (earlier versions are kept).")


@letters.command("accept")
@click.argument("ids", type=int, nargs=-1, required=True)
@USER
def letters_accept(ids: tuple[int, ...], user: str | None) -> None:
    """Accept proofreading suggestions IDS (each makes the letter's next version)."""
    _decide(ids, user, True)


@letters.command("reject")
@click.argument("ids", type=int, nargs=-1, required=True)
@USER
def letters_reject(ids: tuple[int, ...], user: str | None) -> None:
    """Reject proofreading suggestions IDS."""
    _decide(ids, user, False)


# -- by hand ---------------------------------------------------------------------------------------------------

@letters.command("hands")
def letters_hands() -> None:
    """The handwriting fonts letters can be written in, and which are installed."""
    table = Table("hand", "looks like", "Debian package", "installed", box=None)
    for h in hands.HANDS:
        table.add_row(h.name, h.description, h.package, "yes" if h.installed else "no: apt-get install " + h.package)
    out.print(table)


@letters.command("handwrite")
@click.argument("letter_id", type=int)
@click.option("--hand", "hand", help="dancing, breip or dkg (see os1 letters hands).")
@click.option("--out", "path", type=click.Path(dir_okay=False, path_type=Path), help="Where to write the PDF.")
@click.option("--paper", type=click.Choice(["A4", "Letter", "A5"]), default="A4", show_default=True)
@click.option("--png/--no-png", default=True, show_default=True, help="Also draw PNG images of the pages.")
@USER
def letters_handwrite(letter_id: int, hand: str | None, path: Path | None, paper: str, png: bool,
                      user: str | None) -> None:
    """Write letter LETTER_ID out by hand: a PDF (and PNG images) laid out as a letter."""
    chosen = hands.hand(hand)
    letter = _run(settings_from(user=user), lambda s, p: versions.get(s, p, letter_id))
    pdf = handwriting.pdf_file(letter.text, letter.sender, letter.recipient, chosen, datetime.now().date(),
                               path or Path(f"letter-{letter.id}-{chosen.name}.pdf"), paper)
    click.echo(str(pdf))
    if png:
        for image in handwriting.png_files(pdf):
            click.echo(str(image))


# -- the book --------------------------------------------------------------------------------------------------

@letters.group("book")
def book_group() -> None:
    """The book of your best letters: propose, edit the choice, make the PDF, send it to a publisher."""


@book_group.command("propose")
@click.option("--most", default=choose.MOST, show_default=True, help="How many letters at most.")
@click.option("--keep", is_flag=True, help="Make this the book's choice (replacing the one before).")
@USER
def book_propose(most: int, keep: bool, user: str | None) -> None:
    """OS1's choice of your best letters, with its reasons."""
    async def work(store: Store, person: User) -> list[choose.Pick]:
        picks = await choose.propose(store, person, most)
        if keep:
            chosen = await choose.selection(store, person)
            await choose.keep(store, person, choose.Selection(chosen.title, chosen.author,
                                                              [p.letter.id for p in picks]))
        return picks

    picks = _run(settings_from(user=user), work)
    table = Table("id", "letter", "score", "why", box=None)
    for p in picks:
        table.add_row(str(p.letter.id), p.letter.title, f"{p.score:g}", "; ".join(p.reasons))
    out.print(table)
    if keep:
        err.print(f"[green]✓[/] The book has these {len(picks)} letters. Edit with os1 letters book add/remove.")


@book_group.command("show")
@USER
def book_show(user: str | None) -> None:
    """The book's title, author and chosen letters."""
    async def work(store: Store, person: User) -> tuple[choose.Selection, list[Letter]]:
        chosen = await choose.selection(store, person)
        return chosen, await choose.chosen_letters(store, person, chosen)

    chosen, found = _run(settings_from(user=user), work)
    out.print(f"[bold]{chosen.title}[/] by {chosen.author} — {len(found)} letters")
    for n, x in enumerate(found, 1):
        out.print(f"  {n:>2}. letter {x.id}: {x.title} ({x.words} words)")


@book_group.command("edit")
@click.option("--add", "add", type=int, multiple=True, help="Add a letter (by id).")
@click.option("--remove", "remove", type=int, multiple=True, help="Take a letter out (by id).")
@click.option("--title", help="The book's title.")
@click.option("--author", help="The name on the cover.")
@USER
def book_edit(add: tuple[int, ...], remove: tuple[int, ...], title: str | None, author: str | None,
              user: str | None) -> None:
    """Change the book: add or remove letters, set its title or author."""
    async def work(store: Store, person: User) -> choose.Selection:
        for letter_id in add:
            await versions.get(store, person, letter_id)  # it must be theirs
        chosen = choose.edited(await choose.selection(store, person), add, remove)
        chosen = choose.Selection(title or chosen.title, author or chosen.author, chosen.letter_ids)
        await choose.keep(store, person, chosen)
        return chosen

    chosen = _run(settings_from(user=user), work)
    err.print(f"[green]✓[/] {chosen.title} by {chosen.author}: {len(chosen.letter_ids)} letters.")


@book_group.command("make")
@click.option("--out", "path", type=click.Path(dir_okay=False, path_type=Path), help="Where to write the PDF.")
@click.option("--hand", "hand", help="The hand for the cover and headings.")
@USER
def book_make(path: Path | None, hand: str | None, user: str | None) -> None:
    """Typeset the book as a PDF: cover, title page, contents, one letter per section, page numbers."""
    settings = settings_from(user=user)
    pdf, pages, _ = _run(settings, lambda s, p: publish.make(s, p, settings.home, datetime.now().astimezone(), hand,
                                                             path))
    err.print(f"[green]✓[/] {pages} pages")
    click.echo(str(pdf))


@book_group.command("send")
@click.option("--to", "to", required=True, help="The publisher's email address.")
@click.option("--yes", is_flag=True, help="Send without asking (the mail is still shown).")
@USER
def book_send(to: str, yes: bool, user: str | None) -> None:
    """Offer the book to a publisher by mail: shown in full, sent from your account only after your yes."""
    settings = settings_from(user=user)

    async def work(store: Store, person: User) -> str:
        now = datetime.now().astimezone()
        offer = await publish.offer(store, person, settings.home, to, now)
        out.print(offer.shown(), markup=False)
        if not yes and not click.confirm("Send it? Once sent, it can't be taken back", default=False, err=True):
            return "Nothing was sent."
        try:
            said = await publish.send(store, person, settings.home, offer, now)
        except MailError as exc:
            raise click.ClickException(str(exc)) from None
        await audit.record(store, person, None, "send_book", {"to": offer.to, "subject": offer.subject,
                                                               "attachment": offer.pdf.name},
                           f"Send the book to {offer.to}", said, None, confirmed=True)
        return said

    err.print(_run(settings, work))

