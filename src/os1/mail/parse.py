"""Reading a message as it arrives: decoded headers, its text (plain, or HTML made plain), attachments by name.

Mail is written by strangers, so nothing here trusts it: unknown charsets fall back, broken MIME still yields
what can be read, and HTML text a reader would not see (display:none, white or zero-size text, <script>) is left
out and flagged, since hidden text is where instructions to an assistant hide.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser

# The headers a listing, search and triage need: fetched alone for big inboxes (the body only as a preview).
SUMMARY_HEADERS = ("From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
                   "List-Unsubscribe", "List-Id", "Precedence", "Auto-Submitted", "X-Mailer", "Feedback-ID",
                   "X-Campaign", "Importance", "X-Priority", "Content-Type", "Content-Transfer-Encoding",
                   "MIME-Version")
_KEPT = ("list-unsubscribe", "list-id", "precedence", "auto-submitted", "x-mailer", "feedback-id", "x-campaign",
         "importance", "x-priority")


@dataclass(frozen=True)
class Mail:
    """One message, read."""

    message_id: str
    sender_name: str
    sender: str  # the address, lower case
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    date: datetime | None
    text: str  # the readable body (may be only its beginning, for a preview)
    attachments: tuple[str, ...] = ()
    signals: dict[str, str] = field(default_factory=dict)  # list-unsubscribe, precedence, … (lower-case keys)
    in_reply_to: str = ""
    references: str = ""
    reply_to: str = ""
    uid: int = 0
    folder: str = "INBOX"
    seen: bool = False
    hidden_text: bool = False  # the HTML had text a reader would not see (left out of `text`)

    @property
    def who(self) -> str:
        return self.sender_name or self.sender

    def line(self) -> str:
        """"Amy <amy@…> — Lunch on Friday?": who and what, on one line."""
        who = f"{self.sender_name} <{self.sender}>" if self.sender_name else self.sender
        return f"{who} — {self.subject or '(no subject)'}"

    def preview(self, chars: int = 140) -> str:
        flat = " ".join(self.text.split())
        return flat if len(flat) <= chars else flat[: chars - 1].rstrip() + "…"


def read_message(raw: bytes, *, uid: int = 0, folder: str = "INBOX", seen: bool = False,
                 received: datetime | None = None) -> Mail:
    """Parse a whole message, or just its headers plus the beginning of its body (a preview fetch)."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    name, address = parseaddr(header_text(msg.get("From", "")))
    text, attachments, hidden = _body(msg)
    date = _date(msg.get("Date")) or received
    signals = {h: header_text(msg.get(h, "")) for h in _KEPT if msg.get(h) is not None}
    return Mail(
        message_id=header_text(msg.get("Message-ID", "")).strip(), sender_name=name.strip().strip('"'),
        sender=address.strip().lower(), to=_addresses(msg, "To"), cc=_addresses(msg, "Cc"),
        subject=" ".join(header_text(msg.get("Subject", "")).split()), date=date, text=text,
        attachments=tuple(attachments), signals=signals, in_reply_to=header_text(msg.get("In-Reply-To", "")).strip(),
        references=" ".join(header_text(msg.get("References", "")).split()),
        reply_to=parseaddr(header_text(msg.get("Reply-To", "")))[1].lower(),
        uid=uid, folder=folder, seen=seen, hidden_text=hidden)


def header_text(value: object) -> str:
    """A header decoded from its RFC 2047 words ("=?utf-8?q?…?="), whatever its charset claims."""
    if value is None:
        return ""
    raw = str(value)
    try:
        return str(make_header(decode_header(raw)))
    except (LookupError, UnicodeDecodeError, ValueError, email.errors.HeaderParseError):
        parts = []
        for chunk, charset in decode_header(raw):
            parts.append(chunk.decode("latin-1") if isinstance(chunk, bytes) and charset is None
                         else _decode(chunk, charset) if isinstance(chunk, bytes) else chunk)
        return "".join(parts)


def _addresses(msg: Message, name: str) -> tuple[str, ...]:
    values = [header_text(v) for v in msg.get_all(name, [])]
    return tuple(a.lower() for _, a in getaddresses(values) if a)


def _date(value: object) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None


def _decode(data: bytes, charset: str | None) -> str:
    for candidate in (charset, "utf-8", "cp1252"):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1")


def _payload(part: Message) -> str:
    try:
        data = part.get_payload(decode=True)
    except (ValueError, TypeError):  # a truncated preview can cut base64 mid-quad
        data = None
    if not isinstance(data, bytes):
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    return _decode(data, part.get_content_charset())


def _body(msg: Message) -> tuple[str, list[str], bool]:
    """(readable text, attachment names, whether hidden HTML text was left out)."""
    plain, html, attachments = [], [], []
    for part in msg.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        disposition = (part.get("Content-Disposition") or "").lower()
        if filename or disposition.startswith("attachment"):
            attachments.append(header_text(filename) if filename else "(unnamed attachment)")
            continue
        kind = part.get_content_type()
        if kind == "text/plain":
            plain.append(_payload(part))
        elif kind == "text/html":
            html.append(_payload(part))
        elif kind == "message/rfc822":
            attachments.append("(a forwarded message)")
    if plain and any(p.strip() for p in plain):
        hidden = any(html_to_text(h)[1] for h in html)
        return _tidy("\n\n".join(plain)), attachments, hidden
    texts = [html_to_text(h) for h in html]
    return _tidy("\n\n".join(t for t, _ in texts)), attachments, any(h for _, h in texts)


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# -- HTML to plain text ------------------------------------------------------------------------------------

_SKIP = {"script", "style", "head", "title", "template", "noscript", "svg", "object", "iframe"}
_BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "section",
          "article", "header", "footer", "ul", "ol", "hr", "pre"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "track", "wbr"}
_HIDING = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(?:\.0+)?\s*(?:;|$)|"
                     r"font-size\s*:\s*0*[01](?:\.\d+)?\s*(?:px|pt|em|rem|%)?\s*(?:;|$)|"
                     r"(?:max-)?(?:height|width)\s*:\s*0(?:px)?\s*(?:;|$)|"
                     r"(?<!-)color\s*:\s*(?:#fff(?:fff)?\b|white\b|rgba?\(\s*255\s*,\s*255\s*,\s*255)|"
                     r"(?<!-)color\s*:\s*transparent|text-indent\s*:\s*-\d{3,}|"
                     r"(?:left|top)\s*:\s*-\d{3,}", re.IGNORECASE)


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, hides what is inside)
        self.hidden_seen = False

    def _hiding(self) -> bool:
        return any(h for _, h in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        hides = (tag in _SKIP or "hidden" in a or a.get("aria-hidden") == "true"
                 or bool(_HIDING.search(a.get("style", ""))) or a.get("color", "").lower() in ("#fff", "#ffffff",
                                                                                               "white"))
        if tag in _BLOCK and not self._hiding():
            self.out.append("\n")
        if tag == "li" and not self._hiding():
            self.out.append("• ")
        if tag == "img" and a.get("alt") and not self._hiding() and not hides:
            self.out.append(f"[{a['alt']}]")
        if tag not in _VOID:
            self.stack.append((tag, hides))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break
        if tag in _BLOCK and not self._hiding():
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if self._hiding():
            if data.strip() and not any(t in _SKIP for t, _ in self.stack):
                self.hidden_seen = True
            return
        self.out.append(data)


def html_to_text(html: str) -> tuple[str, bool]:
    """(the text a reader sees, whether there was text they would not see)."""
    parser = _TextOf()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # HTMLParser on very broken markup
        pass
    text = "".join(parser.out)
    text = re.sub(r"[ \t\f\v]+", " ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _tidy(text), parser.hidden_seen


def as_email(mail_bytes: bytes) -> EmailMessage:
    """The message as an EmailMessage (for replying: threading headers)."""
    parsed = email.message_from_bytes(mail_bytes, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed
