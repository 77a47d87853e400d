import json

import pytest

from os1.events import (
    EVENT_TYPES,
    Error,
    Leaving,
    Recalled,
    Reminded,
    TextDelta,
    TurnEnded,
    TurnStarted,
    event_from_dict,
)


@pytest.mark.parametrize("event", [
    TurnStarted(1, 2, "hi"),
    TextDelta("Hel"),
    TurnEnded(3, "Hello.", interrupted=True, timings={"first_token_s": 0.2}),
    Error("model_unavailable", "Start the server."),
    Recalled(({"kind": "fact", "text": "Sister: Ottilie"},)),
    Reminded(4, "⏰ Reminder: take the pasta off", alarm=False, due="2026-11-20T13:23:00+00:00"),
    Leaving(),
])
def test_round_trip_through_json(event: object) -> None:
    wire = json.loads(event.to_json())  # type: ignore[attr-defined]
    assert wire["type"] == type(event).type  # type: ignore[attr-defined]
    assert event_from_dict(wire) == event


def test_vocabulary_stays_small() -> None:
    # A new kind of event is a new promise to every door: keep them few. The 14th, `leaving`, is kept by the
    # terminal, `os1 talk`, the web app (typed and spoken) and the OpenAI-compatible API.
    assert len(EVENT_TYPES) <= 14


def test_unknown_type_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown event type"):
        event_from_dict({"type": "telepathy"})
