"""A person's mail account: where their servers are, and their password kept sealed.

The password never reaches the database in plain text: it is encrypted with Fernet (AES-128-CBC + HMAC-SHA256)
under a key kept in `<home>/secrets/mail.key` (0600, in a 0700 folder), and the row holds only the ciphertext.
Copying the database alone gives nobody the password. The account's repr leaves the password out, so it never
reaches a log line either.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import sqlite3
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, cast

from cryptography.fernet import Fernet, InvalidToken

from os1.db.store import Store, User
from os1.db.times import now_iso

Security = Literal["ssl", "starttls", "none"]
SECURITIES: tuple[Security, ...] = ("ssl", "starttls", "none")
KEY_FILE = Path("secrets") / "mail.key"


class MailError(Exception):
    """Something about the person's mail went wrong; the message says what, for the person."""


@dataclass(frozen=True)
class MailAccount:
    address: str
    imap_host: str
    imap_port: int
    imap_security: Security
    smtp_host: str
    smtp_port: int
    smtp_security: Security
    username: str
    password: str = field(repr=False)

    def check(self) -> None:
        """Refuse settings that would send the password in the clear over a network."""
        for host, security, what in ((self.imap_host, self.imap_security, "IMAP"),
                                     (self.smtp_host, self.smtp_security, "SMTP")):
            if security not in SECURITIES:
                raise MailError(f"{what} security must be one of {', '.join(SECURITIES)} (not {security!r}).")
            if security == "none" and not is_loopback(host):
                raise MailError(f"{what} without encryption is only allowed on this machine (localhost, 127.0.0.1): "
                                f"{host} would see your password in the clear. Use ssl or starttls.")

    def public(self) -> dict[str, Any]:
        """What may be shown (`os1 mail status`): everything but the password."""
        return {"address": self.address, "imap": f"{self.imap_host}:{self.imap_port} ({self.imap_security})",
                "smtp": f"{self.smtp_host}:{self.smtp_port} ({self.smtp_security})", "username": self.username}


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def default_smtp_security(port: int, imap_security: Security) -> Security:
    """465 is SMTP over TLS, 587 submission with STARTTLS; otherwise as the IMAP side."""
    return {465: "ssl", 587: "starttls"}.get(port, imap_security)  # type: ignore[return-value]


# -- the sealed password -----------------------------------------------------------------------------------

def _key(home: Path, create: bool) -> bytes:
    path = home / KEY_FILE
    if path.exists():
        return path.read_bytes().strip()
    if not create:
        raise MailError(f"The key that unlocks your mail password is missing ({path}); run `os1 mail connect` again.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    key = Fernet.generate_key()
    # O_EXCL: two processes connecting at once must not each write a different key.
    with contextlib.suppress(FileExistsError):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key)
            f.flush()
            os.fsync(f.fileno())
    return path.read_bytes().strip()


def seal(home: Path, secret: str) -> str:
    return Fernet(_key(home, create=True)).encrypt(secret.encode()).decode("ascii")


def unseal(home: Path, sealed: str) -> str:
    try:
        return Fernet(_key(home, create=False)).decrypt(sealed.encode("ascii")).decode()
    except InvalidToken:
        raise MailError("Your mail password could not be unlocked (the key in "
                        f"{home / KEY_FILE} does not match); run `os1 mail connect` again.") from None


# -- the store ---------------------------------------------------------------------------------------------

_COLUMNS = ("address, imap_host, imap_port, imap_security, smtp_host, smtp_port, smtp_security, username, "
            "password_sealed")


async def save_account(store: Store, home: Path, user: User, account: MailAccount) -> None:
    """Keep (or replace) the person's account, its password sealed."""
    account.check()
    sealed = seal(home, account.password)
    now = now_iso()

    def op(db: sqlite3.Connection) -> None:
        db.execute(f"INSERT INTO mail_accounts (user_id, {_COLUMNS}, created_at, updated_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET "
                   + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS.split(", "))
                   + ", updated_at = excluded.updated_at",
                   (user.id, account.address, account.imap_host, account.imap_port, account.imap_security,
                    account.smtp_host, account.smtp_port, account.smtp_security, account.username, sealed, now, now))

    await store.write(op)


async def load_account(store: Store, home: Path | None, user: User) -> MailAccount | None:
    """The person's account with its password unsealed, or None when they have not connected mail."""
    rows = await store.read(f"SELECT {_COLUMNS} FROM mail_accounts WHERE user_id = ?", (user.id,))
    if not rows:
        return None
    if home is None:
        raise MailError("OS1's home folder is unknown here, so the mail password cannot be unlocked.")
    r = rows[0]
    return MailAccount(r[0], r[1], int(r[2]), cast(Security, r[3]), r[4], int(r[5]), cast(Security, r[6]), r[7],
                       unseal(home, r[8]))


async def account_settings(store: Store, user: User) -> MailAccount | None:
    """The person's account without unsealing the password (for showing it)."""
    rows = await store.read(f"SELECT {_COLUMNS} FROM mail_accounts WHERE user_id = ?", (user.id,))
    if not rows:
        return None
    r = rows[0]
    return MailAccount(r[0], r[1], int(r[2]), cast(Security, r[3]), r[4], int(r[5]), cast(Security, r[6]), r[7], "")


async def delete_account(store: Store, user: User) -> bool:
    def op(db: sqlite3.Connection) -> bool:
        return db.execute("DELETE FROM mail_accounts WHERE user_id = ?", (user.id,)).rowcount > 0

    return await store.write(op)


async def require_account(store: Store, home: Path | None, user: User) -> MailAccount:
    account = await load_account(store, home, user)
    if account is None:
        raise MailError("Your mail isn't connected yet. Run `os1 mail connect` and I can read and sort it.")
    return account


def with_password(account: MailAccount, password: str) -> MailAccount:
    return replace(account, password=password)
