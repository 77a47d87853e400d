"""`os1 serve` refuses to expose tokens in plain text; `os1 users add/list/remove` manage who may sign in."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from os1.cli import cli
from os1.cli.server import is_loopback
from os1.config import load_settings
from os1.db.store import Store
from os1.server.auth import TokenBook


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


async def verify(home: Path, token: str) -> str | None:
    store = await Store.open(load_settings(home).db_path)
    try:
        user = await TokenBook(store).verify(token)
        return user.name if user else None
    finally:
        await store.close()


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "os1.example.org"])
def test_serving_beyond_this_machine_without_tls_is_refused_and_says_why(home: Path, host: str) -> None:
    code, out, err = run("serve", "--host", host)
    assert code == 2
    assert f"Refusing to serve on {host} without TLS" in err
    assert "--tls-cert" in err and "--insecure-remote" in err


def test_a_certificate_needs_its_key(home: Path, tmp_path: Path) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_text("-----BEGIN CERTIFICATE-----\n")
    code, out, err = run("serve", "--host", "0.0.0.0", "--tls-cert", str(cert))
    assert code == 2 and "--tls-key" in err


def test_loopback_is_this_machine_only() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "10.0.0.1", "example.org"]))


def test_users_add_list_and_remove(home: Path) -> None:
    code, token, err = run("users", "add", "alice")
    assert code == 0 and re.fullmatch(r"os1_[0-9a-f]{12}_[A-Za-z0-9_-]{43}\n", token)
    assert "shown only this once" in err and "Authorization: Bearer" in err
    assert asyncio.run(verify(home, token.strip())) == "alice"
    assert run("users", "add", "alice")[0] == 0  # a second device

    code, out, _ = run("users", "list", "--json")
    [alice] = json.loads(out)
    assert (alice["name"], alice["tokens"], alice["last_used"] is not None) == ("alice", 2, True)
    assert "alice" in run("users", "list")[1]

    code, out, _ = run("users", "remove", "alice")
    assert code == 0 and "can no longer sign in" in out and "kept" in out
    assert asyncio.run(verify(home, token.strip())) is None
    assert json.loads(run("users", "list", "--json")[1])[0]["tokens"] == 0

    code, out, err = run("users", "remove", "nobody")
    assert code == 1 and "Nobody called 'nobody'" in err


def test_users_remove_purge_deletes_everything_kept_about_them(home: Path) -> None:
    secret = "quixotic-marmalade-7731"
    token = run("users", "add", "alice")[1].strip()
    run("users", "add", "bob")

    async def remember() -> None:
        store = await Store.open(load_settings(home).db_path)
        try:
            alice = await store.user("alice")
            conversation = await store.new_conversation(alice)
            await store.append(conversation, "user", f"The code to my safe is {secret}.")
            await store.set_state(alice, "companion_name", "Samantha")
        finally:
            await store.close()

    asyncio.run(remember())
    assert run("users", "remove", "alice", "--purge", input="n\n")[1].strip().endswith("Nothing was removed.")
    code, out, _ = run("users", "remove", "alice", "--purge", "--yes")
    assert code == 0 and "everything OS1 kept about them" in out
    assert [p["name"] for p in json.loads(run("users", "list", "--json")[1])] == ["bob"]
    assert asyncio.run(verify(home, token)) is None
    db = load_settings(home).db_path
    assert secret.encode() not in b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


def test_a_name_must_be_a_name(home: Path) -> None:
    result = CliRunner().invoke(cli, ["users", "add", "   "])
    assert isinstance(result.exception, ValueError) and "needs a name" in str(result.exception)
