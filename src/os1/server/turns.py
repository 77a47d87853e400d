"""A turn as the server runs it: through the turnstile (saying where the person is in line while they wait),
then the turn as every door runs it (runtime.respond). Every door can send these events as they are."""

from __future__ import annotations

import logging
import traceback
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import cast

from os1.db.drafts import ReplyDraft
from os1.db.store import Conversation, User
from os1.events import Error, Event, Status, TextDelta, TurnStarted
from os1.server.deps import Hub
from os1.server.fairness import Busy, Ticket, waiting_text

log = logging.getLogger(__name__)


async def turn_events(hub: Hub, user: User, conversation: Conversation, text: str,
                      ticket: Ticket | None = None, *, patient: bool = False) -> AsyncIterator[Event]:
    """The events of one turn of `user` in their `conversation`. The conversation must be theirs (the door
    looked it up with `store.conversation(user, id)`). Closing this stream mid-turn interrupts the turn.

    A door that answers with an HTTP status passes the `ticket` it took before answering (so that "busy" is
    decided once, as a 429, never inside a 200's stream); and closes it itself if the stream never starts.
    `patient`: wait in line for as long as the stream stays open (see Ticket.wait)."""
    if ticket is None:
        try:
            ticket = hub.turnstile.join(user)
        except Busy as exc:
            yield Error(exc.code, str(exc))
            return
    async with ticket:
        try:
            async for position in ticket.wait(patient=patient):
                yield Status("waiting", waiting_text(position))
        except Busy as exc:
            yield Error(exc.code, str(exc))
            return
        draft: ReplyDraft | None = None  # what is shown of the reply, kept as it goes (a crash loses none of it)
        try:
            # aclosing: a closed stream closes the companion's turn now, not whenever it is collected.
            turn = cast(AsyncGenerator[Event, None], hub.runtime.respond(user, conversation, text))
            async with aclosing(turn) as events:
                async for event in events:
                    if isinstance(event, TurnStarted):
                        draft = ReplyDraft(hub.runtime.store, conversation, event.message_id)
                    elif isinstance(event, TextDelta) and draft is not None:
                        draft.shown(event.text)
                    yield event
        except Exception as exc:  # a bug: logged, and the person hears that something went wrong
            # The type and the frames, not the message: an exception's text may quote what was said.
            log.error("Turn failed for person %d: %s at\n%s", user.id, type(exc).__name__,
                      "".join(traceback.format_tb(exc.__traceback__)))
            yield Error("internal_error", "Something went wrong on the server while answering; it is logged. "
                                          "Please try again.")
        finally:
            if draft is not None:  # the companion has stored the reply, whole or cut short, by now
                await draft.done()
