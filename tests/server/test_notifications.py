"""Reminders through the server's live channel, `GET /api/notifications`, on the real server: each person's tabs
get their own reminders (once, shown in every tab), one due while no tab was open comes when one opens, and one
due while the server was off comes after it starts again."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx

from os1.config import Settings
from os1.db.store import User
from os1.reminders.book import add_reminder, reminders
from os1.server.app import create_app, open_hub
from os1.server.deps import Hub
from os1.testing import FixedClock, ScriptedModel

GUARD_S = 20  # a delivery that never comes fails here instead of hanging the suite
START = datetime(2026, 11, 20, 14, 3, tzinfo=timezone(timedelta(hours=1), "CET"))


class Tab:
    """A tab's live channel, read in the background: every event that came, in order."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.status = 0
        self.arrived = asyncio.Event()

    async def read(self, client: httpx.AsyncClient, headers: dict[str, str]) -> None:
        async with client.stream("GET", "/api/notifications", headers=headers) as response:
            self.status = response.status_code
            assert response.headers["content-type"].startswith("text/event-stream")
            async for line in response.aiter_lines():
                if line.startswith("data:"):
                    self.events.append(json.loads(line[5:]))
                    self.arrived.set()


@asynccontextmanager
async def tab(client: httpx.AsyncClient, headers: dict[str, str]) -> AsyncIterator[Tab]:
    opened = Tab()
    reading = asyncio.create_task(opened.read(client, headers))
    try:
        yield opened
    finally:
        reading.cancel()
        await asyncio.gather(reading, return_exceptions=True)


async def until(condition: Callable[[], bool]) -> None:
    async def poll() -> None:
        while not condition():  # noqa: ASYNC110 - the condition is state of another task, not an event
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), GUARD_S)


def on_clock(hub: Hub) -> FixedClock:
    clock = FixedClock(START)
    hub.runtime.companion.clock = clock  # the scheduler reads the companion's clock, as the tools do
    return clock


async def test_a_reminder_shows_in_every_tab_of_its_person_and_in_no_one_elses(
        server: tuple[str, Hub, ScriptedModel]) -> None:
    base_url, hub, _ = server
    clock, store = on_clock(hub), hub.runtime.store
    alice_token, bob_token = await hub.tokens.add("alice"), await hub.tokens.add("bob")
    alice, bob = await store.user("alice"), await store.user("bob")
    conversation = await store.new_conversation(alice)
    kept = await add_reminder(store, alice, "take the pasta off", clock() + timedelta(minutes=20))
    as_alice, as_bob = ({"Authorization": f"Bearer {t}"} for t in (alice_token, bob_token))
    async with (httpx.AsyncClient(base_url=base_url, timeout=GUARD_S) as client,
                tab(client, as_alice) as first, tab(client, as_alice) as second, tab(client, as_bob) as bobs):
        await until(lambda: hub.notices.tabs(alice) == 2 and hub.notices.tabs(bob) == 1)
        clock.advance(minutes=21)
        hub.runtime.scheduler.wake()
        await asyncio.wait_for(asyncio.gather(first.arrived.wait(), second.arrived.wait()), GUARD_S)
    expected = {"type": "reminder", "reminder_id": kept.id, "text": "⏰ Reminder: take the pasta off",
                "alarm": False, "due": "2026-11-20T13:23:00.000+00:00"}
    assert first.events == second.events == [expected]
    assert bobs.events == []
    # Delivered once: fired, and said once in her conversation (so the companion knows it reminded her). It is
    # marked once a door took it: the pass that delivered it finishes first (a pass holds the scheduler's lock).
    assert await hub.runtime.scheduler.fire_due() == []
    assert await reminders(store, alice) == []
    said = [(m.role, m.content) for m in await store.messages(conversation)]
    assert said == [("assistant", "⏰ Reminder: take the pasta off")]
    assert await store.latest_conversation(bob) is None


async def test_a_reminder_due_while_no_tab_was_open_comes_when_one_opens(
        server: tuple[str, Hub, ScriptedModel]) -> None:
    base_url, hub, _ = server
    clock, store = on_clock(hub), hub.runtime.store
    headers = {"Authorization": f"Bearer {await hub.tokens.add('alice')}"}
    alice = await store.user("alice")
    await add_reminder(store, alice, "stretch", clock() - timedelta(minutes=5))
    assert await hub.runtime.scheduler.fire_due() == []  # nobody to tell: it waits
    async with httpx.AsyncClient(base_url=base_url, timeout=GUARD_S) as client, tab(client, headers) as opened:
        await asyncio.wait_for(opened.arrived.wait(), GUARD_S)  # opening the tab woke the scheduler
    assert [e["text"] for e in opened.events] == ["⏰ Reminder: stretch"]
    # The words are in the conversation: the web app shows them in history as a reminder.
    async with httpx.AsyncClient(base_url=base_url) as client:
        latest = (await client.get("/api/conversations", headers=headers)).json()["conversations"][0]
        shown = (await client.get(f"/api/conversations/{latest['id']}/messages", headers=headers)).json()
    assert [(m["text"], m["reminder"]) for m in shown["messages"]] == [("⏰ Reminder: stretch", True)]


async def test_a_reminder_due_while_the_server_was_off_comes_after_it_starts(
        settings: Settings, scripted: ScriptedModel, served: Any) -> None:
    hub = await open_hub(settings, model=scripted)
    clock = on_clock(hub)
    try:
        async with served(create_app(hub, learn=False)):
            token = await hub.tokens.add("theodore")
            person: User = await hub.runtime.store.user("theodore")
            await add_reminder(hub.runtime.store, person, "call my sister", clock() + timedelta(minutes=20))
    finally:
        await hub.runtime.close()

    clock.advance(hours=1)  # it comes due while the server is off
    hub = await open_hub(settings, model=scripted)
    hub.runtime.companion.clock = clock
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with (served(create_app(hub, learn=False)) as base_url,
                    httpx.AsyncClient(base_url=base_url, timeout=GUARD_S) as client, tab(client, headers) as opened):
            await asyncio.wait_for(opened.arrived.wait(), GUARD_S)
        assert [e["text"] for e in opened.events] == ["⏰ Reminder: call my sister"]
        assert await reminders(hub.runtime.store, person) == []  # fired: the next start says it no more
    finally:
        await hub.runtime.close()


async def test_the_channel_needs_a_token(server: tuple[str, Hub, ScriptedModel]) -> None:
    base_url, _, _ = server
    async with httpx.AsyncClient(base_url=base_url) as client:
        refused = await client.get("/api/notifications")
        wrong = await client.get("/api/notifications", headers={"Authorization": "Bearer os1_000000000000_nope"})
    assert refused.status_code == wrong.status_code == 401


async def test_closing_ends_every_open_channel(server: tuple[str, Hub, ScriptedModel]) -> None:
    """What `os1 serve` does as it stops: open tabs' channels end, rather than hold the shutdown up."""
    base_url, hub, _ = server
    headers = {"Authorization": f"Bearer {await hub.tokens.add('alice')}"}
    alice = await hub.runtime.store.user("alice")
    async with httpx.AsyncClient(base_url=base_url, timeout=GUARD_S) as client:
        opened = Tab()
        reading = asyncio.create_task(opened.read(client, headers))
        await until(lambda: hub.notices.tabs(alice) == 1)
        hub.notices.close()
        await asyncio.wait_for(reading, GUARD_S)  # the stream ended
    assert opened.status == 200 and hub.notices.tabs(alice) == 0 and hub.runtime.doors.of(alice) == []
