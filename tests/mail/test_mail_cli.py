"""`os1 mail connect / status / disconnect` against the real server: a login is checked before anything is kept,
and the password is never in the database, the logs or the output."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from os1.cli import cli
from os1.testing.mail_server import MailServer

from .conftest import Mailbox


def connect_args(server: MailServer, user: str, host: str = "127.0.0.1") -> list[str]:
    return ["mail", "connect", "--user", "theodore", "--address", server.address(user), "--imap-host", host,
            "--imap-port", str(server.imap_port), "--security", "none", "--smtp-host", host, "--smtp-port",
            str(server.smtp_port), "--username", user, "--password-stdin"]


def test_connect_keeps_the_account_and_never_the_password(home: Path, mailbox: Mailbox,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    password = mailbox.account.password
    runner = CliRunner()
    done = runner.invoke(cli, connect_args(mailbox.server, mailbox.user), input=password + "\n")
    assert done.exit_code == 0, done.output
    assert "Connected" in done.output and password not in done.output

    status = runner.invoke(cli, ["mail", "status", "--user", "theodore"])
    assert status.exit_code == 0 and mailbox.server.address(mailbox.user) in status.output
    assert password not in status.output and "stored encrypted" in status.output

    key = home / "secrets" / "mail.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    for f in home.glob("os1.db*"):  # the database and its write-ahead log
        assert password.encode() not in f.read_bytes()
    assert password not in caplog.text

    done = runner.invoke(cli, ["mail", "disconnect", "--user", "theodore"])
    assert done.exit_code == 0 and "disconnected" in done.output
    assert "No mail connected" in runner.invoke(cli, ["mail", "status", "--user", "theodore"]).output


def test_a_wrong_password_is_said_clearly_and_nothing_is_saved(home: Path, mailbox: Mailbox) -> None:
    runner = CliRunner()
    done = runner.invoke(cli, connect_args(mailbox.server, mailbox.user), input="not-the-password\n")
    assert done.exit_code == 1
    said = " ".join(done.output.split())
    assert "Couldn't log in" in said and "check the username and password" in said and "Nothing was saved" in said
    assert "AUTHENTICATIONFAILED" in said or "Authentication failed" in said  # what the server said
    assert "No mail connected" in runner.invoke(cli, ["mail", "status", "--user", "theodore"]).output


def test_no_encryption_is_refused_for_a_server_elsewhere(home: Path, mailbox: Mailbox) -> None:
    done = CliRunner().invoke(cli, connect_args(mailbox.server, mailbox.user, host="mail.example.org"),
                              input="whatever\n")
    assert done.exit_code == 1
    assert "only allowed on this machine" in " ".join(done.output.split())


def test_an_unreachable_server_is_said_clearly(home: Path, mailbox: Mailbox) -> None:
    args = connect_args(mailbox.server, mailbox.user)
    args[args.index("--imap-port") + 1] = "1"  # nothing listens there
    done = CliRunner().invoke(cli, args, input="x\n")
    assert done.exit_code == 1
    assert "Couldn't reach the IMAP server 127.0.0.1:1" in " ".join(done.output.split())
