"""Limits that keep one caller from taking the server from everyone: how big a request body may be, and how
many requests a person may make a minute. Plain ASGI middleware, answering in the API's error shape."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from os1.server.errors import ApiError, error_response

MIB = 1024 * 1024
LIMITED_PATHS = ("/api/", "/v1/")  # the API; static files and /healthz are not counted


@dataclass(frozen=True)
class Limits:
    json_bytes: int = 1 * MIB
    audio_bytes: int = 25 * MIB  # uploads to /v1/audio/*: a few minutes of wav
    # The API, per person: an app clicked through quickly makes a few requests a click (a list, a change, the list
    # again), so bursts are generous; the model itself is shared fairly by the turnstile, not by this.
    per_minute: float = 180.0
    burst: int = 60
    # Sign-ins that cost work (a token not yet verified), per address and per token id: kept tight against guessing.
    sign_in_per_minute: float = 60.0
    sign_in_burst: int = 20


class BodyLimit:
    """413 for a body over the limit: at once when Content-Length says so, else as soon as it is read."""

    def __init__(self, app: ASGIApp, json_bytes: int, audio_bytes: int) -> None:
        self.app = app
        self.json_bytes = json_bytes
        self.audio_bytes = audio_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.audio_bytes if scope["path"].startswith("/v1/audio/") else self.json_bytes
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await self._too_large(limit)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:  # a body sent without its length: stop reading; the route answers 413
                raise ApiError(413, "too_large", self._message(limit))
            return message

        await self.app(scope, counted, send)

    def _too_large(self, limit: int) -> ASGIApp:
        return error_response(413, "too_large", self._message(limit))

    @staticmethod
    def _message(limit: int) -> str:
        return (f"The request body is larger than this endpoint takes ({limit // MIB} MiB). "
                f"Send less at once (split long text; shorten or compress audio).")


class RateLimit:
    """Each person may make `per_minute` API requests a minute, in bursts of up to `burst` (a token bucket).
    Requests from a token not yet verified count against the caller's address, which also slows guessing."""

    def __init__(self, app: ASGIApp, per_minute: float, burst: int,
                 person_of: Callable[[str], int | None]) -> None:
        self.app = app
        self.buckets = Buckets(per_minute / 60.0, burst)
        self.person_of = person_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(LIMITED_PATHS):
            await self.app(scope, receive, send)
            return
        wait = self.buckets.take(self._caller(scope), time.monotonic())
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            refused = error_response(429, "rate_limited", f"Too many requests at once; wait {seconds} s and "
                                     f"try again.", {"Retry-After": str(seconds)})
            await refused(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _caller(self, scope: Scope) -> str:
        scheme, _, token = Headers(scope=scope).get("authorization", "").partition(" ")
        person = self.person_of(token.strip()) if scheme.lower() == "bearer" and token else None
        if person is not None:
            return f"person:{person}"
        client = scope.get("client")
        return f"address:{client[0] if client else 'unknown'}"


class SignInGate:
    """Sign-ins that cost work (a token not remembered: a look-up, then the slow hash of its secret), metered
    per address and per token id with the API's limits. Guessing secrets from one address, or at one token from
    many, is refused before any of that work, so a flood of bad secrets costs the server a dictionary look-up;
    a token already verified never comes here, so the people signed in are not slowed by it."""

    TRUSTED_LIMIT = 10_000  # (token, address) pairs remembered as having signed in with the right secret

    def __init__(self, per_minute: float = Limits.per_minute, burst: int = Limits.burst) -> None:
        self.buckets = Buckets(per_minute / 60.0, burst)
        self._trusted: OrderedDict[tuple[str, str], None] = OrderedDict()

    def wait(self, address: str | None, public_id: str, now: float) -> float:
        """0.0 to go ahead (one attempt counted against both), else the seconds until one may."""
        where = address or "unknown"
        wait = self.buckets.take(f"address:{where}", now)
        if wait > 0:  # refused by address: the token's own count is left for its owner
            return wait
        wait = self.buckets.take(f"token:{public_id}", now)
        # A flood at a token from elsewhere does not lock out an address its owner has signed in from before.
        return 0.0 if wait > 0 and (public_id, where) in self._trusted else wait

    def trust(self, address: str | None, public_id: str) -> None:
        """This address signed in with this token's right secret."""
        self._trusted[(public_id, address or "unknown")] = None
        self._trusted.move_to_end((public_id, address or "unknown"))
        while len(self._trusted) > self.TRUSTED_LIMIT:
            self._trusted.popitem(last=False)


class Buckets:
    """Token buckets by key: `rate` tokens a second, holding at most `size`."""

    PRUNE_AT = 10_000

    def __init__(self, rate: float, size: int) -> None:
        self.rate = rate
        self.size = size
        self._levels: dict[str, tuple[float, float]] = {}  # key → (tokens, when counted)

    def take(self, key: str, now: float) -> float:
        """Take one token: 0.0 if there was one, else the seconds until there will be."""
        tokens, then = self._levels.get(key, (float(self.size), now))
        tokens = min(float(self.size), tokens + (now - then) * self.rate)
        if tokens < 1.0:
            self._levels[key] = (tokens, now)
            return (1.0 - tokens) / self.rate
        if len(self._levels) >= self.PRUNE_AT:
            self._prune(now)
        self._levels[key] = (tokens - 1.0, now)
        return 0.0

    def _prune(self, now: float) -> None:
        # A bucket that has filled up again holds nothing worth keeping.
        self._levels = {k: (t, w) for k, (t, w) in self._levels.items() if t + (now - w) * self.rate < self.size}
