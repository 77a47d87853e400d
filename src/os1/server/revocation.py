"""Signing out everywhere: the open connections (voice sockets, event streams, replies being written) and the
token each was opened with. When a token is removed — by this server, or by `os1 users remove` in another
process on the same store — every connection opened with it ends within CHECK_EVERY_S.

    held = hub.connections.hold(token, person)         # after sign-in; held.release() when the connection ends
    if await unless_revoked(held, serve()):             # serve() was cancelled: the token is gone
        ...say so, and close
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from os1.db.store import User

if TYPE_CHECKING:
    from os1.server.auth import TokenBook

log = logging.getLogger(__name__)

CHECK_EVERY_S = 0.25  # how often the store is asked whether the open connections' tokens still exist
CHUNK = 500  # public ids per look-up (SQLite's limit on a statement's parameters)
SIGNED_OUT = ("You were signed out: the sign-in token this connection used was removed. Ask whoever runs the "
              "server for a new one (`os1 users add YOUR_NAME`).")


class Held:
    """One open connection's sign-in: `revoked` is set when its token no longer exists."""

    def __init__(self, public_id: str, user: User, connections: Connections) -> None:
        self.public_id = public_id
        self.user = user
        self.revoked = asyncio.Event()
        self._connections = connections

    def release(self) -> None:
        """The connection ended (idempotent)."""
        self._connections.release(self)


class Connections:
    """Every open connection's sign-in, checked against the store a few times a second while any is open (one
    indexed look-up for all of them), and at once when this server removes a token itself."""

    def __init__(self, tokens: TokenBook, every_s: float = CHECK_EVERY_S) -> None:
        self.tokens = tokens
        self.every_s = every_s
        self._held: set[Held] = set()
        self._wake = asyncio.Event()  # a token was removed here, or a connection opened: look now
        self._task: asyncio.Task[None] | None = None
        tokens.on_removed(self._wake.set)

    def __len__(self) -> int:
        return len(self._held)

    def hold(self, token: str, user: User) -> Held:
        """Note an open connection signed in with `token`; `release` it when it ends."""
        held = Held(self.tokens.public_id(token), user, self)
        self._held.add(held)
        self._wake.set()  # a token removed between its sign-in and now is found out at once
        return held

    def release(self, held: Held) -> None:
        self._held.discard(held)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._watch())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def check(self) -> None:
        """End every connection whose token is gone (one look-up per CHUNK connections)."""
        held = [h for h in self._held if not h.revoked.is_set()]
        ids = sorted({h.public_id for h in held})
        alive: set[tuple[str, int]] = set()
        for start in range(0, len(ids), CHUNK):
            part = ids[start:start + CHUNK]
            rows = await self.tokens.store.read(
                f"SELECT public_id, user_id FROM api_tokens WHERE public_id IN ({', '.join('?' * len(part))})",
                tuple(part))
            alive.update((str(r[0]), int(r[1])) for r in rows)
        for connection in held:
            if (connection.public_id, connection.user.id) not in alive:
                self.tokens.forget(connection.public_id)  # its next HTTP request is looked up afresh too
                connection.revoked.set()

    async def _watch(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.every_s)
            self._wake.clear()
            if not self._held:
                continue
            try:
                await self.check()
            except Exception:  # a store hiccup must not stop the watch: the next look comes in a moment
                log.exception("Checking open connections' sign-ins failed")


async def unless_revoked(held: Held | None, work: Coroutine[Any, Any, None]) -> bool:
    """Run `work`; if the connection's token is removed first, cancel it. True when it was cut short so."""
    if held is None:
        await work
        return False
    task = asyncio.ensure_future(work)
    signal = asyncio.ensure_future(held.revoked.wait())
    try:
        await asyncio.wait({task, signal}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        signal.cancel()
        if not task.done():
            task.cancel()
        await asyncio.gather(task, signal, return_exceptions=True)  # let the work finish unwinding
    if task.cancelled() and held.revoked.is_set():
        return True
    task.result()  # its own outcome, errors included
    return False
