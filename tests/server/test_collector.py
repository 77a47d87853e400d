"""The server's pacing of Python's cycle collector, and finished requests letting go of what the app hung on them."""

from __future__ import annotations

import asyncio
import gc
import weakref
from typing import Any

import httpx

from os1.server.collector import pace_collections
from os1.server.serving import ASGI_KEYS, ReleaseFinishedRequests


class Cycle:
    def __init__(self) -> None:
        self.me = self


async def test_long_lived_objects_are_frozen_and_thawed_when_the_server_stops() -> None:
    pacing = asyncio.create_task(pace_collections(freeze_every_s=0.01, full_every_s=3600))
    try:
        await asyncio.sleep(0.05)
        assert gc.get_freeze_count() > 0  # what was alive at the start is no longer walked
    finally:
        pacing.cancel()
        await asyncio.gather(pacing, return_exceptions=True)
    assert gc.get_freeze_count() == 0


async def test_a_full_pass_reclaims_cycles_that_died_frozen() -> None:
    pacing = asyncio.create_task(pace_collections(freeze_every_s=0.02, full_every_s=0.1))
    try:
        await asyncio.sleep(0.05)
        dead = Cycle()
        gone = weakref.ref(dead)
        await asyncio.sleep(0.05)  # frozen while alive...
        del dead  # ...then unreachable: only the next full pass can reclaim it
        for _ in range(50):
            if gone() is None:
                break
            await asyncio.sleep(0.02)
        assert gone() is None
    finally:
        pacing.cancel()
        await asyncio.gather(pacing, return_exceptions=True)


async def test_a_finished_request_keeps_only_the_asgi_keys() -> None:
    seen: dict[str, Any] = {}
    scopes: list[dict[str, Any]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        scope["fastapi_astack"] = object()  # as frameworks hang things on the scope
        scope["route"] = "the route"
        seen.update(scope)
        scopes.append(scope)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    transport = httpx.ASGITransport(app=ReleaseFinishedRequests(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://os1.test") as client:
        response = await client.get("/api/status?x=1")
    assert response.text == "ok"
    assert {"fastapi_astack", "route"} <= set(seen)  # the app had them while it ran
    assert set(scopes[0]) <= ASGI_KEYS and scopes[0]["path"] == "/api/status"
