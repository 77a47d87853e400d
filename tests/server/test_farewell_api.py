"""Leaving for good through the server: only the person themselves, only once they hold their archive; then the
goodbye, everything of theirs gone with proof, their token dead, and everyone else as they were."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import httpx

from os1.server.deps import Hub
from os1.testing import ScriptedModel


async def test_a_person_takes_their_archive_then_leaves(server: tuple[str, Hub, ScriptedModel], sign_in) -> None:
    base_url, hub, scripted = server
    maria, jon = await sign_in("maria"), await sign_in("jon")
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        for who, said in ((maria, "My brother Tomas lives in Vilnius and fixes old radios."),
                          (jon, "I run every morning by the canal.")):
            scripted.enqueue("Tell me more.")
            assert (await client.post("/api/chat", json={"text": said}, headers=who)).status_code == 200

        # Nothing goes before she holds her archive.
        refused = await client.post("/api/farewell", json={"archive_sha256": "0" * 64}, headers=maria)
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "archive_first"

        taken = await client.post("/api/farewell/archive", headers=maria)
        assert taken.status_code == 200 and taken.headers["content-type"] == "application/zip"
        sha = taken.headers["x-os1-archive-sha256"]
        assert hashlib.sha256(taken.content).hexdigest() == sha
        with zipfile.ZipFile(io.BytesIO(taken.content)) as zf:
            doc = json.loads(zf.read("os1-export.json"))
        assert doc["person"] == "maria" and "Vilnius" in json.dumps(doc) and "canal" not in json.dumps(doc)
        assert not list((hub.runtime.settings.home).rglob("*.zip"))  # kept nowhere on the server

        scripted.enqueue("Goodbye, Maria. I'll miss the radios.")
        left = await client.post("/api/farewell", json={"archive_sha256": sha}, headers=maria)
        assert left.status_code == 200, left.text
        body = left.json()
        assert body["goodbye"] == "Goodbye, Maria. I'll miss the radios."
        assert body["proof"]["still_there"] == 0 and body["deleted"]["messages"] == 2
        assert (await client.get("/api/status", headers=maria)).status_code == 401  # her token went with her
        assert (await client.get("/api/conversations", headers=jon)).status_code == 200

    assert await hub.runtime.store.read("SELECT id FROM users WHERE name = 'maria'", ()) == []
    jons = await hub.runtime.store.read("SELECT count(*) FROM messages WHERE content LIKE '%canal%'", ())
    assert jons[0][0] == 1
