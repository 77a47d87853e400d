"""The ASGI app: the API routers, the limits, one error shape, and the web app's files; and the Hub it serves."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from os1 import __version__
from os1.config import Settings
from os1.db import drafts
from os1.models.base import Model, Remote
from os1.models.packaged import Progress
from os1.models.pool import ModelPool
from os1.runtime import open_runtime
from os1.server import api_native, api_openai, realtime, schema
from os1.server.auth import TokenBook
from os1.server.deps import Hub
from os1.server.errors import install_error_handlers
from os1.server.fairness import QUEUE_TIMEOUT_S, Turnstile
from os1.server.health import ModelWatch
from os1.server.limits import BodyLimit, Limits, RateLimit, SignInGate
from os1.server.nostore import NoStore
from os1.server.status import StatusShortcut

WEB_APP = Path(__file__).parent / "web"
REMOTE_SLOTS = 8  # turns at once for a remote OpenAI-compatible server (vLLM, llama.cpp with parallel slots)


async def open_hub(settings: Settings, *, model: Model | None = None, progress: Progress | None = None,
                   slots: int | None = None, queue_timeout_s: float = QUEUE_TIMEOUT_S) -> Hub:
    """The runtime for everyone, their tokens, and a turnstile as wide as the model can serve: one turn at a
    time for a model in this process, REMOTE_SLOTS for a remote server, a pool's slots for a pool (unless
    `slots` says otherwise)."""
    runtime = await open_runtime(settings, progress, model=model)
    await drafts.recover(runtime.store)  # replies cut off by a crash, kept as far as they were shown
    if slots is None:
        model = runtime.model
        slots = model.slots if isinstance(model, ModelPool) else REMOTE_SLOTS if isinstance(model, Remote) else 1
    return Hub(runtime, TokenBook(runtime.store), Turnstile(slots, queue_timeout_s))


def create_app(hub: Hub, *, limits: Limits | None = None, learn: bool = True) -> FastAPI:
    """The server's app over `hub`. `learn=False` leaves learning after turns off (tests that script every
    model call). The hub is the caller's to close."""
    limits = limits or Limits()
    hub.tokens.gate = SignInGate(limits.sign_in_per_minute, limits.sign_in_burst)  # every door's, alike
    watch = ModelWatch(hub.runtime.model, hub.turnstile)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        watch.start()
        hub.connections.start()
        # The runtime's life around the turns, as for every door: reminders for everyone, and learning and
        # reflection once nobody is waiting for the model.
        hub.runtime.start(learn=learn, idle=hub.turnstile.idle)
        try:
            yield
        finally:
            await hub.connections.stop()
            await hub.runtime.stop()
            await watch.stop()

    # The schema is published without a token: it says what the (open source) server's routes take and answer,
    # nothing about anyone, so client generators and fuzzers can read it. No /docs: its page loads scripts from a
    # CDN, and nothing the server serves calls out.
    app = FastAPI(title="OS1", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json")
    app.state.hub = hub
    app.state.watch = watch
    install_error_handlers(app)
    # The last added runs first: callers over their rate are turned away before their body is read; every open
    # web app's status look is answered after both, without the routing the rest of the API goes through.
    app.add_middleware(StatusShortcut, hub=hub, watch=watch)
    app.add_middleware(BodyLimit, json_bytes=limits.json_bytes, audio_bytes=limits.audio_bytes)
    app.add_middleware(RateLimit, per_minute=limits.per_minute, burst=limits.burst,
                       person_of=hub.tokens.cached_person)
    app.add_middleware(NoStore)  # outermost: even a refusal of someone's request is not kept in a cache

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(api_native.router)
    app.include_router(api_openai.router)
    app.include_router(realtime.router)
    schema.install(app)
    if WEB_APP.is_dir():  # mounted last, so that every API route wins over a file of the same name
        app.mount("/", StaticFiles(directory=WEB_APP, html=True), name="web")
    return app
