"""The music OS1 composed for the signed-in person: listed, heard (WAV or OGG, rendered on first asking), taken
out as MIDI, deleted. Only ever theirs: a piece of someone else's answers exactly like one that does not exist."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from starlette.responses import FileResponse

from os1.db.store import User
from os1.music.library import Piece, delete_piece, piece, pieces
from os1.music.making import audio_of, midi_of
from os1.music.render import SynthMissing
from os1.server import deps
from os1.server.deps import Hub, current_user
from os1.server.errors import ApiError

router = APIRouter(prefix="/music")

Person = Annotated[User, Depends(current_user)]
TheHub = Annotated[Hub, Depends(deps.hub)]
PieceId = deps.RowId
MEDIA = {"wav": "audio/wav", "ogg": "audio/ogg", "midi": "audio/midi"}


@router.get("")
async def listed(person: Person, hub: TheHub) -> dict[str, Any]:
    """Your pieces, oldest first, each with what it is about and why it sounds as it does."""
    return {"pieces": [p.as_dict() for p in await pieces(hub.runtime.store, person)]}


@router.get("/{piece_id}/audio")
async def audio(piece_id: PieceId, person: Person, hub: TheHub,
                format: Annotated[Literal["wav", "ogg", "midi"], Query()] = "wav") -> FileResponse:
    """One of your pieces as sound (WAV or OGG, through the synthesiser) or as its MIDI file."""
    found = await _own(hub, person, piece_id)
    home = hub.runtime.settings.home
    if format == "midi":
        path = midi_of(found, person, home)
    else:
        try:
            path = await audio_of(found, person, home, format)
        except SynthMissing as exc:
            raise ApiError(503, "no_synthesiser", str(exc)) from None
    name = "".join(c for c in found.title if c.isalnum() or c in " -_").strip() or "piece"
    return FileResponse(path, media_type=MEDIA[format],
                        filename=f"{name}.{'mid' if format == 'midi' else format}")


@router.delete("/{piece_id}")
async def delete(piece_id: PieceId, person: Person, hub: TheHub) -> dict[str, Any]:
    """Delete one of your pieces, its score and its audio."""
    found = await _own(hub, person, piece_id)
    await delete_piece(hub.runtime.store, person, found.id, hub.runtime.settings.home)
    return {"deleted": found.id, "title": found.title}


async def _own(hub: Hub, person: User, piece_id: int) -> Piece:
    found = await piece(hub.runtime.store, person, piece_id)
    if found is None:
        raise ApiError(404, "not_found", f"You have no piece {piece_id}.")
    return found
