"""A turn of the companion, answered the way OpenAI's chat API answers: whole (`chat.completion`) or as server-sent
`chat.completion.chunk`s. Either way a client that hangs up ends the turn (the companion keeps what it had said,
flagged as interrupted) and gives the model back to whoever waits."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncGenerator, Callable, Coroutine
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import anyio
from fastapi import Request
from fastapi.responses import StreamingResponse
from starlette.types import Message, Receive, Scope, Send

from os1.db.store import Conversation, User
from os1.events import Error, Event, Leaving, Status, TextDelta, TurnEnded, TurnStarted
from os1.farewell.asking import ELSEWHERE
from os1.server.deps import Hub
from os1.server.fairness import Ticket
from os1.server.openai_errors import OpenAIError, error_body
from os1.server.revocation import SIGNED_OUT, Held, unless_revoked
from os1.server.turns import turn_events

T = TypeVar("T")

# Stable error codes of a turn (os1.events.Error) → HTTP status. Anything else is the server's fault.
_ERROR_STATUS = {"empty_input": 400, "input_too_long": 400, "busy": 429, "queue_timeout": 429,
                 "model_unavailable": 503, "model_busy": 429}


@dataclass(frozen=True)
class Turn:
    """One chat completion: who, in which conversation, what they said, and how the reply is labelled."""

    hub: Hub
    user: User
    conversation: Conversation
    text: str
    model: str
    include_usage: bool = False
    ticket: Ticket | None = None  # the place in line the door took before answering (os1.server.turns)
    id: str = field(default_factory=lambda: f"chatcmpl-{uuid.uuid4().hex}")
    created: int = field(default_factory=lambda: int(time.time()))


def events_of(turn: Turn) -> AsyncGenerator[Event, None]:
    """The turn's events, through the turnstile (os1.server.turns). It is an async generator (typed as an
    iterator): closed with `aclosing`, a turn cut short ends there and then, not when it is collected."""
    return cast(AsyncGenerator[Event, None], turn_events(turn.hub, turn.user, turn.conversation, turn.text,
                                                         turn.ticket))


async def usage(turn: Turn, reply: str) -> dict[str, int]:
    """Tokens of the person's message and of the reply, as the model counts them. The rest of the prompt (the
    companion's own system block, memory and history) is the companion's business, not the client's."""
    count = turn.hub.runtime.model.count_tokens
    prompt = await count([{"role": "user", "content": turn.text}])
    completion = await count([{"role": "assistant", "content": reply}])
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def turn_error(event: Error) -> OpenAIError:
    return OpenAIError(_ERROR_STATUS.get(event.code, 500), event.message, event.code)


async def complete(turn: Turn) -> dict[str, Any]:
    """The whole reply, as a `chat.completion`."""
    leaving = False
    async with aclosing(events_of(turn)) as events:
        async for event in events:
            if isinstance(event, Error):
                raise turn_error(event)
            leaving = leaving or isinstance(event, Leaving)
            if isinstance(event, TurnEnded):
                reply = f"{event.text}\n\n{ELSEWHERE}" if leaving else event.text
                return _completion(turn, reply, await usage(turn, reply))
    raise OpenAIError(500, "The turn ended without a reply.", "no_reply")


def _completion(turn: Turn, reply: str, counted: dict[str, int]) -> dict[str, Any]:
    message = {"role": "assistant", "content": reply, "refusal": None}
    return {"id": turn.id, "object": "chat.completion", "created": turn.created, "model": turn.model,
            "system_fingerprint": None, "usage": counted,
            "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": "stop"}]}


async def stream_chunks(turn: Turn) -> AsyncGenerator[str, None]:
    """The reply as OpenAI streams it: a chunk with the role, one per piece of text, one with finish_reason,
    (usage, when asked), then [DONE]. Waiting in the turnstile shows as SSE comments, which clients skip."""
    leaving = False  # said yes to leaving for good: a client can't take the archive, so it is told where
    async with aclosing(events_of(turn)) as events:
        async for event in events:
            leaving = leaving or isinstance(event, Leaving)
            if isinstance(event, Status) and event.state == "waiting":
                yield f": waiting: {' '.join(event.detail.split())}\n\n"
            elif isinstance(event, TurnStarted):
                yield _sse(_chunk(turn, {"role": "assistant", "content": ""}))
            elif isinstance(event, TextDelta):
                yield _sse(_chunk(turn, {"content": event.text}))
            elif isinstance(event, Error):
                error = turn_error(event)
                yield _sse(error_body(error.status, error.message, error.code))
                break
            elif isinstance(event, TurnEnded):
                if leaving:
                    yield _sse(_chunk(turn, {"content": f"\n\n{ELSEWHERE}"}))
                yield _sse(_chunk(turn, {}, "stop"))
                if turn.include_usage:
                    yield _sse({**_chunk(turn, {}), "choices": [], "usage": await usage(turn, event.text)})
    yield "data: [DONE]\n\n"


def _chunk(turn: Turn, delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
    chunk: dict[str, Any] = {
        "id": turn.id, "object": "chat.completion.chunk", "created": turn.created, "model": turn.model,
        "system_fingerprint": None,
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}]}
    if turn.include_usage:
        chunk["usage"] = None  # as OpenAI does: null on every chunk but the last
    return chunk


def _sse(data: dict[str, Any]) -> str:
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"


# -- hanging up ------------------------------------------------------------------------------------------------

class ChunkStream(StreamingResponse):
    """A streaming response that closes its events as soon as it ends, however it ends. A client that hangs up
    cancels the send; closing the stream there and then ends the turn (its partial reply is kept) and frees
    the turnstile, instead of waiting for the garbage collector to find the abandoned generator.

    With `held` (the sign-in it was opened with) it ends with an `invalid_api_key` error as soon as that token
    is removed; `on_end` runs however it ends, even if it never started."""

    def __init__(self, content: AsyncGenerator[str, None], *, held: Held | None = None,
                 on_end: Callable[[], None] | None = None, headers: dict[str, str] | None = None,
                 media_type: str | None = None) -> None:
        super().__init__(content, headers=headers, media_type=media_type)
        self.held = held
        self.on_end = on_end

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            if await unless_revoked(self.held, super().__call__(scope, receive, sending)):
                await self._signed_out(send, started)
        finally:
            if self.held is not None:
                self.held.release()
            if self.on_end is not None:
                self.on_end()

    async def _signed_out(self, send: Send, started: bool) -> None:
        try:
            if not started:
                await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
            body = _sse(error_body(401, SIGNED_OUT, "invalid_api_key")) + "data: [DONE]\n\n"
            await send({"type": "http.response.body", "body": body.encode(), "more_body": False})
        except OSError:
            pass  # they left first

    async def stream_response(self, send: Send) -> None:
        try:
            await super().stream_response(send)
        finally:
            close = getattr(self.body_iterator, "aclose", None)
            if close is not None:
                with anyio.CancelScope(shield=True):  # we are likely being cancelled: finish closing anyway
                    await close()


async def unless_revoked_or_gone(request: Request, held: Held, work: Coroutine[Any, Any, T]) -> T:
    """`work`, cancelled if the client hangs up (499) or its token is removed (401) first."""
    done: list[T] = []

    async def run() -> None:
        done.append(await work)

    if await unless_gone(request, unless_revoked(held, run())):
        raise OpenAIError(401, SIGNED_OUT, "invalid_api_key")
    return done[0]


async def unless_gone(request: Request, work: Coroutine[Any, Any, T]) -> T:
    """`work`, cancelled if the client hangs up first: a client that gave up (or timed out, and will retry)
    should not keep the model busy with a reply nobody reads. The turn keeps what it had said."""
    task = asyncio.ensure_future(work)
    gone = asyncio.ensure_future(_hung_up(request))
    try:
        await asyncio.wait({task, gone}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        gone.cancel()
        if not task.done():
            task.cancel()
    await asyncio.gather(task, gone, return_exceptions=True)  # let the turn finish cleaning up
    if task.cancelled():
        raise OpenAIError(499, "The client closed the connection before the reply was ready.", "client_closed")
    return task.result()


async def _hung_up(request: Request) -> None:
    # The body has been read: the next message the server passes on is the disconnect.
    while (await request.receive())["type"] != "http.disconnect":
        pass
