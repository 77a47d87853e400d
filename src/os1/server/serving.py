"""Running the app under uvicorn, the same way for `os1 serve` and for the tests: the access log keeps each
request's method, path and status but never its query string (`?q=` holds what someone searched for); a
finished request lets go of what the app hung on it; `os1 serve` paces the garbage collector (collector.py)
and writes its logs on a thread of their own (log_thread.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.config import LOGGING_CONFIG

from os1.server.collector import pace_collections
from os1.server.log_thread import logging_on_a_thread

GRACEFUL_SHUTDOWN_S = 5  # open reply streams get this long to finish when the server stops
KEEP_ALIVE_S = 75  # longer than the web app's 15 s look at the status: an open tab keeps its one connection
SERVER_LOGGERS = ("uvicorn", "uvicorn.access", "")  # uvicorn's (its errors propagate to "uvicorn"), and OS1's


class NoQueryStrings(logging.Filter):
    """Cuts the query string off the paths in uvicorn's log lines (requests, and WebSocket connections)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_cut_query(arg) for arg in record.args)
        return True


def _cut_query(arg: object) -> object:
    if isinstance(arg, str) and arg.startswith("/") and "?" in arg:
        return arg.split("?", 1)[0] + "?…"
    return arg


QUERY_FILTER = NoQueryStrings()


# What uvicorn and the ASGI spec put in an HTTP request's scope; the rest is the app's own (route, exit stacks).
ASGI_KEYS = frozenset({"type", "asgi", "http_version", "server", "client", "scheme", "method", "root_path", "path",
                       "raw_path", "query_string", "headers"})


class ReleaseFinishedRequests:
    """uvicorn keeps a connection's last request scope until the next request on it. FastAPI hangs its exit
    stacks, the route and the request's state there, ~30 objects that an idle keep-alive connection then holds
    for nothing: with thousands of web apps open, a large part of what every garbage collection walks. Once the
    app is done with a request, only the keys the ASGI spec defines are left."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            if scope["type"] == "http":
                for key in [key for key in scope if key not in ASGI_KEYS]:
                    del scope[key]


class Server(uvicorn.Server):
    """uvicorn that paces the garbage collector while it serves (collector.py) and, as it stops, first calls
    `on_stop` (the hub's `notices.close`): the web app's live channels never finish by themselves, and would hold
    the shutdown for its whole grace period."""

    def __init__(self, config: uvicorn.Config, on_stop: Callable[[], None]) -> None:
        super().__init__(config)
        self.on_stop = on_stop

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        pacing = asyncio.create_task(pace_collections())
        try:
            with logging_on_a_thread(SERVER_LOGGERS):
                await super().serve(sockets)
        finally:
            pacing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pacing

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.on_stop()
        await super().shutdown(sockets)


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """libuv's event loop where uvloop is installed (a dependency, except on Windows): it serves each request
    for less CPU than asyncio's own, which is what many open conversations on one server need. None: asyncio's."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def server_config(app: ASGIApp, host: str, port: int, *, tls_cert: Path | None = None,
                  tls_key: Path | None = None, log_config: dict[str, Any] | None = LOGGING_CONFIG) -> uvicorn.Config:
    """uvicorn's settings for OS1. `log_config=None` leaves logging as the caller set it up (tests)."""
    config = uvicorn.Config(ReleaseFinishedRequests(app), host=host, port=port, ssl_certfile=tls_cert,
                            ssl_keyfile=tls_key, log_config=log_config, server_header=False,
                            timeout_keep_alive=KEEP_ALIVE_S, timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S)
    for name in ("uvicorn.access", "uvicorn.error"):
        logging.getLogger(name).addFilter(QUERY_FILTER)  # a logger keeps the same filter only once
    return config
