"""The signed-in person's letters for the web app: list and read them with every version, proofread one and
accept or reject each suggestion, fetch it written out by hand (PDF or PNG); and their clients with what OS1
knows of each. Only ever theirs: every call names the person."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from starlette.responses import Response

from os1.db.store import NotFound, User
from os1.letters import clients, hands, handwriting, review, versions
from os1.letters.clients import LettersError
from os1.letters.review import Tracked
from os1.letters.versions import Letter
from os1.server import deps
from os1.server.deps import Hub, current_user
from os1.server.errors import ApiError

router = APIRouter(prefix="/letters")

Person = Annotated[User, Depends(current_user)]
TheHub = Annotated[Hub, Depends(deps.hub)]
LetterId = deps.RowId


class Decision(BaseModel):
    accept: bool


def _letter(x: Letter) -> dict[str, Any]:
    return {"id": x.id, "title": x.title, "sender": x.sender, "recipient": x.recipient, "brief": x.brief,
            "client_id": x.client_id, "version": x.latest.number, "words": x.words, "text": x.text,
            "note": x.latest.note, "updated_at": x.latest.created_at}


def _suggestion(t: Tracked) -> dict[str, Any]:
    s = t.suggestion
    return {"id": t.id, "letter_id": t.letter_id, "version": t.version, "kind": s.kind, "start": s.start,
            "end": s.end, "original": s.original, "replacement": s.replacement, "message": s.message,
            "status": t.status}


async def _get(hub: Hub, person: User, letter_id: int) -> Letter:
    try:
        return await versions.get(hub.runtime.store, person, letter_id)
    except NotFound as exc:
        raise ApiError(404, "not_found", str(exc)) from None


@router.get("")
async def all_letters(person: Person, hub: TheHub) -> dict[str, Any]:
    """Your letters, oldest first, each at its latest version."""
    return {"letters": [_letter(x) for x in await versions.all_of(hub.runtime.store, person)]}


@router.get("/clients")
async def all_clients(person: Person, hub: TheHub) -> dict[str, Any]:
    """The people you write for, each with what OS1 knows of them (theirs alone)."""
    store = hub.runtime.store
    return {"clients": [{"id": c.id, "name": c.name, "writes_to": c.writes_to,
                         "notes": [{"id": n.id, "text": n.text} for n in await clients.notes(store, person, c)]}
                        for c in await clients.all_of(store, person)]}


@router.get("/{letter_id}")
async def one_letter(letter_id: LetterId, person: Person, hub: TheHub) -> dict[str, Any]:
    """A letter with all its versions and the suggestions of its last proofread."""
    store = hub.runtime.store
    letter = await _get(hub, person, letter_id)
    return {**_letter(letter),
            "versions": [{"number": v.number, "text": v.text, "note": v.note, "created_at": v.created_at}
                         for v in await versions.history(store, person, letter)],
            "suggestions": [_suggestion(t) for t in await review.suggestions(store, person, letter)]}


@router.post("/{letter_id}/proofread")
async def proofread(letter_id: LetterId, person: Person, hub: TheHub) -> dict[str, Any]:
    """Proofread the letter's latest version: suggestions to accept or reject one by one (nothing changes yet)."""
    letter = await _get(hub, person, letter_id)
    try:
        found = await review.proofread_letter(hub.runtime.store, person, letter)
    except LettersError as exc:
        raise ApiError(503, "proofreading_unavailable", str(exc)) from None
    return {"letter_id": letter.id, "version": letter.latest.number, "suggestions": [_suggestion(t) for t in found]}


@router.post("/suggestions/{suggestion_id}")
async def decide(suggestion_id: deps.RowId, body: Decision, person: Person,
                 hub: TheHub) -> dict[str, Any]:
    """Accept (the letter gets its next version) or reject one suggestion."""
    try:
        tracked, letter = await review.decide(hub.runtime.store, person, suggestion_id, body.accept)
    except NotFound as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    except LettersError as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    return {"suggestion": _suggestion(tracked), "letter": _letter(letter)}


@router.get("/{letter_id}/handwritten")
async def handwritten(letter_id: LetterId, person: Person, hub: TheHub,
                      hand: Annotated[str | None, Query(max_length=20)] = None,
                      form: Annotated[Literal["pdf", "png"], Query(alias="format")] = "pdf") -> Response:
    """The letter written out by hand: a PDF, or the first page as a PNG image."""
    letter = await _get(hub, person, letter_id)
    try:
        chosen = hands.hand(hand)
    except LettersError as exc:
        raise ApiError(400 if hand and hand not in {h.name for h in hands.HANDS} else 503, "no_such_hand",
                       str(exc)) from None

    def draw() -> bytes:
        with tempfile.TemporaryDirectory(prefix="os1-letter-") as folder:
            pdf = handwriting.pdf_file(letter.text, letter.sender, letter.recipient, chosen,
                                       hub.runtime.companion.clock().date(), FilePath(folder) / "letter.pdf")
            return (handwriting.png_files(pdf, last=1)[0] if form == "png" else pdf).read_bytes()

    try:
        data = await asyncio.to_thread(draw)
    except LettersError as exc:
        raise ApiError(503, "drawing_unavailable", str(exc)) from None
    name = f"letter-{letter.id}-{chosen.name}.{form}"
    return Response(data, media_type="application/pdf" if form == "pdf" else "image/png",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})
