"""A turn's events as server-sent events: one `data: <event JSON>` per event.

When the client goes away mid-turn, the turn is cancelled right where it is (a reply being generated stops,
and the companion keeps what was said of it, flagged as interrupted). Starlette's StreamingResponse would only
notice at its next write, and would leave the event stream to be closed by the garbage collector.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from os1.events import Error, Event
from os1.server.revocation import SIGNED_OUT, Held, unless_revoked

HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}  # no proxy may hold pieces of a reply back


def sse(event: Event | None) -> bytes:
    """One event's block; None is a comment line, a heartbeat that clients ignore."""
    return b": keep-alive\n\n" if event is None else f"data: {event.to_json()}\n\n".encode()


class EventStream(Response):
    """The events as a 200 stream. With `held` (the sign-in it was opened with), it ends with an `unauthorized`
    error event as soon as that token is removed; `on_end` runs however it ends, even if it never started."""

    media_type = "text/event-stream"

    def __init__(self, events: AsyncIterator[Event | None], held: Held | None = None,
                 on_end: Callable[[], None] | None = None) -> None:
        self.events = events
        self.held = held
        self.on_end = on_end
        self.status_code = 200
        self.background = None
        self.init_headers(HEADERS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            if await unless_revoked(self.held, self._stream(receive, sending)):
                await _signed_out(send, self.raw_headers, started)
        finally:
            if self.held is not None:
                self.held.release()
            if self.on_end is not None:
                self.on_end()

    async def _stream(self, receive: Receive, send: Send) -> None:
        pump = asyncio.create_task(self._pump(send))
        gone = asyncio.create_task(_disconnected(receive))
        try:
            await asyncio.wait((pump, gone), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (pump, gone):
                task.cancel()
            await asyncio.gather(pump, gone, return_exceptions=True)
            aclose = getattr(self.events, "aclose", None)
            if aclose is not None:
                await aclose()
        if pump.done() and not pump.cancelled() and (error := pump.exception()) is not None:
            if not isinstance(error, OSError):  # OSError: the client went away while we wrote
                raise error

    async def _pump(self, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        async for event in self.events:
            await send({"type": "http.response.body", "body": sse(event), "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _signed_out(send: Send, headers: list[tuple[bytes, bytes]], started: bool) -> None:
    """The stream's last words when its token was removed: why it ends, then the end."""
    try:
        if not started:
            await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": sse(Error("unauthorized", SIGNED_OUT)),
                    "more_body": False})
    except OSError:
        pass  # they left first


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
