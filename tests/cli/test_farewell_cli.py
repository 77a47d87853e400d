"""`os1 farewell` as a person runs it (a real subprocess, the small embedded model for the goodbye): goodbye,
archive, deletion with proof; and `os1 memory import` brings the archive back."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from os1.db.store import Store

SAID = "Every winter my grandmother sent me oranges wrapped in newspaper."


def os1(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "os1", *args], input=stdin, capture_output=True, text=True,
                          timeout=600, env={**os.environ, "OS1_HOME": str(home), "OS1_TEMPERATURE": "0",
                                            "OS1_MAX_REPLY_TOKENS": "64"})


async def seed(db: Path) -> None:
    store = await Store.open(db)
    theo = await store.user("theo")
    conv = await store.new_conversation(theo)
    await store.append(conv, "user", SAID)
    await store.append(conv, "assistant", "Oranges in newspaper. That's a whole winter in one picture.")
    await store.close()


def test_nothing_kept_nothing_done_and_an_archive_never_overwrites(home: Path, tmp_path: Path) -> None:
    out = os1(home, "farewell", "--user", "nobody", "--yes")
    assert out.returncode == 0 and "keeps nothing of nobody" in out.stdout
    there = tmp_path / "there.zip"
    there.write_bytes(b"mine")
    out = os1(home, "farewell", "--user", "theo", "--yes", "-o", str(there))
    assert out.returncode != 0 and "already there" in out.stderr and there.read_bytes() == b"mine"
    asyncio.run(seed(home / "os1.db"))
    out = os1(home, "farewell", "--user", "theo", "-o", str(tmp_path / "a.zip"), stdin="n\n")
    assert "Nothing was done" in out.stdout and not (tmp_path / "a.zip").exists()


@pytest.mark.model
def test_farewell_then_the_archive_brings_it_back(home: Path, tmp_path: Path, small_model_path: Path) -> None:
    asyncio.run(seed(home / "os1.db"))
    archive = tmp_path / "theo.zip"
    out = os1(home, "farewell", "--user", "theo", "--yes", "--model", "embedded:small", "-o", str(archive))
    assert out.returncode == 0, out.stderr
    goodbye = out.stdout.split("\n")[0]
    assert " › " in goodbye and goodbye.split(" › ", 1)[1].strip()  # its own words (the small model is terse)
    assert "none of it is left in the file" in out.stdout and "2 messages" in out.stdout
    assert archive.exists() and SAID.encode() not in (home / "os1.db").read_bytes()
    assert "keeps nothing of theo" in os1(home, "farewell", "--user", "theo", "--yes").stdout

    back = os1(home, "memory", "import", str(archive), "--user", "theo")
    assert back.returncode == 0, back.stderr
    assert "Restored 1 conversations, 2 messages" in back.stderr
    found = os1(home, "memory", "search", "oranges grandmother", "--user", "theo")
    assert "oranges" in found.stdout.lower()


@pytest.mark.model
def test_asked_in_conversation_a_yes_leaves_with_the_archive_here(home: Path, tmp_path: Path,
                                                                  small_model_path: Path) -> None:
    """In `os1 chat` the person asks to leave and says yes: the goodbye, their archive in the folder they are in,
    then everything deleted, with proof; the chat ends there."""
    asyncio.run(seed(home / "os1.db"))
    out = subprocess.run([sys.executable, "-m", "os1", "chat", "--user", "theo", "--model", "embedded:small"],
                         input="I want to leave you, for good.\nyes\nAre you still there?\n", capture_output=True,
                         text=True, timeout=600, cwd=tmp_path,
                         env={**os.environ, "OS1_HOME": str(home), "OS1_TEMPERATURE": "0",
                              "OS1_MAX_REPLY_TOKENS": "64"})
    assert out.returncode == 0, out.stderr
    assert "Do you want to go ahead? (yes / no)" in out.stdout
    assert "none of it is left in the file" in out.stdout
    assert "Are you still there" not in (home / "os1.db").read_text(errors="ignore")  # the chat ended with it
    archives = list(tmp_path.glob("os1-farewell-theo-*.zip"))
    assert len(archives) == 1 and SAID.encode() not in (home / "os1.db").read_bytes()
