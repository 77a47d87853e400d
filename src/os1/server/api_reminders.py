"""The signed-in person's reminders and alarms, as a list: those still to come, soonest first, and the latest that
were said or cancelled; one can be cancelled, or brought back if it has not come due yet. The same reminders the
conversation sets ("remind me at 5 to call my sister") and the scheduler says."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from os1.db.store import User
from os1.reminders.book import Reminder, reminders, set_cancelled
from os1.server import deps
from os1.server.deps import Hub, current_user
from os1.server.errors import ApiError

router = APIRouter(prefix="/reminders")

Person = Annotated[User, Depends(current_user)]
TheHub = Annotated[Hub, Depends(deps.hub)]
PAST_SHOWN = 20  # the latest said or cancelled


class Cancelling(BaseModel):
    cancelled: bool = True  # False brings a cancelled one back


@router.get("")
async def listed(person: Person, hub: TheHub) -> dict[str, Any]:
    """Your reminders: `waiting` (soonest first) and `past` (the latest said or cancelled first)."""
    every = await reminders(hub.runtime.store, person, waiting_only=False)
    waiting = [r for r in every if r.fired_at is None and r.cancelled_at is None]
    past = sorted((r for r in every if r not in waiting), key=lambda r: r.fired_at or r.cancelled_at or "",
                  reverse=True)[:PAST_SHOWN]
    return {"waiting": [_shown(r) for r in waiting], "past": [_shown(r) for r in past]}


@router.post("/{reminder_id}/cancel")
async def cancel(reminder_id: deps.RowId, body: Cancelling, person: Person, hub: TheHub) -> dict[str, Any]:
    """Cancel one of your reminders that has not come due yet (or, with `cancelled: false`, bring it back)."""
    changed = await set_cancelled(hub.runtime.store, person, [reminder_id], body.cancelled)
    if not changed:
        raise ApiError(404, "not_found", f"You have no reminder {reminder_id} that could be "
                                         f"{'cancelled' if body.cancelled else 'brought back'}: it may have been said "
                                         f"already.")
    hub.runtime.scheduler.wake()
    return _shown(changed[0])


def _shown(reminder: Reminder) -> dict[str, Any]:
    return {"id": reminder.id, "text": reminder.text, "due": reminder.due_at.isoformat(), "alarm": reminder.alarm,
            "said": reminder.fired_at, "cancelled": reminder.cancelled_at}
