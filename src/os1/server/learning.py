"""Learning between turns: after a person's turn, what they said is indexed and their facts learned, in the
background, once nobody is waiting for the model. A turn that starts meanwhile goes first (`Companion.learn`
stops at its next step); learning goes on after it."""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Callable

from os1.companion import Companion
from os1.memory.store import User
from os1.models.base import ModelError
from os1.server.fairness import Turnstile

log = logging.getLogger(__name__)


class Learner:
    def __init__(self, companion: Companion, turnstile: Turnstile) -> None:
        self.companion = companion
        self.turnstile = turnstile
        self._due: dict[int, User] = {}  # person id → person, in the order their turns ended
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._unsubscribe: Callable[[], None] = lambda: None

    def start(self) -> None:
        """Learn after every turn that goes through the turnstile, from now on."""
        self._unsubscribe = self.turnstile.after_turn(self.schedule)
        self._task = asyncio.create_task(self._run(), name="os1-learner")

    async def stop(self) -> None:
        self._unsubscribe()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    def schedule(self, user: User) -> None:
        self._due[user.id] = user
        self._wake.set()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._due:
                await self.turnstile.idle()
                user = self._due.pop(next(iter(self._due)))
                learned = await self._learn(user)
                if learned and (self.turnstile.snapshot().active or self.turnstile.snapshot().waiting):
                    # A turn came in, and learning gave way to it, maybe before the end: go on after it.
                    self._due.setdefault(user.id, user)

    async def _learn(self, user: User) -> bool:
        # Logged by person id and error code only: the error's text may quote what the person said.
        try:
            await self.companion.learn(user)
            return True
        except ModelError as exc:
            log.warning("Learning for person %d stopped: the model failed (%s); it goes on after their next "
                        "turn.", user.id, exc.code)
        except Exception as exc:  # learning must never take the server down; the next turn tries again
            log.error("Learning for person %d failed: %s at\n%s", user.id, type(exc).__name__,
                      "".join(traceback.format_tb(exc.__traceback__)))
        return False
