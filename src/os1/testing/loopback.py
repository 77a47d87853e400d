"""Model servers on loopback, for tests of the OpenAI-compatible backend and its pool: plain TCP servers that answer
however a test needs (failing, stalling, streaming a few words), and the helpers to speak HTTP from them."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

LLAMA_ALIAS = "qwen-small"  # the model name llama-cpp-python's server is started with in tests
Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def fake_server(handler: Handler) -> AsyncIterator[str]:
    """A loopback TCP server speaking whatever `handler` writes; yields its /v1 base URL."""
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.close()
        await server.wait_closed()


async def read_request(reader: asyncio.StreamReader) -> tuple[dict[str, str], dict[str, Any]]:
    """The headers (lower-cased names) and JSON body of one HTTP request."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:] if line)}
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return headers, json.loads(body or b"{}")


def response(status: int, body: bytes, content_type: str = "application/json") -> bytes:
    return (f"HTTP/1.1 {status} Whatever\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
            f"Connection: close\r\n\r\n").encode() + body


def sse_chunk(text: str) -> bytes:
    """One server-sent event carrying `text`, as one chunk of a chunked body."""
    event = f"data: {json.dumps({'choices': [{'index': 0, 'delta': {'content': text}}]})}\n\n".encode()
    return f"{len(event):x}\r\n".encode() + event + b"\r\n"
