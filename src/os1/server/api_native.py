"""The web app's API: status, chat (a turn as server-sent events), conversations, notifications (reminders as
they come due, as server-sent events). Every route is the signed-in
person's own: an id that is someone else's answers exactly like one that does not exist (404)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from os1.db.store import Conversation, NotFound, User
from os1.server import deps
from os1.server.api_letters import router as letters_router
from os1.server.api_memory import router as memory_router
from os1.server.deps import Hub, current_user
from os1.server.errors import ApiError
from os1.server.sse import EventStream
from os1.server.status import status_of
from os1.server.turns import turn_events

router = APIRouter(prefix="/api")
router.include_router(memory_router)
router.include_router(letters_router)

Person = Annotated[User, Depends(current_user)]
TheHub = Annotated[Hub, Depends(deps.hub)]
MAX_ID = 2**63 - 1  # SQLite's largest integer: a bigger id is invalid input (422), not a server error
ConversationId = Annotated[int, Path(ge=1, le=MAX_ID)]
EVENT_STREAM: dict[int | str, dict[str, Any]] = {
    200: {"description": "The turn's events, one `data: {json}` line each", "content": {"text/event-stream": {}}}}


class ChatRequest(BaseModel):
    text: str = Field(min_length=1, description="What the person says.")
    conversation_id: int | None = Field(None, ge=1, le=MAX_ID, description="Their conversation to continue "
                                        "(default: the latest, or a new one).")


class NewConversation(BaseModel):
    title: str | None = Field(None, max_length=200)


@router.get("/status")
async def status(request: Request, person: Person, hub: TheHub) -> dict[str, Any]:
    """The model's state (`loading`, `ready`, `busy`, `down`), how many turns wait in line, who you are.
    (Served by status.StatusShortcut, ahead of the routing; this route gives the API's schema its entry.)"""
    return await status_of(hub, request.app.state.watch, person)


@router.post("/chat", status_code=200, response_class=EventStream, responses=EVENT_STREAM)
async def chat(body: ChatRequest, person: Person, hub: TheHub) -> Response:
    """Say something; the reply comes as the turn's events. Closing the stream interrupts the reply."""
    chosen = await own_conversation(hub, person, body.conversation_id) if body.conversation_id is not None else None
    hub.turnstile.check(person)  # too many turns in line already: a 429 now, not an error inside the stream
    conversation = chosen or await hub.runtime.conversation(person)
    return EventStream(turn_events(hub, person, conversation, body.text))


@router.get("/notifications", status_code=200, response_class=EventStream, responses=EVENT_STREAM)
async def notifications(person: Person, hub: TheHub) -> Response:
    """Your reminders and alarms as they come due, one `reminder` event each, for as long as you listen. Each
    open tab gets it; it is also kept in your latest conversation. One that came due while nothing of yours was
    listening comes as soon as something is."""
    return EventStream(hub.notices.stream(person))


@router.get("/conversations")
async def conversations(person: Person, hub: TheHub,
                        limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict[str, Any]:
    """Your conversations, the latest first."""
    found = await hub.runtime.store.conversations(person, limit)
    return {"conversations": [conversation_dict(s.conversation) | {"messages": s.message_count,
                                                                   "first_words": s.first_words} for s in found]}


@router.post("/conversations", status_code=201)
async def new_conversation(person: Person, hub: TheHub, body: NewConversation | None = None) -> dict[str, Any]:
    """Start a fresh conversation; send its id with the next chat message."""
    conversation = await hub.runtime.store.new_conversation(person, body.title if body else None)
    return conversation_dict(conversation) | {"messages": 0, "first_words": ""}


@router.get("/conversations/{conversation_id}/messages")
async def messages(conversation_id: ConversationId, person: Person, hub: TheHub,
                   limit: Annotated[int | None, Query(ge=1, le=10_000)] = None) -> dict[str, Any]:
    """One of your conversations, oldest message first (the newest `limit`, if given)."""
    conversation = await own_conversation(hub, person, conversation_id)
    found = await hub.runtime.store.messages(conversation, limit)
    return {"conversation": conversation_dict(conversation),
            "messages": [{"id": m.id, "role": m.role, "text": m.content, "status": m.status, "time": m.created_at,
                          "reminder": "reminder" in m.meta} for m in found]}


async def own_conversation(hub: Hub, person: User, conversation_id: int) -> Conversation:
    """The person's conversation with this id; 404 if there is none of theirs (whoever else's it may be)."""
    try:
        return await hub.runtime.store.conversation(person, conversation_id)
    except NotFound:
        raise ApiError(404, "not_found", f"You have no conversation {conversation_id}.") from None


def conversation_dict(conversation: Conversation) -> dict[str, Any]:
    return {"id": conversation.id, "title": conversation.title, "created": conversation.created_at,
            "updated": conversation.updated_at}
