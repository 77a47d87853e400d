"""A pool of OpenAI-compatible model servers, for a community that has outgrown one: llama.cpp's server with
parallel slots, vLLM, Ollama, on one host or several.

- Each server writes at most its `slots` replies at once (llama.cpp's `--parallel`); a reply goes to the server
  with the most room, so load spreads evenly.
- A server that fails before a reply's first words (refused, timed out, 5xx) is set aside for DOWN_FOR_S and the
  reply goes to the next one: the person never sees a failover. After DOWN_FOR_S it is tried again, and a health
  probe (`answers`, its model list) brings it back as soon as it answers.
- When every server is full, a reply waits up to QUEUE_S for a slot; then the person is told plainly that
  everyone is busy (`ModelBusy`). When none answers, they are told that, with each server's reason.
- A reply that fails after its first words cannot move (the words are out): it fails as with one server.

Written `openai:MODEL@URL#SLOTS,URL#SLOTS` (see spec.py); each server is an `OpenAICompatModel`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from os1.models.base import GenerateOptions, Message, ModelBusy, ModelError, ModelUnavailable
from os1.models.openai_compat import OpenAICompatModel

QUEUE_S = 20.0  # how long a reply waits for a free slot before the person is told everyone is busy
DOWN_FOR_S = 10.0  # how long a failed server is set aside before it is tried again


@dataclass
class Server:
    model: OpenAICompatModel
    slots: int
    busy: int = 0
    down_until: float = 0.0  # set aside until then (monotonic seconds)
    why: str = ""  # why it was last set aside

    @property
    def room(self) -> int:
        return self.slots - self.busy


class ModelPool:
    """Several servers with the same model, as one `Model`."""

    def __init__(self, servers: Sequence[tuple[OpenAICompatModel, int]], *, queue_s: float = QUEUE_S,
                 down_for_s: float = DOWN_FOR_S, clock: Callable[[], float] = time.monotonic) -> None:
        if not servers:
            raise ValueError("a pool needs at least one server")
        self.servers = [Server(model, max(1, slots)) for model, slots in servers]
        self._queue_s = queue_s
        self._down_for_s = down_for_s
        self._clock = clock
        self._freed = asyncio.Condition()
        self._next = 0  # where the search for room starts: ties go round the servers

    @property
    def name(self) -> str:
        first = self.servers[0].model
        return first.name if len(self.servers) == 1 else f"{first.model_name} on {len(self.servers)} servers"

    @property
    def slots(self) -> int:
        """Replies the whole pool can write at once: how wide the server's turnstile should be."""
        return sum(s.slots for s in self.servers)

    @property
    def context_window(self) -> int:
        return min(s.model.context_window for s in self.servers)

    @property
    def loaded(self) -> bool:
        return True

    async def load(self) -> None:
        return None

    def stream(self, messages: Sequence[Message], options: GenerateOptions) -> AsyncIterator[str]:
        return self._stream(list(messages), options)

    async def _stream(self, messages: list[Message], options: GenerateOptions) -> AsyncIterator[str]:
        tried: set[int] = set()
        while True:
            index = await self._take(tried)
            server, started = self.servers[index], False
            try:
                async for piece in server.model.stream(messages, options):
                    started = True
                    yield piece
                return
            except ModelUnavailable as exc:
                if started or isinstance(exc, ModelBusy):
                    raise
                self._set_aside(index, exc)
                tried.add(index)
            finally:
                await self._give_back(index)

    async def complete_json(
        self, messages: Sequence[Message], schema: dict[str, Any], options: GenerateOptions
    ) -> dict[str, Any]:
        tried: set[int] = set()
        while True:
            index = await self._take(tried)
            try:
                return await self.servers[index].model.complete_json(messages, schema, options)
            except ModelBusy:
                raise
            except ModelUnavailable as exc:
                self._set_aside(index, exc)
                tried.add(index)
            finally:
                await self._give_back(index)

    async def count_tokens(self, messages: Sequence[Message]) -> int:
        return await self.servers[0].model.count_tokens(messages)

    async def warm(self, messages: Sequence[Message], *, replying: bool = False) -> None:
        return None  # each server keeps its own prefix cache

    async def answers(self, timeout_s: float) -> bool:
        """Ask every server for its model list at once (the health check): one that answers is back in the pool
        at once, one that does not is set aside. True when any answers."""
        answered = await asyncio.gather(*(s.model.answers(timeout_s) for s in self.servers))
        for index, ok in enumerate(answered):
            if ok:
                self.servers[index].down_until = 0.0
            elif self.servers[index].down_until <= self._clock():
                self._set_aside(index, ModelUnavailable("it did not answer a health check"))
        if any(answered):
            async with self._freed:
                self._freed.notify_all()  # a reply waiting for room may have it now
        return any(answered)

    async def close(self) -> None:
        for server in self.servers:
            await server.model.close()

    # -- slots ----------------------------------------------------------------------------------------

    async def _take(self, tried: set[int]) -> int:
        """A slot on the server with the most room, not one of `tried`; waits for one while all are full."""
        deadline = self._clock() + self._queue_s
        async with self._freed:
            while True:
                now = self._clock()
                left = [i for i in range(len(self.servers)) if i not in tried]
                up = [i for i in left if self.servers[i].down_until <= now]
                if not up:
                    raise self._all_down(left, tried)
                order = up[self._next % len(up):] + up[:self._next % len(up)]
                best = max(order, key=lambda i: self.servers[i].room)
                if self.servers[best].room > 0:
                    self.servers[best].busy += 1
                    self._next += 1
                    return best
                if now >= deadline:
                    raise ModelBusy(self._busy_message())
                try:
                    async with asyncio.timeout(max(0.0, deadline - now)):
                        await self._freed.wait()
                except TimeoutError:
                    pass  # looked at once more above, then refused

    async def _give_back(self, index: int) -> None:
        async with self._freed:
            self.servers[index].busy -= 1
            self._freed.notify()

    def _set_aside(self, index: int, exc: ModelError) -> None:
        server = self.servers[index]
        server.down_until = self._clock() + self._down_for_s
        server.why = str(exc)

    def _all_down(self, left: list[int], tried: set[int]) -> ModelUnavailable:
        named = [self.servers[i] for i in sorted(set(left) | tried)]
        reasons = "; ".join(f"{s.model.base_url}: {s.why or 'set aside'}" for s in named)
        if len(self.servers) == 1:
            return ModelUnavailable(reasons)
        return ModelUnavailable(f"none of the {len(self.servers)} model servers answers ({reasons})")

    def _busy_message(self) -> str:
        return (f"all {self.slots} places on the model server{'s' if len(self.servers) > 1 else ''} were taken for "
                f"{self._queue_s:.0f} s, by other people's replies. Try again in a moment; an operator can add "
                f"servers or slots (openai:MODEL@URL#SLOTS,URL#SLOTS)")
