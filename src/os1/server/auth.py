"""Who is asking: people and their sign-in tokens.

A token is `os1_<public id>_<secret>`. The store keeps the public id and an argon2 hash of the secret, never the
secret itself, so a copy of the database signs no one in. Argon2 is slow on purpose (~0.2 s here); a verified
token is remembered in memory (by its sha256) so that a busy server hashes once per token, not per request.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import re
import secrets
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Request
from starlette.requests import HTTPConnection

from os1.db.store import Store, User
from os1.db.times import now_iso
from os1.server.errors import ApiError
from os1.server.limits import SignInGate

if TYPE_CHECKING:
    from os1.server.deps import Hub

TOKEN = re.compile(r"os1_([0-9a-f]{12})_([A-Za-z0-9_-]{20,128})")
# How often a server reads the token epoch (a count of token removals and changes, kept by triggers in the
# store): a token removed by `os1 users remove` in another process stops working within this.
EPOCH_EVERY_S = 1.0
TOUCH_S = 300.0  # "last used" is written at most this often per token...
TOUCH_FLUSH_S = 5.0  # ...and those writes are gathered into one this often
CACHE_LIMIT = 10_000
MAX_NAME = 64


@dataclass(frozen=True)
class Person:
    name: str
    tokens: int
    created: str
    last_used: str | None


@dataclass
class _Verified:
    user: User
    public_id: str
    checked: float  # monotonic time of the last look-up in the store


class SignInThrottled(Exception):
    """Too many sign-ins that needed the slow check, from this address or at this token: refused unchecked."""

    def __init__(self, retry_after_s: float) -> None:
        super().__init__("Too many sign-in attempts")
        self.retry_after_s = max(1, math.ceil(retry_after_s))


class TokenBook:
    """The people who may sign in, and their tokens (a person may have several: one per device)."""

    def __init__(self, store: Store, hasher: PasswordHasher | None = None, gate: SignInGate | None = None) -> None:
        self.store = store
        self._hasher = hasher or PasswordHasher()
        # Sign-ins that need the store and the slow hash, metered by caller and by token id (os1.server.limits);
        # the server's app sets the API's limits here. A token already verified is answered from memory.
        self.gate = gate or SignInGate()
        self._removed: list[Callable[[], None]] = []
        self._verified: OrderedDict[str, _Verified] = OrderedDict()  # sha256(token) → who it is, oldest first
        self._touched: dict[str, float] = {}  # public id → when "last used" was last noted
        self._untouched: dict[str, str] = {}  # public id → "last used" not yet written
        self._flushed = 0.0
        self._epoch: int | None = None  # the token epoch last read
        self._epoch_read = -EPOCH_EVERY_S  # when it was last read (monotonic)
        self._valid_since = 0.0  # remembered tokens looked up before this must be looked up again

    async def add(self, name: str) -> str:
        """A new token for `name` (the person is created if new). The token is returned once, never stored."""
        name = valid_name(name)
        public_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        digest = await asyncio.to_thread(self._hasher.hash, secret)
        user = await self.store.user(name)
        await self.store.write(lambda db: db.execute(
            "INSERT INTO api_tokens (public_id, user_id, hash, created_at) VALUES (?, ?, ?, ?)",
            (public_id, user.id, digest, now_iso())))
        return f"os1_{public_id}_{secret}"

    async def people(self) -> list[Person]:
        """Everyone OS1 knows, with how many tokens each has (0: they cannot sign in to the server)."""
        rows = await self.store.read(
            "SELECT u.name, count(t.id), u.created_at, max(t.last_used_at) FROM users u "
            "LEFT JOIN api_tokens t ON t.user_id = u.id GROUP BY u.id ORDER BY u.name", ())
        return [Person(str(r[0]), int(r[1]), str(r[2]), r[3]) for r in rows]

    async def remove(self, name: str, purge: bool = False) -> bool:
        """Take away all of this person's tokens; with `purge`, delete the person and everything OS1 keeps
        about them too. False if there is no one by that name."""
        rows = await self.store.read("SELECT id, name FROM users WHERE name = ?", (name,))
        if not rows:
            return False
        user = User(int(rows[0][0]), str(rows[0][1]))
        await self.store.write(lambda db: db.execute("DELETE FROM api_tokens WHERE user_id = ?", (user.id,)))
        self._verified = OrderedDict((key, v) for key, v in self._verified.items() if v.user.id != user.id)
        if purge:
            await self.store.delete_user(user)
        for listener in list(self._removed):
            listener()
        return True

    def on_removed(self, listener: Callable[[], None]) -> None:
        """Call `listener` whenever this book removes tokens (open connections are checked at once)."""
        self._removed.append(listener)

    def forget(self, public_id: str) -> None:
        """Drop what is remembered of a token found removed: its next use is looked up in the store."""
        self._verified = OrderedDict((key, v) for key, v in self._verified.items() if v.public_id != public_id)

    @staticmethod
    def public_id(token: str) -> str:
        """The public part of a well-formed token ("" for anything else)."""
        match = TOKEN.fullmatch(token.strip())
        return match.group(1) if match else ""

    async def verify(self, token: str, caller: str | None = None) -> User | None:
        """The person this token signs in, or None. A token not remembered costs a look-up and perhaps the slow
        hash: those are metered per `caller` (an address) and per token id, and SignInThrottled is raised
        over the limit, before any of that work is done."""
        match = TOKEN.fullmatch(token)
        if match is None:
            return None
        public_id, secret = match.groups()
        key = hashlib.sha256(token.encode()).hexdigest()
        await self._read_epoch()
        known = self._verified.get(key)
        now = time.monotonic()
        if known is not None and known.checked >= self._valid_since:
            self._verified.move_to_end(key)
            await self._touch(public_id, now)
            return known.user
        if known is None and (wait := self.gate.wait(caller, public_id, now)) > 0:
            raise SignInThrottled(wait)
        row = await self._row(public_id)
        if row is None:
            self._verified.pop(key, None)
            return None
        user, digest = row
        if known is None or known.user != user:
            if not await self._matches(digest, secret):
                return None
        self._verified[key] = _Verified(user, public_id, now)
        self._verified.move_to_end(key)
        self.gate.trust(caller, public_id)
        while len(self._verified) > CACHE_LIMIT:  # the least recently signed-in go first: no re-hashing herd
            self._verified.popitem(last=False)
        await self._touch(public_id, now, at_once=True)
        return user

    async def _read_epoch(self) -> None:
        """Read the token epoch if it is due; if it moved, every remembered token is looked up again (in the
        store, without hashing) when next used. One read a second, however many people are signed in."""
        started = time.monotonic()
        if started - self._epoch_read < EPOCH_EVERY_S:
            return
        self._epoch_read = started  # claimed: whoever comes meanwhile goes on with what is known
        rows = await self.store.read("SELECT n FROM token_epoch WHERE id = 1", ())
        epoch = int(rows[0][0]) if rows else 0
        if self._epoch is not None and epoch != self._epoch:
            self._valid_since = started
        self._epoch = epoch

    def cached_person(self, token: str) -> int | None:
        """The id of the person a recently verified token belongs to, without hashing or I/O (for the rate
        limiter, which runs before sign-in); None if not known."""
        known = self._verified.get(hashlib.sha256(token.encode()).hexdigest())
        return known.user.id if known is not None else None

    async def _row(self, public_id: str) -> tuple[User, str] | None:
        rows = await self.store.read("SELECT u.id, u.name, t.hash FROM api_tokens t JOIN users u ON u.id = t.user_id "
                                     "WHERE t.public_id = ?", (public_id,))
        return (User(int(rows[0][0]), str(rows[0][1])), str(rows[0][2])) if rows else None

    async def _matches(self, digest: str, secret: str) -> bool:
        def check() -> bool:
            try:
                return bool(self._hasher.verify(digest, secret))
            except (VerificationError, InvalidHashError):
                return False

        return await asyncio.to_thread(check)

    async def _touch(self, public_id: str, now: float, at_once: bool = False) -> None:
        """Note that the token was used; "last used" is written with others' every TOUCH_FLUSH_S (a sign-in
        writes it `at_once`)."""
        if now - self._touched.get(public_id, -TOUCH_S) >= TOUCH_S:
            self._touched[public_id] = now
            self._untouched[public_id] = now_iso()
        if not self._untouched or (not at_once and now - self._flushed < TOUCH_FLUSH_S):
            return
        self._flushed = now
        pending, self._untouched = self._untouched, {}

        def op(db: sqlite3.Connection) -> None:
            db.executemany("UPDATE api_tokens SET last_used_at = ? WHERE public_id = ?",
                           [(when, public) for public, when in pending.items()])

        await self.store.write(op)


def valid_name(name: str) -> str:
    """A person's name as given, trimmed; ValueError (with what to change) if it cannot be one."""
    name = name.strip()
    if not name:
        raise ValueError("A person needs a name, e.g. os1 users add alice")
    if len(name) > MAX_NAME or any(not ch.isprintable() for ch in name):
        raise ValueError(f"Names are at most {MAX_NAME} printable characters; {name[:MAX_NAME]!r}… is not.")
    return name


def bearer_token(request: Request) -> str | None:
    """The token in `Authorization: Bearer …`, if there is one."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


async def authenticate_token(token: str, hub: Hub, caller: str | None = None) -> User | None:
    """The person a token signs in (WebSockets send it in their first message), or None; SignInThrottled when
    `caller` (an address) or the token's id has tried too often."""
    return await hub.tokens.verify(token.strip(), caller)


async def authenticate(request: Request, hub: Hub) -> User:
    """The person whose token came with the request; a 401 with what to do otherwise."""
    token = bearer_token(request)
    if token is None:
        raise unauthorized("Sign in first: send your OS1 token as 'Authorization: Bearer os1_…'. Whoever runs the "
                           "server gives you one with `os1 users add YOUR_NAME`.")
    try:
        user = await authenticate_token(token, hub, client_address(request))
    except SignInThrottled as exc:
        raise ApiError(429, "rate_limited", f"Too many sign-in attempts; wait {exc.retry_after_s} s and try "
                       "again.", {"Retry-After": str(exc.retry_after_s)}) from None
    request.state.os1_token = token  # for the connections that stay open (os1.server.revocation)
    if user is None:
        raise unauthorized("That token is not valid: it may be mistyped, or it was removed. Ask whoever runs the "
                           "server for a new one (`os1 users add YOUR_NAME`).")
    return user


def client_address(request: HTTPConnection) -> str | None:
    """The caller's address as the server sees it (behind a proxy: the proxy's, unless uvicorn is told to
    trust its forwarded-for header)."""
    return request.client.host if request.client else None


def unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message, {"WWW-Authenticate": "Bearer"})
