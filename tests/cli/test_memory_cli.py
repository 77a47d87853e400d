"""`os1 memory search` over a real store, and recall across conversations with the real model."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from os1.db.store import Store


async def seed(db: Path) -> dict[str, int]:
    store = await Store.open(db)
    theo, amy = await store.user("theo"), await store.user("amy")
    conv = await store.new_conversation(theo)
    m = await store.append(conv, "user", "My sister Ottilie moved to Lisbon last spring.")
    await store.append(conv, "assistant", "Lisbon! Does she love it there?")
    await store.append(await store.new_conversation(amy), "user", "My sister lives in Oslo.")
    await store.close()
    return {"theo_message": m.id, "conversation": conv.id}


def search(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "os1", "memory", "search", *args], capture_output=True,
                          text=True, timeout=60, env={**os.environ, "OS1_HOME": str(home)})


def test_search_json_ranks_items_with_their_sources(home: Path) -> None:
    ids = asyncio.run(seed(home / "os1.db"))
    out = search(home, "where does my sister live? Lisbon", "--user", "theo", "--json")
    assert out.returncode == 0, out.stderr
    items = json.loads(out.stdout)
    assert items[0]["kind"] == "message" and "Lisbon" in items[0]["text"]
    assert {i["id"] for i in items} >= {ids["theo_message"]}
    assert all(i["conversation_id"] == ids["conversation"] for i in items)  # never Amy's Oslo
    assert items[0]["source_ids"] == [str(items[0]["id"])] and items[0]["time"].startswith("20")


def test_search_with_nothing_to_find(home: Path) -> None:
    asyncio.run(seed(home / "os1.db"))
    out = search(home, "the", "--user", "theo")
    assert out.returncode == 0 and "Nothing found" in out.stdout


@pytest.mark.model
def test_a_new_conversation_still_knows_what_was_said(home: Path, default_model_path: Path) -> None:
    env = {**os.environ, "OS1_HOME": str(home), "OS1_TEMPERATURE": "0", "OS1_MAX_REPLY_TOKENS": "64"}

    def chat(*args: str, line: str) -> str:
        out = subprocess.run([sys.executable, "-m", "os1", "chat", *args], input=line + "\n", capture_output=True,
                             text=True, timeout=300, env=env)
        assert out.returncode == 0, out.stderr
        return out.stdout

    chat(line="My sister Ottilie plays the cello in an orchestra.")
    reply = chat("--new", line="Which instrument does my sister Ottilie play?")
    assert "cello" in reply.lower() or "cellist" in reply.lower()  # remembered, in whichever word


def test_forget_asks_first_then_deletes(home: Path) -> None:
    asyncio.run(seed(home / "os1.db"))
    env = {**os.environ, "OS1_HOME": str(home)}
    cmd = [sys.executable, "-m", "os1", "memory", "forget", "Lisbon", "--user", "theo"]
    out = subprocess.run(cmd, input="n\n", capture_output=True, text=True, timeout=60, env=env)
    assert "Lisbon" in out.stdout and "Nothing was deleted" in out.stdout
    assert json.loads(search(home, "Lisbon", "--user", "theo", "--json").stdout)
    out = subprocess.run(cmd, input="y\n", capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0 and "Forgotten: 2 items" in out.stdout
    assert json.loads(search(home, "Lisbon", "--user", "theo", "--json").stdout) == []
    assert json.loads(search(home, "Oslo", "--user", "amy", "--json").stdout)  # Amy's memories untouched
