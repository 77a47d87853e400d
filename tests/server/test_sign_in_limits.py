"""Every sign-in door is metered alike, per address and per token id: guessing a token's secret over the voice
socket's hello is refused as it is over HTTP, before the slow hash, and those signed in are not slowed by it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import websockets
from argon2 import PasswordHasher

from os1.config import Settings
from os1.runtime import open_runtime
from os1.server.app import create_app
from os1.server.auth import TokenBook
from os1.server.deps import Hub
from os1.server.fairness import Turnstile
from os1.server.limits import Limits
from os1.testing import ScriptedModel

BURST = 3


class CountingHasher(PasswordHasher):
    """argon2 as the server uses it, counting the slow checks."""

    def __init__(self) -> None:
        super().__init__()
        self.checks = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:  # noqa: A002 - argon2's own names
        self.checks += 1
        return bool(super().verify(hash, password))


@pytest.fixture
async def metered(settings: Settings, scripted: ScriptedModel,
                  served: Any) -> AsyncIterator[tuple[str, Hub, CountingHasher]]:
    hasher = CountingHasher()
    runtime = await open_runtime(settings, model=scripted)
    hub = Hub(runtime, TokenBook(runtime.store, hasher=hasher), Turnstile())
    try:
        limits = Limits(per_minute=6, burst=BURST, sign_in_per_minute=6, sign_in_burst=BURST)
        async with served(create_app(hub, learn=False, limits=limits)) as base_url:
            yield base_url, hub, hasher
    finally:
        await runtime.close()


def wrong_secret(token: str) -> str:
    return token[:17] + ("A" if token[17] != "A" else "B") + token[18:]


async def hello(base_url: str, token: str, address: str = "127.0.0.1") -> dict[str, Any]:
    """Say hello on the voice socket from `address`; the refusal it gets (the event and the close code)."""
    url = base_url.replace("http://", "ws://") + "/v1/realtime"
    async with websockets.connect(url, local_addr=(address, 0)) as socket:
        await socket.send(json.dumps({"type": "hello", "token": token}))
        event = json.loads(await socket.recv())
        await socket.wait_closed()
        return {"code": event["code"], "close": socket.close_code}


async def test_guessing_over_the_voice_hello_is_refused_before_the_hash(metered: Any) -> None:
    base_url, hub, hasher = metered
    alice, bob = await hub.tokens.add("alice"), await hub.tokens.add("bob")
    async with httpx.AsyncClient(base_url=base_url) as client:
        signed_in = {"Authorization": f"Bearer {alice}"}
        # Signed in before the flood: one of the address's sign-ins, and of the token's.
        assert (await client.get("/api/status", headers=signed_in)).status_code == 200
        checks_before, left = hasher.checks, BURST - 1
        answers = [await hello(base_url, wrong_secret(alice)) for _ in range(12)]
        assert answers[:left] == [{"code": "unauthorized", "close": 4401}] * left
        assert answers[left:] == [{"code": "rate_limited", "close": 4429}] * (12 - left)
        assert hasher.checks - checks_before == left  # the rest cost no hash at all

        # Over HTTP, from the same address, the same count applies.
        guessed = await client.get("/api/status", headers={"Authorization": f"Bearer {wrong_secret(alice)}"})
        assert guessed.status_code == 429 and int(guessed.headers["retry-after"]) >= 1
        # Alice, already signed in, is not slowed; Bob signs in from another address.
        assert (await client.get("/api/status", headers=signed_in)).json()["person"] == "alice"
    transport = httpx.AsyncHTTPTransport(local_address="127.0.0.2")
    async with httpx.AsyncClient(base_url=base_url, transport=transport) as elsewhere:
        answer = await elsewhere.get("/api/status", headers={"Authorization": f"Bearer {bob}"})
    assert answer.json()["person"] == "bob"


async def test_guessing_at_one_token_from_many_addresses_is_metered_per_token(metered: Any) -> None:
    base_url, hub, hasher = metered
    alice = await hub.tokens.add("alice")
    answers = [await hello(base_url, wrong_secret(alice), f"127.0.1.{n}") for n in range(1, 9)]
    assert [a["code"] for a in answers] == ["unauthorized"] * BURST + ["rate_limited"] * (8 - BURST)
    assert hasher.checks == BURST
    # Another person's token is not held back by it.
    bob = await hub.tokens.add("bob")
    async with httpx.AsyncClient(base_url=base_url) as client:
        bobs = await client.get("/api/status", headers={"Authorization": f"Bearer {bob}"})
    assert bobs.json()["person"] == "bob"


async def test_made_up_token_ids_are_metered_per_address_too(metered: Any) -> None:
    base_url, _, hasher = metered
    made_up = [f"os1_{n:012x}_{'s' * 43}" for n in range(8)]
    answers = [await hello(base_url, token) for token in made_up]
    assert [a["code"] for a in answers] == ["unauthorized"] * BURST + ["rate_limited"] * (8 - BURST)
    assert hasher.checks == 0  # no such id: nothing to hash


def test_a_flood_at_one_token_does_not_lock_its_owner_out_where_they_signed_in_before() -> None:
    from os1.server.limits import SignInGate

    gate = SignInGate(per_minute=60, burst=BURST)
    now = 1000.0
    assert gate.wait("192.168.1.7", "tok_owner", now) == 0
    gate.trust("192.168.1.7", "tok_owner")  # the owner signed in from home
    flooded = [gate.wait(f"10.0.0.{n % 200}", "tok_owner", now) for n in range(200)]  # many addresses, one token
    assert sum(w == 0 for w in flooded) <= BURST  # the flood is refused before the hash
    assert gate.wait("192.168.1.7", "tok_owner", now) == 0  # its owner, at home, still gets to try
    assert gate.wait("172.16.0.9", "tok_owner", now) > 0  # an address it never signed in from does not
