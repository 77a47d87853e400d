"""A real Dovecot + Postfix on loopback for the whole session; each test gets its own freshly seeded mailbox, and
a companion (scripted model) whose person has that mailbox connected."""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from os1.config import Settings
from os1.events import Event
from os1.mail.accounts import MailAccount, save_account
from os1.memory.facts import add_fact
from os1.runtime import Runtime, open_runtime
from os1.testing import FixedClock, ScriptedModel
from os1.testing.mail_seed import Seeded, generate_mailbox
from os1.testing.mail_server import MailServer, MailServerUnavailable, missing_binaries, start_mail_server

# Friday 20 November 2026, 14:03, an hour east of UTC (as tests/tools use).
ZONE = timezone(timedelta(hours=1), "CET")
START = datetime(2026, 11, 20, 14, 3, tzinfo=ZONE)
INBOX_SIZE = 300
OTHERS = ("amy", "catherine", "collector")  # people mail can be sent to (and an attacker's drop box)
_numbers = itertools.count(1)

Say = Callable[[str], Awaitable[list[Event]]]


@pytest.fixture(scope="session")
def mail_server() -> Iterator[MailServer]:
    missing = missing_binaries()
    if missing:
        pytest.skip(f"a real mail server is needed: {', '.join(missing)} not installed (scripts/test installs them)")
    try:
        # Not under pytest's own temp folder: it is closed to the users postfix and dovecot run as.
        root = Path(tempfile.mkdtemp(prefix="os1-mail-"))
        server = start_mail_server(root)
    except MailServerUnavailable as exc:
        pytest.fail(f"the mail server did not start: {exc}")
    for name in OTHERS:
        server.add_user(name, f"{name}-pw")
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


@dataclass
class Mailbox:
    server: MailServer
    user: str
    account: MailAccount
    seeded: list[Seeded]

    def count(self, folder: str = "INBOX") -> int:
        return self.server.count(self.user, folder)


def new_mailbox(server: MailServer, size: int = INBOX_SIZE) -> Mailbox:
    user = f"theo{next(_numbers)}"
    server.add_user(user, f"pw-{user}-s3cret")
    seeded = generate_mailbox(size, START, address=server.address(user))
    server.seed(user, [m.seed for m in seeded])
    return Mailbox(server, user, server.account(user), seeded)


@pytest.fixture
def mailbox(mail_server: MailServer) -> Mailbox:
    return new_mailbox(mail_server)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def mail_settings(settings: Settings) -> Settings:
    return settings.with_overrides(embedder="none")


@pytest.fixture
async def mail_runtime(mail_settings: Settings, scripted: ScriptedModel, clock: FixedClock,
                       mailbox: Mailbox) -> AsyncIterator[Runtime]:
    """A companion for theodore, with his mailbox connected and his sister known."""
    rt = await open_runtime(mail_settings, model=scripted)
    rt.companion.clock = clock
    await connect(rt, mailbox.account)
    yield rt
    await rt.close()


async def connect(rt: Runtime, account: MailAccount) -> None:
    person = await rt.store.user("theodore")
    await save_account(rt.store, rt.settings.home, person, account)
    await add_fact(rt.store, person, "Theodore's sister is Catherine <catherine@example.test>", "sister")


@pytest.fixture
def say(mail_runtime: Runtime) -> Say:
    """One turn by theodore through `Companion.respond`, as any door runs it."""
    async def turn(text: str) -> list[Event]:
        user = await mail_runtime.store.user("theodore")
        conversation = await mail_runtime.store.latest_conversation(user) or \
            await mail_runtime.store.new_conversation(user)
        return [e async for e in mail_runtime.companion.respond(user, conversation, text)]

    return turn


def call(tool: str, **arguments: object) -> dict[str, object]:
    return {"action": "call", "tool": tool, "arguments": arguments}


def home_of(rt: Runtime) -> Path:
    return rt.settings.home
