"""Conversations and reminders kept by the person over the API (a real server, a real store): renamed, deleted
for good with what was learned from them (and nothing else of theirs), reminders listed, cancelled and brought
back; never anyone else's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from os1.db import state
from os1.memory.facts import add_fact
from os1.reminders.book import add_reminder, mark_fired
from os1.server.deps import Hub
from os1.testing import ScriptedModel

from .conftest import SignIn


async def test_rename_and_delete_a_conversation_with_what_was_learned_from_it(
        server: tuple[str, Hub, ScriptedModel], sign_in: SignIn) -> None:
    base_url, hub, _ = server
    maria, jon = await sign_in("maria"), await sign_in("jon")
    store = hub.runtime.store
    person = await store.user("maria")
    lake = await store.new_conversation(person)
    told = await store.append(lake, "user", "We sold the blue canoe at the lake house last summer.")
    await add_fact(store, person, "Maria sold the blue canoe.", "home", source_message_id=told.id)
    await store.set_state(person, state.PERSON_NOTE.key(lake.id), "note")
    work = await store.new_conversation(person)
    await store.append(work, "user", "My new job starts on Monday at the bakery.")
    await add_fact(store, person, "Maria starts at the bakery.", "work")

    async with httpx.AsyncClient(base_url=base_url) as client:
        renamed = await client.patch(f"/api/conversations/{lake.id}", headers=maria, json={"title": "  The  lake "})
        assert renamed.status_code == 200 and renamed.json()["title"] == "The lake"
        listed = (await client.get("/api/conversations", headers=maria)).json()["conversations"]
        assert {c["id"]: c["title"] for c in listed}[lake.id] == "The lake"
        assert (await client.patch(f"/api/conversations/{lake.id}", headers=jon, json={"title": "x"})).status_code \
            == 404  # not his
        assert (await client.delete(f"/api/conversations/{lake.id}", headers=jon)).status_code == 404

        deleted = await client.delete(f"/api/conversations/{lake.id}", headers=maria)
        assert deleted.status_code == 200 and deleted.json() == {"deleted": lake.id, "messages": 1}
        assert (await client.get(f"/api/conversations/{lake.id}/messages", headers=maria)).status_code == 404
        assert [c["id"] for c in (await client.get("/api/conversations", headers=maria)).json()["conversations"]] \
            == [work.id]
    facts = [row[0] for row in await store.read("SELECT text FROM facts WHERE user_id = ?", (person.id,))]
    assert facts == ["Maria starts at the bakery."]  # what came from the lake conversation went with it
    assert await store.get_state(person, state.PERSON_NOTE.key(lake.id)) is None
    assert b"blue canoe" not in (hub.runtime.settings.db_path).read_bytes()


async def test_reminders_listed_cancelled_and_brought_back(server: tuple[str, Hub, ScriptedModel],
                                                          sign_in: SignIn) -> None:
    base_url, hub, _ = server
    maria, jon = await sign_in("maria"), await sign_in("jon")
    store = hub.runtime.store
    person = await store.user("maria")
    now = datetime.now(UTC)
    later = await add_reminder(store, person, "call my sister", now + timedelta(hours=3))
    sooner = await add_reminder(store, person, "take the bread out", now + timedelta(minutes=20), alarm=True)
    said = await add_reminder(store, person, "water the lemon tree", now - timedelta(hours=1))
    await mark_fired(store, said, "⏰ Reminder: water the lemon tree")
    async with httpx.AsyncClient(base_url=base_url) as client:
        got = (await client.get("/api/reminders", headers=maria)).json()
        assert [r["text"] for r in got["waiting"]] == ["take the bread out", "call my sister"]
        assert got["waiting"][0]["alarm"] is True
        assert [r["text"] for r in got["past"]] == ["water the lemon tree"] and got["past"][0]["said"]
        assert (await client.get("/api/reminders", headers=jon)).json() == {"waiting": [], "past": []}

        assert (await client.post(f"/api/reminders/{later.id}/cancel", headers=jon, json={})).status_code == 404
        cancelled = await client.post(f"/api/reminders/{later.id}/cancel", headers=maria, json={})
        assert cancelled.status_code == 200 and cancelled.json()["cancelled"]
        got = (await client.get("/api/reminders", headers=maria)).json()
        assert [r["id"] for r in got["waiting"]] == [sooner.id] and got["past"][0]["id"] == later.id
        back = await client.post(f"/api/reminders/{later.id}/cancel", headers=maria, json={"cancelled": False})
        assert back.status_code == 200 and back.json()["cancelled"] is None
        refused = await client.post(f"/api/reminders/{said.id}/cancel", headers=maria, json={})
        assert refused.status_code == 404 and "said already" in refused.json()["error"]["message"]
