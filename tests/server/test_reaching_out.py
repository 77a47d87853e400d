"""Reaching out through the doors, on the real server on loopback: what a person said in the web app becomes a
follow-up an API client gets from `GET /api/events` (once, with its reason); the switch answers in OS1's voice
without the model; `os1 maintenance announce` reaches a listening tab before the maintenance starts; the terminal
says why it spoke up."""

from __future__ import annotations

import asyncio
import io
import json
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
from click.testing import CliRunner
from rich.console import Console

from os1.cli.main import cli
from os1.cli.terminal import ReminderDoor
from os1.reaching.outreach import Outreach
from os1.reaching.presence import presence
from os1.reminders.scheduler import Doors
from os1.server.deps import Hub
from os1.testing import FixedClock, ScriptedModel

GUARD_S = 20
START = datetime(2026, 11, 20, 14, 3, tzinfo=timezone(timedelta(hours=1), "CET"))


async def chat(client: httpx.AsyncClient, headers: dict[str, str], text: str) -> list[dict[str, Any]]:
    async with client.stream("POST", "/api/chat", json={"text": text}, headers=headers) as response:
        return [json.loads(line[5:]) async for line in response.aiter_lines() if line.startswith("data:")]


async def test_a_follow_up_reaches_an_api_client_once_and_the_switch_is_answered_in_its_voice(
        server: tuple[str, Hub, ScriptedModel]) -> None:
    base_url, hub, scripted = server
    clock = FixedClock(START)
    hub.runtime.companion.clock = clock
    alice = {"Authorization": f"Bearer {await hub.tokens.add('alice')}"}
    bob = {"Authorization": f"Bearer {await hub.tokens.add('bob')}"}
    scripted.enqueue("Good luck. You'll be fine.")
    async with httpx.AsyncClient(base_url=base_url, timeout=GUARD_S) as client:
        await chat(client, alice, "My interview is tomorrow at 10, I'm nervous")
        assert (await client.get("/api/events", headers=alice)).json() == {"events": []}  # not before it
        clock.advance(hours=22, minutes=27)  # Saturday 12:30, soon after it
        events = (await client.get("/api/events", headers=alice)).json()["events"]
        assert [(e["type"], e["kind"], e["late"]) for e in events] == [("reach_out", "follow_up", False)]
        assert "your interview" in events[0]["text"]
        assert events[0]["reason"] == "On Fri 20 Nov you told me your interview was Sat 21 Nov at 10:00."
        assert (await client.get("/api/events", headers=alice)).json() == {"events": []}  # once
        assert (await client.get("/api/events", headers=bob)).json() == {"events": []}  # hers alone

        prompts = len(scripted.prompts)
        said = await chat(client, alice, "stop checking in on me")
        assert len(scripted.prompts) == prompts  # answered without the model
        reply = next(e["text"] for e in said if e["type"] == "turn_ended")
        assert reply.startswith("Okay. I won't check in on you") and "help" not in reply.lower()
        assert not await hub.runtime.outreach.is_on(await hub.runtime.store.user("alice"))
        # The web app shows the follow-up in the conversation's history as something OS1 said unasked.
        latest = (await client.get("/api/conversations", headers=alice)).json()["conversations"][0]
        shown = (await client.get(f"/api/conversations/{latest['id']}/messages", headers=alice)).json()
        assert [m["reach_out"] for m in shown["messages"]] == [False, False, True, False, False]


async def test_an_announced_maintenance_reaches_a_listening_tab_before_it_starts(
        server: tuple[str, Hub, ScriptedModel], monkeypatch: Any) -> None:
    base_url, hub, _ = server
    headers = {"Authorization": f"Bearer {await hub.tokens.add('alice')}"}
    await hub.tokens.add("bob")
    monkeypatch.setenv("OS1_HOME", str(hub.runtime.settings.home))
    # The command is run as an administrator runs it: its own process's event loop (a thread here), the same store.
    result = await asyncio.to_thread(CliRunner().invoke, cli,
                                     ["maintenance", "announce", "upgrading the model", "--at", "in 2 hours"])
    assert result.exit_code == 0, result.output
    assert "2 people will be told" in result.output
    events: list[dict[str, Any]] = []
    async with httpx.AsyncClient(base_url=base_url, timeout=GUARD_S) as client:
        async with client.stream("GET", "/api/notifications", headers=headers) as response:
            async def first() -> None:
                async for line in response.aiter_lines():
                    if line.startswith("data:"):
                        events.append(json.loads(line[5:]))
                        return

            await asyncio.wait_for(first(), GUARD_S)  # the tab opened a door: the server said it at once
    assert events[0]["type"] == "reach_out" and events[0]["kind"] == "maintenance"
    async with httpx.AsyncClient(base_url=base_url, timeout=GUARD_S) as client:  # and on every status line
        status = (await client.get("/api/status", headers=headers)).json()
    assert [m["notice"] for m in status["maintenance"]] == ["upgrading the model"]
    assert "upgrading the model" in events[0]["text"]
    told = await asyncio.to_thread(CliRunner().invoke, cli, ["maintenance", "status", "--json"])
    states = {(r["person"], r["state"]) for r in json.loads(told.output)}
    assert states == {("alice", "told"), ("bob", "waiting")}


async def test_the_terminal_says_why_it_spoke_up(server: tuple[str, Hub, ScriptedModel]) -> None:
    _, hub, _ = server
    store = hub.runtime.store
    clock = FixedClock(START)
    theodore = await store.user("theodore")
    doors = Doors()
    out = io.StringIO()
    doors.open(theodore, ReminderDoor(Console(file=out, width=200), "theodore › "))
    outreach = Outreach(store, doors, clock)
    await outreach.heard(theodore, "I have an exam on Monday at 9")
    clock.advance(days=3, hours=1)
    [said] = await outreach.reach_out()
    printed = out.getvalue()
    assert said.text in printed and f"({said.reason})" in printed
    # What the terminal shows when it opens: the model, its state, maintenance ahead.
    await outreach.announce("upgrading the model", clock() + timedelta(hours=3))
    line = (await presence(hub.runtime.model, store, clock())).line(clock())
    assert line == ("OS1 is here (scripted). Maintenance announced: upgrading the model, from Mon 23 Nov 18:03.")
