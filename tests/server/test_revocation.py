"""Removing a person, or one token, ends every connection opened with it, on every door: the notifications
channel, a chat reply being streamed, an OpenAI stream, a whole reply being written. Whoever removes it: this
server, or another program on the same database."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from typing import Any

import httpx

from os1.server.deps import Hub
from os1.testing import ScriptedModel

Server = tuple[str, Hub, ScriptedModel]
GUARD_S = 20.0  # a hang guard, not a timing check: a connection that stays open fails the test


async def until(condition: Any, timeout_s: float = GUARD_S) -> None:
    for _ in range(int(timeout_s / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("timed out waiting for the condition")


def remove_elsewhere(hub: Hub, name: str) -> None:
    """As `os1 users remove` does from another process: straight in the database, behind this server's back."""
    with sqlite3.connect(hub.runtime.store.path) as db:
        db.execute("DELETE FROM api_tokens WHERE user_id = (SELECT id FROM users WHERE name = ?)", (name,))


async def read_events(response: httpx.Response, into: list[dict[str, Any]]) -> None:
    async for line in response.aiter_lines():
        if line.startswith("data:"):
            into.append(json.loads(line[5:]))


async def test_removing_a_person_ends_their_notifications_channel_and_no_one_elses(server: Server,
                                                                                 sign_in: Any) -> None:
    base_url, hub, _ = server
    alice, bob = await sign_in("alice"), await sign_in("bob")
    alices: list[dict[str, Any]] = []
    async with httpx.AsyncClient(base_url=base_url, timeout=GUARD_S) as client:
        async with client.stream("GET", "/api/notifications", headers=alice) as a, \
                client.stream("GET", "/api/notifications", headers=bob) as b:
            assert a.status_code == b.status_code == 200
            await until(lambda: len(hub.connections) == 2)
            assert await hub.tokens.remove("alice")
            await asyncio.wait_for(read_events(a, alices), GUARD_S)  # the stream ends
            assert alices == [{"type": "error", "code": "unauthorized", "message": alices[0]["message"]}]
            assert "signed out" in alices[0]["message"]
            assert len(hub.connections) == 1 and hub.notices.tabs(await hub.runtime.store.user("bob")) == 1
        assert (await client.get("/api/status", headers=alice)).status_code == 401


async def test_a_token_removed_by_another_program_ends_the_channel(server: Server, sign_in: Any) -> None:
    base_url, hub, _ = server
    alice = await sign_in("alice")
    events: list[dict[str, Any]] = []
    async with httpx.AsyncClient(base_url=base_url, timeout=GUARD_S) as client:
        async with client.stream("GET", "/api/notifications", headers=alice) as channel:
            await until(lambda: len(hub.connections) == 1)
            remove_elsewhere(hub, "alice")  # nothing tells this server: it finds out by looking
            await asyncio.wait_for(read_events(channel, events), GUARD_S)
    assert [e["code"] for e in events] == ["unauthorized"]


async def test_a_reply_being_streamed_stops_when_its_token_goes_and_what_was_said_is_kept(server: Server,
                                                                                         sign_in: Any) -> None:
    base_url, hub, scripted = server
    alice = await sign_in("alice")
    scripted.delay_s = 0.05
    scripted.enqueue(" ".join(["word"] * 400))
    events: list[dict[str, Any]] = []
    async with httpx.AsyncClient(base_url=base_url, timeout=GUARD_S) as client:
        async with client.stream("POST", "/api/chat", json={"text": "Talk to me."}, headers=alice) as response:
            reading = asyncio.create_task(read_events(response, events))
            await until(lambda: sum(e["type"] == "text_delta" for e in events) >= 3)
            remove_elsewhere(hub, "alice")
            await asyncio.wait_for(reading, GUARD_S)
    assert events[-1]["type"] == "error" and events[-1]["code"] == "unauthorized"
    assert not any(e["type"] == "turn_ended" for e in events)
    await until(lambda: hub.turnstile.snapshot().active == 0)  # the model is free for others
    person = await hub.runtime.store.user("alice")
    conversation = await hub.runtime.store.latest_conversation(person)
    assert conversation is not None
    stored = await hub.runtime.store.messages(conversation)
    assert [(m.role, m.status) for m in stored] == [("user", "complete"), ("assistant", "interrupted")]
    assert stored[1].content.startswith("word word word") and len(stored[1].content.split()) < 400


async def test_an_openai_stream_and_a_whole_reply_end_with_invalid_api_key(server: Server, sign_in: Any) -> None:
    base_url, hub, scripted = server
    alice = await sign_in("alice")
    scripted.delay_s = 0.05
    scripted.enqueue(" ".join(["la"] * 400))
    scripted.enqueue(" ".join(["la"] * 400))
    body = {"model": "os1", "messages": [{"role": "user", "content": "Sing."}]}
    lines: list[str] = []

    async def read(response: httpx.Response) -> None:
        async for line in response.aiter_lines():
            lines.append(line)

    async with httpx.AsyncClient(base_url=base_url, timeout=GUARD_S) as client:
        async with client.stream("POST", "/v1/chat/completions", json={**body, "stream": True},
                                 headers=alice) as response:
            reading = asyncio.create_task(read(response))
            await until(lambda: sum('"content": "la' in line or '"content": " la' in line for line in lines) >= 3)
            assert await hub.tokens.remove("alice")
            await asyncio.wait_for(reading, GUARD_S)
        data = [line[6:] for line in lines if line.startswith("data: ")]
        assert data[-1] == "[DONE]" and json.loads(data[-2])["error"]["code"] == "invalid_api_key"

        bob = await sign_in("bob")
        whole = asyncio.create_task(client.post("/v1/chat/completions", json=body, headers=bob))
        await until(lambda: hub.turnstile.snapshot().active == 1)
        remove_elsewhere(hub, "bob")
        answer = await asyncio.wait_for(whole, GUARD_S)
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "invalid_api_key"
