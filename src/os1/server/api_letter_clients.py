"""The people the signed-in person writes letters for, over HTTP: each with a memory of their own (kept apart from
the person's and from every other client's), added, told about, a note forgotten, or forgotten wholly with every
letter written for them. Only ever the person's own clients."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from os1.db.store import NotFound, User
from os1.letters import clients
from os1.letters.clients import Client, LettersError
from os1.server import deps
from os1.server.deps import Hub, current_user
from os1.server.errors import ApiError
from os1.server.schema import answers

router = APIRouter(prefix="/clients")

Person = Annotated[User, Depends(current_user)]
TheHub = Annotated[Hub, Depends(deps.hub)]


class NewClient(BaseModel):
    name: str = Field(min_length=1, max_length=100, description="Who they are: \"Lewman\".")
    writes_to: str = Field("", max_length=200, description="Whom they write to: \"Chris, her husband\".")


class Told(BaseModel):
    text: str = Field(min_length=1, max_length=20_000, description="What you know of them, in your words.")


async def shown(hub: Hub, person: User, client: Client) -> dict[str, Any]:
    return {"id": client.id, "name": client.name, "writes_to": client.writes_to,
            "notes": [{"id": n.id, "text": n.text} for n in await clients.notes(hub.runtime.store, person, client)]}


async def _own(hub: Hub, person: User, client_id: int) -> Client:
    found = [c for c in await clients.all_of(hub.runtime.store, person) if c.id == client_id]
    if not found:
        raise ApiError(404, "not_found", f"You have no client {client_id}.")
    return found[0]


@router.get("")
async def all_clients(person: Person, hub: TheHub) -> dict[str, Any]:
    """The people you write for, each with what OS1 knows of them (theirs alone)."""
    return {"clients": [await shown(hub, person, c) for c in await clients.all_of(hub.runtime.store, person)]}


@router.post("", status_code=201, responses=answers(s409="You already have a client with that name."))
async def add(body: NewClient, person: Person, hub: TheHub) -> dict[str, Any]:
    """Someone new you write for."""
    if not body.name.strip():
        raise ApiError(422, "no_name", "Give the name of the person you write for.")
    try:
        client = await clients.add(hub.runtime.store, person, " ".join(body.name.split()), body.writes_to.strip())
    except LettersError as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    return await shown(hub, person, client)


@router.post("/{client_id}/notes")
async def tell(client_id: deps.RowId, body: Told, person: Person, hub: TheHub) -> dict[str, Any]:
    """Tell OS1 about them: kept, sentence by sentence, in their memory only."""
    client = await _own(hub, person, client_id)
    try:
        await clients.tell(hub.runtime.store, person, client, body.text)
    except LettersError as exc:
        raise ApiError(422, "nothing_told", str(exc)) from None
    return await shown(hub, person, client)


@router.delete("/{client_id}/notes/{note_id}")
async def forget_note(client_id: deps.RowId, note_id: deps.RowId, person: Person, hub: TheHub) -> dict[str, Any]:
    """Forget one thing OS1 knew of them."""
    client = await _own(hub, person, client_id)
    try:
        await clients.forget_note(hub.runtime.store, person, client, note_id)
    except NotFound as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    return await shown(hub, person, client)


@router.delete("/{client_id}")
async def forget(client_id: deps.RowId, person: Person, hub: TheHub) -> dict[str, Any]:
    """Forget them wholly: their memory, and every letter written for them."""
    client = await _own(hub, person, client_id)
    letters = await clients.forget(hub.runtime.store, person, client)
    return {"forgotten": client.id, "letters": letters}
