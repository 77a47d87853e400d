"""The letters tools the companion uses in conversation: write a letter from a brief, revise it, proofread it,
write it out by hand; learn about a client and say what it knows of them.

Writing and revising stay inside OS1 (a new letter, a new version: nothing is lost), so they run at once. What
a person tells of a client goes to that client's memory only, and the message that told it is marked so that
the person's own memory does not learn it as a fact about them.
"""

from __future__ import annotations

import re
from typing import Any

from os1.db import state
from os1.db.store import NotFound
from os1.letters import clients, hands, handwriting, publish, review, service, versions
from os1.letters.clients import Client, LettersError
from os1.letters.versions import Letter
from os1.mail.accounts import MailError
from os1.models.base import ModelError
from os1.tools.registry import Outcome, ToolContext, ToolError, Undo, tool

KEPT_APART = "kept_apart"  # a message's meta flag: what it says is not the person's own to learn

ASKS_TO_WRITE = (r"\b(?:write|draft|compose|ghostwrite|pen)\b[^.?!]{0,40}\b(?:letter|love letter|note|card)\b"
                 r"(?![^.?!]*\b(?:e-?mail|mail)\b)")
ASKS_TO_REVISE = (r"\b(?:revise|rewrite|redo|rework)\b[^.?!]{0,20}\b(?:letter|it)\b|"
                  r"\bmake (?:it|the letter) (?:a (?:bit|little) |much |even )?(?:warmer|shorter|longer|funnier|"
                  r"simpler|sweeter|softer|more \w+|less \w+)\b|"
                  r"\bmention\b[^.?!]*\b(?:in (?:the|that|this) letter|in it)\b")
ASKS_TO_PROOFREAD = r"\b(?:proofread|proof-read|proof read|check the spelling|spell-?check|check (?:my|the) letter)\b"
ASKS_TO_HANDWRITE = (r"\b(?:handwrit(?:e|ten)|hand-?written|in (?:a |my |her |his )?(?:handwriting|hand)|"
                     r"write (?:it )?(?:out )?by hand)\b")
ASKS_TO_TELL = (r"\b(?:remember|note|keep in mind|know) (?:for|about) (?:my client |the client )?[A-Z]?\w+['’]s "
                r"letters\b|\b(?:about|for) (?:my|the) client\b|\bclient\b[^.?!]*\b(?:remember|note)\b")
ASKS_TO_SEND_BOOK = (r"\b(?:send|submit|mail|e-?mail|offer)\b[^.?!]*\b(?:the |my |our )?(?:book|manuscript)\b"
                     r"[^.?!]*\bto\b")
ASKS_TO_FORGET_CLIENT = r"\b(?:forget|delete|erase|remove|wipe)\b[^.?!]*\bclient\b"
ASKS_ABOUT_CLIENT = (r"\bwhat (?:do |else do )?you know (?:about|of) (?:my client|the client)\b|"
                     r"\bclient\b[^.?!]*\bwhat (?:do )?you know\b|\bshow me (?:my )?client\b")


def _told(exc: Exception) -> ToolError:
    return ToolError(str(exc))


async def _shown(ctx: ToolContext, letter: Letter) -> None:
    if ctx.conversation is not None:
        await ctx.store.set_state(ctx.person, state.LETTER_SHOWN.key(ctx.conversation.id), str(letter.id))


async def the_letter(ctx: ToolContext) -> Letter:
    """"The letter", "it": the one last written or shown in this conversation, else the latest."""
    try:
        if ctx.conversation is not None:
            held = await ctx.store.get_state(ctx.person, state.LETTER_SHOWN.key(ctx.conversation.id))
            if held:
                return await versions.get(ctx.store, ctx.person, int(held))
        return await versions.latest(ctx.store, ctx.person)
    except NotFound as exc:
        raise _told(exc) from None


async def _client(ctx: ToolContext, name: str) -> Client:
    try:
        if name.strip():
            return await clients.find(ctx.store, ctx.person, name)
        found = await clients.named_in(ctx.store, ctx.person, ctx.request)
    except LettersError as exc:
        raise _told(exc) from None
    if found is None:
        raise ToolError("Which client is this for? (Add one with: os1 letters clients add NAME)")
    return found


async def _keep_apart(ctx: ToolContext) -> None:
    """Mark the person's message that told of a client: it is the client's, not theirs to be learned."""
    if ctx.conversation is None:
        return
    for message in reversed(await ctx.store.messages(ctx.conversation, limit=6)):
        if message.role == "user" and message.content.strip() == ctx.request.strip():
            await ctx.store.update_meta(message, {**message.meta, KEPT_APART: True})
            return


def _letter_said(letter: Letter, head: str) -> str:
    return f"{head}\n\n{letter.text}\n\n(Letter {letter.id}, version {letter.latest.number}, {letter.words} words.)"


@tool(effect="change", confirm=False, asked_by=ASKS_TO_WRITE,
      examples=["write a birthday letter to Chris from his wife Lewman about their trip to the lake"])
async def write_letter(ctx: ToolContext, brief: str, client: str = "") -> Outcome:
    """Write a letter for someone, from a brief, in the sender's voice, using only the brief and what OS1 knows of
    that client.

    Args:
        brief: who it is to and from, the occasion, what to tell (the person's own words)
        client: the client it is written for, if the person named one
    """
    if ctx.model is None:
        raise ToolError("I have no model to write with here.")
    words = ctx.request if len(ctx.request) >= len(brief) else brief  # the person's own words are the brief
    try:
        drafted = await service.write(ctx.store, ctx.person, ctx.model, words, client.strip() or None)
    except (LettersError, ValueError) as exc:
        raise _told(exc) from None
    except ModelError as exc:
        raise ToolError(f"I couldn't write the letter: {exc}") from None
    await _shown(ctx, drafted.letter)
    head = f"Here is the letter to {drafted.letter.recipient}, from {drafted.letter.sender}:"
    return Outcome(_letter_said(drafted.letter, head), Undo("delete_letter", {"letter_id": drafted.letter.id}),
                   said_as_is=True)


@tool(effect="change", confirm=False, asked_by=ASKS_TO_REVISE,
      examples=["make it warmer", "make it shorter and mention the blue canoe in the letter"])
async def revise_letter(ctx: ToolContext, change: str) -> Outcome:
    """Rewrite the letter just written or shown, changed as the person asks; the earlier version is kept.

    Args:
        change: what to change, in the person's words ("warmer", "shorter", "mention the blue canoe")
    """
    if ctx.model is None:
        raise ToolError("I have no model to write with here.")
    letter = await the_letter(ctx)
    asked = change if len(change) >= 4 else ctx.request
    try:
        drafted = await service.revise(ctx.store, ctx.person, ctx.model, letter, asked)
    except LettersError as exc:
        raise _told(exc) from None
    except ModelError as exc:
        raise ToolError(f"I couldn't revise the letter: {exc}") from None
    await _shown(ctx, drafted.letter)
    return Outcome(_letter_said(drafted.letter, f"Here it is, {asked.strip().rstrip('.')}:")
                   + f" Version {letter.latest.number} is kept.", said_as_is=True)


@tool(effect="read", asked_by=ASKS_TO_PROOFREAD, examples=["proofread the letter", "can you proofread it?"])
async def proofread_letter(ctx: ToolContext) -> Outcome:
    """Proofread the letter just written or shown: spelling, grammar, repeated words and tone, as suggestions the
    person accepts or rejects one by one (nothing is changed without them)."""
    letter = await the_letter(ctx)
    try:
        found = await review.proofread_letter(ctx.store, ctx.person, letter)
    except LettersError as exc:
        raise _told(exc) from None
    await _shown(ctx, letter)
    if not found:
        return Outcome(f"I read letter {letter.id} closely and found nothing to change.", said_as_is=True)
    lines = [f"{len(found)} suggestion{'s' if len(found) != 1 else ''} for letter {letter.id} (nothing is changed "
             f"until you accept one: os1 letters accept ID, or reject ID):"]
    for t in found:
        s = t.suggestion
        change = f"“{s.original.strip()}” → “{s.replacement.strip()}”" if s.replacement else f"cut “{s.original}”"
        lines.append(f"  [{t.id}] {s.kind}: {change} — {s.message}")
    return Outcome("\n".join(lines), said_as_is=True)


@tool(effect="change", confirm=False, asked_by=ASKS_TO_HANDWRITE,
      examples=["write it out by hand", "make the letter handwritten in the dancing hand"])
async def handwrite_letter(ctx: ToolContext, hand: str = "") -> Outcome:
    """Write the letter just written or shown out by hand, as a PDF and a PNG image.

    Args:
        hand: which hand (dancing, breip, dkg); empty for the first one
    """
    letter = await the_letter(ctx)
    named = re.search(r"\b(" + "|".join(h.name for h in hands.HANDS) + r")\b", f"{hand} {ctx.request}", re.I)
    if ctx.home is None:
        raise ToolError("I have no folder here to put the page in.")
    try:
        chosen = hands.hand(named.group(1) if named else None)
        out = publish.folder(ctx.home, ctx.person) / f"letter-{letter.id}-v{letter.latest.number}-{chosen.name}.pdf"
        pdf = handwriting.pdf_file(letter.text, letter.sender, letter.recipient, chosen, ctx.now().date(), out)
        pngs = handwriting.png_files(pdf)
    except LettersError as exc:
        raise _told(exc) from None
    return Outcome(f"Letter {letter.id} is written out in the {chosen.name} hand ({chosen.description}):\n"
                   f"  {pdf}\n" + "\n".join(f"  {p}" for p in pngs), said_as_is=True)


@tool(effect="change", confirm=False, asked_by=ASKS_TO_TELL, private=True,
      examples=["remember for Lewman's letters: she and Chris met at a dance in 1974"])
async def tell_about_client(ctx: ToolContext, client: str, facts: str) -> Outcome:
    """Remember something about one of the person's clients (kept in that client's memory only).

    Args:
        client: the client's name
        facts: what to remember about them, in the person's words
    """
    found = await _client(ctx, client)
    told = re.sub(r"^.*?\b(?:letters|client)\b\s*[:,-]?\s*", "", ctx.request, count=1, flags=re.I).strip()
    try:
        notes = await clients.tell(ctx.store, ctx.person, found, told or facts)
    except LettersError as exc:
        raise _told(exc) from None
    await _keep_apart(ctx)
    if not notes:
        return Outcome(f"I knew that about {found.name} already.", said_as_is=True)
    return Outcome(f"I'll remember that for {found.name}'s letters (only theirs): " + " ".join(n.text for n in notes),
                   Undo("forget_client_notes", {"client_id": found.id, "ids": [n.id for n in notes]}),
                   said_as_is=True)


@tool(effect="read", asked_by=ASKS_ABOUT_CLIENT, examples=["tell me what you know about my client Lewman"])
async def show_client(ctx: ToolContext, client: str) -> Outcome:
    """What OS1 knows of one of the person's clients, and the letters written for them.

    Args:
        client: the client's name
    """
    found = await _client(ctx, client)
    notes = await clients.notes(ctx.store, ctx.person, found)
    letters = await versions.all_of(ctx.store, ctx.person, found.id)
    lines = [f"{found.name}" + (f" (writes to {found.writes_to})" if found.writes_to else "") + ":"]
    lines += [f"  • {n.text}" for n in notes] or ["  (nothing yet)"]
    if letters:
        lines.append(f"Letters: {len(letters)} — " + "; ".join(f"{x.id}: {x.title}" for x in letters[-5:]))
    return Outcome("\n".join(lines), said_as_is=True)


async def _offer(ctx: ToolContext, to: str) -> publish.Offer:
    if ctx.home is None:
        raise ToolError("I have no folder here to make the book in.")
    try:
        return await publish.offer(ctx.store, ctx.person, ctx.home, to, ctx.now())
    except (LettersError, ValueError) as exc:
        raise _told(exc) from None


async def _describe_book(ctx: ToolContext, args: dict[str, Any]) -> str:
    sent = await _offer(ctx, str(args["to"]))
    return "Send the book to the publisher (once sent, it can't be taken back):\n" + sent.shown()


@tool(effect="change", asked_by=ASKS_TO_SEND_BOOK, describe=_describe_book,
      examples=["send the book to the publisher at editor@example.com"])
async def send_book(ctx: ToolContext, to: str) -> Outcome:
    """Send the book of chosen letters, as a PDF, to a publisher by mail (the person sees the mail and says yes).

    Args:
        to: the publisher's email address
    """
    sent = await _offer(ctx, to)
    try:
        assert ctx.home is not None
        return Outcome(await publish.send(ctx.store, ctx.person, ctx.home, sent, ctx.now()))
    except (LettersError, MailError) as exc:
        raise _told(exc) from None


async def _describe_forget(ctx: ToolContext, args: dict[str, Any]) -> str:
    found = await _client(ctx, str(args["client"]))
    notes = await clients.notes(ctx.store, ctx.person, found)
    letters = await versions.all_of(ctx.store, ctx.person, found.id)
    return (f"Forget your client {found.name}: the {len(notes)} thing{'s' if len(notes) != 1 else ''} I know of "
            f"them and the {len(letters)} letter{'s' if len(letters) != 1 else ''} written for them. This can't be "
            "undone.")


@tool(effect="change", asked_by=ASKS_TO_FORGET_CLIENT, describe=_describe_forget, private=True,
      examples=["forget my client Lewman"])
async def forget_client(ctx: ToolContext, client: str) -> Outcome:
    """Forget one of the person's clients wholly: what OS1 knows of them and the letters written for them.

    Args:
        client: the client's name
    """
    found = await _client(ctx, client)
    gone = await clients.forget(ctx.store, ctx.person, found)
    return Outcome(f"{found.name} is forgotten, with {gone} letter{'s' if gone != 1 else ''}.")


# Undo steps: run by OS1 on "undo that", never offered to the model.

@tool(effect="change", confirm=False, asked_by=None)
async def delete_letter(ctx: ToolContext, letter_id: int) -> Outcome:
    """Delete a letter just written (undoing the writing)."""
    try:
        letter = await versions.get(ctx.store, ctx.person, letter_id)
    except NotFound as exc:
        raise _told(exc) from None
    await versions.delete(ctx.store, ctx.person, letter)
    return Outcome(f"The letter to {letter.recipient} is gone.")


@tool(effect="change", confirm=False, asked_by=None, private=True)
async def forget_client_notes(ctx: ToolContext, client_id: int, ids: list[int]) -> Outcome:
    """Forget notes just told about a client."""
    found = next((c for c in await clients.all_of(ctx.store, ctx.person) if c.id == client_id), None)
    if found is None:
        raise ToolError("That client is gone already.")
    for note_id in ids:
        try:
            await clients.forget_note(ctx.store, ctx.person, found, note_id)
        except NotFound:
            continue
    return Outcome(f"Forgotten again for {found.name}.")


LETTER_TOOLS = (write_letter, revise_letter, proofread_letter, handwrite_letter, tell_about_client, show_client,
                forget_client, send_book, delete_letter, forget_client_notes)
