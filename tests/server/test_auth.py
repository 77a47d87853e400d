"""Signing in: every API route wants a valid token; tokens are stored only as hashes; removed tokens stop."""

from __future__ import annotations

import re
import sqlite3

import httpx
import pytest

from os1.server import auth
from os1.server.app import create_app, open_hub
from os1.server.auth import TokenBook
from os1.server.limits import Limits


async def test_health_answers_without_a_token(server) -> None:
    base_url, hub, scripted = server
    async with httpx.AsyncClient(base_url=base_url) as client:
        response = await client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


async def test_no_token_is_a_401_that_says_how_to_sign_in(server) -> None:
    base_url, hub, scripted = server
    async with httpx.AsyncClient(base_url=base_url) as client:
        response = await client.get("/api/status")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    error = response.json()["error"]
    assert error["code"] == "unauthorized" and "Authorization: Bearer" in error["message"]


@pytest.mark.parametrize("header", ["Bearer os1_0123456789ab_" + "x" * 43, "Bearer nonsense", "Basic YWxpY2U6cHc=",
                                    "Bearer"])
async def test_a_bad_token_is_a_401(server, sign_in, header: str) -> None:
    base_url, hub, scripted = server
    await sign_in("alice")
    async with httpx.AsyncClient(base_url=base_url) as client:
        response = await client.get("/api/status", headers={"Authorization": header})
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"


async def test_a_token_with_a_real_id_and_a_wrong_secret_is_a_401(server, sign_in) -> None:
    base_url, hub, scripted = server
    token = (await sign_in("alice"))["Authorization"].removeprefix("Bearer ")
    forged = token[:len("os1_") + 13] + "A" * 43
    async with httpx.AsyncClient(base_url=base_url) as client:
        good = await client.get("/api/status", headers={"Authorization": f"Bearer {token}"})
        bad = await client.get("/api/status", headers={"Authorization": f"Bearer {forged}"})
    assert good.status_code == 200 and bad.status_code == 401


async def test_every_api_route_wants_a_token(settings, scripted, served) -> None:
    hub = await open_hub(settings, model=scripted)
    # Limits high enough that no route is refused for the number of requests before its token is looked at.
    app = create_app(hub, limits=Limits(burst=10_000), learn=False)
    paths = app.openapi()["paths"]
    routes = [(method.upper(), re.sub(r"\{\w+\}", "1", path)) for path, operations in paths.items()
              if path != "/healthz" for method in operations]
    assert len(routes) >= 8
    try:
        async with served(app) as base_url, httpx.AsyncClient(base_url=base_url) as client:
            for method, path in routes:
                response = await client.request(method, path, json={})
                assert response.status_code == 401, (method, path, response.status_code)
    finally:
        await hub.runtime.close()


async def test_a_removed_persons_token_is_a_401(server, sign_in) -> None:
    base_url, hub, scripted = server
    alice = await sign_in("alice")
    async with httpx.AsyncClient(base_url=base_url) as client:
        assert (await client.get("/api/status", headers=alice)).status_code == 200
        assert await hub.tokens.remove("alice")
        response = await client.get("/api/status", headers=alice)
    assert response.status_code == 401


async def test_a_token_removed_by_another_process_stops_working(server, sign_in,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    base_url, hub, scripted = server
    alice = await sign_in("alice")
    async with httpx.AsyncClient(base_url=base_url) as client:
        assert (await client.get("/api/status", headers=alice)).status_code == 200
        assert await TokenBook(hub.runtime.store).remove("alice")  # as `os1 users remove` would, elsewhere
        monkeypatch.setattr(auth, "EPOCH_EVERY_S", 0.0)  # instead of waiting up to a second for the next check
        response = await client.get("/api/status", headers=alice)
    assert response.status_code == 401


async def test_a_person_deleted_straight_from_the_database_is_signed_out(server, sign_in,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's triggers count every token removal (here a cascade from deleting the person), whoever makes it,
    and a running server reads that count instead of looking up every remembered token again."""
    base_url, hub, scripted = server
    alice, bob = await sign_in("alice"), await sign_in("bob")
    async with httpx.AsyncClient(base_url=base_url) as client:
        for who in (alice, bob):
            assert (await client.get("/api/status", headers=who)).status_code == 200
        with sqlite3.connect(hub.runtime.store.path) as db:  # another program, outside OS1
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("DELETE FROM users WHERE name = 'alice'")
        monkeypatch.setattr(auth, "EPOCH_EVERY_S", 0.0)
        assert (await client.get("/api/status", headers=alice)).status_code == 401
        assert (await client.get("/api/status", headers=bob)).json()["person"] == "bob"  # looked up, not re-hashed


async def test_each_token_signs_in_its_own_person_and_people_have_several(server) -> None:
    base_url, hub, scripted = server
    phone, laptop, bob = [await hub.tokens.add(name) for name in ("alice", "alice", "bob")]
    async with httpx.AsyncClient(base_url=base_url) as client:
        who = [(await client.get("/api/status", headers={"Authorization": f"Bearer {t}"})).json()["person"]
               for t in (phone, laptop, bob)]
    assert who == ["alice", "alice", "bob"]
    people = {p.name: p for p in await hub.tokens.people()}
    assert people["alice"].tokens == 2 and people["bob"].tokens == 1
    assert people["alice"].last_used is not None


async def test_tokens_are_stored_only_as_hashes(server) -> None:
    base_url, hub, scripted = server
    token = await hub.tokens.add("alice")
    assert re.fullmatch(r"os1_[0-9a-f]{12}_[A-Za-z0-9_-]{43}", token)
    secret = token[len("os1_") + 13:]
    async with httpx.AsyncClient(base_url=base_url) as client:
        assert (await client.get("/api/status", headers={"Authorization": f"Bearer {token}"})).status_code == 200
    db = hub.runtime.settings.db_path
    stored = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    assert secret.encode() not in stored
    assert b"$argon2id$" in stored
