"""A person's own settings over the API (a real server on loopback): what they are, changed one at a time, wrong
values refused with nothing changed, the same settings the conversation changes, nobody else's; and the export of
everything, which deletes nothing."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import httpx

from os1.db import state
from os1.server.deps import Hub
from os1.testing import ScriptedModel

from .conftest import SignIn


async def test_settings_change_one_at_a_time_and_are_each_persons_own(server: tuple[str, Hub, ScriptedModel],
                                                                      sign_in: SignIn) -> None:
    base_url, hub, _ = server
    maria, jon = await sign_in("maria"), await sign_in("jon")
    async with httpx.AsyncClient(base_url=base_url) as client:
        first = (await client.get("/api/settings", headers=maria)).json()
        assert first["voice"] is None and first["theme"] == "system" and first["quiet_hours"] is None
        assert first["check_ins"] is True and first["good_morning"] is None and first["model"]
        ids = [v["id"] for v in first["voices"]]
        assert ids and sum(v["default"] for v in first["voices"]) <= 1

        changed = await client.patch("/api/settings", headers=maria, json={
            "voice": ids[-1], "theme": "dark", "quiet_hours": "10pm to 7am", "check_ins": False,
            "good_morning": "07:30"})
        assert changed.status_code == 200, changed.text
        now = changed.json()
        assert (now["voice"], now["theme"], now["quiet_hours"], now["check_ins"], now["good_morning"]) == (
            ids[-1], "dark", "22:00-07:00", False, "07:30")

        # Only what is given changes; "" clears.
        now = (await client.patch("/api/settings", headers=maria, json={"good_morning": "", "quiet_hours": ""})).json()
        assert now["good_morning"] is None and now["quiet_hours"] is None and now["theme"] == "dark"

        # Jon's are untouched.
        his = (await client.get("/api/settings", headers=jon)).json()
        assert his["voice"] is None and his["theme"] == "system" and his["check_ins"] is True

    # The same settings the conversation and the other doors read.
    person = await hub.runtime.store.user("maria")
    assert await hub.runtime.voice_choice(person) == ids[-1]
    assert not await hub.runtime.outreach.is_on(person)
    assert await hub.runtime.store.get_state(person, state.THEME.key()) == "dark"


async def test_a_wrong_value_is_refused_in_words_and_nothing_changes(server: tuple[str, Hub, ScriptedModel],
                                                                    sign_in: SignIn) -> None:
    base_url, _, _ = server
    maria = await sign_in("maria")
    async with httpx.AsyncClient(base_url=base_url) as client:
        for body, code in (({"theme": "dark", "quiet_hours": "whenever"}, "bad_quiet_hours"),
                           ({"theme": "dark", "voice": "hal-9000"}, "unknown_voice"),
                           ({"theme": "dark", "good_morning": "7.30am"}, "bad_time")):
            refused = await client.patch("/api/settings", headers=maria, json=body)
            assert refused.status_code == 422, refused.text
            error: dict[str, Any] = refused.json()["error"]
            assert error["code"] == code and len(error["message"]) > 20
        assert (await client.patch("/api/settings", headers=maria, json={"theme": "purple"})).status_code == 422
        assert (await client.get("/api/settings", headers=maria)).json()["theme"] == "system"
        assert (await client.get("/api/settings")).status_code == 401


async def test_the_export_holds_everything_and_deletes_nothing(server: tuple[str, Hub, ScriptedModel],
                                                              sign_in: SignIn) -> None:
    base_url, hub, _ = server
    maria = await sign_in("maria")
    store = hub.runtime.store
    person = await store.user("maria")
    conversation = await store.new_conversation(person)
    await store.append(conversation, "user", "My grandmother grew lemons on a balcony in Naples.")
    async with httpx.AsyncClient(base_url=base_url) as client:
        got = await client.get("/api/export", headers=maria)
        assert got.status_code == 200 and got.headers["content-type"] == "application/zip"
        assert got.headers["content-disposition"].startswith('attachment; filename="os1-maria-')
        with zipfile.ZipFile(io.BytesIO(got.content)) as archive:
            doc = json.loads(archive.read("os1-export.json"))
        said = [m["content"] for c in doc["conversations"] for m in c["messages"]]
        assert "My grandmother grew lemons on a balcony in Naples." in said
        assert (await client.get("/api/settings", headers=maria)).status_code == 200  # still here
    assert await store.get_state(person, state.FAREWELL_ARCHIVE.key()) is None  # an export arms no deletion
