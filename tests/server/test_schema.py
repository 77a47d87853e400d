"""Every operation in the server's OpenAPI schema, fuzzed by schemathesis (valid and invalid input) with a valid
token, against the real server on loopback: whatever arrives, the answer is never a 5xx.

The app serves no /openapi.json (nothing but /healthz answers without a token), so the schema is taken from the
app object itself: the same routes the server runs.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup

from os1.config import Settings
from os1.server.app import create_app, open_hub
from os1.server.limits import Limits
from os1.server.serving import server_config
from os1.testing import ScriptedModel
from os1.voice.tts import available_voices, load_voice

EXAMPLES_PER_OPERATION = 50  # per operation, valid and invalid each: the whole run takes well under two minutes


@dataclass
class Live:
    base_url: str
    token: str
    schema: dict[str, Any]


def serve(settings: Settings, ready: threading.Event, box: dict[str, Any], stop: threading.Event) -> None:
    """The server in its own thread and event loop (uvicorn leaves signals alone off the main thread):
    schemathesis calls it synchronously, from the test's thread."""

    async def main() -> None:
        hub = await open_hub(settings, model=ScriptedModel())
        # The voices themselves are tested in tests/voice; here any input is what is under test, so every voice
        # id speaks with espeak-ng, which says 4,096 characters in well under a second.
        espeak = load_voice("espeak")
        hub.extras["voices"] = {info.id: espeak for info in available_voices()}
        app = create_app(hub, learn=False, limits=Limits(per_minute=10**9, burst=10**9))
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        server = uvicorn.Server(server_config(app, "127.0.0.1", sock.getsockname()[1], log_config=None))
        task = asyncio.create_task(server.serve(sockets=[sock]))
        box["live"] = Live(f"http://127.0.0.1:{sock.getsockname()[1]}", await hub.tokens.add("fuzz"), app.openapi())
        for _ in range(6000):  # up to a minute
            if server.started:
                break
            await asyncio.sleep(0.01)
        ready.set()
        await asyncio.to_thread(stop.wait)
        server.should_exit = True
        await task
        sock.close()
        await hub.runtime.close()

    try:
        asyncio.run(main())
    finally:
        ready.set()


@pytest.fixture
def live(settings: Settings) -> Iterator[Live]:
    ready, stop, box = threading.Event(), threading.Event(), {}
    thread = threading.Thread(target=serve, args=(settings, ready, box, stop), daemon=True)
    thread.start()
    ready.wait(60)
    if "live" not in box:
        pytest.fail("the server did not start")
    try:
        yield box["live"]
    finally:
        stop.set()
        thread.join(30)


def operations(live: Live) -> list[Any]:
    schema = schemathesis.openapi.from_dict(live.schema)
    schema.config.update(base_url=live.base_url, headers={"Authorization": f"Bearer {live.token}"})
    return [result.ok() for result in schema.get_all_operations()]


def server_errors(operation: Any, mode: GenerationMode) -> list[str]:
    """The 5xx answers (with the request that caused each) among a run of generated inputs to `operation`."""
    found: list[str] = []

    # Derandomized: the same inputs every run. No shrinking: the first failing input is reported as it was.
    @settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(mode))
    def run(case: Any) -> None:
        try:
            case.call_and_validate(checks=[not_a_server_error], timeout=60)
        except FailureGroup as failures:  # collected, so that one run reports every operation's 5xx
            if not found:  # the first is enough to reproduce it
                found.append(f"{operation.label} ({mode.value} input): {failures}")

    try:
        run()
    except Unsatisfiable:
        pass  # nothing in the operation can be made invalid (no parameters, no body): nothing to send
    return found


def test_no_input_makes_a_server_error(live: Live) -> None:
    found = [error for operation in operations(live) for mode in GenerationMode
             for error in server_errors(operation, mode)]
    assert not found, "\n\n".join(found)
