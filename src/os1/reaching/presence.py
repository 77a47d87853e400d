"""Whether OS1 is there, for a door that has no status endpoint to ask (the terminal, the voice loop): the model
and its state, and any maintenance announced and not yet begun. The server's doors ask GET /api/status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from os1.db.store import Store
from os1.models.base import Model, Remote
from os1.reaching import book

PROBE_TIMEOUT_S = 3.0


@dataclass(frozen=True)
class Presence:
    model: str
    state: str  # "ready", "waking" (loads with the first message), "down" (a remote model that does not answer)
    maintenance: list[tuple[str, datetime]]

    def line(self, now: datetime) -> str:
        said = {"ready": "here", "waking": "waking up", "down": "can't reach its model right now"}[self.state]
        text = f"OS1 is {said} ({self.model})."
        for notice, start in self.maintenance[:1]:
            text += f" Maintenance announced: {notice}, from {start.astimezone(now.tzinfo):%a %d %b %H:%M}."
        return text


async def presence(model: Model, store: Store, now: datetime) -> Presence:
    if isinstance(model, Remote):
        state = "ready" if await model.answers(PROBE_TIMEOUT_S) else "down"
    else:
        state = "ready" if model.loaded else "waking"
    return Presence(model.name, state, await book.upcoming_maintenance(store, now))
