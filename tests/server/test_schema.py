"""Every operation in the server's published OpenAPI schema (`GET /openapi.json`, read over HTTP as any client
reads it), fuzzed by schemathesis (valid and invalid input) with a valid token, against the real server on
loopback: whatever arrives, the answer is never a 5xx, and it is what the schema says (its status, content
type, headers and body). `bench/fuzz_api.py` runs the same with many more examples.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

from os1.config import Settings
from os1.server.app import create_app, open_hub
from os1.server.limits import Limits
from os1.server.serving import server_config
from os1.testing import ScriptedModel
from os1.voice.tts import available_voices, load_voice

EXAMPLES_PER_OPERATION = 20  # per operation, valid and invalid each: the whole run takes about two minutes
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


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
        base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        for _ in range(6000):  # up to a minute
            if server.started:
                break
            await asyncio.sleep(0.01)
        async with httpx.AsyncClient(base_url=base_url) as client:
            published = (await client.get("/openapi.json")).json()  # no token: anyone may read it
        box["live"] = Live(base_url, await hub.tokens.add("fuzz"), published)
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


def failures(operation: Any, mode: GenerationMode, examples: int = EXAMPLES_PER_OPERATION,
             counted: list[int] | None = None) -> list[str]:
    """The answers that fail a check (with the request that caused each) among a run of generated inputs to
    `operation`; each input sent is counted in `counted[0]`."""
    found: list[str] = []

    # Derandomized: the same inputs every run. No shrinking: the first failing input is reported as it was.
    @settings(max_examples=examples, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(mode))
    def run(case: Any) -> None:
        if counted is not None:
            counted[0] += 1
        try:
            case.call_and_validate(checks=CHECKS, timeout=60)
        except FailureGroup as failed:  # collected, so that one run reports every operation's failures
            if not found:  # the first is enough to reproduce it
                found.append(f"{operation.label} ({mode.value} input): {failed}")

    try:
        run()
    except Unsatisfiable:
        pass  # nothing in the operation can be made invalid (no parameters, no body): nothing to send
    return found


def test_the_schema_is_published_without_a_token_and_covers_both_apis(live: Live) -> None:
    paths = live.schema["paths"]
    assert {"/api/chat", "/api/notifications", "/api/conversations", "/v1/chat/completions", "/v1/models",
            "/v1/audio/speech", "/v1/audio/transcriptions"} <= set(paths)
    assert live.schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    for path, methods in paths.items():
        for method, operation in methods.items():
            if path not in ("/healthz",):
                assert {"401", "429"} <= set(operation["responses"]), (method, path)


def test_no_input_makes_a_server_error_or_an_answer_the_schema_does_not_describe(live: Live) -> None:
    found = [error for operation in operations(live) for mode in GenerationMode
             for error in failures(operation, mode)]
    assert not found, "\n\n".join(found)
