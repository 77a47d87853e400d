"""Leaving for good, by the person themselves (no administrator can do it for them or read what they take):
first their archive, handed only to them and kept nowhere on the server; then, given back the archive's SHA-256
as proof that they hold it, the companion's goodbye and the deletion of everything of theirs, with the proof."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from starlette.responses import Response

from os1.db import state
from os1.db.store import User
from os1.server import deps
from os1.server.deps import Hub, current_user, model_turn
from os1.server.errors import ApiError

router = APIRouter(prefix="/farewell")

Person = Annotated[User, Depends(current_user)]
TheHub = Annotated[Hub, Depends(deps.hub)]
ZIP: dict[int | str, dict[str, Any]] = {
    200: {"description": "Your archive (a zip): readable as it is, and brought back whole by `os1 memory import`. "
                         "Its SHA-256 is in the X-OS1-Archive-SHA256 header.", "content": {"application/zip": {}}}}

NOT_YET: dict[int | str, dict[str, Any]] = {
    409: {"description": "Take your archive first: the SHA-256 is not that of the archive you were handed last.",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}


class Leaving(BaseModel):
    archive_sha256: str = Field(min_length=64, max_length=64, pattern="^[0-9a-f]{64}$",
                                description="The SHA-256 of the archive you were just handed, as proof you hold it.")


@router.post("/archive", response_class=Response, responses=ZIP)
async def archive(person: Person, hub: TheHub) -> Response:
    """Everything OS1 keeps of you, as one archive. Nothing is deleted yet."""
    content, sha256 = await archived(hub, person)
    await hub.runtime.store.set_state(person, state.FAREWELL_ARCHIVE.key(), sha256)
    return Response(content, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="os1-farewell-{sha256[:12]}.zip"',
        "X-OS1-Archive-SHA256": sha256})


async def archived(hub: Hub, person: User) -> tuple[bytes, str]:
    """Everything of the person as one archive, and its SHA-256: made in a folder that is gone once it is read,
    so it is kept nowhere on the server."""
    with tempfile.TemporaryDirectory(prefix="os1-archive-") as folder:
        made = await hub.runtime.farewell_archive(person, Path(folder) / "archive.zip")
        return await asyncio.to_thread(made.path.read_bytes), made.sha256


@router.post("", responses=NOT_YET)
async def leave(body: Leaving, person: Person, hub: TheHub) -> dict[str, Any]:
    """Leave for good: the companion's goodbye, then everything of yours deleted (your sign-in tokens too), with
    the proof. Only with the SHA-256 of the archive you were handed last, so nothing goes before you hold it."""
    handed = await hub.runtime.store.get_state(person, state.FAREWELL_ARCHIVE.key())
    if handed is None or handed != body.archive_sha256:
        raise ApiError(409, "archive_first", "Take your archive first (POST /api/farewell/archive), then send its "
                                             "SHA-256 (the X-OS1-Archive-SHA256 header) to say you hold it.")
    async with model_turn(hub, person):  # the goodbye takes the model in its turn, like any reply
        said = await hub.runtime.companion.goodbye(person)
    await hub.tokens.remove(person.name)  # every open connection of theirs ends
    proof = await hub.runtime.let_go(person)
    return {"goodbye": said, "deleted": proof.deleted, "proof": {
        "looked_for": proof.looked_for, "still_there": proof.still_there, "lines": proof.lines()}}
