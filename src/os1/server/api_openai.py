"""The OpenAI-compatible API: existing clients (the `openai` package, chat apps, editor plugins) talk to the
companion as if it were a model named "os1". Sign in with your OS1 token as the API key.

The companion answers as itself, with the signed-in person's memory. Only the request's last user message is
taken: it is the person's input to the same turn every other door runs (`companion.respond`). The rest of the
request's `messages` is NOT trusted as history. OS1 keeps each person's history itself, so a client cannot inject
another conversation, put words in the companion's mouth with fake assistant turns, or replace its system prompt.

Which conversation a request continues: the `X-OS1-Conversation` header (an id of one of this person's
conversations, or `new`); without it, the conversation this person last started through this API; the first
time, a new one. The answer names it in the same header.

Sampling parameters (`temperature`, `top_p`, `max_tokens`, `stop`, `seed`, penalties, `tools`…) are accepted and
ignored: the companion has its own settings. OpenAI's `user` field is ignored too: the person is the token's.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from os1.db import state
from os1.db.store import Conversation, NotFound, Store, User
from os1.db.times import now_iso
from os1.server import openai_audio
from os1.server.deps import MAX_ID, Hub, current_user, hold_connection, hub
from os1.server.openai_chat import ChunkStream, Turn, complete, stream_chunks, unless_revoked_or_gone
from os1.server.openai_errors import OpenAIError, OpenAIRoute
from os1.server.sse import HEADERS as SSE_HEADERS

MODEL_ID = "os1"
CONVERSATION_HEADER = "X-OS1-Conversation"
_LISTED_SINCE = int(time.time())  # `created` of the listed models: when this server came up

# Every route needs a signed-in person; routes that use the person also take `Person` (resolved once).
router = APIRouter(route_class=OpenAIRoute, tags=["OpenAI-compatible"], dependencies=[Depends(current_user)])
router.include_router(openai_audio.router)

Person = Annotated[User, Depends(current_user)]
TheHub = Annotated[Hub, Depends(hub)]


# -- request shapes --------------------------------------------------------------------------------------------

class ContentPart(BaseModel):
    """One part of a message's content. Only `text` parts are read; images and audio are ignored."""

    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str
    content: str | list[ContentPart] | None = None


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")
    include_usage: bool = False


class ChatRequest(BaseModel):
    # Extra fields (sampling parameters and the like) are accepted and ignored: see the module docstring.
    model_config = ConfigDict(extra="allow")
    model: str
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    stream_options: StreamOptions | None = None
    n: int = 1


# -- models ------------------------------------------------------------------------------------------------------

def model_ids(the_hub: Hub) -> list[str]:
    """"os1", and the underlying model's name as an alias: both are the companion."""
    return list(dict.fromkeys([MODEL_ID, the_hub.runtime.model.name]))


def checked_model(the_hub: Hub, model: str) -> str:
    if model not in model_ids(the_hub):
        raise OpenAIError(404, f"The model {model!r} does not exist. Use one of: {', '.join(model_ids(the_hub))}.",
                          "model_not_found", "model")
    return model


def model_card(model: str) -> dict[str, Any]:
    return {"id": model, "object": "model", "created": _LISTED_SINCE, "owned_by": "os1"}


@router.get("/v1/models")
async def list_models(the_hub: TheHub) -> dict[str, Any]:
    """The models a client can name: the companion, under its own name and its model's."""
    return {"object": "list", "data": [model_card(model) for model in model_ids(the_hub)]}


@router.get("/v1/models/{model}")
async def retrieve_model(model: str, the_hub: TheHub) -> dict[str, Any]:
    return model_card(checked_model(the_hub, model))


# -- chat ------------------------------------------------------------------------------------------------------

CHAT_ANSWERS: dict[int | str, dict[str, Any]] = {200: {
    "description": "A `chat.completion`; with `stream`, `chat.completion.chunk`s as server-sent events, then "
                   "`data: [DONE]`", "content": {"application/json": {}, "text/event-stream": {}}}}


@router.post("/v1/chat/completions", responses=CHAT_ANSWERS)
async def chat_completions(body: ChatRequest, request: Request, user: Person, the_hub: TheHub,
                           conversation_id: Annotated[str | None, Header(alias=CONVERSATION_HEADER)] = None,
                           ) -> Response:
    """The companion's reply to the request's last user message, streamed (SSE) or whole."""
    model = checked_model(the_hub, body.model)
    if body.n != 1:
        raise OpenAIError(400, "OS1 gives one reply per turn: n must be 1.", "invalid_value", "n")
    text = person_input(body.messages)
    conversation = await api_conversation(the_hub.runtime.store, user, conversation_id)
    include_usage = bool(body.stream_options and body.stream_options.include_usage)
    headers = {CONVERSATION_HEADER: str(conversation.id)}
    # Busy is decided once, here, before any answer: no place in line is a 429. A stream shows the wait in line
    # as comments (clients skip them); a wait that runs out, rare, ends it with a `queue_timeout` error.
    ticket = the_hub.turnstile.join(user)
    turn = Turn(the_hub, user, conversation, text, model, include_usage, ticket)
    held = hold_connection(request, the_hub, user)
    if body.stream:
        return ChunkStream(stream_chunks(turn), held=held, on_end=ticket.close,
                           headers={**headers, **SSE_HEADERS}, media_type="text/event-stream")
    try:
        return JSONResponse(await unless_revoked_or_gone(request, held, complete(turn)), headers=headers)
    finally:
        held.release()
        ticket.close()


def person_input(messages: list[ChatMessage]) -> str:
    """The text of the last user message: the person's input. Earlier messages are not read (see above)."""
    said = [m for m in messages if m.role == "user"]
    if not said:
        raise OpenAIError(400, "messages must include a user message: it is what you say to the companion.",
                          "invalid_value", "messages")
    text = message_text(said[-1]).strip()
    if not text:
        raise OpenAIError(400, "The last user message has no text: say something to the companion.",
                          "invalid_value", "messages")
    return text


def message_text(message: ChatMessage) -> str:
    if isinstance(message.content, str):
        return message.content
    return "\n".join(part.text for part in message.content or () if part.type == "text" and part.text)


async def api_conversation(store: Store, user: User, requested: str | None) -> Conversation:
    """The conversation this request continues (see the module docstring)."""
    if requested is not None and requested.strip().lower() == "new":
        return await _api_conversation(store, user, fresh=True)
    if requested is not None:
        return await _own_conversation(store, user, requested)
    return await _api_conversation(store, user, fresh=False)


async def _own_conversation(store: Store, user: User, requested: str) -> Conversation:
    # Another person's conversation and one that does not exist get the same 404: ids reveal nothing.
    missing = OpenAIError(404, f"You have no conversation {requested.strip()[:40]!r}. Leave out {CONVERSATION_HEADER} "
                          "to continue your latest one, or send `new` to start one.", "conversation_not_found")
    try:
        conversation_id = int(requested)
    except ValueError:
        raise missing from None
    if not 0 < conversation_id <= MAX_ID:  # a bigger id is not a conversation, and must not reach the store
        raise missing
    try:
        return await store.conversation(user, conversation_id)
    except NotFound:
        raise missing from None


async def _api_conversation(store: Store, user: User, fresh: bool) -> Conversation:
    """The conversation last started through this API (unless `fresh`), or a new one, noted as the last: one
    transaction, so that simultaneous first requests all continue the one conversation the first started (and
    the last one started is the one noted, even with another process on the same store)."""
    key = state.API_CONVERSATION.key()

    def op(db: sqlite3.Connection) -> Conversation:
        if not fresh:
            row = db.execute(
                "SELECT c.id, c.user_id, c.title, c.created_at, c.updated_at FROM companion_state s "
                "JOIN conversations c ON c.user_id = s.user_id AND CAST(c.id AS TEXT) = s.value "
                "WHERE s.user_id = ? AND s.key = ?", (user.id, key)).fetchone()
            if row is not None:  # else none yet, or deleted since (or forgotten): start afresh
                return Conversation(int(row[0]), int(row[1]), row[2], str(row[3]), str(row[4]))
        now = now_iso()
        made = db.execute("INSERT INTO conversations (user_id, title, created_at, updated_at) VALUES (?, NULL, ?, ?)",
                          (user.id, now, now))
        conversation = Conversation(int(made.lastrowid or 0), user.id, None, now, now)
        db.execute("INSERT INTO companion_state (user_id, key, value, updated_at) VALUES (?, ?, ?, ?) "
                   "ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                   (user.id, key, str(conversation.id), now))
        return conversation

    return await store.write(op)
