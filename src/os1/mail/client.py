"""Talking to the person's mail servers: IMAP (imaplib) and SMTP (smtplib), in worker threads.

One IMAP session per piece of work (`with_imap`): log in, do it, log out. Big reads go in batches of FETCHes of
headers plus the start of the body, so a thousand messages come in a handful of round trips. Errors come back as
MailError in words for the person ("couldn't log in: the server said …; check the password"), never with the
password in them.
"""

from __future__ import annotations

import asyncio
import contextlib
import imaplib
import re
import smtplib
import socket
import ssl
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from email.message import EmailMessage
from typing import TypeVar

from os1.mail.accounts import MailAccount, MailError
from os1.mail.parse import SUMMARY_HEADERS, Mail, read_message

T = TypeVar("T")
TIMEOUT_S = 30
BATCH = 250  # messages per FETCH: big enough to keep round trips few, small enough to keep replies a few MB
PREVIEW_BYTES = 1500  # of each body, for listings and triage
ROLES = {"archive": ("\\Archive", ("Archive", "Archives", "[Gmail]/All Mail")),
         "trash": ("\\Trash", ("Trash", "Deleted Items", "Deleted Messages", "[Gmail]/Trash", "Bin")),
         "sent": ("\\Sent", ("Sent", "Sent Items", "Sent Messages", "Sent Mail", "[Gmail]/Sent Mail"))}
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


class ImapSession:
    """A logged-in IMAP connection (blocking: used from a worker thread)."""

    def __init__(self, account: MailAccount) -> None:
        self.account = account
        where = f"{account.imap_host}:{account.imap_port}"
        try:
            if account.imap_security == "ssl":
                self.imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(account.imap_host, account.imap_port,
                                                             ssl_context=ssl.create_default_context(),
                                                             timeout=TIMEOUT_S)
            else:
                self.imap = imaplib.IMAP4(account.imap_host, account.imap_port, timeout=TIMEOUT_S)
                if account.imap_security == "starttls":
                    self.imap.starttls(ssl.create_default_context())
        except (OSError, imaplib.IMAP4.error) as exc:
            raise MailError(f"Couldn't reach the IMAP server {where}: {_why(exc)}.") from None
        try:
            self.imap.login(account.username, account.password)
        except imaplib.IMAP4.error as exc:
            self.close()
            raise MailError(f"Couldn't log in to {where} as {account.username}: the server said "
                            f"\"{_said(exc)}\"; check the username and password.") from None
        except OSError as exc:
            self.close()
            raise MailError(f"The IMAP server {where} dropped the connection while logging in: {_why(exc)}.") from None
        self.selected: str | None = None
        self._refresh_capabilities()

    def _refresh_capabilities(self) -> None:
        # Servers tell more after login (MOVE, UIDPLUS) than before; imaplib keeps the list from before.
        with contextlib.suppress(imaplib.IMAP4.error, OSError, IndexError):
            status, data = self.imap.capability()
            if status == "OK" and isinstance(data[-1], bytes):
                self.imap.capabilities = tuple(data[-1].decode().upper().split())

    def close(self) -> None:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            self.imap.logout()

    # -- folders -------------------------------------------------------------------------------------------

    def folders(self) -> dict[str, str]:
        """Folder name → its LIST flags (lower case)."""
        status, data = self.imap.list()
        found = {}
        for line in data if status == "OK" else []:
            if not isinstance(line, bytes):
                continue
            m = re.match(rb'\((?P<flags>[^)]*)\) (?:"(?:[^"\\]|\\.)*"|NIL) (?P<name>.+)$', line)
            if m:
                name = m["name"].decode("utf-8", "replace").strip()
                if name.startswith('"') and name.endswith('"'):
                    name = name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
                found[name] = m["flags"].decode().lower()
        return found

    def folder(self, role: str, create: bool = True) -> str:
        """The folder for "archive", "trash" or "sent": the one the server marks so, else by its usual names,
        else created (so nothing is ever only expunged)."""
        flag, names = ROLES[role]
        folders = self.folders()
        for name, flags in folders.items():
            if flag.lower() in flags.split():
                return name
        lowered = {n.lower(): n for n in folders}
        for name in names:
            if name.lower() in lowered:
                return lowered[name.lower()]
        if not create:
            raise MailError(f"There is no {role} folder on the server.")
        self._ok(self.imap.create(quote(names[0])), f"create the {names[0]} folder")
        with contextlib.suppress(imaplib.IMAP4.error):
            self.imap.subscribe(quote(names[0]))
        return names[0]

    def select(self, folder: str = "INBOX", readonly: bool = True) -> int:
        status, data = self.imap.select(quote(folder), readonly=readonly)
        if status != "OK":
            raise MailError(f"Couldn't open the folder {folder!r}: {_text(data)}.")
        self.selected = folder
        return int(data[0] or 0)

    # -- reading -------------------------------------------------------------------------------------------

    def search(self, criteria: list[str]) -> list[int]:
        """UIDs in the selected folder matching IMAP SEARCH criteria (already quoted), oldest first."""
        status, data = self.imap.uid("SEARCH", *(criteria or ["ALL"]))
        self._ok((status, data), "search")
        return sorted(int(x) for x in b" ".join(d for d in data if isinstance(d, bytes)).split())

    def summaries(self, uids: list[int], preview: int = PREVIEW_BYTES) -> list[Mail]:
        """Headers and the start of the body of these messages in the selected folder, in batches."""
        fields = " ".join(h.upper() for h in SUMMARY_HEADERS)
        items = f"(UID FLAGS INTERNALDATE BODY.PEEK[HEADER.FIELDS ({fields})] BODY.PEEK[TEXT]<0.{preview}>)"
        found: list[Mail] = []
        for start in range(0, len(uids), BATCH):
            batch = uids[start:start + BATCH]
            status, data = self.imap.uid("FETCH", uid_set(batch), items)
            self._ok((status, data), "read the messages")
            for record in fetched(data):
                raw = record.sections.get("HEADER", b"") + record.sections.get("TEXT", b"")
                found.append(read_message(raw, uid=record.uid, folder=self.selected or "INBOX",
                                          seen="\\seen" in record.flags, received=record.internaldate))
        order = {uid: i for i, uid in enumerate(uids)}
        return sorted(found, key=lambda m: order.get(m.uid, 0))

    def whole(self, uid: int) -> bytes | None:
        """The whole message (without marking it read)."""
        status, data = self.imap.uid("FETCH", str(uid), "(UID BODY.PEEK[])")
        self._ok((status, data), "read the message")
        records = fetched(data)
        return records[0].sections.get("ALL") if records else None

    def message_ids(self) -> dict[str, int]:
        """Message-ID → UID for the whole selected folder (UIDs change when a message moves; these don't)."""
        status, data = self.imap.uid("FETCH", "1:*", "(UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        if status != "OK":
            return {}
        ids: dict[str, int] = {}
        for record in fetched(data):
            header = record.sections.get("HEADER", b"").decode("utf-8", "replace")
            value = header.partition(":")[2].strip()
            if value:
                ids.setdefault(value, record.uid)
        return ids

    # -- changing ------------------------------------------------------------------------------------------

    def move(self, uids: list[int], destination: str) -> None:
        """Move messages of the selected folder (MOVE, or COPY then remove only those: never a plain EXPUNGE)."""
        if not uids:
            return
        caps = {c.upper() for c in self.imap.capabilities}
        for start in range(0, len(uids), BATCH):
            chunk = uid_set(uids[start:start + BATCH])
            if "MOVE" in caps:
                self._ok(self.imap.uid("MOVE", chunk, quote(destination)), f"move the messages to {destination}")
                continue
            self._ok(self.imap.uid("COPY", chunk, quote(destination)), f"copy the messages to {destination}")
            self._ok(self.imap.uid("STORE", chunk, "+FLAGS.SILENT", r"(\Deleted)"), "mark the moved messages")
            if "UIDPLUS" in caps:
                self._ok(self.imap.uid("EXPUNGE", chunk), "remove the moved messages")

    def append(self, folder: str, raw: bytes, seen: bool = True) -> None:
        flags = r"(\Seen)" if seen else None
        self._ok(self.imap.append(quote(folder), flags, imaplib.Time2Internaldate(datetime.now().astimezone()), raw),
                 f"save a copy in {folder}")

    def _ok(self, reply: tuple[str, Sequence[object]], doing: str) -> None:
        status, data = reply
        if status != "OK":
            raise MailError(f"The mail server would not {doing}: {_text(data)}.")


class Fetched:
    def __init__(self) -> None:
        self.meta = b""
        self.sections: dict[str, bytes] = {}

    @property
    def uid(self) -> int:
        m = re.search(rb"\bUID (\d+)", self.meta)
        return int(m[1]) if m else 0

    @property
    def flags(self) -> str:
        m = re.search(rb"\bFLAGS \(([^)]*)\)", self.meta)
        return m[1].decode().lower() if m else ""

    @property
    def internaldate(self) -> datetime | None:
        m = re.search(rb'INTERNALDATE "([^"]+)"', self.meta)
        if not m:
            return None
        try:
            return datetime.strptime(m[1].decode(), "%d-%b-%Y %H:%M:%S %z")
        except ValueError:
            return None


_SECTION = re.compile(rb"BODY\[(?P<part>[^\]]*)\](?:<\d+>)? \{\d+\}$")


def fetched(data: list[object]) -> list[Fetched]:
    """imaplib's FETCH reply (tuples of prefix and literal, and bytes between) as one record per message."""
    records: list[Fetched] = []
    current: Fetched | None = None
    for item in data:
        head = item[0] if isinstance(item, tuple) else item
        if not isinstance(head, bytes):
            continue
        start = re.match(rb"^\d+ \(", head)
        if start:
            current = Fetched()
            records.append(current)
            head = head[start.end():]
        if current is None:
            continue
        if isinstance(item, tuple):
            section = _SECTION.search(head)
            if section:
                part = section["part"].split(b" ", 1)[0].split(b".", 1)[0].decode().upper() or "ALL"
                current.sections[part] = item[1] if isinstance(item[1], bytes) else b""
                head = head[:section.start()]
        current.meta += b" " + head
    return records


def uid_set(uids: Iterable[int]) -> str:
    """"1:4,7,9:10": runs of UIDs written as ranges (a thousand UIDs in a short command)."""
    ordered = sorted(set(uids))
    runs: list[str] = []
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        runs.append(str(ordered[i]) if i == j else f"{ordered[i]}:{ordered[j]}")
        i = j + 1
    return ",".join(runs)


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def imap_date(day: date) -> str:
    return f"{day.day}-{_MONTHS[day.month - 1]}-{day.year}"


async def with_imap(account: MailAccount, work: Callable[[ImapSession], T]) -> T:
    """Log in, do `work` with the session (in a worker thread), log out."""
    def run() -> T:
        session = ImapSession(account)
        try:
            return work(session)
        except (imaplib.IMAP4.error, OSError) as exc:
            raise MailError(f"The mail server {account.imap_host} broke off: {_why(exc)}.") from None
        finally:
            session.close()

    return await asyncio.to_thread(run)


async def fetch_inbox(account: MailAccount, folder: str = "INBOX", limit: int | None = None,
                      preview: int = PREVIEW_BYTES) -> list[Mail]:
    """Every message in a folder (the newest `limit`), as headers and a preview: what triage works on."""
    def work(session: ImapSession) -> list[Mail]:
        session.select(folder)
        uids = session.search(["ALL"])
        return session.summaries(uids[-limit:] if limit else uids, preview)

    return await with_imap(account, work)


async def fetch_correspondents(account: MailAccount, limit: int = 500) -> set[str]:
    """The addresses the person has written to (from their Sent folder): people, not lists."""
    def work(session: ImapSession) -> set[str]:
        try:
            session.select(session.folder("sent", create=False))
        except MailError:
            return set()
        uids = session.search(["ALL"])[-limit:]
        return {a for m in session.summaries(uids, preview=0) for a in (*m.to, *m.cc)}

    return await with_imap(account, work)


# -- SMTP ----------------------------------------------------------------------------------------------------

def _smtp(account: MailAccount) -> smtplib.SMTP:
    where = f"{account.smtp_host}:{account.smtp_port}"
    try:
        if account.smtp_security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(account.smtp_host, account.smtp_port, timeout=TIMEOUT_S,
                                                  context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(account.smtp_host, account.smtp_port, timeout=TIMEOUT_S)
            if account.smtp_security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        smtp.ehlo()
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"Couldn't reach the SMTP server {where}: {_why(exc)}.") from None
    try:
        if smtp.has_extn("auth"):
            smtp.login(account.username, account.password)
    except smtplib.SMTPAuthenticationError as exc:
        smtp.close()
        raise MailError(f"Couldn't log in to the SMTP server {where}: the server said \"{_said(exc)}\"; check the "
                        "username and password.") from None
    except (OSError, smtplib.SMTPException) as exc:
        smtp.close()
        raise MailError(f"The SMTP server {where} refused to log in: {_why(exc)}.") from None
    return smtp


def check_smtp(account: MailAccount) -> None:
    """Connect and log in to the SMTP server (as `os1 mail connect` does before saving)."""
    smtp = _smtp(account)
    with contextlib.suppress(OSError, smtplib.SMTPException):
        smtp.quit()


def send_message(account: MailAccount, message: EmailMessage) -> None:
    """Hand a message to the SMTP server. Raises MailError with what the server said."""
    smtp = _smtp(account)
    try:
        smtp.send_message(message, from_addr=account.address)
    except smtplib.SMTPRecipientsRefused as exc:
        refused = "; ".join(f"{who}: {_said(reply)}" for who, reply in exc.recipients.items())
        raise MailError(f"The mail server refused the recipient ({refused}). Nothing was sent.") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"The mail server did not take the message: {_why(exc)}. Nothing was sent.") from None
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            smtp.quit()


def _said(exc: object) -> str:
    """What the server said, from an imaplib/smtplib error (bytes, tuples and all)."""
    if isinstance(exc, tuple):
        return _said(exc[-1])
    if isinstance(exc, bytes):
        return exc.decode("utf-8", "replace").strip()
    if isinstance(exc, smtplib.SMTPResponseException):
        return _said(exc.smtp_error)
    if isinstance(exc, BaseException) and exc.args:
        return _said(exc.args[0]) if len(exc.args) == 1 else " ".join(_said(a) for a in exc.args)
    text = str(exc).strip()
    return text[2:-1] if text.startswith("b'") and text.endswith("'") else text


def _why(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "the connection was refused (is the host and port right?)"
    if isinstance(exc, socket.gaierror):
        return "that host name is unknown"
    if isinstance(exc, TimeoutError | socket.timeout):
        return "it did not answer in time"
    if isinstance(exc, ssl.SSLError):
        return f"the encrypted connection failed ({exc.reason or exc}): check the security setting (ssl or starttls) " \
               "and the port"
    return _said(exc) or type(exc).__name__


def _text(data: object) -> str:
    if isinstance(data, list):
        return " ".join(_said(d) for d in data if d is not None) or "no reason given"
    return _said(data)
