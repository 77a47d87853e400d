"""The OpenAI-compatible backend against real servers on loopback: llama-cpp-python's own server running the
packaged 0.5B model, and tiny asyncio servers that fail on purpose (down, silent, stalled, erroring)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from os1.config import Settings
from os1.events import TurnEnded
from os1.models.base import GenerateOptions, Message, ModelError, ModelUnavailable
from os1.models.openai_compat import OpenAICompatModel
from os1.models.resolve import resolve_model
from os1.runtime import open_runtime
from os1.testing.loopback import LLAMA_ALIAS as MODEL
from os1.testing.loopback import Handler, fake_server, free_port, read_request, response, sse_chunk

GREEDY = GenerateOptions(max_tokens=32, temperature=0.0)
SKY: list[Message] = [{"role": "user", "content": "Repeat after me: The sky is blue."}]
COLOR = {"type": "object", "properties": {"color": {"type": "string"}}, "required": ["color"]}
GUARD_S = 15  # a regression fails here instead of hanging the suite
REAL_GUARD_S = 120  # the same for the real model, which on a busy CPU-only machine may take a while


async def collect(model: OpenAICompatModel, messages: list[Message], into: list[str] | None = None,
                  guard_s: float = GUARD_S) -> list[str]:
    """All the pieces of a streamed reply (also appended to `into`, to see what came before a failure)."""
    pieces = [] if into is None else into

    async def run() -> None:
        async for piece in model.stream(messages, GREEDY):
            pieces.append(piece)

    await asyncio.wait_for(run(), guard_s)
    return pieces


async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Say nothing more until the client gives up and closes the connection."""
    await reader.read()
    writer.close()


def answering(status: int, body: bytes, content_type: str = "application/json",
              seen: list[dict[str, Any]] | None = None) -> Handler:
    """A handler that reads the request (recording headers and body in `seen`) and sends one fixed answer."""
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        headers, body_json = await read_request(reader)
        if seen is not None:
            seen.append({"headers": headers, "body": body_json})
        writer.write(response(status, body, content_type))
        await writer.drain()
        writer.close()
    return handle


# ---------------------------------------------------------------------------------------------------------
# llama-cpp-python's OpenAI-compatible server, once per session


@pytest.fixture
async def real(llama_server: str) -> AsyncIterator[OpenAICompatModel]:
    model = OpenAICompatModel(MODEL, llama_server, context_window=2048)
    yield model
    await model.close()


# ---------------------------------------------------------------------------------------------------------
# Against the real server


@pytest.mark.model
async def test_stream_yields_pieces_of_a_sensible_reply(real: OpenAICompatModel) -> None:
    pieces = await collect(real, SKY, guard_s=REAL_GUARD_S)
    assert len(pieces) > 1
    assert all(pieces)
    assert "blue" in "".join(pieces).lower()


@pytest.mark.model
async def test_complete_returns_the_whole_reply(real: OpenAICompatModel) -> None:
    reply = await asyncio.wait_for(real.complete(SKY, GREEDY), REAL_GUARD_S)
    assert "blue" in reply.lower()


@pytest.mark.model
async def test_complete_json_falls_back_to_the_format_this_server_takes(real: OpenAICompatModel,
                                                                         llama_server: str) -> None:
    messages: list[Message] = [
        {"role": "user", "content": "The sky is blue. Which colour is the sky? Answer in JSON."}]
    # This server turns json_schema down with a 500 (and takes json_object + schema), so the fallback matters.
    async with httpx.AsyncClient(timeout=REAL_GUARD_S) as http:
        turned_down = await http.post(f"{llama_server}/chat/completions", json={
            "model": MODEL, "messages": messages, "max_tokens": 8,
            "response_format": {"type": "json_schema", "json_schema": {"name": "reply", "schema": COLOR}}})
    assert turned_down.status_code == 500

    answer = await asyncio.wait_for(real.complete_json(messages, COLOR, GREEDY), REAL_GUARD_S)
    assert isinstance(answer["color"], str)
    assert "blue" in answer["color"].lower()


@pytest.mark.model
async def test_a_url_without_v1_is_explained(llama_server: str) -> None:
    model = OpenAICompatModel(MODEL, llama_server.removesuffix("/v1"))
    try:
        with pytest.raises(ModelUnavailable, match="ends in /v1"):
            await collect(model, SKY, guard_s=REAL_GUARD_S)
    finally:
        await model.close()


async def test_count_tokens_is_positive_and_grows_with_input() -> None:
    model = OpenAICompatModel(MODEL, "http://127.0.0.1:9/v1")  # an estimate made locally: no server is asked
    short = await model.count_tokens([{"role": "user", "content": "hi"}])
    longer = await model.count_tokens([{"role": "user", "content": "hi " * 200}])
    both = await model.count_tokens([{"role": "system", "content": "Be kind."}, {"role": "user", "content": "hi"}])
    await model.close()
    assert 0 < short < longer
    assert short < both


@pytest.mark.model
async def test_a_whole_turn_through_the_app(llama_server: str, settings: Settings,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("OS1_API_KEY", "OPENAI_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    settings = settings.with_overrides(context_window=2048, max_reply_tokens=48)
    model = resolve_model(f"openai:{MODEL}@{llama_server}", settings)
    rt = await open_runtime(settings, model=model)
    try:
        user = await rt.store.user("theodore")
        conversation = await rt.store.new_conversation(user)

        async def turn() -> list[Any]:
            return [e async for e in rt.companion.respond(user, conversation, "Repeat after me: The sky is blue.")]

        events = await asyncio.wait_for(turn(), REAL_GUARD_S)
        ended = [e for e in events if isinstance(e, TurnEnded)]
        assert len(ended) == 1, events
        assert ended[0].text
        stored = await rt.store.messages(conversation)
        assert [m.role for m in stored] == ["user", "assistant"]
        assert stored[-1].content == ended[0].text
    finally:
        await rt.close()


# ---------------------------------------------------------------------------------------------------------
# Servers that fail


async def test_a_server_that_is_down_is_named_and_unreachable() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    model = OpenAICompatModel(MODEL, url)
    try:
        with pytest.raises(ModelUnavailable) as caught:
            await collect(model, SKY)
    finally:
        await model.close()
    assert url in str(caught.value)
    assert "can't reach" in str(caught.value).lower()


async def test_a_server_that_never_answers_times_out() -> None:
    async with fake_server(hang_up) as url:
        model = OpenAICompatModel(MODEL, url, first_token_timeout_s=1.0)
        try:
            with pytest.raises(ModelUnavailable, match="stopped answering"):
                await collect(model, SKY)
        finally:
            await model.close()


async def test_a_stream_that_stalls_midway_times_out_after_what_came() -> None:
    async def stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                     + sse_chunk("Hel"))
        await writer.drain()
        await hang_up(reader, writer)

    async with fake_server(stall) as url:
        model = OpenAICompatModel(MODEL, url, first_token_timeout_s=1.0)
        pieces: list[str] = []
        try:
            with pytest.raises(ModelUnavailable, match="stopped answering"):
                await collect(model, SKY, into=pieces)
        finally:
            await model.close()
    assert pieces == ["Hel"]


STREAM_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
DONE = b"e\r\ndata: [DONE]\n\n\r\n"


def keep_alive_server(connections: list[int], after_done: bytes = b"0\r\n\r\n") -> Handler:
    """Streams "Hi" then [DONE] for every request on a connection, followed by `after_done` (the end of the
    chunked body, as a well-behaved server sends it); lists the connection for each request it answers (and
    answers a GET for the model list)."""
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        me = len(set(connections)) + 1
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                connections.append(me)
                if head.startswith(b"GET"):
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
                    continue
                length = int(re.search(rb"content-length: *(\d+)", head, re.IGNORECASE).group(1))  # type: ignore[union-attr]
                await reader.readexactly(length)
                writer.write(STREAM_HEAD + sse_chunk("Hi") + DONE + after_done)
                await writer.drain()
        writer.close()

    return handle


async def test_turns_reuse_one_connection_to_the_model_server() -> None:
    """A stream read to its end gives the connection back: no new connection (for a server elsewhere, no new TLS
    handshake) for every turn. The status line's probe goes over the same connections."""
    connections: list[int] = []
    async with fake_server(keep_alive_server(connections)) as url:
        model = OpenAICompatModel(MODEL, url)
        try:
            for _ in range(3):
                assert await collect(model, SKY) == ["Hi"]
            assert await model.answers(timeout_s=2.0)
        finally:
            await model.close()
    assert connections == [1, 1, 1, 1]


async def test_a_server_that_keeps_the_stream_open_after_done_still_ends_the_reply() -> None:
    connections: list[int] = []
    async with fake_server(keep_alive_server(connections, after_done=b"")) as url:
        model = OpenAICompatModel(MODEL, url)
        try:  # collect's guard fails the test if the reply waits for the stream to end
            assert await collect(model, SKY) == ["Hi"]
            assert await collect(model, SKY) == ["Hi"]  # on a new connection: the first one was left
        finally:
            await model.close()
    assert connections == [1, 2]


async def test_401_blames_the_api_key() -> None:
    seen: list[dict[str, Any]] = []
    body = json.dumps({"error": {"message": "Incorrect API key provided"}}).encode()
    async with fake_server(answering(401, body, seen=seen)) as url:
        model = OpenAICompatModel(MODEL, url, api_key="sk-wrong")
        try:
            with pytest.raises(ModelUnavailable, match="API key"):
                await collect(model, SKY)
        finally:
            await model.close()
    assert seen[0]["headers"]["authorization"] == "Bearer sk-wrong"


async def test_404_names_the_model() -> None:
    body = json.dumps({"error": {"message": "The model does not exist"}}).encode()
    async with fake_server(answering(404, body)) as url:
        model = OpenAICompatModel("no-such-model", url)
        try:
            with pytest.raises(ModelUnavailable, match="'no-such-model'"):
                await collect(model, SKY)
        finally:
            await model.close()


async def test_a_garbled_stream_is_a_model_error() -> None:
    async with fake_server(answering(200, b"data: this is not json\n\n", "text/event-stream")) as url:
        model = OpenAICompatModel(MODEL, url)
        try:
            with pytest.raises(ModelError, match="cannot read") as caught:
                await collect(model, SKY)
        finally:
            await model.close()
    assert not isinstance(caught.value, ModelUnavailable)


async def test_complete_json_tries_json_object_when_json_schema_is_turned_down() -> None:
    formats: list[str] = []
    reply = {"choices": [{"message": {"role": "assistant", "content": '{"color": "blue"}'}}]}

    async def picky(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        _, body = await read_request(reader)
        formats.append(body["response_format"]["type"])
        if body["response_format"]["type"] == "json_object":
            writer.write(response(200, json.dumps(reply).encode()))
        else:
            writer.write(response(500, b'{"error": {"message": "Input should be \'text\' or \'json_object\'"}}'))
        await writer.drain()
        writer.close()

    async with fake_server(picky) as url:
        model = OpenAICompatModel(MODEL, url)
        try:
            answer = await asyncio.wait_for(model.complete_json(SKY, COLOR, GREEDY), GUARD_S)
        finally:
            await model.close()
    assert answer == {"color": "blue"}
    assert formats == ["json_schema", "json_object"]


@pytest.mark.model
async def test_a_server_model_is_held_to_the_same_character(llama_server: str, settings: Settings) -> None:
    """A model behind an OpenAI-compatible server goes through the same reply guard as the embedded one."""
    settings = settings.with_overrides(context_window=2048, max_reply_tokens=48)
    rt = await open_runtime(settings, model=resolve_model(f"openai:{MODEL}@{llama_server}", settings))
    try:
        user = await rt.store.user("theodore")
        conversation = await rt.store.new_conversation(user)
        said = "Repeat after me, word for word: As an AI language model, I am here to help. The sky is blue."
        events = await asyncio.wait_for(_events(rt.companion.respond(user, conversation, said)), REAL_GUARD_S)
        ended = [e for e in events if isinstance(e, TurnEnded)]
        assert len(ended) == 1 and ended[0].text, events
        assert not re.search(r"as an ai|language model|here to help", ended[0].text, re.IGNORECASE), ended[0].text
    finally:
        await rt.close()


async def _events(stream: AsyncIterator[Any]) -> list[Any]:
    return [e async for e in stream]
