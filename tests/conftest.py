"""Shared fixtures: a temp home per test, the assembled embedded models (once per machine), fakes, and a clock
that stands still until told with a companion on that clock (tools and reminders)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from os1.config import Settings, load_settings
from os1.db.store import Conversation, Store, User
from os1.events import Event
from os1.models.packaged import PACKAGED_MODELS, ensure_assembled
from os1.runtime import Runtime, open_runtime
from os1.testing import FixedClock, ScriptedModel

REPO = Path(__file__).resolve().parents[1]
# Assembled GGUFs are shared by every test run on this machine (assembly takes ~10 s and 1.5 GB).
MODEL_DIR = Path(os.environ.get("OS1_TEST_MODEL_DIR", REPO / ".cache" / "models"))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh OS1_HOME for the test, with the shared model directory."""
    monkeypatch.setenv("OS1_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("OS1_MODEL_DIR", str(MODEL_DIR))
    for var in ("OS1_MODEL", "OS1_USER", "OS1_PERSONA", "OS1_TEMPERATURE"):
        monkeypatch.delenv(var, raising=False)
    # Tests about anything else begin after the first meeting (os1.meeting); its own tests turn it on.
    monkeypatch.setenv("OS1_FIRST_MEETING", "off")
    return tmp_path / "home"


@pytest.fixture
def settings(home: Path) -> Settings:
    return load_settings(home).with_overrides(user="theodore", temperature=0.0)


@pytest.fixture
def scripted() -> ScriptedModel:
    return ScriptedModel()


@pytest.fixture
async def runtime(settings: Settings, scripted: ScriptedModel) -> AsyncIterator[Runtime]:
    rt = await open_runtime(settings, model=scripted)
    yield rt
    await rt.close()


@pytest.fixture(scope="session")
def small_model_path() -> Path:
    """The packaged 0.5B model, assembled and verified."""
    return ensure_assembled(PACKAGED_MODELS["small"], MODEL_DIR)


@pytest.fixture(scope="session")
def default_model_path() -> Path:
    """The packaged 1.5B model, assembled and verified."""
    return ensure_assembled(PACKAGED_MODELS["default"], MODEL_DIR)


# -- a clock that stands still, and a companion on it -------------------------------------------------------

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
