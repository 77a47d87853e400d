"""The server runs the same life between turns as the terminal: a person who comes back to the web app after a
gap gets reflection (a summary, their profile, the companion's journal), then what they said is learned."""

from __future__ import annotations

import asyncio

import httpx

from os1.db.store import NewMessage
from os1.memory.journal import entries
from os1.memory.summaries import summaries
from os1.server.app import create_app, open_hub

LONG_AGO = "2026-01-10T19:00:00.000+00:00"


async def test_back_after_a_gap_the_server_reflects(settings, scripted, served, chat) -> None:
    hub = await open_hub(settings, model=scripted)
    store = hub.runtime.store
    try:
        alice = await store.user("alice")
        earlier = await store.new_conversation(alice, created_at=LONG_AGO)
        lines = ["I started learning the cello.", "How is it going?", "Slowly. My teacher is patient.",
                 "That matters a lot.", "I practise every evening after work."]
        await store.append_many(earlier, [NewMessage("user" if i % 2 == 0 else "assistant", line, created_at=LONG_AGO)
                                          for i, line in enumerate(lines)])
        scripted.enqueue("Welcome back! How is the cello?")
        scripted.enqueue_json({"facts": []})
        scripted.enqueue_json({"summary": "Alice told me she started learning the cello."})
        scripted.enqueue_json({"who": "Alice, learning the cello.", "people": "", "cares": "", "now": "",
                               "style": ""})
        scripted.enqueue_json({"entry": "She practises every evening.", "ask_next": "How is the cello going?"})
        async with served(create_app(hub)) as base_url, httpx.AsyncClient(base_url=base_url) as client:
            headers = {"Authorization": f"Bearer {await hub.tokens.add('alice')}"}
            await chat(client, headers, "Hi, I'm back after a long while.")
            for _ in range(200):  # reflection runs in the background once the turn is over
                if await entries(store, alice):
                    break
                await asyncio.sleep(0.05)
        [summary] = await summaries(store, alice)
        assert "cello" in summary.text
        assert [e.ask_next for e in await entries(store, alice)] == ["How is the cello going?"]
    finally:
        await hub.runtime.close()
