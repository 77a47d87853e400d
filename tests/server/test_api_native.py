"""The web app's API on the real server: status, chat as server-sent events, conversations, memory."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import httpx

from os1.server.app import REMOTE_SLOTS, create_app, open_hub


async def test_status_names_the_model_its_state_and_the_person(server, sign_in) -> None:
    base_url, hub, scripted = server
    alice = await sign_in("alice")
    async with httpx.AsyncClient(base_url=base_url) as client:
        status = (await client.get("/api/status", headers=alice)).json()
    assert status == {"model": {"name": "scripted", "state": "ready"}, "queue": 0, "person": "alice"}


async def test_a_chat_turn_streams_its_events_and_is_stored(server, sign_in, chat) -> None:
    base_url, hub, scripted = server
    alice = await sign_in("alice")
    scripted.enqueue("Hello Alice, nice to meet you.")
    async with httpx.AsyncClient(base_url=base_url) as client:
        events = await chat(client, alice, "Hi, I'm Alice.")
        kinds = [e["type"] for e in events]
        assert kinds[0] == "turn_started" and kinds[-1] == "turn_ended"
        assert "".join(e["text"] for e in events if e["type"] == "text_delta") == "Hello Alice, nice to meet you."
        conversation_id = events[0]["conversation_id"]
        listed = (await client.get("/api/conversations", headers=alice)).json()["conversations"]
        assert [(c["id"], c["messages"], c["first_words"]) for c in listed] == [(conversation_id, 2, "Hi, I'm Alice.")]
        shown = (await client.get(f"/api/conversations/{conversation_id}/messages", headers=alice)).json()
    assert [(m["role"], m["text"], m["status"]) for m in shown["messages"]] == [
        ("user", "Hi, I'm Alice.", "complete"), ("assistant", "Hello Alice, nice to meet you.", "complete")]


async def test_chat_continues_the_latest_conversation_or_the_one_named(server, sign_in, chat) -> None:
    base_url, hub, scripted = server
    alice = await sign_in("alice")
    async with httpx.AsyncClient(base_url=base_url) as client:
        first = (await chat(client, alice, "one"))[0]["conversation_id"]
        assert (await chat(client, alice, "two"))[0]["conversation_id"] == first
        fresh = await client.post("/api/conversations", headers=alice, json={"title": "Plans"})
        assert fresh.status_code == 201 and fresh.json()["title"] == "Plans"
        assert (await chat(client, alice, "three", fresh.json()["id"]))[0]["conversation_id"] == fresh.json()["id"]
        assert (await chat(client, alice, "four", first))[0]["conversation_id"] == first


async def test_closing_the_stream_interrupts_the_reply_and_keeps_what_was_said(server, sign_in) -> None:
    base_url, hub, scripted = server
    alice = await sign_in("alice")
    scripted.delay_s = 0.05
    scripted.enqueue(" ".join(f"word{i}" for i in range(200)))
    async with httpx.AsyncClient(base_url=base_url) as client:
        async with client.stream("POST", "/api/chat", json={"text": "Tell me a long story."}, headers=alice) as r:
            deltas = 0
            async for line in r.aiter_lines():
                deltas += '"text_delta"' in line
                if deltas == 3:
                    break  # leaving the block closes the connection mid-reply
        user = await hub.runtime.store.user("alice")
        conversation = await hub.runtime.store.latest_conversation(user)
        assert conversation is not None
        for _ in range(100):
            stored = await hub.runtime.store.messages(conversation)
            if len(stored) == 2 and hub.turnstile.snapshot().active == 0:
                break
            await asyncio.sleep(0.05)
    assert stored[1].status == "interrupted" and stored[1].content.startswith("word0 word1")
    assert hub.turnstile.snapshot().active == 0  # its slot was given back


async def test_memory_shows_searches_and_forgets_what_was_said(server, sign_in, chat) -> None:
    base_url, hub, scripted = server
    alice = await sign_in("alice")
    async with httpx.AsyncClient(base_url=base_url) as client:
        await chat(client, alice, "My cat Pickles loves the windowsill.")
        known = (await client.get("/api/memory", headers=alice)).json()
        assert known == {"profile": [], "facts": []}
        found = (await client.get("/api/memory/search", params={"q": "Pickles"}, headers=alice)).json()["items"]
        assert any("Pickles" in item["text"] for item in found)
        plan = (await client.post("/api/memory/forget", json={"query": "Pickles"}, headers=alice)).json()
        assert plan["confirmed"] is False and plan["count"] >= 1
        assert any("Pickles" in item["text"] for item in plan["items"])
        still = (await client.get("/api/memory/search", params={"q": "Pickles"}, headers=alice)).json()["items"]
        assert still, "showing the plan deletes nothing"
        done = (await client.post("/api/memory/forget", json={"query": "Pickles", "confirm": True},
                                  headers=alice)).json()
        assert done["confirmed"] is True and done["forgotten"] >= 1
        after = (await client.get("/api/memory/search", params={"q": "Pickles"}, headers=alice)).json()["items"]
    assert not any("Pickles" in item["text"] for item in after)


async def test_learning_after_a_turn_shows_in_memory(settings, scripted, served, chat) -> None:
    hub = await open_hub(settings, model=scripted)
    try:
        async with served(create_app(hub)) as base_url:
            alice = {"Authorization": f"Bearer {await hub.tokens.add('alice')}"}
            scripted.enqueue("What a lovely name for a cat.")
            scripted.enqueue_json({"facts": [{"fact": "alice has a cat called Pickles.", "topic": "pet: Pickles",
                                              "from": 1}]})
            async with httpx.AsyncClient(base_url=base_url) as client:
                await chat(client, alice, "I have a cat called Pickles, she is three.")
                facts: list[dict[str, Any]] = []
                for _ in range(100):
                    facts = (await client.get("/api/memory", headers=alice)).json()["facts"]
                    if facts:
                        break
                    await asyncio.sleep(0.05)
    finally:
        await hub.runtime.close()
    assert [f["text"] for f in facts] == ["alice has a cat called Pickles."]


async def test_errors_are_json_in_one_shape(server, sign_in) -> None:
    base_url, hub, scripted = server
    alice = await sign_in("alice")
    async with httpx.AsyncClient(base_url=base_url) as client:
        unknown = await client.get("/api/nothing-here", headers=alice)
        invalid = await client.post("/api/chat", json={"conversation_id": "seven"}, headers=alice)
        not_json = await client.post("/api/chat", content=b"{not json", headers=alice | {
            "content-type": "application/json"})
        wrong_method = await client.delete("/api/status", headers=alice)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
    assert invalid.status_code == 422 and invalid.json()["error"]["code"] == "invalid_request"
    assert "text" in invalid.json()["error"]["message"]
    assert not_json.status_code == 422 and not_json.json()["error"]["code"] == "invalid_request"
    assert wrong_method.status_code == 405 and wrong_method.json()["error"]["code"] == "method_not_allowed"


async def test_bad_input_is_a_4xx_never_a_500(server, sign_in) -> None:
    base_url, hub, scripted = server
    alice = await sign_in("alice")
    huge = 2**70
    async with httpx.AsyncClient(base_url=base_url) as client:
        answers = [
            await client.get(f"/api/conversations/{huge}/messages", headers=alice),
            await client.get("/api/conversations/-1/messages", headers=alice),
            await client.get("/api/conversations/abc/messages", headers=alice),
            await client.get("/api/conversations", params={"limit": 0}, headers=alice),
            await client.post("/api/chat", json={"text": "hi", "conversation_id": huge}, headers=alice),
            await client.post("/api/chat", json=["hi"], headers=alice),
            await client.post("/api/chat", json={"text": ""}, headers=alice),
            await client.get("/api/memory/search", headers=alice),
            await client.get("/api/memory/search", params={"q": '"NEAR( AND * OR -'}, headers=alice),
            await client.post("/api/memory/forget", json={"confirm": True}, headers=alice),
            await client.post("/api/memory/forget", json={"query": "'; DROP TABLE messages; --", "confirm": True},
                              headers=alice),
            await client.post("/api/conversations", content=b"\xff\xfe", headers=alice | {
                "content-type": "application/json"}),
        ]
    for answer in answers:
        assert answer.status_code < 500, (answer.request.url, answer.status_code, answer.text)
        if answer.status_code >= 400:
            assert set(answer.json()["error"]) >= {"code", "message"}


async def test_status_shows_the_model_busy_and_the_line(server, sign_in, chat) -> None:
    base_url, hub, scripted = server
    alice, bob = await sign_in("alice"), await sign_in("bob")
    scripted.delay_s = 0.02
    scripted.enqueue(" ".join(["slowly"] * 40))
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        talking = [asyncio.create_task(chat(client, alice, "Tell me a story.")),
                   asyncio.create_task(chat(client, alice, "And another."))]
        for _ in range(200):
            if hub.turnstile.snapshot().waiting == 1:
                break
            await asyncio.sleep(0.01)
        status = (await client.get("/api/status", headers=bob)).json()
        await asyncio.gather(*talking)
    assert status["model"]["state"] == "busy" and status["queue"] == 1 and status["person"] == "bob"


async def test_a_remote_model_that_does_not_answer_is_down(settings, served) -> None:
    with socket.socket() as unused:  # a port nobody listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    hub = await open_hub(settings.with_overrides(model=f"openai:some-model@http://127.0.0.1:{port}/v1"))
    try:
        assert hub.turnstile.slots == REMOTE_SLOTS  # a remote server serves several at once
        async with served(create_app(hub, learn=False)) as base_url, httpx.AsyncClient(base_url=base_url) as client:
            token = await hub.tokens.add("alice")
            status = (await client.get("/api/status", headers={"Authorization": f"Bearer {token}"})).json()
    finally:
        await hub.runtime.close()
    assert status["model"] == {"name": f"some-model at http://127.0.0.1:{port}/v1", "state": "down"}
