"""Reminders through the whole turn with a real model choosing the tool (temperature 0): the embedded small
model, the same model behind llama-cpp-python's OpenAI-compatible server, and the terminal as a door."""

import asyncio
import os
import pty
import select
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from os1.config import Settings
from os1.db.store import Store
from os1.events import ToolCall, TurnEnded
from os1.models.openai_compat import OpenAICompatModel
from os1.reminders.book import Reminder, add_reminder, reminders
from os1.runtime import open_runtime
from os1.testing import FixedClock

pytestmark = pytest.mark.model


async def test_remind_me_tomorrow_at_9_creates_the_reminder(settings: Settings, small_model_path: Path,
                                                              clock: FixedClock) -> None:
    rt = await open_runtime(settings.with_overrides(model="embedded:small", embedder="none"))
    rt.companion.clock = clock
    try:
        user = await rt.store.user("theodore")
        conversation = await rt.store.new_conversation(user)
        asked = "remind me tomorrow at 9 to call my sister"
        events = [e async for e in rt.companion.respond(user, conversation, asked)]
        assert [e.name for e in events if isinstance(e, ToolCall)] == ["set_reminder"]
        (kept,) = await reminders(rt.store, user)
        assert f"{kept.due_at.astimezone(clock().tzinfo):%Y-%m-%d %H:%M}" == "2026-11-21 09:00"
        assert "sister" in kept.text.lower() and not kept.alarm
        assert isinstance(events[-1], TurnEnded) and "09:00" in events[-1].text

        # and the next ordinary message is just chat: no tool, nothing more set
        events = [e async for e in rt.companion.respond(user, conversation, "thank you, that's kind")]
        assert not any(isinstance(e, ToolCall) for e in events)
        assert len(await reminders(rt.store, user)) == 1
    finally:
        await rt.close()


def test_the_terminal_tells_what_came_due_while_os1_was_off(home: Path, small_model_path: Path) -> None:
    """A reminder set before, due while no chat was open, is printed when the chat opens, and kept in it."""
    asyncio.run(_seed_reminder(home / "os1.db", "stretch your back", datetime.now(UTC) - timedelta(minutes=10)))
    master, slave = pty.openpty()
    env = {**os.environ, "OS1_HOME": str(home), "OS1_TEMPERATURE": "0", "TERM": "xterm", "COLUMNS": "100"}
    proc = subprocess.Popen([sys.executable, "-m", "os1", "chat", "--model", "embedded:small", "--user", "theodore"],
                            stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    screen = ""
    try:
        deadline = time.monotonic() + 180
        while "stretch your back" not in screen and time.monotonic() < deadline and proc.poll() is None:
            if select.select([master], [], [], 0.5)[0]:
                screen += os.read(master, 65536).decode(errors="replace")
        assert "⏰ Reminder: stretch your back" in screen, screen[-2000:]
        os.write(master, b"\x04")  # Ctrl-D leaves
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    waiting, said = asyncio.run(_after(home / "os1.db"))
    assert waiting == []  # fired, once
    assert said == ["⏰ Reminder: stretch your back"]  # and kept in the conversation


async def _seed_reminder(path: Path, text: str, due: datetime) -> None:
    store = await Store.open(path)
    await add_reminder(store, await store.user("theodore"), text, due)
    await store.close()


async def _after(path: Path) -> tuple[list[Reminder], list[str]]:
    store = await Store.open(path)
    try:
        theodore = await store.user("theodore")
        conversation = await store.latest_conversation(theodore)
        said = [m.content for m in await store.messages(conversation)] if conversation else []
        return await reminders(store, theodore), said
    finally:
        await store.close()


async def test_the_same_turn_over_an_openai_compatible_server(settings: Settings, small_model_path: Path,
                                                               clock: FixedClock, tmp_path: Path) -> None:
    """The decision schema (an anyOf of calls) goes as a response_format a real server accepts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "llama_cpp.server", "--model", str(small_model_path), "--model_alias", "small",
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}/v1"
    remote = OpenAICompatModel("small", base_url, context_window=4096)
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(480):  # up to two minutes to load
                try:
                    if (await http.get(f"{base_url}/models", timeout=2.0)).status_code == 200:
                        break
                except httpx.HTTPError:
                    await asyncio.sleep(0.25)
        rt = await open_runtime(settings.with_overrides(embedder="none"), model=remote)
        rt.companion.clock = clock
        user = await rt.store.user("theodore")
        conversation = await rt.store.new_conversation(user)
        # The 0.5B model behind the server: what is tested here is the transport. Since the decision prompt says
        # "none" for no tool, it answers none to the bare "wake me at 6:30 tomorrow" (the 1.5B default does not).
        asked = "set an alarm for 6:30 tomorrow morning"
        events = [e async for e in rt.companion.respond(user, conversation, asked)]
        assert [e.name for e in events if isinstance(e, ToolCall)] == ["set_reminder"]
        (kept,) = await reminders(rt.store, user)
        assert kept.alarm and f"{kept.due_at.astimezone(clock().tzinfo):%Y-%m-%d %H:%M}" == "2026-11-21 06:30"
        await rt.store.close()
    finally:
        await remote.close()
        server.terminate()
        await server.wait()
