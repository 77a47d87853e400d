"""What a person was shown of a reply survives the server being killed mid-reply (kill -9): it is kept as it
streams, and after the restart it is in the conversation, marked as cut off."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from os1.config import Settings
from os1.db import drafts
from os1.server.app import create_app, open_hub
from os1.server.deps import Hub
from os1.testing import ScriptedModel

GUARD_S = 30.0  # hang guards, not timing checks

# The server in a process of its own, with a scripted model that writes a long reply slowly. It prints a token
# for alice, then its port.
SERVER = """
import asyncio, socket
import uvicorn
from os1.config import load_settings
from os1.server.app import create_app, open_hub
from os1.server.serving import server_config
from os1.testing import ScriptedModel

async def main() -> None:
    model = ScriptedModel(delay_s=0.05)
    model.enqueue(" ".join(f"word{n}" for n in range(3000)))
    hub = await open_hub(load_settings().with_overrides(user="theodore", temperature=0.0), model=model)
    print(await hub.tokens.add("alice"), flush=True)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)  # connections made before the server starts wait in the backlog rather than being refused
    print(sock.getsockname()[1], flush=True)
    app = create_app(hub, learn=False)
    await uvicorn.Server(server_config(app, "127.0.0.1", sock.getsockname()[1], log_config=None)).serve(
        sockets=[sock])

asyncio.run(main())
"""


def draft_text(db_path: Path) -> str:
    with sqlite3.connect(db_path) as db:
        rows = db.execute("SELECT content FROM reply_drafts").fetchall()
    return str(rows[0][0]) if rows else ""


async def until(condition: Any, timeout_s: float = GUARD_S) -> None:
    for _ in range(int(timeout_s / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("timed out waiting for the condition")


async def test_a_reply_cut_by_kill_9_is_kept_as_far_as_it_was_shown(settings: Settings, served: Any) -> None:
    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", SERVER, stdout=subprocess.PIPE,
                                                stderr=subprocess.DEVNULL)
    try:
        assert proc.stdout is not None
        token = (await proc.stdout.readline()).decode().strip()
        port = int(await proc.stdout.readline())
        alice = {"Authorization": f"Bearer {token}"}
        shown: list[str] = []
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=GUARD_S) as client:
            async with client.stream("POST", "/api/chat", json={"text": "Tell me a story."},
                                     headers=alice) as response:
                assert response.status_code == 200
                lines = response.aiter_lines()  # held, not closed: the person is still reading when it dies
                while len(shown) < 8:
                    line = await lines.__anext__()
                    event = json.loads(line[5:]) if line.startswith("data:") else {}
                    if event.get("type") == "turn_started":
                        conversation_id = event["conversation_id"]
                    elif event.get("type") == "text_delta":
                        shown.append(event["text"])
                seen = "".join(shown).strip()
                # Kept behind the stream: wait until the store has what was read, then kill.
                await until(lambda: draft_text(settings.db_path).startswith(seen))
                os.kill(proc.pid, signal.SIGKILL)
                await asyncio.wait_for(proc.wait(), GUARD_S)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()

    with sqlite3.connect(settings.db_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    hub = await open_hub(settings, model=ScriptedModel())  # the restart
    try:
        async with served(create_app(hub, learn=False)) as base_url, \
                httpx.AsyncClient(base_url=base_url, timeout=GUARD_S) as client:
            kept = (await client.get(f"/api/conversations/{conversation_id}/messages", headers=alice)).json()
    finally:
        await hub.runtime.close()
    assert [(m["role"], m["status"], m["cut_off"]) for m in kept["messages"]] == [
        ("user", "complete", False), ("assistant", "interrupted", True)]
    reply = kept["messages"][1]["text"]
    assert reply.startswith(seen) and "word0 word1" in reply and "word2999" not in reply
    assert draft_text(settings.db_path) == ""


async def test_a_reply_that_ends_or_is_hung_up_leaves_no_draft_and_no_copy(
        server: tuple[str, Hub, ScriptedModel], sign_in: Any, chat: Any) -> None:
    base_url, hub, scripted = server
    alice = await sign_in("alice")
    scripted.delay_s = 0.02
    scripted.enqueue("A short and complete reply.")
    scripted.enqueue(" ".join(["long"] * 500))
    async with httpx.AsyncClient(base_url=base_url, timeout=GUARD_S) as client:
        assert (await chat(client, alice, "Hello."))[-1]["type"] == "turn_ended"
        async with client.stream("POST", "/api/chat", json={"text": "Go on."}, headers=alice) as response:
            pieces = 0
            async for line in response.aiter_lines():
                pieces += '"text_delta"' in line
                if pieces == 5:
                    break
        await until(lambda: hub.turnstile.snapshot().active == 0)
    assert draft_text(hub.runtime.store.path) == ""
    assert await drafts.recover(hub.runtime.store) == 0
    person = await hub.runtime.store.user("alice")
    conversation = await hub.runtime.store.latest_conversation(person)
    assert conversation is not None
    stored = [(m.role, m.status) for m in await hub.runtime.store.messages(conversation)]
    assert stored == [("user", "complete"), ("assistant", "complete"), ("user", "complete"),
                      ("assistant", "interrupted")]


async def test_a_draft_of_a_process_still_running_is_left_alone(server: tuple[str, Hub, ScriptedModel]) -> None:
    _, hub, _ = server
    store = hub.runtime.store
    person = await store.user("alice")
    conversation = await store.new_conversation(person)
    question = await store.append(conversation, "user", "Are you there?")
    alive = await asyncio.create_subprocess_exec(sys.executable, "-c", "import time; time.sleep(60)")
    try:
        with sqlite3.connect(store.path) as db:
            db.execute("INSERT INTO reply_drafts (conversation_id, after_id, owner, content, created_at, updated_at) "
                       "VALUES (?, ?, ?, 'Yes, I', '2026-01-01', '2026-01-01')",
                       (conversation.id, question.id, f"{alive.pid}:other"))
        assert await drafts.recover(store) == 0  # another server on this store is still writing it
    finally:
        alive.kill()
        await alive.wait()
    assert await drafts.recover(store) == 1
    [_, reply] = await store.messages(conversation)
    assert (reply.role, reply.content, reply.status, reply.meta) == ("assistant", "Yes, I", "interrupted",
                                                                     {"cut_off": "stopped"})
