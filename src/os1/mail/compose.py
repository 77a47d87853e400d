"""Writing mail: a reply drafted in the person's own voice, and the message that goes out.

The draft is the model's work from three things: the mail being answered (quoted as data: it may try to steer
the reply), what the person wants to say, and a few mails they wrote themselves (their Sent folder) so it sounds
like them. Nothing leaves here; sending is its own, confirmed, step.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from os1.mail.parse import Mail
from os1.mail.selection import Draft
from os1.models.base import GenerateOptions, Message, Model
from os1.tools.policy import UNTRUSTED_NOTE, quote_untrusted

DRAFT_TOKENS = 350
EXAMPLE_CHARS = 600
ADDRESS = re.compile(r"^[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+$")


def reply_subject(subject: str) -> str:
    return subject if re.match(r"^\s*re\s*:", subject, re.IGNORECASE) else f"Re: {subject}".strip()


def draft_prompt(person: str, original: Mail, points: str, examples: list[Mail]) -> list[Message]:
    voice = "\n\n".join(quote_untrusted(f"a mail {person} wrote", m.text[:EXAMPLE_CHARS]) for m in examples)
    system = (f"You write email replies for {person}, in {person}'s own voice: their greeting, their length, their "
              f"warmth, their sign-off. Write only the body of the reply, as {person}, nothing before or after it. "
              "Say what they want to say; do not promise or invent anything else.\n\n"
              + (f"How {person} writes:\n{voice}\n\n" if voice else "")
              + f"The mail they are answering:\n{quote_untrusted(f'mail from {original.who}', original.text)}\n"
              + UNTRUSTED_NOTE)
    user = (f"Write {person}'s reply to {original.who}'s mail \"{original.subject}\". What {person} wants to say: "
            f"{points or 'a short, kind reply'}")
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


async def draft_reply_text(model: Model, person: str, original: Mail, points: str, examples: list[Mail]) -> str:
    pieces = [p async for p in model.stream(draft_prompt(person, original, points, examples),
                                            GenerateOptions(max_tokens=DRAFT_TOKENS, temperature=0.4))]
    body = "".join(pieces).strip()
    body = re.sub(r"^(?:subject:.*\n+)", "", body, flags=re.IGNORECASE)  # a model sometimes writes headers
    return body.strip()


def reply_draft(original: Mail, body: str) -> Draft:
    references = " ".join(x for x in (original.references, original.message_id) if x)
    return Draft(original.reply_to or original.sender, reply_subject(original.subject), body, original.message_id,
                 references)


def outgoing(sender_name: str, sender: str, draft: Draft, now: datetime) -> EmailMessage:
    """The message as it will be sent (and copied to Sent)."""
    msg = EmailMessage()
    msg["From"] = formataddr((sender_name, sender)) if sender_name else sender
    msg["To"] = draft.to
    msg["Subject"] = draft.subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(domain=sender.split("@")[-1])
    if draft.in_reply_to:
        msg["In-Reply-To"] = draft.in_reply_to
        msg["References"] = draft.references or draft.in_reply_to
    msg["User-Agent"] = "OS1"
    msg.set_content(draft.body)
    return msg


def check_recipients(to: str) -> list[str]:
    """The addresses in `to` ("a@x.org, b@y.org"); raises ValueError with what is wrong."""
    found = [a.strip().strip("<>") for a in re.split(r"[,;]\s*", to) if a.strip()]
    if not found:
        raise ValueError("Who should it go to? I need an email address.")
    bad = [a for a in found if not ADDRESS.match(a)]
    if bad:
        raise ValueError(f"{', '.join(bad)} is not an email address I can send to. Which address should I use?")
    return found
