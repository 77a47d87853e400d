"""Letters as the doors use them (the CLI, the tools, the web): write from a brief, revise, keep every version.
Each step reads the client's memory for that client only."""

from __future__ import annotations

from dataclasses import dataclass

from os1.db.store import Store, User
from os1.letters import clients, ghostwrite, versions
from os1.letters.clients import Client, LettersError
from os1.letters.ghostwrite import Brief, Written
from os1.letters.versions import Letter
from os1.models.base import Model


@dataclass(frozen=True)
class Drafted:
    letter: Letter
    written: Written
    client: Client | None


async def client_for(store: Store, person: User, name: str | None, brief: str) -> Client | None:
    """The client named (by --client, or in the brief), or None for a letter of the person's own."""
    if name:
        return await clients.find(store, person, name)
    return await clients.named_in(store, person, brief)


async def _grounds(store: Store, person: User, client: Client | None, brief: str,
                   letter_id: int | None = None) -> tuple[list[str], list[Letter]]:
    if client is None:
        return [], []
    notes = ghostwrite.chosen_notes(await clients.notes(store, person, client), brief)
    earlier = [x for x in await versions.all_of(store, person, client.id) if x.id != letter_id]
    return notes, earlier


async def write(store: Store, person: User, model: Model, brief_text: str, client_name: str | None = None,
                sender: str | None = None, recipient: str | None = None) -> Drafted:
    """A new letter from a brief, kept as version 1."""
    if not brief_text.strip():
        raise LettersError("What should the letter say? Give me a brief: who it is to, the occasion, what to tell.")
    client = await client_for(store, person, client_name, brief_text)
    brief = ghostwrite.read_brief(brief_text, client, sender, recipient)
    notes, earlier = await _grounds(store, person, client, brief.text)
    written = await ghostwrite.write(model, brief, notes, earlier)
    note = "written from the brief" + (f" (cut: {', '.join(written.invented)})" if written.invented else "")
    letter = await versions.create(store, person, client.id if client else None, brief.sender, brief.recipient,
                                   brief.text, written.text, note)
    return Drafted(letter, written, client)


async def revise(store: Store, person: User, model: Model, letter: Letter, instruction: str) -> Drafted:
    """The letter rewritten as asked ("warmer", "shorter", "mention the blue canoe"), kept as its next version."""
    if not instruction.strip():
        raise LettersError("How should I change it? (warmer, shorter, mention the blue canoe …)")
    client = None
    if letter.client_id is not None:
        client = next(c for c in await clients.all_of(store, person) if c.id == letter.client_id)
    brief = Brief(letter.brief or f"a letter to {letter.recipient}", letter.sender, letter.recipient)
    notes, earlier = await _grounds(store, person, client, f"{brief.text} {instruction}", letter.id)
    written = await ghostwrite.write(model, brief, notes, earlier, instruction.strip(), letter.text)
    revised = await versions.add_version(store, person, letter, written.text, instruction.strip())
    return Drafted(revised, written, client)


async def add_written(store: Store, person: User, text: str, sender: str, recipient: str,
                      client: Client | None = None) -> Letter:
    """A letter written elsewhere: the person's own (to proofread, handwrite, put in the book), or one written
    for a client before (their voice, from then on)."""
    if not text.strip():
        raise LettersError("The letter is empty.")
    return await versions.create(store, person, client.id if client else None, sender, recipient, "",
                                 text.strip(), "brought in")
