"""Fixtures for the tools: a clock that stands still until told, a store, and a companion on that clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from os1.events import Event
from os1.memory.store import Conversation, Store, User
from os1.runtime import Runtime
from os1.testing import FixedClock

# Friday 20 November 2026, 14:03, an hour east of UTC: not the machine's zone, so nothing leans on it.
ZONE = timezone(timedelta(hours=1), "CET")
START = datetime(2026, 11, 20, 14, 3, tzinfo=ZONE)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    s = await Store.open(tmp_path / "os1.db")
    yield s
    await s.close()


@pytest.fixture
def companion_runtime(runtime: Runtime, clock: FixedClock) -> Runtime:
    runtime.companion.clock = clock
    return runtime


Say = Callable[[str], Awaitable[list[Event]]]


@pytest.fixture
def say(companion_runtime: Runtime) -> Say:
    """One turn by theodore through `Companion.respond`, as any door runs it."""
    async def turn(text: str) -> list[Event]:
        user, conversation = await theodore(companion_runtime)
        return [e async for e in companion_runtime.companion.respond(user, conversation, text)]

    return turn


async def theodore(rt: Runtime) -> tuple[User, Conversation]:
    user = await rt.store.user("theodore")
    conversation = await rt.store.latest_conversation(user) or await rt.store.new_conversation(user)
    return user, conversation
