"""The small vocabulary of a turn. A turn yields these events; every door (terminal, voice, HTTP,
WebSocket) prints, speaks or sends them, and `to_json()` is the wire format.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True)
class Event:
    type: ClassVar[str] = "event"

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, **dataclasses.asdict(self)}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)


@dataclass(frozen=True)
class TurnStarted(Event):
    """The person's input is durably stored; the reply is about to be made."""

    type: ClassVar[str] = "turn_started"
    conversation_id: int
    message_id: int
    text: str


@dataclass(frozen=True)
class Status(Event):
    """What the companion is busy with: `loading`, `thinking`, `waiting` (queued), `ready`, `down`."""

    type: ClassVar[str] = "status"
    state: str
    detail: str = ""


@dataclass(frozen=True)
class Heard(Event):
    """What speech recognition understood of the person's audio."""

    type: ClassVar[str] = "heard"
    text: str
    final: bool = True


@dataclass(frozen=True)
class Recalled(Event):
    """Memories brought into this turn's prompt."""

    type: ClassVar[str] = "recalled"
    items: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Named(Event):
    """The companion chose its name (once per person, then it keeps it)."""

    type: ClassVar[str] = "named"
    name: str


@dataclass(frozen=True)
class TextDelta(Event):
    """A piece of the reply, as it is generated."""

    type: ClassVar[str] = "text_delta"
    text: str


@dataclass(frozen=True)
class ToolCall(Event):
    type: ClassVar[str] = "tool_call"
    call_id: str
    name: str
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ToolResult(Event):
    type: ClassVar[str] = "tool_result"
    call_id: str
    output: str
    ok: bool = True


@dataclass(frozen=True)
class TurnEnded(Event):
    """The reply is finished and stored. `interrupted` marks a reply cut short (kept as a partial)."""

    type: ClassVar[str] = "turn_ended"
    message_id: int | None
    text: str
    interrupted: bool = False
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Error(Event):
    """Something went wrong. `code` is stable for programs; `message` says what to do next."""

    type: ClassVar[str] = "error"
    code: str
    message: str


@dataclass(frozen=True)
class Reminded(Event):
    """A reminder or alarm came due and is being said (between turns, not as part of a reply). `due` is when
    it was due (UTC, ISO 8601); `text` is what is said, also kept in the person's latest conversation."""

    type: ClassVar[str] = "reminder"
    reminder_id: int
    text: str
    alarm: bool = False
    due: str = ""


@dataclass(frozen=True)
class ReachedOut(Event):
    """OS1 says something unasked (os1.reaching): `kind` is `follow_up`, `check_in`, `maintenance` or
    `first_meeting` (its opening question, os1.meeting; `reach_id` 0); `reason` is why, in words; `late` marks one
    said later than meant (OS1 was off, or no door was open)."""

    type: ClassVar[str] = "reach_out"
    reach_id: int
    kind: str
    text: str
    reason: str
    late: bool = False
    due: str = ""


@dataclass(frozen=True)
class Music(Event):
    """A piece of music for the door to play now (os1 music keeps it). `opening` is its first phrase, rendered
    first so that it can start at once; `audio` the whole piece, which may still be rendering when this comes
    (it appears under that name when done). Both are "" where no synthesiser is installed: `midi` is still there."""

    type: ClassVar[str] = "music"
    piece_id: int
    title: str
    seconds: float
    audio: str = ""
    opening: str = ""
    midi: str = ""


@dataclass(frozen=True)
class Leaving(Event):
    """The person said yes to leaving for good, in conversation. The door takes them through it (os1.farewell):
    their archive first, then the goodbye, then everything of theirs deleted, with proof."""

    type: ClassVar[str] = "leaving"


EVENT_TYPES: dict[str, type[Event]] = {
    cls.type: cls
    for cls in (TurnStarted, Status, Heard, Recalled, Named, TextDelta, ToolCall, ToolResult, TurnEnded, Error,
                Reminded, ReachedOut, Music, Leaving)
}


def event_from_dict(data: dict[str, Any]) -> Event:
    """Rebuild an event from its wire form (the inverse of `Event.to_dict`)."""
    values = dict(data)
    cls = EVENT_TYPES.get(str(values.pop("type", "")))
    if cls is None:
        raise ValueError(f"unknown event type {data.get('type')!r}")
    if cls is Recalled and "items" in values:
        values["items"] = tuple(values["items"])
    return cls(**values)
