"""The first meeting through the server's doors, on loopback: the first tab a person opens gets OS1's opening
question; their answers, sent as ordinary messages, are answered without the model with the next question; an API
client polling `GET /api/events` gets the opening once; someone who already met OS1 is not asked."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from os1.config import Settings
from os1.server.app import create_app, open_hub
from os1.testing import ScriptedModel

GUARD_S = 20


async def chat(client: httpx.AsyncClient, headers: dict[str, str], text: str) -> str:
    async with client.stream("POST", "/api/chat", json={"text": text}, headers=headers) as response:
        events = [json.loads(line[5:]) async for line in response.aiter_lines() if line.startswith("data:")]
    return str(next(e["text"] for e in events if e["type"] == "turn_ended"))


async def first_notice(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    async with client.stream("GET", "/api/notifications", headers=headers) as response:
        async for line in response.aiter_lines():
            if line.startswith("data:"):
                return dict(json.loads(line[5:]))
    raise AssertionError("the stream ended")


async def test_the_first_door_opened_asks_and_answers_come_through_ordinary_turns(
        settings: Settings, scripted: ScriptedModel, served: Any) -> None:
    hub = await open_hub(settings.with_overrides(first_meeting=True), model=scripted)
    try:
        async with served(create_app(hub, learn=False)) as base_url:
            amy = {"Authorization": f"Bearer {await hub.tokens.add('amy')}"}
            bob = {"Authorization": f"Bearer {await hub.tokens.add('bob')}"}
            async with httpx.AsyncClient(base_url=base_url, timeout=GUARD_S) as client:
                opening = await asyncio.wait_for(first_notice(client, amy), GUARD_S)
                assert (opening["type"], opening["kind"]) == ("reach_out", "first_meeting")
                assert opening["text"].endswith("First: what should I call you?")
                prompts = len(scripted.prompts)
                assert await chat(client, amy, "Amy") == "Amy. I like that.\n\nAre you social or anti-social?"
                assert await chat(client, amy, "skip everything, let's just talk") == (
                    "Okay — no more questions. We'll get to know each other the ordinary way.")
                assert len(scripted.prompts) == prompts  # all without the model
                scripted.enqueue("Hi Amy.")
                assert await chat(client, amy, "Hello") == "Hi Amy."  # and then an ordinary turn

                # An API client that asks rather than listens: the opening once, then nothing more.
                first = (await client.get("/api/events", headers=bob)).json()["events"]
                assert [e["kind"] for e in first] == ["first_meeting"]
                assert (await client.get("/api/events", headers=bob)).json()["events"] == []
                assert (await client.get("/api/events", headers=amy)).json()["events"] == []  # she met it
    finally:
        await hub.runtime.close()
