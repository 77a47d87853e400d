"""The real server on loopback, for every server test: `served(app)` runs any ASGI app under uvicorn on a free
port in this event loop; `server` is OS1's app over a fresh home with a scripted model.

    async def test_something(server, sign_in, chat):
        base_url, hub, scripted = server
        alice = await sign_in("alice")                      # headers with a new token of hers
        async with httpx.AsyncClient(base_url=base_url) as client:
            events = await chat(client, alice, "hello")     # the turn's events, as dicts
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from playwright.async_api import Browser, async_playwright
from starlette.types import ASGIApp

from os1.config import Settings
from os1.server.app import create_app, open_hub
from os1.server.deps import Hub
from os1.server.serving import server_config
from os1.testing import ScriptedModel

CHROMIUM = Path("/usr/bin/chromium")  # Debian's; never a downloaded one
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--disable-extensions", "--disable-quic", "--mute-audio"]
Launch = Callable[..., Awaitable[Browser]]
Served = Callable[[ASGIApp], AbstractAsyncContextManager[str]]
SignIn = Callable[[str], Awaitable[dict[str, str]]]
Chat = Callable[..., Awaitable[list[dict[str, Any]]]]


class InProcessServer(uvicorn.Server):
    """uvicorn, minus taking over Ctrl-C: the test run keeps its own signal handling."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@asynccontextmanager
async def serve_app(app: ASGIApp) -> AsyncIterator[str]:
    """Serve `app` on 127.0.0.1 at a free port until the block ends; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = InProcessServer(server_config(app, "127.0.0.1", port, log_config=None))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()  # it failed to start: say why
            raise RuntimeError("uvicorn stopped before it started")
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@pytest.fixture
def served() -> Served:
    return serve_app


@pytest.fixture
async def server(settings: Settings, scripted: ScriptedModel,
                 served: Served) -> AsyncIterator[tuple[str, Hub, ScriptedModel]]:
    """OS1's app (learning after turns off: every model call is scripted) on loopback: (base URL, hub, model)."""
    hub = await open_hub(settings, model=scripted)
    try:
        async with served(create_app(hub, learn=False)) as base_url:
            yield base_url, hub, scripted
    finally:
        await hub.runtime.close()


@pytest.fixture
def sign_in(server: tuple[str, Hub, ScriptedModel]) -> SignIn:
    """`await sign_in("alice")`: request headers carrying a new token of hers."""
    hub = server[1]

    async def make(name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {await hub.tokens.add(name)}"}

    return make


async def chat_events(client: httpx.AsyncClient, headers: dict[str, str], text: str,
                      conversation_id: int | None = None) -> list[dict[str, Any]]:
    """POST /api/chat and read the whole event stream."""
    body: dict[str, Any] = {"text": text, "conversation_id": conversation_id}
    async with client.stream("POST", "/api/chat", json=body, headers=headers) as response:
        if response.status_code != 200:
            await response.aread()
            return [{"type": "http_error", "status": response.status_code, **response.json()}]
        assert response.headers["content-type"].startswith("text/event-stream")
        return [json.loads(line[5:]) async for line in response.aiter_lines() if line.startswith("data:")]


@pytest.fixture
def chat() -> Chat:
    return chat_events


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture
async def launch(chromium: Path) -> AsyncIterator[Launch]:
    """`await launch(*extra_args)`: a headless Chromium (Debian's, through Playwright), closed after the test."""
    async with async_playwright() as playwright:
        browsers: list[Browser] = []

        async def start(*extra: str) -> Browser:
            browser = await playwright.chromium.launch(executable_path=str(chromium), headless=True,
                                                       args=[*ARGS, *extra])
            browsers.append(browser)
            return browser

        yield start
        for browser in browsers:
            await browser.close()
