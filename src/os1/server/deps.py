"""What every route needs, and the one way to get it: the Hub (built once by the app factory) and the signed-in
person. Routes depend on these; they never reach for globals."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Path, Request

from os1.db.store import User
from os1.server.errors import ApiError
from os1.server.fairness import Busy
from os1.server.notices import Notices
from os1.server.revocation import Connections, Held

MAX_ID = 2**63 - 1  # SQLite's largest integer: a bigger id is invalid input (422), not a server error
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]  # a path's id of anything stored: a letter, a piece, a conversation

if TYPE_CHECKING:
    from os1.runtime import Runtime
    from os1.server.auth import TokenBook
    from os1.server.fairness import Turnstile


@dataclass
class Hub:
    """Everything the server holds: one runtime (store, model, companion) for everyone — every store call and
    every turn is scoped to a person — the sign-in tokens, and the turnstile that shares the model fairly."""

    runtime: Runtime
    tokens: TokenBook
    turnstile: Turnstile
    # Speech models, loaded on first use (os1.voice.stt.WhisperTranscriber, voices by id).
    extras: dict[str, Any] = field(default_factory=dict)
    # Each open web app tab as a door of the runtime's (its scheduler fires everyone's reminders through them).
    notices: Notices = field(init=False)
    # Every open connection's sign-in: one whose token is removed ends (os1.server.revocation).
    connections: Connections = field(init=False)

    def __post_init__(self) -> None:
        self.notices = Notices(self.runtime.doors)
        self.connections = Connections(self.tokens)


async def hub(request: Request) -> Hub:
    # async: FastAPI runs a plain `def` dependency on its thread pool, a round trip on every request.
    found: Hub = request.app.state.hub
    return found


async def current_user(request: Request, the_hub: Annotated[Hub, Depends(hub)]) -> User:
    """The person whose token came with the request (Authorization: Bearer …); 401 otherwise."""
    from os1.server.auth import authenticate

    return await authenticate(request, the_hub)


def hold_connection(request: Request, the_hub: Hub, user: User) -> Held:
    """Note a connection that stays open (a stream), signed in by this request's token: it ends when the token
    is removed. Release it when it ends."""
    return the_hub.connections.hold(request.state.os1_token, user)


@asynccontextmanager
async def model_turn(hub: Hub, person: User) -> AsyncIterator[None]:
    """The model, in this person's turn, for work that is not a chat turn (a goodbye, a letter): the turnstile keeps
    it fair among everyone on the server. Too many waiting is a 429, as for a turn."""
    try:
        async with hub.turnstile.join(person) as ticket:
            async for _ in ticket.wait(patient=True):
                pass
            yield
    except Busy as exc:
        raise ApiError(429, exc.code, str(exc), {"Retry-After": str(exc.retry_after_s)}) from None
