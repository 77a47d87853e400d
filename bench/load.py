"""Many people at once: N open conversations against `os1 serve`, with a fast streaming model stub behind OS1's
OpenAI-compatible backend, so that what is measured is the server's own overhead.

Three processes, each measured alone:
  stub     a tiny OpenAI-compatible server (raw asyncio): `/v1/chat/completions` streams 8 tokens, the first at
           once and then one every 5 ms (a fast model at 200 tokens/s; `--stub-token-ms`), then `[DONE]`; a
           non-streamed request (learning's fact extraction) gets `{"facts": []}`; `/v1/models` lists "stub".
           It records nothing.
  server   OS1's app, built as `os1 serve` builds it (open_hub, create_app with learning on, uvicorn through
           server_config, its access log to a file) over a temp OS1_HOME with the model spec
           `openai:stub@http://127.0.0.1:PORT/v1` and the default embedder (MiniLM: every turn embeds its
           query, as it would in use). Rate limits are raised through `Limits(...)`: every client comes from
           127.0.0.1, and a per-address bucket would turn away people whose token is not yet verified.
           A fresh server process per size, so its RSS (VmHWM) is that size's alone.
  clients  this process: one keep-alive HTTP/1.1 connection per person over raw asyncio (the cheapest client
           Python has, so that the load generator takes as little of the 2 cores as it can).

What an open conversation is: a person with the web app open. The web app polls `GET /api/status` every 4 s
(app.js, STATUS_EVERY_MS), and that is also what keeps its connection open: uvicorn closes a keep-alive
connection left idle for 5 s. So each of the N people holds one connection and polls on it every 4 s
(`--poll-s`). `--poll-s 0` leaves connections idle: the server then closes them after 5 s (a turn reconnects
first, counted), unless `--keep-alive S` gives uvicorn a longer keep-alive, as a server changed to hold idle
connections would (not what `os1 serve` does today).
Turns arrive at a fixed total rate (Poisson, `--rate`, 20 turns/s by default) from people picked at random, each
a streamed `POST /api/chat` (the web app's door; `--door openai` for `/v1/chat/completions`) in that person's
own conversation, which was seeded with two exchanges. A fixed rate keeps the samples per size equal and lets N
scale what "open" costs (connections, polls, people, their memory); how many are mid-turn at once follows from
it and is reported. At N = 8,316 it means each person speaks about every 7 minutes, with the app open.

Added latency, per turn: OS1's time to the first content token (request written → first non-empty text in the
stream) minus the stub's own time to first token for the same message, sent straight to the stub by the same
client code over its own keep-alive connections right after the OS1 turn ends (so both see the machine in the
same state). Errors: any non-200, timeout, connection lost mid-request, stream without its end, or an error
event, for turns and polls alike. Server RSS: VmHWM (peak) of the server process; CPU time of all three
processes over the measured window; the load average at the start and end of each size (other work on the
machine shows there).

Setup: people and their tokens are created in this process through TokenBook on the store, before the server
starts, with a cheap argon2 setting (time_cost 1, 8 KiB): at the default cost (~0.4 s a token here) 8,316 tokens
would take most of an hour. Each token is verified once (hashing, at that cheap cost) while clients connect,
before measuring; later requests find it in TokenBook's memory.

Per size: the server starts, everyone connects and signs in (64 at a time; whoever is not in after 180 s
stays out and counts as an error: an overloaded server shows here first), 10 s of load to warm up, then the
measured window (`--duration`, 60 s), then the turns still running finish. "open" is the fewest people
connected at once during the window. Whole run at the defaults: about 9 minutes on this 2-core machine (90 s
of it creating 8,316 people).

The target (DESIGN.md): 8,316 open conversations, p99 added latency ≤ 50 ms, server RSS ≤ 4 GiB, zero errors.

Run:  .venv/bin/python bench/load.py [--sizes 100,1000,8316] [--duration 60] [--rate 20] [--json out.json]
      --home DIR keeps the prepared people for the next run; --profile DIR runs each size's server under
      cProfile (its event-loop thread); --no-learn / --embedder none take learning / the embedder away, to
      see what each costs; --poll-s 0 --keep-alive 600 holds idle connections instead of polling.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import os
import random
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

TARGET_N = 8316
TARGET_P99_ADDED_MS = 50.0
TARGET_RSS_GIB = 4.0
WEB_APP_POLL_S = 15.0  # app.js STATUS_EVERY_MS
KEEP_ALIVE_S = 75.0  # as `os1 serve` runs uvicorn (serving.KEEP_ALIVE_S): an idle connection is closed after this
TURN_TIMEOUT_S = 30.0
POLL_TIMEOUT_S = 10.0
CONNECT_TIMEOUT_S = 10.0
RAMP_LIMIT_S = 180.0  # people not connected and signed in by then count as not open (an overloaded server)
STUB_CONNECTIONS = 16
CONNECT_AT_ONCE = 64  # connections opened at a time while clients come in (the listen backlog is 2048)
STUB_TOKENS = ("Of", " course", ",", " I", "'m", " here", " for", " you.")

# Ordinary things people say: none asks for the companion's name, a tool, or to forget or show memories
# (checked when the bench starts), so every turn takes the common path: recall, prompt, stream.
SAYINGS = (
    "I finally finished the book about the lighthouse keeper last night.",
    "Work was long today; the new project keeps growing.",
    "My sister Ana is visiting next weekend and I want to cook something nice.",
    "I went for a run by the river this morning and felt great.",
    "The neighbours' dog kept barking again, so I barely slept.",
    "I'm thinking about learning to play the piano this winter.",
    "We had pizza at that little place on the corner, it was lovely.",
    "I feel a bit nervous about my presentation on Thursday.",
    "It rained all day, so I stayed in and watched old films.",
    "My friend Paul got a new job in Lisbon and he's moving soon.",
    "I planted tomatoes on the balcony; let's see if they grow.",
    "Today was quiet. I mostly read and drank too much tea.",
)
SEED_HISTORY: tuple[tuple[Literal["user", "assistant"], str], ...] = (
    ("user", "Hi, it's me again. I just got back from the market."),
    ("assistant", "Welcome back! Did you find anything good at the market?"),
    ("user", "Fresh figs and some bread. I'll make lunch for my brother Tom tomorrow."),
    ("assistant", "That sounds lovely. Figs and fresh bread are a great start for a lunch with Tom."),
)


# -- a minimal HTTP/1.1 client ---------------------------------------------------------------------------------
# One request at a time per connection, bodies by Content-Length or chunked, server-sent events split as they
# arrive. httpx would cost several times the CPU per request, and at 8,316 people polling that CPU is taken
# from the server being measured.

NOTHING, CONTENT, END, FAILED = range(4)
EventCheck = Callable[[bytes], tuple[int, str]]


def os1_event(data: bytes) -> tuple[int, str]:
    """One event of /api/chat (an os1.events event as JSON)."""
    event = json.loads(data)
    kind = event.get("type")
    if kind == "text_delta":
        return (CONTENT if event.get("text") else NOTHING), ""
    if kind == "turn_ended":
        return END, ""
    if kind == "error":
        return FAILED, f"turn_error:{event.get('code')}"
    return NOTHING, ""


def openai_event(data: bytes) -> tuple[int, str]:
    """One chunk of an OpenAI chat completion stream (OS1's /v1 door, and the stub)."""
    if data.strip() == b"[DONE]":
        return END, ""
    chunk = json.loads(data)
    if "error" in chunk:
        return FAILED, f"turn_error:{(chunk['error'] or {}).get('code')}"
    choices = chunk.get("choices") or []
    if choices and (choices[0].get("delta") or {}).get("content"):
        return CONTENT, ""
    return NOTHING, ""


HEAD, LENGTH, CHUNK_SIZE, CHUNK_DATA, TRAILER, DONE = range(6)
CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.IGNORECASE)
CHUNKED = re.compile(rb"\r\ntransfer-encoding:\s*chunked", re.IGNORECASE)


class Exchange:
    """One request and what came back: status, when the first content arrived, how it ended."""

    def __init__(self, request: bytes, check: EventCheck | None = None, timeout_s: float = POLL_TIMEOUT_S) -> None:
        self.request = request
        self.check = check  # None: the body is not read as events
        self.timeout_s = timeout_s
        self.started = 0.0
        self.finished_at = 0.0
        self.first_content = 0.0
        self.status = 0
        self.ended = False  # the stream's own end marker was seen
        self.error: str | None = None
        self.error_body = b""
        self.done: asyncio.Future[Exchange] = asyncio.get_running_loop().create_future()
        self._mode = HEAD
        self._left = 0
        self._events = bytearray()

    @property
    def ok(self) -> bool:
        return self.error is None

    def ttft_ms(self) -> float:
        return (self.first_content - self.started) * 1000

    def feed(self, buf: bytearray) -> None:
        """Consume what can be parsed from `buf`; finishes the exchange when the response is complete."""
        while self._mode != DONE and self._step(buf):
            pass

    def _step(self, buf: bytearray) -> bool:
        if self._mode == HEAD:
            return self._head(buf)
        if self._mode == LENGTH:
            taken = min(self._left, len(buf))
            self._body(bytes(buf[:taken]))
            del buf[:taken]
            self._left -= taken
            if self._left == 0:
                self._finish()
            return taken > 0
        if self._mode == CHUNK_SIZE:
            end = buf.find(b"\r\n")
            if end < 0:
                return False
            size = int(bytes(buf[:end]).split(b";")[0], 16)
            del buf[:end + 2]
            self._mode, self._left = (TRAILER, 0) if size == 0 else (CHUNK_DATA, size)
            return True
        if self._mode == CHUNK_DATA:
            if len(buf) < self._left + 2:
                return False
            self._body(bytes(buf[:self._left]))
            del buf[:self._left + 2]
            self._mode = CHUNK_SIZE
            return True
        if len(buf) < 2:  # TRAILER: no trailers are sent, just the final CRLF
            return False
        del buf[:2]
        self._finish()
        return False

    def _head(self, buf: bytearray) -> bool:
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            return False
        head = bytes(buf[:end + 2])
        del buf[:end + 4]
        self.status = int(head[9:12])
        length = CONTENT_LENGTH.search(head)
        if CHUNKED.search(head):
            self._mode = CHUNK_SIZE
        elif length is not None and int(length.group(1)) > 0:
            self._mode, self._left = LENGTH, int(length.group(1))
        else:
            self._finish()
        return True

    def _body(self, data: bytes) -> None:
        if self.status != 200:
            self.error_body = (self.error_body + data)[:300]  # what went wrong, for the report
            return
        if self.check is None:
            return
        self._events += data
        while (end := self._events.find(b"\n\n")) >= 0:
            block = bytes(self._events[:end])
            del self._events[:end + 2]
            for line in block.split(b"\n"):
                if line.startswith(b"data:"):
                    self._event(line[5:])

    def _event(self, data: bytes) -> None:
        assert self.check is not None
        try:
            verdict, reason = self.check(data)
        except (ValueError, KeyError, TypeError, AttributeError):
            verdict, reason = FAILED, "unreadable_event"
        if verdict == CONTENT and not self.first_content:
            self.first_content = time.perf_counter()
        elif verdict == END:
            self.ended = True
        elif verdict == FAILED and self.error is None:
            self.error = reason

    def _finish(self) -> None:
        self._mode = DONE
        if self.error is None and self.status != 200:
            self.error = f"http_{self.status}"
        elif self.error is None and self.check is not None and not self.ended:
            self.error = "stream_without_end"
        elif self.error is None and self.check is not None and not self.first_content:
            self.error = "no_content"
        self.resolve()

    def fail(self, reason: str) -> None:
        if self._mode != DONE:
            self._mode = DONE
            self.error = self.error or reason
            self.resolve()

    def resolve(self) -> None:
        self.finished_at = time.perf_counter()
        if not self.done.done():
            self.done.set_result(self)


class Connection(asyncio.Protocol):
    """One keep-alive connection carrying one exchange at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.exchange: Exchange | None = None
        self.open = False
        self.last_used = time.monotonic()
        self.keep_alive_s = KEEP_ALIVE_S

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport, self.open = transport, True

    def data_received(self, data: bytes) -> None:
        self.buf += data
        exchange = self.exchange
        if exchange is not None:
            exchange.feed(self.buf)
            if exchange.done.done():
                self._release()

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        if self.exchange is not None:
            self.exchange.fail("connection_lost")  # or "timeout", when the sweeper aborted it
            self._release()

    def send(self, exchange: Exchange) -> Exchange:
        assert self.transport is not None and self.exchange is None
        self.exchange = exchange
        exchange.started = time.perf_counter()
        self.transport.write(exchange.request)
        return exchange

    @property
    def stale(self) -> bool:
        # A connection near the server's keep-alive limit is replaced rather than raced (a POST is not retried).
        return not self.open or time.monotonic() - self.last_used > self.keep_alive_s - 0.5

    def abort(self, reason: str) -> None:
        if self.exchange is not None:
            self.exchange.error = reason
        if self.transport is not None:
            self.transport.abort()

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def _release(self) -> None:
        self.exchange = None
        self.buf.clear()
        self.last_used = time.monotonic()


async def connect(port: int) -> Connection:
    """A new connection; TimeoutError (an OSError) when a server too busy to accept leaves it hanging."""
    loop = asyncio.get_running_loop()
    _, conn = await asyncio.wait_for(loop.create_connection(Connection, "127.0.0.1", port), CONNECT_TIMEOUT_S)
    return conn


def http_request(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if method == "POST":
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


# -- the stub model server -------------------------------------------------------------------------------------

def http_chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def stub_chunk(delta: dict[str, str], finish: str | None = None) -> bytes:
    chunk = {"id": "chatcmpl-stub", "object": "chat.completion.chunk", "created": 0, "model": "stub",
             "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return http_chunk(f"data: {json.dumps(chunk)}\n\n".encode())


STREAM_HEAD = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
FIRST = stub_chunk({"role": "assistant", "content": STUB_TOKENS[0]})
LATER = [stub_chunk({"content": t}) for t in STUB_TOKENS[1:]]
TAIL = stub_chunk({}, "stop") + http_chunk(b"data: [DONE]\n\n") + b"0\r\n\r\n"


def json_response(payload: dict[str, Any], status: str = "200 OK") -> bytes:
    body = json.dumps(payload).encode()
    return (f"HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
            ).encode() + body


MODELS = json_response({"object": "list", "data": [{"id": "stub", "object": "model", "owned_by": "bench"}]})
NO_FACTS = json_response({"id": "chatcmpl-stub", "object": "chat.completion", "model": "stub", "choices": [
    {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": '{"facts": []}'}}]})
NOT_FOUND = json_response({"error": {"message": "not here", "code": "not_found"}}, "404 Not Found")


async def stub_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, token_s: float) -> None:
    with suppress(asyncio.IncompleteReadError, ConnectionError):
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = CONTENT_LENGTH.search(head)
            body = await reader.readexactly(int(length.group(1))) if length else b""
            path = head.split(b" ", 2)[1]
            if path.endswith(b"/chat/completions") and json.loads(body).get("stream"):
                await stub_stream(writer, token_s)
            elif path.endswith(b"/chat/completions"):
                writer.write(NO_FACTS)
            else:
                writer.write(MODELS if path.endswith(b"/models") else NOT_FOUND)
            await writer.drain()
    writer.close()


async def stub_stream(writer: asyncio.StreamWriter, token_s: float) -> None:
    writer.write(STREAM_HEAD + FIRST)
    for chunk in LATER:
        if token_s > 0:
            await writer.drain()
            await asyncio.sleep(token_s)
        writer.write(chunk)
    writer.write(TAIL)


def die_with_parent() -> None:
    """A bench child gets SIGINT when the bench goes, however it goes (Linux): no server is left behind."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGINT)
    if os.getppid() == 1:
        raise SystemExit("the bench is gone")


def run_stub(port: int, token_ms: float) -> None:
    die_with_parent()
    raise_open_files(0)

    async def main() -> None:
        server = await asyncio.start_server(lambda r, w: stub_connection(r, w, token_ms / 1000), "127.0.0.1",
                                            port, backlog=1024)
        async with server:
            await server.serve_forever()

    with suppress(KeyboardInterrupt):
        asyncio.run(main())


# -- the OS1 server, in its own process -------------------------------------------------------------------------

def run_os1(port: int, slots: int | None, learn: bool, keep_alive_s: float | None, profile: Path | None) -> None:
    """OS1 as `os1 serve` runs it (cli_server.serve), with generous rate limits. Settings come from OS1_*."""
    from os1.server.serving import loop_factory

    die_with_parent()
    raise_open_files(0)
    if profile is None:
        with suppress(KeyboardInterrupt), asyncio.Runner(loop_factory=loop_factory()) as runner:
            runner.run(serve_os1(port, slots, learn, keep_alive_s))  # uvicorn re-raises the SIGINT it stopped on
        return
    import cProfile  # the event loop's thread only: the store's and the embedder's threads are not seen

    profiler = cProfile.Profile()
    profiler.enable()
    try:
        with suppress(KeyboardInterrupt), asyncio.Runner(loop_factory=loop_factory()) as runner:
            runner.run(serve_os1(port, slots, learn, keep_alive_s))
    finally:
        profiler.disable()
        profiler.dump_stats(profile)


async def serve_os1(port: int, slots: int | None, learn: bool, keep_alive_s: float | None) -> None:

    from os1.config import load_settings
    from os1.server.app import create_app, open_hub
    from os1.server.limits import Limits
    from os1.server.serving import Server, server_config

    hub = await open_hub(load_settings(), slots=slots)
    try:
        # Everyone is at 127.0.0.1 here: the per-address bucket (tokens not yet verified) would refuse them.
        app = create_app(hub, limits=Limits(per_minute=1e9, burst=10**9), learn=learn)
        config = server_config(app, "127.0.0.1", port)
        if keep_alive_s is not None:  # not what `os1 serve` does (serving.KEEP_ALIVE_S): for --keep-alive runs only
            config.timeout_keep_alive = int(keep_alive_s)
        await Server(config, on_stop=hub.notices.close).serve()
    finally:
        await hub.runtime.close()


# -- processes -----------------------------------------------------------------------------------------------

def raise_open_files(needed: int) -> int:
    """Lift the soft limit on open files to the hard one: each open conversation is a socket on both sides."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, needed, 65536)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    if target < needed:
        raise SystemExit(f"{needed} sockets need more open files than the hard limit ({target}); "
                         f"raise it (ulimit -Hn, or LimitNOFILE= in a service).")
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_process(args: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, str(Path(__file__).resolve()), *args], stdout=out,
                                stderr=subprocess.STDOUT, env=env)


def stop(process: subprocess.Popen[bytes], wait_s: float = 15.0) -> None:
    """SIGINT (uvicorn shuts down gracefully, a profile is written), then kill if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(wait_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def wait_until_up(port: int, process: subprocess.Popen[bytes], path: str, log: Path,
                        limit_s: float = 120.0) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"a bench process exited with {process.returncode} before answering; see {log}")
        with suppress(OSError):
            conn = await connect(port)
            result = await conn.send(Exchange(http_request("GET", path, {}))).done
            conn.close()
            if result.status == 200:
                return
        await asyncio.sleep(0.2)
    raise SystemExit(f"nothing answered on port {port} within {limit_s:.0f} s")


@dataclass
class Gauge:
    """A process's figures from /proc: memory, CPU seconds, open files."""

    pid: int

    def status(self, key: str) -> int:
        """A VmRSS/VmHWM-style line of /proc/PID/status, in KiB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
        return 0

    def cpu_s(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def open_files(self) -> int:
        return len(os.listdir(f"/proc/{self.pid}/fd"))


def own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# -- people ------------------------------------------------------------------------------------------------------

@dataclass
class Person:
    name: str
    token: str
    conversation: int
    conn: Connection | None = None
    busy: bool = False  # a request of theirs is in flight
    in_turn: bool = False
    out: bool = False  # did not get in within the ramp limit: no polls or turns for them
    free: asyncio.Event = field(default_factory=asyncio.Event)
    poll_request: bytes = b""


async def prepare_people(home: Path, n: int) -> list[tuple[str, str, int]]:
    """(name, token, conversation id) for n people, created through TokenBook on the store (kept in home, so a
    reused --home only adds who is missing). The server must not be running."""
    saved = home / "bench-people.json"
    people = [(str(a), str(b), int(c)) for a, b, c in json.loads(saved.read_text())] if saved.exists() else []
    if len(people) >= n:
        return people[:n]
    from argon2 import PasswordHasher

    from os1.config import load_settings
    from os1.db.store import NewMessage, Store
    from os1.server.auth import TokenBook

    store = await Store.open(load_settings(home).db_path)
    # The hash's own parameters are stored with it, so the server verifies at this cost too (once per token).
    book = TokenBook(store, hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    started = time.perf_counter()
    try:
        for i in range(len(people), n):
            name = f"person-{i:05d}"
            token = await book.add(name)
            user = await store.user(name)
            conversation = await store.new_conversation(user)
            await store.append_many(conversation, [NewMessage(role, text) for role, text in SEED_HISTORY])
            people.append((name, token, conversation.id))
            if (i + 1) % 1000 == 0:
                print(f"  {i + 1} people ready ({time.perf_counter() - started:.0f} s)", flush=True)
    finally:
        await store.close()
        saved.write_text(json.dumps(people))
    return people


def check_sayings() -> None:
    """Every scripted message must take the ordinary turn (see SAYINGS)."""
    from os1.capabilities import default_toolbox
    from os1.memory.requests import memory_request
    from os1.persona import asks_for_name

    tools = default_toolbox()
    for text in SAYINGS:
        if asks_for_name(text) or memory_request(text) or tools.could_apply(text):
            raise SystemExit(f"bench/load.py: {text!r} would not take an ordinary turn; change SAYINGS")


# -- one size --------------------------------------------------------------------------------------------------

@dataclass
class Config:
    sizes: list[int]
    duration_s: float
    warmup_s: float
    rate: float
    poll_s: float
    door: str
    slots: int | None
    keep_alive_s: float | None
    learn: bool
    embedder: str | None
    token_ms: float
    seed: int
    home: Path
    profile: Path | None


@dataclass
class TurnSample:
    os1_ttft_ms: float
    stub_ttft_ms: float
    total_ms: float


@dataclass
class SizeResult:
    n: int
    connected: int = 0  # the fewest people connected at once while measuring
    ramp_s: float = 0.0
    measured_s: float = 0.0
    wall_s: float = 0.0
    turns: list[TurnSample] = field(default_factory=list)
    turn_errors: Counter[str] = field(default_factory=Counter)
    poll_ms: list[float] = field(default_factory=list)
    poll_errors: Counter[str] = field(default_factory=Counter)
    ramp_errors: Counter[str] = field(default_factory=Counter)  # while everyone connects and signs in
    reconnects: int = 0
    skipped_turns: int = 0
    error_samples: dict[str, str] = field(default_factory=dict)
    turn_busy_s: float = 0.0  # sum of measured turns' durations: / measured_s = mid-turn at once, on average
    rss_peak_kib: int = 0
    rss_end_kib: int = 0
    server_files_max: int = 0
    server_cpu_s: float = 0.0
    stub_cpu_s: float = 0.0
    client_cpu_s: float = 0.0
    load_start: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_end: tuple[float, float, float] = (0.0, 0.0, 0.0)


class Load:
    """N people with the app open against one server: connections, polls, turns and their measurements."""

    def __init__(self, config: Config, people: list[Person], port: int, stub_port: int) -> None:
        self.config = config
        self.people = people
        self.port = port
        self.stub_port = stub_port
        self.result = SizeResult(len(people))
        self.measuring = False
        self.running = True
        self.rng = random.Random(config.seed)
        self.tasks: set[asyncio.Task[None]] = set()  # held: an unheld task may be collected mid-turn
        self.turn_tasks: set[asyncio.Task[None]] = set()
        self.inflight: set[tuple[Connection, Exchange]] = set()
        self.stub_pool: asyncio.Queue[Connection] = asyncio.Queue()
        self.check: EventCheck = os1_event if config.door == "native" else openai_event

    # -- requests --------------------------------------------------------------------------------------------

    def turn_request(self, person: Person, text: str) -> bytes:
        auth = {"Authorization": f"Bearer {person.token}", "Accept": "text/event-stream"}
        if self.config.door == "native":
            native = json.dumps({"text": text, "conversation_id": person.conversation})
            return http_request("POST", "/api/chat", auth, native.encode())
        body = json.dumps({"model": "os1", "stream": True, "messages": [{"role": "user", "content": text}]})
        return http_request("POST", "/v1/chat/completions", auth | {"X-OS1-Conversation": str(person.conversation)},
                            body.encode())

    @staticmethod
    def stub_request(text: str) -> bytes:
        body = json.dumps({"model": "stub", "stream": True, "messages": [{"role": "user", "content": text}]})
        return http_request("POST", "/v1/chat/completions", {"Accept": "text/event-stream"}, body.encode())

    def start(self, conn: Connection, exchange: Exchange) -> Exchange:
        self.inflight.add((conn, exchange))
        exchange.done.add_done_callback(lambda _: self.inflight.discard((conn, exchange)))
        return conn.send(exchange)

    async def sweep_timeouts(self) -> None:
        """Abort exchanges past their deadline: the connection goes, and the exchange fails as a timeout."""
        while True:
            await asyncio.sleep(0.5)
            now = time.perf_counter()
            for conn, exchange in list(self.inflight):
                if now - exchange.started > exchange.timeout_s:
                    conn.abort("timeout")

    # -- connections -----------------------------------------------------------------------------------------

    async def connection(self, person: Person, errors: Counter[str]) -> Connection | None:
        """The person's connection, reconnecting if the server closed it (or is about to); None if that fails
        (counted in `errors`)."""
        if person.conn is not None and not person.conn.stale:
            return person.conn
        if person.conn is not None:
            person.conn.close()
            self.result.reconnects += 1
        try:
            person.conn = await connect(self.port)
            person.conn.keep_alive_s = self.config.keep_alive_s or KEEP_ALIVE_S
        except OSError as exc:
            person.conn = None
            self.error(errors, "connect", repr(exc))
            return None
        return person.conn

    async def ramp(self) -> None:
        """Everyone connects and polls once (their token is verified there), a few at a time."""
        gate = asyncio.Semaphore(CONNECT_AT_ONCE)

        async def arrive(person: Person) -> None:
            async with gate:
                self.begin(person)
                try:
                    conn = await self.connection(person, self.result.ramp_errors)
                    if conn is None:
                        return
                    exchange = await self.start(conn, Exchange(person.poll_request)).done
                except asyncio.CancelledError:  # not in by the ramp limit: they stay out of this size
                    person.out = True
                    if person.conn is not None:
                        person.conn.abort("ramp_limit")
                    raise
                finally:
                    self.end(person)
                if not exchange.ok:
                    self.error(self.result.ramp_errors, exchange.error or "?", exchange.error_body.decode())

        started = time.perf_counter()
        arrivals = {asyncio.create_task(arrive(p)) for p in self.people}
        progress = asyncio.create_task(self.tell_ramp(started))
        _, late = await asyncio.wait(arrivals, timeout=RAMP_LIMIT_S)
        progress.cancel()
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
        if late:
            self.result.ramp_errors["not_in_within_ramp_limit"] += len(late)
        self.result.ramp_s = round(time.perf_counter() - started, 1)
        for _ in range(STUB_CONNECTIONS):
            self.stub_pool.put_nowait(await connect(self.stub_port))

    async def tell_ramp(self, started: float) -> None:
        """How the arrival goes, every 15 s: a server that slows down as people come in shows it here."""
        while True:
            await asyncio.sleep(15)
            connected = sum(1 for p in self.people if p.conn is not None and p.conn.open)
            print(f"  {connected} connected after {time.perf_counter() - started:.0f} s", flush=True)

    # -- polls -------------------------------------------------------------------------------------------------

    async def poll_wheel(self) -> None:
        """Each person polls every poll_s, spread evenly over the period (one tick every 50 ms). No task per
        poll: the request is sent and its answer handled in a callback."""
        tick = 0.05
        ticks = max(1, round(self.config.poll_s / tick))
        wheel: list[list[Person]] = [[] for _ in range(ticks)]
        for person in self.people:
            wheel[self.rng.randrange(ticks)].append(person)
        start = time.monotonic()
        for k in itertools.count():
            if not self.running:
                return
            await asyncio.sleep(max(0.0, start + k * tick - time.monotonic()))
            for person in wheel[k % ticks]:
                if not person.busy and not person.in_turn:
                    self.poll(person)

    def poll(self, person: Person) -> None:
        conn = person.conn
        if conn is None or person.out or conn.exchange is not None:  # not come in (yet), or still answering
            return
        if conn.stale:
            self.spawn(self.poll_on_new_connection(person))
            return
        self.begin(person)
        exchange = self.start(conn, Exchange(person.poll_request))
        exchange.done.add_done_callback(lambda _: self.polled(person, exchange))

    async def poll_on_new_connection(self, person: Person) -> None:
        self.begin(person)
        conn = await self.connection(person, self.result.poll_errors)
        if conn is None:
            self.end(person)
            return
        exchange = self.start(conn, Exchange(person.poll_request))
        await exchange.done
        self.polled(person, exchange)

    def polled(self, person: Person, exchange: Exchange) -> None:
        self.end(person)
        if not self.measuring:
            return
        if exchange.ok:
            self.result.poll_ms.append((exchange.finished_at - exchange.started) * 1000)
        else:
            self.error(self.result.poll_errors, exchange.error or "?", exchange.error_body.decode())

    def begin(self, person: Person) -> None:
        person.busy = True
        person.free.clear()

    def end(self, person: Person) -> None:
        person.busy = False
        person.free.set()

    # -- turns -------------------------------------------------------------------------------------------------

    async def arrivals(self) -> None:
        """Turns at `rate` a second in all (Poisson), each from someone not already mid-turn."""
        next_at = time.monotonic()
        while self.running:
            next_at += self.rng.expovariate(self.config.rate)
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            person = self.pick()
            if person is None:
                self.result.skipped_turns += self.measuring
                continue
            person.in_turn = True
            task = self.spawn(self.turn(person, self.rng.choice(SAYINGS), measured=self.measuring))
            self.turn_tasks.add(task)
            task.add_done_callback(self.turn_tasks.discard)

    def pick(self) -> Person | None:
        for _ in range(20):
            person = self.people[self.rng.randrange(len(self.people))]
            if not person.in_turn and not person.out:
                return person
        return None

    async def turn(self, person: Person, text: str, measured: bool) -> None:
        try:
            while person.busy:  # a poll of theirs is on the connection: the turn goes right after it
                await person.free.wait()
            self.begin(person)
            conn = await self.connection(person, self.result.turn_errors)
            if conn is None:
                return
            exchange = await self.start(conn, Exchange(self.turn_request(person, text), self.check,
                                                       TURN_TIMEOUT_S)).done
        finally:
            self.end(person)
            person.in_turn = False
        if not measured:
            return
        if not exchange.ok:
            self.error(self.result.turn_errors, exchange.error or "?", exchange.error_body.decode())
            return
        stub = await self.stub_turn(text)
        if stub is None:
            return
        total_ms = (exchange.finished_at - exchange.started) * 1000
        self.result.turn_busy_s += total_ms / 1000
        self.result.turns.append(TurnSample(round(exchange.ttft_ms(), 3), round(stub.ttft_ms(), 3),
                                            round(total_ms, 3)))

    async def stub_turn(self, text: str) -> Exchange | None:
        """The same message straight to the stub, by the same client code: the stub's own time to first token."""
        conn = await self.stub_pool.get()
        try:
            if not conn.open:
                conn = await connect(self.stub_port)
            exchange = await self.start(conn, Exchange(self.stub_request(text), openai_event, TURN_TIMEOUT_S)).done
        finally:
            self.stub_pool.put_nowait(conn)
        if not exchange.ok:
            self.error(self.result.turn_errors, f"stub:{exchange.error}", "")
            return None
        return exchange

    # -- bookkeeping ---------------------------------------------------------------------------------------

    def spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    def error(self, counter: Counter[str], kind: str, sample: str) -> None:
        counter[kind] += 1
        self.result.error_samples.setdefault(kind, sample)

    async def close(self) -> None:
        self.running = False
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        for person in self.people:
            if person.conn is not None:
                person.conn.close()
        while not self.stub_pool.empty():
            self.stub_pool.get_nowait().close()


async def run_size(config: Config, people: list[tuple[str, str, int]], stub: subprocess.Popen[bytes],
                   stub_port: int, n: int) -> SizeResult:
    wall = time.perf_counter()
    port = free_port()
    env = os.environ | {"OS1_HOME": str(config.home), "OS1_MODEL": f"openai:stub@http://127.0.0.1:{stub_port}/v1"}
    if config.embedder:
        env["OS1_EMBEDDER"] = config.embedder
    args = ["serve", "--port", str(port)] + (["--slots", str(config.slots)] if config.slots else [])
    args += [] if config.learn else ["--no-learn"]
    args += ["--keep-alive", str(config.keep_alive_s)] if config.keep_alive_s else []
    args += ["--profile", str(config.profile / f"server-{n}.prof")] if config.profile else []
    log = config.home / f"server-{n}.log"
    server = start_process(args, log, env)
    try:
        await wait_until_up(port, server, "/healthz", log)
        load = Load(config, [make_person(name, token, conversation) for name, token, conversation in people[:n]],
                    port, stub_port)
        result = await drive(load, Gauge(server.pid), Gauge(stub.pid))
    finally:
        await asyncio.to_thread(stop, server)
    result.wall_s = round(time.perf_counter() - wall, 1)
    return result


def make_person(name: str, token: str, conversation: int) -> Person:
    person = Person(name, token, conversation)
    person.poll_request = http_request("GET", "/api/status", {"Authorization": f"Bearer {token}"})
    person.free.set()
    return person


async def drive(load: Load, server: Gauge, stub: Gauge) -> SizeResult:
    """Ramp, warm up, measure, in that order; the figures are those of the measured window only."""
    result, config = load.result, load.config
    result.load_start = os.getloadavg()
    # Polls start with the first arrival: a connection left idle while the others come in would be closed.
    for work in (load.sweep_timeouts(),) + ((load.poll_wheel(),) if config.poll_s > 0 else ()):
        load.spawn(work)
    await load.ramp()
    # The clients' own pauses would count as OS1's latency: everything the 8,316 people's connections hold is
    # frozen once they are in, so this process's collections walk only what each request makes (a full pass
    # here took up to ~50 ms).
    gc.collect()
    gc.freeze()
    load.spawn(load.arrivals())
    await asyncio.sleep(config.warmup_s)
    cpu = (server.cpu_s(), stub.cpu_s(), own_cpu_s())
    started = time.perf_counter()
    load.measuring = True
    sampler = asyncio.create_task(sample(load, server))
    await asyncio.sleep(config.duration_s)
    load.measuring = False
    result.measured_s = round(time.perf_counter() - started, 1)
    await drain(load)
    result.server_cpu_s = round(server.cpu_s() - cpu[0], 1)
    result.stub_cpu_s = round(stub.cpu_s() - cpu[1], 1)
    result.client_cpu_s = round(own_cpu_s() - cpu[2], 1)
    sampler.cancel()
    result.rss_peak_kib, result.rss_end_kib = server.status("VmHWM"), server.status("VmRSS")
    result.load_end = os.getloadavg()
    await load.close()
    gc.unfreeze()  # the next size's people are new
    return result


async def drain(load: Load) -> None:
    """Let the measured turns still running finish (they count), without starting new ones."""
    load.running = False
    if load.turn_tasks:
        await asyncio.wait(set(load.turn_tasks), timeout=2 * TURN_TIMEOUT_S + 5)


async def sample(load: Load, server: Gauge) -> None:
    """Every 2 s of the measured window: the server's open files, and how many people are connected (the
    fewest seen is reported: an open conversation must stay open throughout)."""
    load.result.connected = load.result.n
    while True:
        load.result.server_files_max = max(load.result.server_files_max, server.open_files())
        connected = sum(1 for p in load.people if p.conn is not None and p.conn.open)
        load.result.connected = min(load.result.connected, connected)
        await asyncio.sleep(2.0)


# -- the report --------------------------------------------------------------------------------------------------

def percentile(values: list[float], q: int) -> float | None:
    """Linear-interpolated percentile (numpy's default), as first_token.py reports them."""
    if len(values) < 2:
        return values[0] if values else None
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)


def summarize(r: SizeResult) -> dict[str, Any]:
    added = [t.os1_ttft_ms - t.stub_ttft_ms for t in r.turns]
    os1 = [t.os1_ttft_ms for t in r.turns]
    stub = [t.stub_ttft_ms for t in r.turns]
    errors = sum(r.turn_errors.values()) + sum(r.poll_errors.values()) + sum(r.ramp_errors.values())
    s: dict[str, Any] = {
        "n": r.n, "connected": r.connected, "turns": len(r.turns), "errors": errors,
        "turn_errors": dict(r.turn_errors), "poll_errors": dict(r.poll_errors), "ramp_errors": dict(r.ramp_errors),
        "skipped_turns": r.skipped_turns,
        "added_p50_ms": percentile(added, 50), "added_p99_ms": percentile(added, 99),
        "os1_ttft_p50_ms": percentile(os1, 50), "os1_ttft_p99_ms": percentile(os1, 99),
        "stub_ttft_p50_ms": percentile(stub, 50), "stub_ttft_p99_ms": percentile(stub, 99),
        "turn_total_p50_ms": percentile([t.total_ms for t in r.turns], 50),
        "polls": len(r.poll_ms), "poll_p50_ms": percentile(r.poll_ms, 50), "poll_p99_ms": percentile(r.poll_ms, 99),
        "mid_turn_mean": round(r.turn_busy_s / r.measured_s, 2) if r.measured_s else None,
        "rss_peak_mib": round(r.rss_peak_kib / 1024), "rss_end_mib": round(r.rss_end_kib / 1024),
        "server_files_max": r.server_files_max, "reconnects": r.reconnects,
        "server_cpu_pct": pct(r.server_cpu_s, r), "stub_cpu_pct": pct(r.stub_cpu_s, r),
        "client_cpu_pct": pct(r.client_cpu_s, r), "ramp_s": r.ramp_s, "measured_s": r.measured_s,
        "wall_s": r.wall_s, "load_start": [round(x, 2) for x in r.load_start],
        "load_end": [round(x, 2) for x in r.load_end], "error_samples": r.error_samples,
        "turn_samples": [asdict(t) for t in r.turns]}  # every measured turn, for --json
    s["pass"] = {"open": r.connected == r.n and r.server_files_max >= r.n,
                 "p99_added": s["added_p99_ms"] is not None and s["added_p99_ms"] <= TARGET_P99_ADDED_MS,
                 "rss": r.rss_peak_kib <= TARGET_RSS_GIB * 1024 * 1024, "errors": errors == 0}
    return s


def pct(cpu_s: float, r: SizeResult) -> float | None:
    """CPU time over the measured window (and the drain after it) as % of one core."""
    return round(100 * cpu_s / r.measured_s, 0) if r.measured_s else None


def fmt(value: Any, width: int) -> str:
    return f"{'—' if value is None else value:>{width}}"


def print_report(summaries: list[dict[str, Any]], config: Config) -> None:
    door = "/api/chat" if config.door == "native" else "/v1/chat/completions"
    idle = (f"each open conversation polls /api/status every {config.poll_s:g} s" if config.poll_s > 0 else
             f"no polls: idle connections, server keep-alive {config.keep_alive_s or KEEP_ALIVE_S:g} s")
    print(f"\nturns {config.rate:g}/s (Poisson) through {door}; {idle}; stub: {len(STUB_TOKENS)} tokens, "
          f"{config.token_ms:g} ms apart; learning {'on' if config.learn else 'off'}; embedder "
          f"{config.embedder or 'default (minilm)'}; slots {config.slots or 'server default'}")
    print(f"\n{'N':>6} {'turns':>6} {'errors':>6} | {'added p50':>9} {'p99':>7} | {'OS1 TTFT p50':>12} {'p99':>7} | "
          f"{'stub p50':>8} {'p99':>6} | {'poll p50':>8} {'p99':>7} | {'mid-turn':>8}")
    for s in summaries:
        print(f"{s['n']:>6} {s['turns']:>6} {s['errors']:>6} | {fmt(s['added_p50_ms'], 9)} {fmt(s['added_p99_ms'], 7)}"
              f" | {fmt(s['os1_ttft_p50_ms'], 12)} {fmt(s['os1_ttft_p99_ms'], 7)} | {fmt(s['stub_ttft_p50_ms'], 8)} "
              f"{fmt(s['stub_ttft_p99_ms'], 6)} | {fmt(s['poll_p50_ms'], 8)} {fmt(s['poll_p99_ms'], 7)} | "
              f"{fmt(s['mid_turn_mean'], 8)}")
    print(f"\n{'N':>6} {'open':>6} {'srv fds':>7} {'RSS peak':>8} {'end':>6} | {'CPU% srv':>8} {'stub':>5} "
          f"{'client':>6} | {'polls':>7} {'ramp s':>6} {'wall s':>6} | load avg start → end")
    for s in summaries:
        print(f"{s['n']:>6} {s['connected']:>6} {s['server_files_max']:>7} {s['rss_peak_mib']:>5} MiB "
              f"{s['rss_end_mib']:>6} | {fmt(s['server_cpu_pct'], 8)} {fmt(s['stub_cpu_pct'], 5)} "
              f"{fmt(s['client_cpu_pct'], 6)} | {s['polls']:>7} {s['ramp_s']:>6} {s['wall_s']:>6} | "
              f"{' '.join(f'{x:.2f}' for x in s['load_start'])} → {' '.join(f'{x:.2f}' for x in s['load_end'])}")
    for s in summaries:
        if s["errors"]:
            print(f"errors at N={s['n']}: turns {s['turn_errors']}, polls {s['poll_errors']}, "
                  f"while connecting {s['ramp_errors']}; first of each: {s['error_samples']}")
    print_verdict(summaries)


def print_verdict(summaries: list[dict[str, Any]]) -> None:
    def verdict(ok: bool) -> str:
        return "PASS" if ok else "MISS"

    print(f"\ntarget (DESIGN.md): {TARGET_N:,} open conversations, p99 added ≤ {TARGET_P99_ADDED_MS:.0f} ms, "
          f"RSS ≤ {TARGET_RSS_GIB:.0f} GiB, zero errors")
    for s in summaries:
        p = s["pass"]
        line = (f"  N={s['n']:>5}: open {verdict(p['open'])}, p99 added {verdict(p['p99_added'])}, "
                f"RSS {verdict(p['rss'])}, errors {verdict(p['errors'])}")
        if s["n"] == TARGET_N:
            line += f"  →  target {verdict(all(p.values()))}"
        print(line)


# -- main ----------------------------------------------------------------------------------------------------------

async def run(config: Config) -> list[dict[str, Any]]:
    check_sayings()
    biggest = max(config.sizes)
    raise_open_files(biggest + STUB_CONNECTIONS + 256)
    started = time.perf_counter()
    people = await prepare_people(config.home, biggest)
    print(f"{biggest} people with tokens and a seeded conversation in {config.home} "
          f"({time.perf_counter() - started:.0f} s)", flush=True)
    stub_port = free_port()
    stub_log = config.home / "stub.log"
    stub = start_process(["stub", "--port", str(stub_port), "--token-ms", str(config.token_ms)], stub_log)
    summaries = []
    try:
        await wait_until_up(stub_port, stub, "/v1/models", stub_log)
        for n in config.sizes:
            print(f"N={n}: connecting, warming up {config.warmup_s:g} s, measuring {config.duration_s:g} s "
                  f"(load average {os.getloadavg()[0]:.2f})…", flush=True)
            summaries.append(summarize(await run_size(config, people, stub, stub_port, n)))
            s = summaries[-1]
            print(f"  added p50 {s['added_p50_ms']} ms, p99 {s['added_p99_ms']} ms; {s['errors']} errors; "
                  f"RSS peak {s['rss_peak_mib']} MiB; load average {s['load_end'][0]:.2f}", flush=True)
    finally:
        stop(stub)
    return summaries


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    stub = sub.add_parser("stub", help="(internal) the model stub")
    stub.add_argument("--port", type=int, required=True)
    stub.add_argument("--token-ms", type=float, default=5.0)
    serve = sub.add_parser("serve", help="(internal) the OS1 server")
    serve.add_argument("--port", type=int, required=True)
    serve.add_argument("--slots", type=int)
    serve.add_argument("--no-learn", dest="learn", action="store_false")
    serve.add_argument("--profile", type=Path)
    serve.add_argument("--keep-alive", type=float)
    parser.add_argument("--sizes", default=f"100,1000,{TARGET_N}", help="open conversations per run")
    parser.add_argument("--duration", type=float, default=60.0, help="measured seconds per size")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds of load before measuring")
    parser.add_argument("--rate", type=float, default=20.0, help="turns a second, all people together")
    parser.add_argument("--poll-s", type=float, default=WEB_APP_POLL_S,
                        help="seconds between each open conversation's status polls (0: none)")
    parser.add_argument("--door", choices=("native", "openai"), default="native")
    parser.add_argument("--slots", type=int, help="turns the server sends its model at once (default: its own)")
    parser.add_argument("--keep-alive", type=float,
                        help="seconds uvicorn keeps an idle connection (default: uvicorn's 5, as os1 serve); with "
                             "--poll-s 0 this holds idle connections open, as a server changed to do so would")
    parser.add_argument("--no-learn", dest="learn", action="store_false", help="the server learns nothing")
    parser.add_argument("--embedder", help="OS1_EMBEDDER for the server (default: the server's own, minilm)")
    parser.add_argument("--stub-token-ms", dest="token_ms", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--home", type=Path, help="keep the prepared people here (reused by the next run)")
    parser.add_argument("--profile", type=Path, help="cProfile the server; one .prof per size in this folder")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    return parser.parse_args()


@contextmanager
def home_dir(given: Path | None) -> Iterator[Path]:
    if given is not None:
        given.mkdir(parents=True, exist_ok=True)
        yield given.resolve()
        return
    # On disk (here /tmp is the root ext4 disk): the store fsyncs every write, and a tmpfs would hide that cost.
    with tempfile.TemporaryDirectory(prefix="os1-load-") as tmp:
        yield Path(tmp)


def main() -> None:
    args = parse_args()
    if args.command == "stub":
        run_stub(args.port, args.token_ms)
        return
    if args.command == "serve":
        run_os1(args.port, args.slots, args.learn, args.keep_alive, args.profile)
        return
    with home_dir(args.home) as home:
        if args.profile:
            args.profile.mkdir(parents=True, exist_ok=True)
        config = Config(sizes=[int(n) for n in args.sizes.split(",")], duration_s=args.duration,
                        warmup_s=args.warmup, rate=args.rate, poll_s=args.poll_s, door=args.door, slots=args.slots,
                        keep_alive_s=args.keep_alive,
                        learn=args.learn, embedder=args.embedder, token_ms=args.token_ms, seed=args.seed, home=home,
                        profile=args.profile.resolve() if args.profile else None)
        wall = time.perf_counter()
        summaries = asyncio.run(run(config))
        print_report(summaries, config)
        print(f"total wall time: {time.perf_counter() - wall:.0f} s")
        if args.json:
            report = {"config": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(config).items()},
                      "stub_tokens": len(STUB_TOKENS), "sizes": summaries}
            args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
