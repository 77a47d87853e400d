"""Mail tools that change something outside OS1: send, archive, delete. Each is proposed with exactly what it
will do (the recipients, subject and body; the messages, counted and named) and runs only after the person's yes.

Nothing is ever erased: "delete" moves to Trash, "archive" to Archive, and "undo that" moves them back, found
by Message-ID. A sent mail cannot be unsent, and the proposal says so.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from os1.mail.accounts import MailAccount, MailError
from os1.mail.client import ImapSession, send_message, with_imap
from os1.mail.compose import check_recipients, outgoing
from os1.mail.search import understand, who_is
from os1.mail.selection import (
    Draft,
    Ref,
    freeze,
    frozen,
    group_in,
    held_draft,
    numbers_in,
    pick_group,
    plan_refs,
    planned,
    points_at_shown,
    shown,
)
from os1.mail.tools import _search, account_of, mail_errors, sorted_inbox
from os1.tools.registry import Describe, Outcome, ToolContext, ToolError, Undo, tool

SHOWN_IN_PROPOSAL = 8  # messages named one by one before "… and N more"
MOST_AT_ONCE = 5000

# A change needs the person's own words asking for it. "My sister sent me a letter once" asks for nothing.
_NOT_ASKING = r"(?<!\bdid you )(?<!\bhave you )(?<!\bdidn't you )(?<!\bdid I )"  # "did you send it?" asks nothing
ASKS_TO_SEND = (_NOT_ASKING + r"\bsend (?:it|that|this|them|the (?:reply|draft|e-?mail|mail|message|letter|note)|"
                r"(?:an? |my )?(?:reply|e-?mail|mail|message|note|letter)\b|\S+@\S+|(?:it |this |that )?to\b)|"
                r"\b(?:e-?mail|write to|message)\s+(?!me\b)\S+[^.?!]*"
                r"\b(?:saying|to say|telling|tell (?:him|her|them)|that)\b|"
                r"\bforward (?:it|this|that|the)\b|\breply (?:to \S+ )?(?:and )?send\b|\bsend (?:my |the )?reply\b")
_GROUP = (r"(?:e-?mails?|mails?|messages?|newsletters?|promo(?:tion)?s?|notifications?|alerts?|spam|junk|"
          r"them|those|these|it|that|this|ones?|everything|all|what can go|inbox|from|the rest|clutter|ads|"
          r"offers|deals|#?\d+)")
ASKS_TO_ARCHIVE = (_NOT_ASKING + rf"\barchive\b[^.?!]*\b{_GROUP}|"
                   r"\bclean (?:up|out) (?:my |the )?(?:inbox|e-?mail|mail)\b|"
                   r"\bfile (?:them|those|these|it) away\b|\bmove\b[^.?!]*\bto (?:the )?archive\b")
ASKS_TO_DELETE = (_NOT_ASKING + rf"\b(?:delete|trash|bin|throw (?:away|out)|get rid of|remove)\b[^.?!]*\b{_GROUP}|"
                  r"\bmove\b[^.?!]*\bto (?:the )?(?:trash|bin)\b")
_DRAFT_WORDS = re.compile(r"\bsend (?:it|that|this|the (?:reply|draft|e-?mail|mail|message|letter))\b|"
                          r"\bsend (?:my |the )?reply\b", re.IGNORECASE)


# -- sending ---------------------------------------------------------------------------------------------------

async def _outgoing(ctx: ToolContext, to: str, subject: str, body: str) -> Draft:
    """What will be sent: the draft the person was shown when they say "send it", else what was asked for."""
    draft = await held_draft(ctx)
    if draft is not None and (_DRAFT_WORDS.search(ctx.request) or not body.strip()):
        return draft
    if not body.strip():
        raise ToolError("What should the mail say? Tell me, and I'll show it to you before anything is sent.")
    to = await _address_for(ctx, to)
    try:
        check_recipients(to)
    except ValueError as exc:
        raise ToolError(str(exc)) from None
    return Draft(to, subject.strip() or "(no subject)", body.strip())


async def _address_for(ctx: ToolContext, to: str) -> str:
    """"my sister" → her address, when OS1 has learned it."""
    m = re.match(r"^\s*(?:my\s+)?(\w[\w -]*)\s*$", to)
    if m and "@" not in to:
        for who in await who_is(ctx.store, ctx.person, m[1].strip().lower()):
            if "@" in who:
                return who
    return to


async def _describe_send(ctx: ToolContext, args: dict[str, Any]) -> str:
    draft = await _outgoing(ctx, args["to"], args["subject"], args["body"])
    return (f"Send this email (once sent, it can't be taken back):\nTo: {draft.to}\nSubject: {draft.subject}\n"
            f"---\n{draft.body}\n---")


@tool(effect="change", asked_by=ASKS_TO_SEND, describe=_describe_send,
      examples=["mail jo@example.org and tell her the keys are under the mat", "send it"])
async def send_mail(ctx: ToolContext, to: str, subject: str, body: str) -> Outcome:
    """Send an email from the person's account (they see the exact mail and say yes first).

    Args:
        to: the recipient's email address (or "my sister", when OS1 knows her address)
        subject: a short subject line
        body: the whole text of the mail, as the person wants it said
    """
    account = await account_of(ctx)
    draft = await _outgoing(ctx, to, subject, body)
    message = outgoing(ctx.person.name.capitalize(), account.address, draft, ctx.now())
    with mail_errors():
        await asyncio.to_thread(send_message, account, message)
    copied = ""
    try:
        await with_imap(account, lambda s: s.append(s.folder("sent"), message.as_bytes(), seen=True))
    except MailError as exc:  # sent is sent: say so, and that the copy is missing
        copied = f" (I couldn't keep a copy in Sent: {exc})"
    return Outcome(f"Sent to {draft.to}: “{draft.subject}”.{copied}")


# -- archiving and deleting ------------------------------------------------------------------------------------

def _describer(tool_name: str, where: str) -> Describe:
    """The proposal for moving messages: how many, where to, and the first of them by sender and subject."""
    verb = tool_name.split("_")[0].capitalize()

    async def describe(ctx: ToolContext, args: dict[str, Any]) -> str:
        account = await account_of(ctx)
        refs = await _selection(ctx, account, args["which"])
        await freeze(ctx, tool_name, args["which"], refs)  # a yes acts on exactly these
        lines = [f"  • {r.line()}" for r in refs[:SHOWN_IN_PROPOSAL]]
        if len(refs) > SHOWN_IN_PROPOSAL:
            lines.append(f"  … and {len(refs) - SHOWN_IN_PROPOSAL} more")
        count = f"{len(refs)} message{'s' if len(refs) != 1 else ''}"
        return f"{verb} {count} ({where}):\n" + "\n".join(lines)

    return describe


async def _selection(ctx: ToolContext, account: MailAccount, which: str) -> list[Ref]:
    """The messages `which` means: numbers in the last listing, "them" (the last listing), a triage group
    ("the newsletters", "what can go"), or words naming senders and subjects."""
    listed_at, listing = await shown(ctx)
    numbers = numbers_in(which, len(listing)) if listing else None
    if numbers:
        outside = [n for n in numbers if not 1 <= n <= len(listing)]
        if outside:
            raise ToolError(f"The last list I showed has {len(listing)} messages; there is no number "
                            f"{outside[0]} in it.")
        return [listing[n - 1] for n in dict.fromkeys(numbers)]
    planned_at, plan = await planned(ctx)
    if points_at_shown(which):
        if listing and listed_at >= planned_at:
            return listing
        if plan:
            return pick_group(plan, "can_go", "")
        raise ToolError("Which messages? Ask me to check or sort your mail first, or say who they're from.")
    group = group_in(which)
    if group is not None:
        kind, reason = group
        refs = pick_group(plan, kind, reason) if plan else plan_refs(await sorted_inbox(ctx, account), kind, reason)
        if not refs:
            raise ToolError(f"I found no {reason or kind.replace('_', ' ')} messages in your inbox; nothing to move.")
        return refs[:MOST_AT_ONCE]
    q = await understand(which, ctx.store, ctx.person, ctx.now())
    if not (q.senders or q.words or q.since):
        raise ToolError("Which messages? Say who they're from or what they're about, or ask me to sort your inbox.")
    with mail_errors():
        found = await with_imap(account, lambda s: _search(s, q))
    if not found:
        raise ToolError(f"I found no messages {q.described()}; nothing to move.")
    return [Ref.of(m) for m in found][:MOST_AT_ONCE]


def _move(session: ImapSession, refs: list[Ref], role: str) -> tuple[str, list[Ref]]:
    """Move the messages to the folder with `role`, finding each by Message-ID: the folder and those moved."""
    destination = session.folder(role)
    moved: list[Ref] = []
    for folder in dict.fromkeys(r.folder for r in refs):
        if folder == destination:
            continue
        session.select(folder, readonly=False)
        ids = session.message_ids()
        here = [r for r in refs if r.folder == folder and r.message_id in ids]
        session.move([ids[r.message_id] for r in here], destination)
        moved += here
    return destination, moved


async def _move_and_say(ctx: ToolContext, tool_name: str, which: str, role: str, done: str) -> Outcome:
    account = await account_of(ctx)
    refs = await frozen(ctx, tool_name, which) or await _selection(ctx, account, which)
    with mail_errors():
        destination, moved = await with_imap(account, lambda s: _move(s, refs, role))
    if not moved:
        raise ToolError("Those messages aren't where they were any more (moved or deleted elsewhere); "
                        "nothing was done.")
    missing = len(refs) - len(moved)
    note = f" {missing} of them had already moved elsewhere." if missing else ""
    undo = Undo("restore_mail", {"message_ids": [r.message_id for r in moved], "folders": [r.folder for r in moved],
                                 "from_folder": destination})
    return Outcome(f"{done} {len(moved)} message{'s' if len(moved) != 1 else ''} ({destination}).{note} "
                   "Say \"undo that\" to put them back.", undo=undo)


@tool(effect="change", asked_by=ASKS_TO_ARCHIVE,
      examples=["archive everything from LinkedIn"],
      describe=_describer("archive_mail", "moved out of the inbox into Archive, nothing deleted"))
async def archive_mail(ctx: ToolContext, which: str) -> Outcome:
    """Archive messages: move them out of the inbox into the Archive folder (in bulk: "the newsletters").

    Args:
        which: which messages, in the person's words: "the newsletters", "what can go", "2 and 5", "all from ShoeHaus"
    """
    return await _move_and_say(ctx, "archive_mail", which, "archive", "Archived")


@tool(effect="change", asked_by=ASKS_TO_DELETE,
      examples=["bin those offers from Acme"],
      describe=_describer("delete_mail", "moved to Trash, where they can still be brought back"))
async def delete_mail(ctx: ToolContext, which: str) -> Outcome:
    """Delete messages: move them to the Trash (in bulk: "the promotions", "what can go", "3").

    Args:
        which: which messages, in the person's words: "the spam", "what can go", "number 3", "all from ShoeHaus"
    """
    return await _move_and_say(ctx, "delete_mail", which, "trash", "Moved to Trash:")


def _restore(session: ImapSession, message_ids: list[str], folders: list[str], from_folder: str) -> int:
    session.select(from_folder, readonly=False)
    ids = session.message_ids()
    back = 0
    for folder in dict.fromkeys(folders):
        uids = [ids[m] for m, f in zip(message_ids, folders, strict=True) if f == folder and m in ids]
        session.move(uids, folder)
        back += len(uids)
    return back


@tool(effect="change", confirm=False, asked_by=None)
async def restore_mail(ctx: ToolContext, message_ids: list[str], folders: list[str], from_folder: str) -> str:
    """Move messages back to where they were (undoing an archive or a delete)."""
    if len(message_ids) != len(folders):
        raise ToolError("The undo record is damaged: I can't tell where each message came from.")
    account = await account_of(ctx)
    with mail_errors():
        back = await with_imap(account, lambda s: _restore(s, message_ids, folders, from_folder))
    places = " and ".join(dict.fromkeys(folders))
    missing = len(message_ids) - back
    note = f" {missing} were no longer in {from_folder}." if missing else ""
    return f"Moved {back} message{'s' if back != 1 else ''} back to {places}.{note}"

