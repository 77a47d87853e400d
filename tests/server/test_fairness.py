"""Sharing the model fairly: round-robin between people, in order within a person, places in line told, a
clear refusal when the line is too long or too slow. First the turnstile alone, then through the server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from os1.db.store import User
from os1.server.fairness import Busy, Ticket, Turnstile, ordinal, waiting_text

ALICE, BOB, CAROL = User(1, "alice"), User(2, "bob"), User(3, "carol")


def positions(tickets: list[Ticket]) -> list[int]:
    return [t.position for t in tickets]


async def test_people_take_turns_round_robin_and_each_persons_turns_keep_their_order() -> None:
    turnstile = Turnstile(slots=1)
    a1, a2, a3 = turnstile.join(ALICE), turnstile.join(ALICE), turnstile.join(ALICE)
    b1, c1, b2 = turnstile.join(BOB), turnstile.join(CAROL), turnstile.join(BOB)
    served = []
    for _ in range(6):
        [current] = [t for t in (a1, a2, a3, b1, c1, b2) if t.served and not t.closed]
        served.append(current)
        current.close()
    assert served == [a1, b1, c1, a2, b2, a3]


async def test_places_in_line_follow_the_order_of_service() -> None:
    turnstile = Turnstile(slots=1)
    a1, a2, a3 = turnstile.join(ALICE), turnstile.join(ALICE), turnstile.join(ALICE)
    assert positions([a1, a2, a3]) == [0, 1, 2]
    b1 = turnstile.join(BOB)  # Bob hasn't been served yet: he goes before Alice's second
    assert positions([a1, a2, a3, b1]) == [0, 2, 3, 1]
    a1.close()
    assert positions([b1, a2, a3]) == [0, 1, 2] and b1.served
    assert turnstile.snapshot().as_dict() == {"slots": 1, "active": 1, "waiting": 2, "busy": True}


async def test_wait_yields_each_new_place_until_served() -> None:
    turnstile = Turnstile(slots=1)
    a1, a2 = turnstile.join(ALICE), turnstile.join(ALICE)
    b1 = turnstile.join(BOB)
    seen: list[int] = []

    async def follow() -> None:
        async for position in a2.wait():
            seen.append(position)

    follower = asyncio.create_task(follow())
    await until(lambda: seen == [2])
    a1.close()  # Bob is served; Alice's second moves up
    await until(lambda: seen == [2, 1])
    b1.close()  # now hers
    await asyncio.wait_for(follower, 1)
    assert seen == [2, 1] and a2.served


async def test_several_slots_serve_several_people_but_one_turn_each() -> None:
    turnstile = Turnstile(slots=2)
    a1, a2, b1 = turnstile.join(ALICE), turnstile.join(ALICE), turnstile.join(BOB)
    assert (a1.served, a2.served, b1.served) == (True, False, True)
    a1.close()
    assert a2.served


async def test_too_many_waiting_from_one_person_is_refused_at_once() -> None:
    turnstile = Turnstile(slots=1, max_per_person=2)
    turnstile.join(ALICE), turnstile.join(ALICE)
    with pytest.raises(Busy, match="2 messages waiting"):
        turnstile.join(ALICE)
    turnstile.join(BOB)  # others still get in line


async def test_waiting_too_long_gives_the_place_up_with_a_clear_error() -> None:
    turnstile = Turnstile(slots=1, queue_timeout_s=0.05)
    turnstile.join(ALICE)
    waiting = turnstile.join(BOB)
    with pytest.raises(Busy, match="busy with other people's conversations") as refused:
        async for _ in waiting.wait():
            pass
    assert refused.value.retry_after_s > 0 and waiting.closed
    assert turnstile.snapshot().waiting == 0


async def test_turn_holds_a_slot_for_the_block_and_after_turn_hears_of_its_end() -> None:
    turnstile = Turnstile(slots=1)
    ended: list[str] = []
    turnstile.after_turn(lambda user: ended.append(user.name))
    first = turnstile.join(ALICE)
    places: list[int] = []

    async def bobs_turn() -> None:
        async with turnstile.turn(BOB, on_position=places.append) as ticket:
            assert ticket.served and not first.served or first.closed

    task = asyncio.create_task(bobs_turn())
    await asyncio.sleep(0.01)
    assert places == [1] and not task.done()
    first.close()
    await asyncio.wait_for(task, 1)
    await asyncio.wait_for(turnstile.idle(), 1)
    assert ended == ["alice", "bob"]


def test_places_are_said_the_way_people_say_them() -> None:
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"]
    assert waiting_text(1) == "You're next in line…" and waiting_text(2) == "You're 2nd in line…"


# -- through the server -------------------------------------------------------------------------------------


async def until(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    for _ in range(int(timeout_s / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("timed out waiting for the condition")


def first(events: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return next(e for e in events if e["type"] == kind)


def waiting(events: list[dict[str, Any]]) -> list[str]:
    return [e["detail"] for e in events if e["type"] == "status" and e["state"] == "waiting"]


async def test_a_burst_from_one_person_does_not_make_another_wait_behind_all_of_it(server, sign_in, chat) -> None:
    base_url, hub, scripted = server
    alice, bob = await sign_in("alice"), await sign_in("bob")
    scripted.delay_s = 0.02
    for n in range(4):
        scripted.enqueue(" ".join(["word"] * 15) + f" {n}")
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        alices = [asyncio.create_task(chat(client, alice, f"Alice's message {n}.")) for n in range(3)]
        await until(lambda: hub.turnstile.snapshot().waiting == 2)  # one of hers served, two in line
        bobs = asyncio.create_task(chat(client, bob, "Bob's only message."))
        await until(lambda: hub.turnstile.snapshot().waiting == 3)
        alice_events, bob_events = await asyncio.gather(asyncio.gather(*alices), bobs)
    started = sorted((first(events, "turn_started")["message_id"], who) for who, events in
                     [("alice", e) for e in alice_events] + [("bob", bob_events)])
    assert [who for _, who in started] == ["alice", "bob", "alice", "alice"]
    assert waiting(bob_events) == ["You're next in line…"]
    assert any(places[:2] == ["You're 2nd in line…", "You're 3rd in line…"] for places in map(waiting, alice_events))
    assert all(e[-1]["type"] == "turn_ended" for e in [*alice_events, bob_events])


async def test_the_web_chat_waits_in_line_as_long_as_its_person_does(server, sign_in, chat) -> None:
    """Past the turnstile's wait (after which a door without its own Stop gives up), a web chat message is
    still answered: its person sees their place in line and may stop it themselves; it is never dropped."""
    base_url, hub, scripted = server
    alice, bob = await sign_in("alice"), await sign_in("bob")
    hub.turnstile.queue_timeout_s = 0.3
    scripted.delay_s = 0.1
    scripted.enqueue(" ".join(["slowly"] * 30))  # about 3 s: ten times the wait
    scripted.enqueue("Hello, Bob.")
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        alices = asyncio.create_task(chat(client, alice, "Tell me everything."))
        await until(lambda: hub.turnstile.snapshot().active == 1)
        bob_events = await chat(client, bob, "Hello?")
        await alices
    assert waiting(bob_events) == ["You're next in line…"]
    assert bob_events[-1]["type"] == "turn_ended" and bob_events[-1]["text"] == "Hello, Bob."


async def test_too_many_turns_in_line_is_a_429_before_the_stream(server, sign_in, chat) -> None:
    base_url, hub, scripted = server
    alice = await sign_in("alice")
    hub.turnstile.max_per_person = 2
    scripted.delay_s = 0.05
    for _ in range(2):
        scripted.enqueue(" ".join(["slowly"] * 20))
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        first = [asyncio.create_task(chat(client, alice, f"message {n}")) for n in range(2)]
        await until(lambda: hub.turnstile.snapshot().waiting == 1)
        refused = await client.post("/api/chat", json={"text": "one more"}, headers=alice)
        await asyncio.gather(*first)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert refused.json()["error"]["code"] == "busy"


async def test_fifty_at_once_from_one_person_get_a_429_or_their_turn_never_a_busy_stream(server, sign_in,
                                                                                        chat) -> None:
    """Busy is decided once per request, before the answer: a 429, or a place in line and the turn."""
    base_url, hub, scripted = server
    alice = await sign_in("alice")
    scripted.delay_s = 0.005
    for n in range(50):
        scripted.enqueue(f"Reply {n}.")
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        assert (await client.get("/api/status", headers=alice)).status_code == 200  # signed in: no hashing
        results = await asyncio.gather(*(chat(client, alice, f"Message {n}.") for n in range(50)))
    refused = [events[0] for events in results if events[0]["type"] == "http_error"]
    served = [events for events in results if events[0]["type"] != "http_error"]
    assert refused and all(r["status"] == 429 and r["error"]["code"] in ("busy", "rate_limited") for r in refused)
    assert any(r["error"]["code"] == "busy" for r in refused)
    assert len(served) >= hub.turnstile.max_per_person
    assert all(events[-1]["type"] == "turn_ended" for events in served), [
        events[-1] for events in served if events[-1]["type"] != "turn_ended"]
    await until(lambda: hub.turnstile.snapshot().as_dict()["waiting"] == 0 and hub.turnstile.snapshot().active == 0)
