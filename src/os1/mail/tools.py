"""Mail tools that only look: check, search, read, triage, draft. What they return is written by others, so
every result carrying mail text is marked as from outside (the agent then treats it as data, never as orders).

Listings are said as they are (numbered, exact): the person can point at "the second one" next.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime

from os1.mail.accounts import MailAccount, MailError, require_account
from os1.mail.client import ImapSession, with_imap
from os1.mail.compose import draft_reply_text, reply_draft
from os1.mail.parse import Mail, read_message
from os1.mail.search import MailQuery, matches, rank, understand
from os1.mail.selection import Ref, numbers_in, remember_draft, remember_listing, remember_plan, shown
from os1.mail.triage import Triage, triage
from os1.memory.embeddings import Embedder
from os1.tools.registry import Outcome, ToolContext, ToolError, tool

LISTED = 10  # messages in one listing
NEW_LISTED = 15
SENT_EXAMPLES = 3

# The words with which people ask (registry.py). Reads may be liberal: a wrong guess costs a look, not an action.
_MAIL = r"(?:e-?mails?|mails?|inbox|messages?)"
# A question that only says "message" is not about mail ("…a birthday message for my mother?").
ASKS_TO_CHECK = (rf"\b(?:any|new|unread|check|got|get|do i have|what'?s in|anything in|read me)\b[^.?!]*\b{_MAIL}\b|"
                 r"\b(?:e-?mails?|mails?|inbox)\b[^.!]*\?|\bmy inbox\b|\byou'?ve got mail\b")
ASKS_TO_SEARCH = (r"\b(?:find|search|look(?:ing)? (?:for|up)|dig up|where(?:'s| is)|pull up|get me|show me|"
                  r"summari[sz]e|what did)\b[^.?!]*\b(?:e-?mails?|mails?|letters?|messages?|notes?|inbox|wrote)\b|"
                  r"\b(?:e-?mails?|mails?|letters?|messages?) (?:from|about|by)\b")
ASKS_TO_READ = (r"\b(?:read|open|show|summari[sz]e|what does|what did|tell me (?:about|what))\b[^.?!]*"
                r"\b(?:e-?mails?|mails?|letters?|messages?|one|number \d+|#\d+|(?:first|second|third|last) one)\b|"
                r"\b(?:e-?mails?|mails?|letters?|messages?) (?:from|about)\b")
ASKS_TO_TRIAGE = (r"\b(?:triage|sort|go through|going through|clean(?:ing)? up|tidy|organi[sz]e|sift|prioriti[sz]e|"
                  r"what matters|deal with|declutter|catch up on)\b[^.?!]*\b(?:e-?mails?|mails?|inbox)\b|"
                  r"\binbox zero\b|\bwhat (?:in|of) my (?:e-?mail|mail|inbox) matters\b")
ASKS_TO_DRAFT = (r"\b(?:reply|respond|write back|draft|answer)\b[^.?!]*\b(?:to|e-?mails?|mails?|letters?|messages?|"
                 r"her|him|them|saying|that)\b|\bdraft (?:a |an |the |my )?(?:reply|response|answer|e-?mail|mail|"
                 r"letter|note)\b")


@contextlib.contextmanager
def mail_errors() -> Iterator[None]:
    """A MailError (the server, the account) reaches the person as a tool error, in its own words."""
    try:
        yield
    except MailError as exc:
        raise ToolError(str(exc)) from None


async def account_of(ctx: ToolContext) -> MailAccount:
    with mail_errors():
        return await require_account(ctx.store, ctx.home, ctx.person)


def embedder_of(ctx: ToolContext) -> Embedder | None:
    vectors = ctx.memory.vectors if ctx.memory is not None else None
    return vectors.embedder if vectors is not None else None


def numbered(mails: list[Mail], now: datetime, reasons: list[str] | None = None) -> str:
    lines = []
    for i, m in enumerate(mails, 1):
        why = f" [{reasons[i - 1]}]" if reasons and reasons[i - 1] else ""
        folder = "" if m.folder == "INBOX" else f" (in {m.folder})"
        lines.append(f"{i}. {_when(m.date, now)} · {m.line()}{folder}{why}\n   {m.preview()}")
    return "\n".join(lines)


def _when(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "undated"
    local = moment.astimezone(now.tzinfo) if moment.tzinfo else moment
    if local.date() == now.date():
        return f"today {local:%H:%M}"
    return f"{local:%a} {local.day} {local:%b}" + ("" if local.year == now.year else f" {local.year}")


def _sent_and_inbox(session: ImapSession, unseen_only: bool) -> tuple[set[str], list[Mail]]:
    known: set[str] = set()
    with contextlib.suppress(MailError):
        session.select(session.folder("sent", create=False))
        uids = session.search(["ALL"])[-300:]
        known = {a for m in session.summaries(uids, preview=0) for a in (*m.to, *m.cc)}
    session.select("INBOX")
    uids = session.search(["UNSEEN"] if unseen_only else ["ALL"])
    return known, session.summaries(uids[-200:])


@tool(effect="read", asked_by=ASKS_TO_CHECK, examples=["anything new in my email?"])
async def check_mail(ctx: ToolContext) -> Outcome:
    """Check the person's inbox for new (unread) mail: who wrote and about what, most important first."""
    account = await account_of(ctx)
    with mail_errors():
        known, new = await with_imap(account, lambda s: _sent_and_inbox(s, unseen_only=True))
    if not new:
        return Outcome("No new mail: everything in your inbox has been read.", said_as_is=True)
    sorted_ = await triage(new, embedder=embedder_of(ctx), correspondents=known, me=[account.address], now=ctx.now())
    order = [s for kind in ("matters", "keep", "other", "can_go") for s in sorted_.of(kind)]
    shown_ = order[:NEW_LISTED]
    await remember_listing(ctx, [s.mail for s in shown_])
    more = f"\n… and {len(order) - len(shown_)} more." if len(order) > len(shown_) else ""
    head = f"You have {len(new)} new message{'s' if len(new) != 1 else ''}, most important first:"
    body = numbered([s.mail for s in shown_], ctx.now(), [s.reason for s in shown_])
    return Outcome(f"{head}\n{body}{more}", from_outside=True, said_as_is=True)


def _search(session: ImapSession, q: MailQuery) -> list[Mail]:
    folders = ["INBOX"]
    with contextlib.suppress(MailError):
        folders.append(session.folder("archive", create=False))
    found: list[Mail] = []
    for with_words in (True, False):  # the words narrow it down; if nothing has them all, rank by them instead
        for folder in folders:
            session.select(folder)
            uids = session.search(q.criteria(with_words))[-300:]
            found += [m for m in session.summaries(uids) if matches(m, q)]
        if found or not q.words:
            break
    return found


@tool(effect="read", asked_by=ASKS_TO_SEARCH,
      examples=["find the email from Anna about the concert"])
async def search_mail(ctx: ToolContext, query: str) -> Outcome:
    """Find mail by who sent it, when and what it says ("the letter from my sister in May").

    Args:
        query: what to look for, in the person's words (who, when, what about)
    """
    account = await account_of(ctx)
    now = ctx.now()
    q = await understand(query, ctx.store, ctx.person, now)
    asked = await understand(ctx.request, ctx.store, ctx.person, now) if ctx.request else MailQuery()
    # The person's own words win where the model dropped something (a small model loses "in May" or "my sister").
    q = replace(q, senders=q.senders or asked.senders, since=q.since or asked.since, before=q.before or asked.before,
                when_label=q.when_label or asked.when_label, unknown_relation=q.unknown_relation or
                asked.unknown_relation if not (q.senders or asked.senders) else "")
    with mail_errors():
        found = rank(await with_imap(account, lambda s: _search(s, q)), q)[:LISTED]
    unknown = (f"I don't know who your {q.unknown_relation} is yet; tell me their name or address and I'll "
               "remember. " if q.unknown_relation else "")
    if not found:
        return Outcome(f"{unknown}I found no mail {q.described()}.", said_as_is=True)
    await remember_listing(ctx, found)
    head = f"{unknown}Mail {q.described()}, best match first:"
    return Outcome(f"{head}\n{numbered(found, now)}", from_outside=True, said_as_is=True)


async def choose_one(ctx: ToolContext, account: MailAccount, which: str) -> Ref:
    """The one message `which` points at: a number from the last listing, or words to search for."""
    _, listing = await shown(ctx)
    picked = numbers_in(which, len(listing)) if listing else None
    if picked:
        if not 1 <= picked[0] <= len(listing):
            raise ToolError(f"The last list I showed has {len(listing)} messages; which one do you mean?")
        return listing[picked[0] - 1]
    q = await understand(which, ctx.store, ctx.person, ctx.now())
    if not (q.senders or q.words or q.since):
        if listing and len(listing) == 1:
            return listing[0]
        raise ToolError("Which message? Say its number from the list, or who it's from.")
    with mail_errors():
        found = rank(await with_imap(account, lambda s: _search(s, q)), q)
    if not found:
        raise ToolError(f"I couldn't find a message {q.described()}.")
    return Ref.of(found[0])


def whole(session: ImapSession, ref: Ref) -> Mail:
    """The whole message, found by its Message-ID (its UID may have changed), else by its UID."""
    session.select(ref.folder)
    uid = ref.uid
    if ref.message_id:
        from os1.mail.client import quote
        uids = session.search(["HEADER", "Message-ID", quote(ref.message_id)])
        uid = uids[-1] if uids else 0
    raw = session.whole(uid) if uid else None
    if raw is None:
        raise MailError(f"That message ({ref.line()}) is no longer in {ref.folder}.")
    return read_message(raw, uid=uid, folder=ref.folder)


def shown_in_full(m: Mail, now: datetime) -> str:
    head = [f"From: {m.sender_name + ' <' + m.sender + '>' if m.sender_name else m.sender}",
            f"To: {', '.join(m.to)}", f"Date: {_when(m.date, now)}", f"Subject: {m.subject}"]
    if m.attachments:
        head.append(f"Attachments: {', '.join(m.attachments)}")
    note = "\n(This mail also had hidden text that a reader would not see; I left it out.)" if m.hidden_text else ""
    return "\n".join(head) + f"\n\n{m.text[:3500]}{note}"


@tool(effect="read", asked_by=ASKS_TO_READ,
      examples=["read me the mail from Jules"])
async def read_mail(ctx: ToolContext, which: str) -> Outcome:
    """Read one message in full.

    Args:
        which: its number in the last list shown ("2"), or who it is from and what about ("Amy's mail about dinner")
    """
    account = await account_of(ctx)
    ref = await choose_one(ctx, account, which)
    with mail_errors():
        m = await with_imap(account, lambda s: whole(s, ref))
    await remember_listing(ctx, [m])
    return Outcome(shown_in_full(m, ctx.now()), from_outside=True)


async def sorted_inbox(ctx: ToolContext, account: MailAccount) -> Triage:
    with mail_errors():
        known, inbox = await with_imap(account, lambda s: _all_inbox(s))
    return await triage(inbox, embedder=embedder_of(ctx), correspondents=known, me=[account.address], now=ctx.now())


def _all_inbox(session: ImapSession) -> tuple[set[str], list[Mail]]:
    known, _ = _sent_and_inbox(session, unseen_only=True)
    session.select("INBOX")
    return known, session.summaries(session.search(["ALL"]))


@tool(effect="read", asked_by=ASKS_TO_TRIAGE, examples=["go through my inbox for me"])
async def triage_inbox(ctx: ToolContext) -> Outcome:
    """Go through the whole inbox and sort it: what matters (people, replies needed, bills and deadlines), what
    is worth keeping (funny and personal letters) and what can go (newsletters, promotions, notifications)."""
    account = await account_of(ctx)
    result = await sorted_inbox(ctx, account)
    if not len(result):
        return Outcome("Your inbox is empty.", said_as_is=True)
    await remember_plan(ctx, result)
    return Outcome(result.report(), from_outside=True, said_as_is=True)


def _original_and_voice(session: ImapSession, ref: Ref, examples: int) -> tuple[Mail, list[Mail]]:
    original = whole(session, ref)
    voice: list[Mail] = []
    with contextlib.suppress(MailError):
        session.select(session.folder("sent", create=False))
        uids = session.search(["ALL"])[-20:]
        sent = session.summaries(uids, preview=1200)
        to_them = [m for m in sent if original.sender in m.to]
        voice = (to_them + [m for m in reversed(sent) if m not in to_them])[:examples]
    return original, voice


@tool(effect="read", asked_by=ASKS_TO_DRAFT,
      examples=["answer Paul's email and say I can't make it on Friday"])
async def draft_reply(ctx: ToolContext, which: str, points: str) -> Outcome:
    """Write a reply to a message in the person's own voice, and show it to them (nothing is sent).

    Args:
        which: the message: its number in the last list shown, or who it is from ("Amy's mail")
        points: what the reply should say, in the person's words ("yes to Thursday, I'll bring wine")
    """
    if ctx.model is None:
        raise ToolError("I have no model to write with right now.")
    account = await account_of(ctx)
    ref = await choose_one(ctx, account, which)
    with mail_errors():
        original, voice = await with_imap(account, lambda s: _original_and_voice(s, ref, SENT_EXAMPLES))
    body = await draft_reply_text(ctx.model, ctx.person.name.capitalize(), original, points, voice)
    if not body:
        raise ToolError("I couldn't write that reply just now; try telling me again what it should say.")
    draft = reply_draft(original, body)
    await remember_draft(ctx, draft)
    return Outcome(f"Here's a draft reply to {original.who}:\n\nTo: {draft.to}\nSubject: {draft.subject}\n\n{body}\n\n"
                   "Say \"send it\" when it's right, or tell me what to change. Nothing has been sent.",
                   from_outside=True, said_as_is=True)
