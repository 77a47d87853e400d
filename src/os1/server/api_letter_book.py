"""The book of the signed-in person's best letters, over HTTP: OS1's proposal with its reasons, the choice as the
person edits it (title, author, which letters, in what order), and the book typeset as a PDF. Offering it to a
publisher is done in conversation or with `os1 letters book send`, where the mail is shown in full first."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from starlette.responses import Response

from os1.db.store import User
from os1.letters import choose, publish, versions
from os1.letters.clients import LettersError
from os1.server import deps
from os1.server.deps import Hub, current_user
from os1.server.errors import ApiError
from os1.server.schema import answers

router = APIRouter(prefix="/book")

Person = Annotated[User, Depends(current_user)]
TheHub = Annotated[Hub, Depends(deps.hub)]
PDF: dict[int | str, dict[str, Any]] = {200: {"description": "The book, typeset", "content": {"application/pdf": {}}},
                                        **answers(s409="No letters are chosen for the book yet.")}


class BookChoice(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    author: str = Field(min_length=1, max_length=200)
    letter_ids: list[int] = Field(max_length=500, description="Your letters, in the book's order.")


async def _shown(hub: Hub, person: User) -> dict[str, Any]:
    store = hub.runtime.store
    chosen = await choose.selection(store, person)
    letters = await choose.chosen_letters(store, person, chosen)
    picks = await choose.propose(store, person)
    return {"title": chosen.title, "author": chosen.author,
            "letters": [{"id": x.id, "title": x.title, "words": x.words} for x in letters],
            "proposal": [{"id": p.letter.id, "title": p.letter.title, "words": p.letter.words, "score": p.score,
                          "reasons": p.reasons} for p in picks]}


@router.get("")
async def book(person: Person, hub: TheHub) -> dict[str, Any]:
    """The book as chosen so far, and OS1's proposal of the best letters with its reasons."""
    return await _shown(hub, person)


@router.put("")
async def choose_book(body: BookChoice, person: Person, hub: TheHub) -> dict[str, Any]:
    """Set the book: its title, author and letters (only your own; in the order given)."""
    store = hub.runtime.store
    have = {x.id for x in await versions.all_of(store, person)}
    unknown = [i for i in body.letter_ids if i not in have]
    if unknown:
        raise ApiError(404, "not_found", f"You have no letter {unknown[0]}.")
    ids = list(dict.fromkeys(body.letter_ids))
    await choose.keep(store, person, choose.Selection(" ".join(body.title.split()), " ".join(body.author.split()),
                                                      ids))
    return await _shown(hub, person)


@router.get("/pdf", response_class=Response, responses=PDF)
async def pdf(person: Person, hub: TheHub) -> Response:
    """The book typeset: cover, title page, contents, one letter a section, page numbers."""
    rt = hub.runtime
    try:
        path, _pages, chosen = await publish.make(rt.store, person, rt.settings.home, rt.companion.clock())
    except LettersError as exc:
        raise ApiError(409, "no_letters_chosen", str(exc).split(" See ")[0] + " Choose some in the Book.") from None
    data = await asyncio.to_thread(path.read_bytes)
    name = path.name
    return Response(data, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})
