"""Limits: a body too big is a 413, a burst beyond the rate a 429 with Retry-After; both as JSON errors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx

from os1.server.limits import MIB, Buckets, Limits


async def test_a_body_over_a_mebibyte_is_a_413(server, sign_in) -> None:
    base_url, hub, scripted = server
    alice = await sign_in("alice")
    async with httpx.AsyncClient(base_url=base_url) as client:
        response = await client.post("/api/chat", json={"text": "x" * (MIB + 10)}, headers=alice)
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "too_large" and "1 MiB" in error["message"]
    assert scripted.prompts == []


async def test_a_body_without_a_length_is_cut_off_at_the_limit_too(server, sign_in) -> None:
    base_url, hub, scripted = server
    alice = await sign_in("alice")

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"text": "'
        for _ in range(20):
            yield b"x" * (128 * 1024)
        yield b'"}'

    async with httpx.AsyncClient(base_url=base_url) as client:
        response = await client.post("/api/chat", content=chunks(),
                                     headers=alice | {"content-type": "application/json"})
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"


async def test_audio_uploads_may_be_bigger_but_not_without_bound(server) -> None:
    base_url, hub, scripted = server
    async with httpx.AsyncClient(base_url=base_url) as client:
        two_mib = await client.post("/v1/audio/transcriptions", content=b"\0" * (2 * MIB))
        too_big = await client.post("/v1/audio/transcriptions", content=b"\0" * (26 * MIB))
    assert two_mib.status_code != 413
    assert too_big.status_code == 413 and "25 MiB" in too_big.json()["error"]["message"]


async def test_a_burst_beyond_the_rate_is_a_429_with_retry_after(server, sign_in) -> None:
    base_url, hub, scripted = server
    alice, bob = await sign_in("alice"), await sign_in("bob")
    async with httpx.AsyncClient(base_url=base_url) as client:
        answers = [await client.get("/api/status", headers=alice) for _ in range(Limits.burst * 2)]
        refused = [a for a in answers if a.status_code == 429]
        assert refused and all(a.status_code == 200 for a in answers[:Limits.burst - 1])
        assert int(refused[0].headers["retry-after"]) >= 1
        assert refused[0].json()["error"]["code"] == "rate_limited"
        assert (await client.get("/api/status", headers=bob)).status_code == 200, "others are not held back"
        assert (await client.get("/healthz")).status_code == 200


def test_a_bucket_refills_at_its_rate() -> None:
    buckets = Buckets(rate=1.0, size=2)
    assert buckets.take("a", 0.0) == 0.0 and buckets.take("a", 0.0) == 0.0
    assert buckets.take("a", 0.0) == 1.0  # empty: one more in a second
    assert buckets.take("a", 0.5) == 0.5
    assert buckets.take("a", 1.0) == 0.0
    assert buckets.take("b", 1.0) == 0.0
