"""`os1 chat` and `os1 history` as a person runs them: real subprocesses, the real embedded models.

Mechanics run on the small model; checks of meaning (does it remember, does it keep its name) run on the
default model, at temperature 0.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.model


def run_os1(home: Path, *args: str, stdin: str = "", timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "os1", *args], input=stdin, capture_output=True, text=True,
                          timeout=timeout, env=_env(home))


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "OS1_HOME": str(home), "OS1_TEMPERATURE": "0", "OS1_MAX_REPLY_TOKENS": "96"}


def events(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def history(home: Path, *args: str) -> Any:
    out = run_os1(home, "history", "--json", *args)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_piped_lines_get_one_reply_each(home: Path, small_model_path: Path) -> None:
    out = run_os1(home, "chat", "--model", "embedded:small", "--user", "theo", stdin="hi\nhow are you?\n")
    assert out.returncode == 0, out.stderr
    replies = out.stdout.strip().splitlines()
    assert len(replies) == 2 and all(r.strip() for r in replies)
    assert "›" not in out.stdout  # no prompt decoration when piped
    (conv,) = history(home, "--user", "theo")
    assert conv["messages"] == 4 and conv["first_words"] == "hi"


def test_json_prints_the_event_stream(home: Path, small_model_path: Path) -> None:
    out = run_os1(home, "chat", "--json", "--model", "embedded:small", stdin="hello\n")
    assert out.returncode == 0, out.stderr
    kinds = [e["type"] for e in events(out.stdout)]
    assert kinds[0] == "turn_started" and kinds[-1] == "turn_ended"
    assert "text_delta" in kinds
    ended = events(out.stdout)[-1]
    deltas = "".join(e["text"] for e in events(out.stdout) if e["type"] == "text_delta")
    assert ended["text"] == deltas.strip() and ended["timings"]["first_token_s"] > 0


def test_new_starts_fresh_and_users_are_apart(home: Path, small_model_path: Path) -> None:
    for args in (["--user", "theo"], ["--user", "theo"], ["--user", "theo", "--new"], ["--user", "amy"]):
        out = run_os1(home, "chat", "--model", "embedded:small", *args, stdin="hello\n")
        assert out.returncode == 0, out.stderr
    assert [c["messages"] for c in history(home, "--user", "theo")] == [2, 4]
    (amy,) = history(home, "--user", "amy")
    theo_ids = {c["id"] for c in history(home, "--user", "theo")}
    assert amy["id"] not in theo_ids
    peek = run_os1(home, "history", str(min(theo_ids)), "--user", "amy")
    assert peek.returncode != 0 and "No conversation" in peek.stderr


def test_remembers_across_runs(home: Path, default_model_path: Path) -> None:
    first = run_os1(home, "chat", stdin="My sister is called Ottilie. She lives in Lisbon.\n")
    assert first.returncode == 0, first.stderr
    second = run_os1(home, "chat", stdin="What is my sister's name?\n")
    assert second.returncode == 0, second.stderr
    assert "ottilie" in second.stdout.lower()


def test_chooses_its_name_once_and_keeps_it(home: Path, default_model_path: Path) -> None:
    out = run_os1(home, "chat", "--json", stdin="What's your name?\n")
    named = [e["name"] for e in events(out.stdout) if e["type"] == "named"]
    assert len(named) == 1 and named[0].isalpha()
    reply = events(out.stdout)[-1]["text"]
    assert named[0].lower() in reply.lower()
    again = run_os1(home, "chat", "--new", "--json", stdin="Remind me, what is your name?\n")
    assert not any(e["type"] == "named" for e in events(again.stdout))
    assert named[0].lower() in events(again.stdout)[-1]["text"].lower()


def test_persona_file_sets_another_character(home: Path, tmp_path: Path, small_model_path: Path) -> None:
    persona = tmp_path / "captain.toml"
    persona.write_text('id = "captain"\nname = "Marlow"\ncharacter = "You are Marlow, an old sea captain. '
                       'You always mention the sea."\n')
    out = run_os1(home, "chat", "--json", "--model", "embedded:small", "--persona", str(persona),
                  stdin="What's your name?\n")
    assert out.returncode == 0, out.stderr
    assert not any(e["type"] == "named" for e in events(out.stdout))
    assert "marlow" in events(out.stdout)[-1]["text"].lower()


@pytest.mark.parametrize("args, words", [
    (["--model", "llama"], "Accepted forms"),
    (["--model", "gguf:/nowhere/model.gguf"], "No model file at /nowhere/model.gguf"),
    (["--persona", "/nowhere/p.toml"], "Can't read the persona file"),
])
def test_bad_options_get_a_clear_message(home: Path, args: list[str], words: str) -> None:
    out = run_os1(home, "chat", *args, stdin="hi\n", timeout=60)
    assert out.returncode == 2
    assert words in out.stderr and "Traceback" not in out.stderr


def test_sigkill_mid_reply_loses_no_acknowledged_message(home: Path, small_model_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "os1", "chat", "--json", "--model", "embedded:small"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**_env(home), "OS1_MAX_REPLY_TOKENS": "300"})
    assert proc.stdin and proc.stdout
    proc.stdin.write("Tell me a long story about a lighthouse keeper.\n")
    proc.stdin.flush()
    seen: list[str] = []
    for line in proc.stdout:
        seen.append(json.loads(line)["type"])
        if seen.count("text_delta") >= 3:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert seen[0] == "turn_started"  # acknowledged: the message was committed before this was printed

    db = sqlite3.connect(home / "os1.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = db.execute("SELECT role, content FROM messages ORDER BY id").fetchall()
    assert rows[0] == ("user", "Tell me a long story about a lighthouse keeper.")
    db.close()
    # And the next run carries on from there.
    out = run_os1(home, "chat", "--model", "embedded:small", stdin="Are you still there?\n")
    assert out.returncode == 0 and out.stdout.strip(), out.stderr
