"""A pool of OpenAI-compatible servers (models/pool.py), against servers on loopback: llama-cpp-python's real
server with the packaged 0.5B model, ports where nothing listens, and small servers that stream slowly, hold
their reply, or break off after the first words."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from os1.companion import in_its_words
from os1.config import Settings
from os1.events import TurnEnded
from os1.models.base import GenerateOptions, Message, ModelBusy, ModelUnavailable
from os1.models.openai_compat import OpenAICompatModel
from os1.models.pool import ModelPool
from os1.models.resolve import resolve_model
from os1.models.spec import DEFAULT_SLOTS, SpecError, parse_spec
from os1.runtime import open_runtime
from os1.testing.loopback import LLAMA_ALIAS, Handler, fake_server, free_port, read_request, sse_chunk

GREEDY = GenerateOptions(max_tokens=24, temperature=0.0)
SKY: list[Message] = [{"role": "user", "content": "Repeat after me: The sky is blue."}]
GUARD_S = 15  # a regression fails here instead of hanging the suite
REAL_GUARD_S = 120  # the real model on a busy CPU-only machine may take a while


def dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}/v1"


def server(url: str) -> OpenAICompatModel:
    return OpenAICompatModel(LLAMA_ALIAS, url, connect_timeout_s=2.0, first_token_timeout_s=10.0)


async def reply(pool: ModelPool, guard_s: float = GUARD_S) -> str:
    async def run() -> str:
        return "".join([piece async for piece in pool.stream(SKY, GREEDY)])

    return await asyncio.wait_for(run(), guard_s)


def streaming(words: list[str], served: list[int], *, hold: asyncio.Event | None = None,
              arrived: asyncio.Event | None = None, break_off: bool = False) -> Handler:
    """A server that counts each request in `served`, waits for `hold` (if any), then streams `words` (or the first
    one and hangs up, if `break_off`)."""
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        served.append(1)
        if arrived is not None:
            arrived.set()
        if hold is not None:
            await hold.wait()
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
        for n, word in enumerate(words):
            writer.write(sse_chunk(word))
            await writer.drain()
            if break_off and n == 0:
                writer.close()
                return
            await asyncio.sleep(0.05)
        done = b"data: [DONE]\n\n"
        writer.write(f"{len(done):x}\r\n".encode() + done + b"\r\n0\r\n\r\n")
        await writer.drain()
        writer.close()
    return handle


@pytest.fixture
async def pools() -> AsyncIterator[list[ModelPool]]:
    made: list[ModelPool] = []
    yield made
    for pool in made:
        await pool.close()


# -- the spec --------------------------------------------------------------------------------------------------

def test_a_pool_is_written_as_servers_with_their_slots() -> None:
    spec = parse_spec("openai:qwen@http://10.0.0.5:8080/v1#8, http://10.0.0.6:8080/v1/")
    assert spec.pool == (("http://10.0.0.5:8080/v1", 8), ("http://10.0.0.6:8080/v1", DEFAULT_SLOTS))  # type: ignore[union-attr]
    assert parse_spec("openai:qwen@http://10.0.0.5:8080/v1").pool == ()  # type: ignore[union-attr]
    assert parse_spec("openai:qwen@http://10.0.0.5:8080/v1#2").pool == (("http://10.0.0.5:8080/v1", 2),)  # type: ignore[union-attr]
    with pytest.raises(SpecError, match="whole number"):
        parse_spec("openai:qwen@http://10.0.0.5:8080/v1#many")
    with pytest.raises(SpecError, match="must start with http"):
        parse_spec("openai:qwen@http://10.0.0.5:8080/v1,10.0.0.6:8080/v1")


def test_the_spec_makes_a_pool_the_server_sizes_its_turnstile_by(settings: Settings) -> None:
    pool = resolve_model("openai:qwen@http://127.0.0.1:1/v1#3,http://127.0.0.1:2/v1#5", settings)
    assert isinstance(pool, ModelPool) and pool.slots == 8 and pool.name == "qwen on 2 servers"


# -- failover, spreading, busy, down -----------------------------------------------------------------------------

@pytest.mark.model
async def test_a_dead_server_is_passed_over_and_the_reply_comes_from_a_live_one(
        llama_server: str, pools: list[ModelPool]) -> None:
    pool = ModelPool([(server(dead_url()), 2), (server(llama_server), 2)])
    pools.append(pool)
    for _ in range(2):  # the first reply finds the dead one; the second goes straight to the live one
        assert "sky" in (await reply(pool, REAL_GUARD_S)).lower()
    dead, live = pool.servers
    assert dead.down_until > 0 and "Can't reach" in dead.why
    assert live.down_until == 0 and live.busy == 0 and dead.busy == 0


async def test_replies_spread_over_the_servers_by_their_room(pools: list[ModelPool]) -> None:
    served_a: list[int] = []
    served_b: list[int] = []
    async with fake_server(streaming(["a", "b", "c"], served_a)) as a, \
            fake_server(streaming(["a", "b", "c"], served_b)) as b:
        pool = ModelPool([(server(a), 2), (server(b), 2)])
        pools.append(pool)
        replies = await asyncio.gather(*(reply(pool) for _ in range(4)))
    assert replies == ["abc"] * 4
    assert (len(served_a), len(served_b)) == (2, 2)


async def test_when_every_slot_is_taken_a_reply_waits_then_the_person_is_told_everyone_is_busy(
        pools: list[ModelPool]) -> None:
    served: list[int] = []
    hold, arrived = asyncio.Event(), asyncio.Event()
    async with fake_server(streaming(["x"], served, hold=hold, arrived=arrived)) as url:
        pool = ModelPool([(server(url), 1)], queue_s=0.3)
        pools.append(pool)
        first = asyncio.create_task(reply(pool))
        await asyncio.wait_for(arrived.wait(), GUARD_S)
        with pytest.raises(ModelBusy) as busy:
            await reply(pool)
        said = in_its_words(busy.value)
        assert "so many people are talking with me" in said and "say it again in a moment" in said
        waiting = asyncio.create_task(reply(pool))  # a slot that frees while it waits is taken
        await asyncio.sleep(0.1)
        hold.set()
        assert await first == "x" and await waiting == "x"
    assert len(served) == 2


async def test_when_no_server_answers_the_person_is_told_and_each_is_named(pools: list[ModelPool]) -> None:
    urls = [dead_url(), dead_url()]
    pool = ModelPool([(server(u), 1) for u in urls])
    pools.append(pool)
    with pytest.raises(ModelUnavailable) as down:
        await reply(pool)
    assert not isinstance(down.value, ModelBusy)
    assert "none of the 2 model servers answers" in str(down.value)
    assert all(u in str(down.value) for u in urls)
    assert "can't think right now" in in_its_words(down.value)


async def test_a_reply_broken_off_after_its_first_words_is_not_sent_again_elsewhere(pools: list[ModelPool]) -> None:
    broken: list[int] = []
    other: list[int] = []
    async with fake_server(streaming(["Hello", " there"], broken, break_off=True)) as a, \
            fake_server(streaming(["Hi"], other)) as b:
        pool = ModelPool([(server(a), 1), (server(b), 1)])
        pools.append(pool)
        pieces: list[str] = []
        with pytest.raises(ModelUnavailable):
            async for piece in pool.stream(SKY, GREEDY):
                pieces.append(piece)
    assert pieces == ["Hello"] and other == []  # the person saw "Hello": a second reply would say it twice


async def test_a_health_check_brings_a_server_back_as_soon_as_it_answers(pools: list[ModelPool]) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    pool = ModelPool([(server(url), 1)], down_for_s=3600)
    pools.append(pool)
    with pytest.raises(ModelUnavailable):
        await reply(pool)
    assert not await pool.answers(1.0)

    async def models(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n"
                     b"Connection: close\r\n\r\n{\"data\":[]}")
        await writer.drain()
        writer.close()

    listening = await asyncio.start_server(models, "127.0.0.1", port)
    try:
        assert await pool.answers(1.0)
        assert pool.servers[0].down_until == 0.0  # back, long before the hour it was set aside for
    finally:
        listening.close()
        await listening.wait_closed()


@pytest.mark.model
async def test_a_whole_turn_through_a_pool_whose_first_server_is_down(
        llama_server: str, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("OS1_API_KEY", "OPENAI_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    settings = settings.with_overrides(context_window=2048, max_reply_tokens=48)
    model = resolve_model(f"openai:{LLAMA_ALIAS}@{dead_url()}#2,{llama_server}#2", settings)
    rt = await open_runtime(settings, model=model)
    try:
        user = await rt.store.user("theodore")
        conversation = await rt.store.new_conversation(user)

        async def turn() -> list[Any]:
            return [e async for e in rt.companion.respond(user, conversation, "Repeat after me: The sky is blue.")]

        events = await asyncio.wait_for(turn(), REAL_GUARD_S)
        ended = [e for e in events if isinstance(e, TurnEnded)]
        assert len(ended) == 1 and ended[0].text, events
        assert [m.role for m in await rt.store.messages(conversation)] == ["user", "assistant"]
    finally:
        await rt.close()
