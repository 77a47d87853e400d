"""The web app's API: status, chat (a turn as server-sent events), conversations, events, notifications (reminders as
they come due, as server-sent events). Every route is the signed-in
person's own: an id that is someone else's answers exactly like one that does not exist (404)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from os1.db.drafts import CUT_OFF
from os1.db.store import Conversation, NotFound, User
from os1.memory.memory import ForgetPlan
from os1.server import deps
from os1.server.api_farewell import router as farewell_router
from os1.server.api_letters import router as letters_router
from os1.server.api_memory import router as memory_router
from os1.server.api_music import router as music_router
from os1.server.api_reminders import router as reminders_router
from os1.server.api_settings import router as settings_router
from os1.server.deps import Hub, current_user, hold_connection
from os1.server.errors import ApiError
from os1.server.sse import EventStream
from os1.server.status import status_of
from os1.server.turns import turn_events

router = APIRouter(prefix="/api")
router.include_router(memory_router)
router.include_router(music_router)
router.include_router(letters_router)
router.include_router(farewell_router)
router.include_router(settings_router)
router.include_router(reminders_router)

Person = Annotated[User, Depends(current_user)]
TheHub = Annotated[Hub, Depends(deps.hub)]
TAKE_BACK_WINDOW = 50  # messages looked through for the last one of the person's
ConversationId = deps.RowId
EVENT_STREAM: dict[int | str, dict[str, Any]] = {
    200: {"description": "The turn's events, one `data: {json}` line each", "content": {"text/event-stream": {}}}}


class ChatRequest(BaseModel):
    text: str = Field(min_length=1, description="What the person says.")
    conversation_id: int | None = Field(None, ge=1, le=deps.MAX_ID, description="Their conversation to continue "
                                        "(default: the latest, or a new one).")


class NewConversation(BaseModel):
    title: str | None = Field(None, max_length=200)


class Renamed(BaseModel):
    title: str | None = Field(max_length=200, description="Its new title; null or \"\" for none (its first words "
                                                          "show instead).")


@router.get("/status")
async def status(request: Request, person: Person, hub: TheHub) -> dict[str, Any]:
    """The model's state (`loading`, `ready`, `busy`, `down`), how many turns wait in line, who you are.
    (Served by status.StatusShortcut, ahead of the routing; this route gives the API's schema its entry.)"""
    return await status_of(hub, request.app.state.watch, person)


@router.post("/chat", status_code=200, response_class=EventStream, responses=EVENT_STREAM)
async def chat(body: ChatRequest, request: Request, person: Person, hub: TheHub) -> Response:
    """Say something; the reply comes as the turn's events. Closing the stream interrupts the reply."""
    chosen = await own_conversation(hub, person, body.conversation_id) if body.conversation_id is not None else None
    conversation = chosen or await hub.runtime.conversation(person)
    # The place in line is taken here, last, before the 200: too many turns in line is a 429 now, and only now.
    # Patient: the web app shows the person their place in line and lets them stop; their message is never dropped.
    ticket = hub.turnstile.join(person)
    return EventStream(turn_events(hub, person, conversation, body.text, ticket, patient=True),
                       held=hold_connection(request, hub, person), on_end=ticket.close)


@router.get("/notifications", status_code=200, response_class=EventStream, responses=EVENT_STREAM)
async def notifications(request: Request, person: Person, hub: TheHub) -> Response:
    """Your reminders and alarms as they come due, one `reminder` event each, for as long as you listen. Each
    open tab gets it; it is also kept in your latest conversation. One that came due while nothing of yours was
    listening comes as soon as something is. Ends (with an `unauthorized` event) if your token is removed."""
    return EventStream(hub.notices.stream(person), held=hold_connection(request, hub, person))


@router.get("/events")
async def events(person: Person, hub: TheHub) -> dict[str, Any]:
    """What came for you between turns and is waiting, for a client that asks rather than listens: `reminder`
    and `reach_out` events (a follow-up, a check-in, a maintenance notice, each with its `reason`). Each is
    given once, here or to a listening tab, and kept in your latest conversation."""
    return {"events": [event.to_dict() for event in await hub.runtime.waiting_for(person)]}


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


@router.patch("/conversations/{conversation_id}")
async def rename(conversation_id: ConversationId, body: Renamed, person: Person, hub: TheHub) -> dict[str, Any]:
    """Give one of your conversations a title (or take it away)."""
    conversation = await own_conversation(hub, person, conversation_id)
    title = " ".join((body.title or "").split()) or None
    return conversation_dict(await hub.runtime.store.rename_conversation(conversation, title))


@router.delete("/conversations/{conversation_id}")
async def delete(conversation_id: ConversationId, person: Person, hub: TheHub) -> dict[str, Any]:
    """Delete one of your conversations for good: its messages, what OS1 learned from them (facts) and its
    summaries. What OS1's picture of you and its journal say in general terms stays: forget a topic for that."""
    conversation = await own_conversation(hub, person, conversation_id)
    gone = await hub.runtime.companion.memory.forget_conversation(person, conversation)
    return {"deleted": conversation.id, "messages": gone}


@router.get("/conversations/{conversation_id}/messages")
async def messages(conversation_id: ConversationId, person: Person, hub: TheHub,
                   limit: Annotated[int | None, Query(ge=1, le=10_000)] = None) -> dict[str, Any]:
    """One of your conversations, oldest message first (the newest `limit`, if given)."""
    conversation = await own_conversation(hub, person, conversation_id)
    found = await hub.runtime.store.messages(conversation, limit)
    return {"conversation": conversation_dict(conversation),
            "messages": [{"id": m.id, "role": m.role, "text": m.content, "status": m.status, "time": m.created_at,
                          "reminder": "reminder" in m.meta, "cut_off": CUT_OFF in m.meta,
                          "reach_out": "reach_out" in m.meta} for m in found]}


@router.post("/conversations/{conversation_id}/take-back")
async def take_back(conversation_id: ConversationId, person: Person, hub: TheHub) -> dict[str, Any]:
    """Take your last message back, with the replies to it: they are forgotten for good (with anything learned
    from them), so that it can be said again, as it was (a new reply) or edited. Returns what you had said."""
    conversation = await own_conversation(hub, person, conversation_id)
    recent = await hub.runtime.store.messages(conversation, TAKE_BACK_WINDOW)
    said = next((m for m in reversed(recent) if m.role == "user"), None)
    if said is None:
        raise ApiError(404, "not_found", "There is nothing of yours to take back in this conversation.")
    doomed = [m.id for m in recent if m.id >= said.id and m.role in ("user", "assistant")
              and "reminder" not in m.meta]
    await hub.runtime.companion.memory.forget(person, ForgetPlan("", [], [], []), also=doomed)
    return {"text": said.content, "forgotten": len(doomed)}


async def own_conversation(hub: Hub, person: User, conversation_id: int) -> Conversation:
    """The person's conversation with this id; 404 if there is none of theirs (whoever else's it may be)."""
    try:
        return await hub.runtime.store.conversation(person, conversation_id)
    except NotFound:
        raise ApiError(404, "not_found", f"You have no conversation {conversation_id}.") from None


def conversation_dict(conversation: Conversation) -> dict[str, Any]:
    return {"id": conversation.id, "title": conversation.title, "created": conversation.created_at,
            "updated": conversation.updated_at}
