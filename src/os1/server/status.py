"""`GET /api/status`: is my companion there? The model's state, the line for it, who you are.

Every open web app asks this every 15 s, so at thousands of people it is most of the server's requests (554 a
second at 8,316 people). `StatusShortcut` answers a signed-in person's status before FastAPI's routing and
dependency machinery (which costs several times the answer itself), with the same sign-in and the same answers,
a 401 for a missing or wrong token included. Other methods go on to the app (a 405 there); the route in
api_native.py stays for the API's schema. The rate limit and the body limit run before it either way.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from os1.db.store import User
from os1.db.times import utc_iso
from os1.server.auth import authenticate
from os1.server.deps import Hub
from os1.server.errors import ApiError
from os1.server.health import ModelWatch

PATH = "/api/status"


async def status_of(hub: Hub, watch: ModelWatch, person: User) -> dict[str, Any]:
    """What the status line shows: the model and its state (`loading`, `ready`, `busy`, `down`), how many turns
    wait in line, who is signed in, and any maintenance announced and not yet begun."""
    status: dict[str, Any] = {"model": {"name": hub.runtime.model.name, "state": await watch.state()},
                              "queue": hub.turnstile.snapshot().waiting, "person": person.name}
    if hub.runtime.outreach.maintenance:  # announced (os1 maintenance announce), not yet begun
        status["maintenance"] = [{"notice": notice, "starts": utc_iso(start)}
                                 for notice, start in hub.runtime.outreach.maintenance]
    return status


class StatusShortcut:
    """Answers `GET /api/status` itself; passes every other request on untouched."""

    def __init__(self, app: ASGIApp, hub: Hub, watch: ModelWatch) -> None:
        self.app = app
        self.hub = hub
        self.watch = watch

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        try:
            person = await authenticate(Request(scope), self.hub)
        except ApiError as refused:
            answer = refused.response()
        else:
            answer = JSONResponse(await status_of(self.hub, self.watch, person))
        await answer(scope, receive, send)
