"""`os1 mail connect | status | disconnect`: the person connects their own mail account to OS1.

Connecting logs in to IMAP and checks SMTP before anything is saved, so a wrong password is said at once and
nothing half-right is kept. The password is sealed (mail/accounts.py) and never printed or logged.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import NoReturn

import click
from rich.text import Text

from os1.cli.support import err, person_store, settings_from
from os1.mail.accounts import (
    SECURITIES,
    MailAccount,
    MailError,
    Security,
    account_settings,
    default_smtp_security,
    delete_account,
    is_loopback,
    save_account,
)
from os1.mail.client import ImapSession, check_smtp

USER = click.option("--user", "user", help="Whose mail (default: your login name).")
SECURITY = click.Choice(SECURITIES)


@click.group()
def mail() -> None:
    """Connect your mail account, see it, or disconnect it."""


@mail.command("connect")
@USER
@click.option("--address", prompt="Your email address", help="The address you send from.")
@click.option("--imap-host", prompt="IMAP server (incoming mail)", help="e.g. imap.example.org")
@click.option("--imap-port", type=int, help="Default: 993 with ssl, 143 otherwise.")
@click.option("--security", type=SECURITY, prompt="Security (ssl, starttls, or none: only for this machine)",
              default="ssl", help="How to protect the connection: ssl, starttls, or none (only for localhost).")
@click.option("--smtp-host", help="SMTP server (outgoing mail). Default: the IMAP host.")
@click.option("--smtp-port", type=int, help="Default: 465 with ssl, 587 with starttls, 25 otherwise.")
@click.option("--smtp-security", type=SECURITY, help="Default: from the SMTP port (465 ssl, 587 starttls), else "
                                                      "as --security.")
@click.option("--username", help="Login name (default: the address).")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin (for scripts), not a prompt.")
def mail_connect(user: str | None, address: str, imap_host: str, imap_port: int | None, security: Security,
                 smtp_host: str | None, smtp_port: int | None, smtp_security: Security | None, username: str | None,
                 password_stdin: bool) -> None:
    """Connect your mail: log in to check it works, then keep the settings (the password encrypted)."""
    interactive = not password_stdin and sys.stdin.isatty()
    imap_port = imap_port or (993 if security == "ssl" else 143)
    smtp_host = smtp_host or (click.prompt("SMTP server (outgoing mail)", default=imap_host) if interactive
                              else imap_host)
    smtp_port = smtp_port or {"ssl": 465, "starttls": 587}.get(security, 25)
    smtp_security = smtp_security or default_smtp_security(smtp_port, security)
    username = username or address
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True)
    if not password:
        _fail("No password given; nothing was saved.")
    account = MailAccount(address.strip(), imap_host.strip(), imap_port, security, smtp_host.strip(), smtp_port,
                          smtp_security, username.strip(), password)
    if "none" in (security, smtp_security) and is_loopback(imap_host):
        err.print("Note: no encryption — allowed only because the server is on this machine.")
    try:
        account.check()
        _try_login(account)
    except MailError as exc:
        _fail(f"{exc} Nothing was saved.")

    async def run() -> None:
        settings = settings_from(user=user)
        async with person_store(settings) as (store, person):
            await save_account(store, settings.home, person, account)

    asyncio.run(run())
    click.echo(f"✓ Connected {account.address}: logged in to {account.imap_host} (IMAP) and checked "
               f"{account.smtp_host} (SMTP). The password is stored encrypted.")


def _try_login(account: MailAccount) -> None:
    session = ImapSession(account)
    session.close()
    check_smtp(account)


@mail.command("status")
@USER
@click.option("--json", "json_out", is_flag=True, help="Print JSON.")
def mail_status(user: str | None, json_out: bool) -> None:
    """Show which mail account is connected (never the password)."""
    async def run() -> MailAccount | None:
        async with person_store(settings_from(user=user)) as (store, person):
            return await account_settings(store, person)

    account = asyncio.run(run())
    if json_out:
        click.echo(json.dumps(account.public() if account else None))
        return
    if account is None:
        click.echo("No mail connected. Run `os1 mail connect`.")
        return
    shown = account.public()
    click.echo(f"{shown['address']}\n  IMAP: {shown['imap']}\n  SMTP: {shown['smtp']}\n  login: {shown['username']}"
               "\n  password: stored encrypted")


@mail.command("disconnect")
@USER
def mail_disconnect(user: str | None) -> None:
    """Forget the mail account (its settings and encrypted password). Your mail stays on the server."""
    async def run() -> bool:
        async with person_store(settings_from(user=user)) as (store, person):
            return await delete_account(store, person)

    if asyncio.run(run()):
        click.echo("Mail disconnected: OS1 no longer keeps its settings or password. Your mail is untouched.")
    else:
        click.echo("No mail was connected.")


def _fail(message: str) -> NoReturn:
    # A Text, not markup: a server's words ("[AUTHENTICATIONFAILED] …") must print as they are.
    err.print(Text.assemble(("✗ ", "red"), message))
    sys.exit(1)
