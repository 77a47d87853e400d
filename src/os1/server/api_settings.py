"""The signed-in person's own settings: the voice their companion speaks with, how the web app looks, when not to
be disturbed, whether it may check in on them or wish them good morning; and the export of everything it keeps of
them. Each is the same setting the conversation changes ("stop checking in on me", "quiet from 10pm to 7am"), so
a change made in one door holds in every other."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from starlette.responses import Response

from os1.db import state
from os1.db.store import User
from os1.reminders.book import quiet_hours, set_quiet_hours
from os1.reminders.clock import QuietHours
from os1.server import deps
from os1.server.api_farewell import archived
from os1.server.deps import Hub, current_user
from os1.server.errors import ApiError
from os1.voice.tts import DEFAULT_VOICE, available_voices

router = APIRouter()

Person = Annotated[User, Depends(current_user)]
TheHub = Annotated[Hub, Depends(deps.hub)]
Theme = Literal["system", "light", "dark"]
HH_MM = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")
ZIP: dict[int | str, dict[str, Any]] = {
    200: {"description": "Everything OS1 keeps of you, as one zip: readable as it is, and brought back whole by "
                         "`os1 memory import`. Nothing is deleted.", "content": {"application/zip": {}}}}


class SettingsChange(BaseModel):
    """Only what is given changes."""

    voice: str | None = Field(None, max_length=64, description="An installed voice's id (see `voices`).")
    theme: Theme | None = None
    quiet_hours: str | None = Field(None, max_length=40, description="\"22:00-07:00\", \"10pm to 7am\"; \"\" for "
                                                                     "none.")
    check_ins: bool | None = Field(None, description="Whether it may follow up and check in on you unasked.")
    good_morning: str | None = Field(None, max_length=16, description="\"HH:MM\" to be wished good morning each "
                                                                      "day; \"\" for none.")


@router.get("/settings")
async def settings(person: Person, hub: TheHub) -> dict[str, Any]:
    """Your settings, with the voices this server has and the model it thinks with."""
    store = hub.runtime.store
    hours = await quiet_hours(store, person)
    return {
        "voice": await store.get_state(person, state.VOICE.key()),
        "voices": [{"id": v.id, "label": v.label, "default": v.id == DEFAULT_VOICE}
                   for v in available_voices() if v.installed],
        "theme": await store.get_state(person, state.THEME.key()) or "system",
        "quiet_hours": f"{hours.start:%H:%M}-{hours.end:%H:%M}" if hours else None,
        "check_ins": await hub.runtime.outreach.is_on(person),
        "good_morning": await store.get_state(person, state.GOOD_MORNING.key()),
        "model": hub.runtime.model.name,
    }


@router.patch("/settings")
async def change(body: SettingsChange, person: Person, hub: TheHub) -> dict[str, Any]:
    """Change some of your settings; answers with all of them. Nothing changes if any value is wrong."""
    hours = _quiet_hours(body.quiet_hours)
    if body.voice is not None and body.voice not in {v.id for v in available_voices() if v.installed}:
        raise ApiError(422, "unknown_voice", f"There is no voice \"{body.voice}\" on this server. Choose one of "
                                             f"those listed in your settings.")
    if body.good_morning not in (None, "") and not HH_MM.match(body.good_morning):
        raise ApiError(422, "bad_time", "Good morning takes a time like 07:30 (24-hour clock), or nothing.")
    store = hub.runtime.store
    if body.voice is not None:
        await hub.runtime.keep_voice(person, body.voice)
    if body.theme is not None:
        await store.set_state(person, state.THEME.key(), body.theme)
    if body.quiet_hours is not None:
        await set_quiet_hours(store, person, hours)
    if body.check_ins is not None:
        await hub.runtime.outreach.set_on(person, body.check_ins)
    if body.good_morning is not None:
        await hub.runtime.outreach.set_morning(person, body.good_morning)
    return await settings(person, hub)


@router.get("/export", response_class=Response, responses=ZIP)
async def export(person: Person, hub: TheHub) -> Response:
    """Everything OS1 keeps of you as one archive: conversations, what it knows and its journal, letters, music,
    the log of what it did. Made for you and kept nowhere on the server."""
    content, sha256 = await archived(hub, person)
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", person.name).strip("-") or "me"
    return Response(content, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="os1-{name}-{date.today()}.zip"',
        "X-OS1-Archive-SHA256": sha256})


def _quiet_hours(text: str | None) -> QuietHours | None:
    if not text:
        return None
    try:
        return QuietHours.parse(text)
    except ValueError as exc:
        raise ApiError(422, "bad_quiet_hours", str(exc)) from None
