"""What the status endpoint says of the model: `loading`, `ready`, `busy` or `down`.

The model is loaded when the server starts, not at the first message. An embedded model is `down` only if it
could not be loaded; a remote one (`openai:…`) is `down` when its server does not answer a request for its
model list (`answers`: for a pool, any of its servers), asked at most every PROBE_EVERY_S.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Literal

from os1.models.base import Model, ModelError, Remote
from os1.server.fairness import Turnstile

log = logging.getLogger(__name__)

ModelState = Literal["loading", "ready", "busy", "down"]
PROBE_EVERY_S = 15.0
PROBE_TIMEOUT_S = 3.0


class ModelWatch:
    def __init__(self, model: Model, turnstile: Turnstile) -> None:
        self.model = model
        self.turnstile = turnstile
        self._remote = model if isinstance(model, Remote) else None
        self._load_failed: str | None = None  # the error code, when loading failed
        self._loading: asyncio.Task[None] | None = None
        self._reachable = (True, -PROBE_EVERY_S)  # (answered, when asked)
        self._probe_lock = asyncio.Lock()

    def start(self) -> None:
        """Load the model in the background, so that the first person's first message doesn't wait for it."""
        self._loading = asyncio.create_task(self._load(), name="os1-model-load")

    async def stop(self) -> None:
        if self._loading is not None:
            self._loading.cancel()
            await asyncio.gather(self._loading, return_exceptions=True)

    async def state(self) -> ModelState:
        if self._load_failed is not None:
            return "down"
        if not self.model.loaded:
            return "loading"
        if self._remote is not None and not await self._answers(self._remote):
            return "down"
        return "busy" if self.turnstile.snapshot().busy else "ready"

    async def _load(self) -> None:
        try:
            await self.model.load()
        except ModelError as exc:
            self._load_failed = exc.code
            log.error("The model could not be loaded: %s", exc)

    async def _answers(self, remote: Remote) -> bool:
        answered, asked = self._reachable
        if time.monotonic() - asked < PROBE_EVERY_S:
            return answered  # fresh enough: no lock, so status calls never queue behind a probe
        async with self._probe_lock:
            answered, asked = self._reachable
            if time.monotonic() - asked < PROBE_EVERY_S:
                return answered
            answered = await remote.answers(PROBE_TIMEOUT_S)
            self._reachable = (answered, time.monotonic())
            return answered

