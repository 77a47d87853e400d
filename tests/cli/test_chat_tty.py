"""The interactive terminal, driven through a real pseudo-terminal: greeting, streaming, Ctrl-C, Ctrl-D."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import sqlite3
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.model
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _own_terminal() -> None:
    """In the child: a new session whose controlling terminal is the pty, so Ctrl-C sends SIGINT — handled as
    in a person's shell, whatever the test run did with it (an ignored SIGINT would be inherited)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    def __init__(self, home: Path, *args: str) -> None:
        self.master, slave = pty.openpty()
        env = {**os.environ, "OS1_HOME": str(home), "OS1_TEMPERATURE": "0", "OS1_MAX_REPLY_TOKENS": "300",
               "TERM": "xterm", "COLUMNS": "100"}
        self.proc = subprocess.Popen([sys.executable, "-m", "os1", "chat", *args], stdin=slave, stdout=slave,
                                     stderr=slave, env=env, preexec_fn=_own_terminal)
        os.close(slave)
        self.screen = ""

    def expect(self, pattern: str, timeout: float = 180) -> None:
        """Read until `pattern` (a regex) appears in the screen text read since the last match."""
        deadline = time.monotonic() + timeout
        while not re.search(pattern, self.screen):
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None and not self._read(0.2):
                raise AssertionError(f"never saw {pattern!r}; screen was:\n{self.screen[-2000:]}")
            self._read(min(left, 0.5))
        self.screen = self.screen[re.search(pattern, self.screen).end():]  # type: ignore[union-attr]

    def send(self, text: str) -> None:
        os.write(self.master, text.encode())

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:
            return False
        self.screen += ANSI.sub("", data.decode(errors="replace"))
        return bool(data)

    def close(self) -> int:
        try:
            # Leaving learns for at most a few seconds, but a learning step already running ends first: on a
            # busy machine that can take a while (this checks that it leaves cleanly, not how fast).
            return self.proc.wait(timeout=180)
        finally:
            os.close(self.master)


def test_greets_streams_stops_on_ctrl_c_and_leaves_on_ctrl_d(home: Path, small_model_path: Path) -> None:
    term = Terminal(home, "--model", "embedded:small", "--user", "theo")
    try:
        term.expect(r"nice to meet you")
        term.expect(r"theo › ")
        term.send("Tell me a very long story about a lighthouse keeper and his cat.\r")
        term.expect(r"› \S+ \S+ \S+")  # the reply is streaming
        term.send("\x03")  # Ctrl-C: stop this reply, not the program
        term.expect(r"\[interrupted\]")
        term.expect(r"theo › ")
        term.send("Thanks. Just say hi.\r")
        term.expect(r"theo › ")  # a full turn came back after the interruption
        term.send("\x04")  # Ctrl-D leaves
        assert term.close() == 0
    finally:
        if term.proc.poll() is None:
            term.proc.kill()

    db = sqlite3.connect(home / "os1.db")
    rows = db.execute("SELECT role, status FROM messages ORDER BY id").fetchall()
    assert rows == [("user", "complete"), ("assistant", "interrupted"), ("user", "complete"),
                    ("assistant", "complete")]


def test_second_run_welcomes_back_and_ctrl_c_at_the_prompt_leaves(home: Path, small_model_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "os1", "chat", "--model", "embedded:small"], input="hi\n",
                         capture_output=True, text=True, env={**os.environ, "OS1_HOME": str(home)}, timeout=300)
    assert out.returncode == 0, out.stderr
    term = Terminal(home, "--model", "embedded:small")
    try:
        term.expect(r"you're back")
        term.expect(r" › ")
        term.send("\x03")
        assert term.close() == 0
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
