"""The signed-in person's letters for the web app: list and read them with every version, proofread one and
accept or reject each suggestion, fetch it written out by hand (PDF or PNG); and their clients with what OS1
knows of each. Only ever theirs: every call names the person."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from starlette.responses import Response

from os1.db.store import NotFound, User
from os1.letters import hands, handwriting, review, service, versions
from os1.letters.clients import LettersError
from os1.letters.review import Tracked
from os1.letters.versions import Letter
from os1.server import deps
from os1.server.api_letter_book import router as book_router
from os1.server.api_letter_clients import router as clients_router
from os1.server.deps import Hub, current_user, model_turn
from os1.server.errors import ApiError
from os1.server.schema import answers

router = APIRouter(prefix="/letters")
# Before the routes that take a letter's id, so that /letters/clients and /letters/book are never read as one.
router.include_router(clients_router)
router.include_router(book_router)

Person = Annotated[User, Depends(current_user)]
TheHub = Annotated[Hub, Depends(deps.hub)]
LetterId = deps.RowId


class Decision(BaseModel):
    accept: bool


class NewLetter(BaseModel):
    brief: str = Field(min_length=1, max_length=4000, description="Who it is to, the occasion, what to tell: \"a "
                       "birthday letter to Chris from his wife Lewman, about their trip to the lake\".")
    client: str | None = Field(None, max_length=100, description="The client it is written for (default: the one "
                                                                 "the brief names, if any).")


class OwnLetter(BaseModel):
    text: str = Field(min_length=1, max_length=40_000)
    sender: str = Field(min_length=1, max_length=100)
    recipient: str = Field(min_length=1, max_length=100)


class Revision(BaseModel):
    instruction: str = Field(min_length=1, max_length=1000, description="\"warmer\", \"shorter\", \"mention the "
                                                                        "blue canoe\".")


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


@router.post("", status_code=201)
async def write(body: NewLetter, person: Person, hub: TheHub) -> dict[str, Any]:
    """A new letter from a brief, in the sender's voice, drawing only on the brief and that client's memory. It
    takes the model in its turn, like a reply, and can take a few minutes."""
    try:
        async with model_turn(hub, person):
            drafted = await service.write(hub.runtime.store, person, hub.runtime.model, body.brief, body.client)
    except (LettersError, ValueError) as exc:  # ValueError: the brief says not who writes to whom
        raise ApiError(422, "cannot_write", str(exc)) from None
    return {**_letter(drafted.letter), "cut": drafted.written.invented}


@router.post("/own", status_code=201)
async def bring_in(body: OwnLetter, person: Person, hub: TheHub) -> dict[str, Any]:
    """A letter you wrote yourself, to proofread, write out by hand or put in the book."""
    if not (body.sender.strip() and body.recipient.strip()):
        raise ApiError(422, "cannot_keep", "Say who the letter is from and who it is to.")
    try:
        letter = await service.add_written(hub.runtime.store, person, body.text, body.sender.strip(),
                                           body.recipient.strip())
    except LettersError as exc:
        raise ApiError(422, "cannot_keep", str(exc)) from None
    return _letter(letter)


@router.post("/{letter_id}/revise")
async def revise(letter_id: LetterId, body: Revision, person: Person, hub: TheHub) -> dict[str, Any]:
    """The letter rewritten as asked, kept as its next version (every version stays)."""
    letter = await _get(hub, person, letter_id)
    try:
        async with model_turn(hub, person):
            drafted = await service.revise(hub.runtime.store, person, hub.runtime.model, letter, body.instruction)
    except (LettersError, ValueError) as exc:
        raise ApiError(422, "cannot_revise", str(exc)) from None
    return {**_letter(drafted.letter), "cut": drafted.written.invented}


@router.get("/{letter_id}")
async def one_letter(letter_id: LetterId, person: Person, hub: TheHub) -> dict[str, Any]:
    """A letter with all its versions and the suggestions of its last proofread."""
    store = hub.runtime.store
    letter = await _get(hub, person, letter_id)
    return {**_letter(letter),
            "versions": [{"number": v.number, "text": v.text, "note": v.note, "created_at": v.created_at}
                         for v in await versions.history(store, person, letter)],
            "suggestions": [_suggestion(t) for t in await review.suggestions(store, person, letter)]}


@router.post("/{letter_id}/proofread",
             responses=answers(s503="The spelling dictionary is not installed (the message says which package)."))
async def proofread(letter_id: LetterId, person: Person, hub: TheHub) -> dict[str, Any]:
    """Proofread the letter's latest version: suggestions to accept or reject one by one (nothing changes yet)."""
    letter = await _get(hub, person, letter_id)
    try:
        found = await review.proofread_letter(hub.runtime.store, person, letter)
    except LettersError as exc:
        raise ApiError(503, "proofreading_unavailable", str(exc)) from None
    return {"letter_id": letter.id, "version": letter.latest.number, "suggestions": [_suggestion(t) for t in found]}


@router.post("/suggestions/{suggestion_id}",
             responses=answers(s409="The letter changed since it was proofread: proofread it again."))
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


@router.get("/{letter_id}/handwritten", response_class=Response, responses={
    200: {"description": "The letter written by hand", "content": {"application/pdf": {}, "image/png": {}}},
    **answers(s503="The handwriting fonts or the PDF tools are not installed (the message says which).")})
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
