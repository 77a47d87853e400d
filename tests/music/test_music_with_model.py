"""Music through the whole turn with the real embedded model choosing the tool and the intent (temperature 0):
a request composes a piece that is kept and sounds. (That a remark about music asks for nothing is decided in
code before any model is asked: test_music_tools.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from os1.config import Settings
from os1.events import Music, ToolCall, TurnEnded
from os1.music.library import pieces
from os1.music.making import finish_renders
from os1.runtime import open_runtime
from os1.testing import FixedClock

pytestmark = pytest.mark.model


def size_of(path: str) -> int:
    return Path(path).stat().st_size


async def test_a_request_for_music_composes_a_piece(
        settings: Settings, default_model_path: Path, clock: FixedClock) -> None:
    # The default model: the small one answers "no tool" to "write a song about…" (measured).
    rt = await open_runtime(settings.with_overrides(model="embedded", embedder="none"))
    rt.companion.clock = clock
    try:
        user = await rt.store.user("theodore")
        conversation = await rt.store.new_conversation(user)
        events = [e async for e in rt.companion.respond(user, conversation,
                                                        "write a song about our walk by the lake")]
        assert [e.name for e in events if isinstance(e, ToolCall)] == ["compose_music"]
        (music,) = [e for e in events if isinstance(e, Music)]
        await finish_renders()
        assert size_of(music.audio) > 100_000
        (kept,) = await pieces(rt.store, user)
        assert "lake" in f"{kept.title} {kept.about}".lower() and 30 <= kept.seconds <= 120
        assert isinstance(events[-1], TurnEnded) and kept.title in events[-1].text and "because" in events[-1].text
    finally:
        await rt.close()
