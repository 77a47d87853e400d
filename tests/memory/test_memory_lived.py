"""Memory as lived, with the real embedded model in real `os1` processes: what is said in one session is
learned as facts when the session ends, and a later conversation knows it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def os1(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OS1_HOME": str(home), "OS1_TEMPERATURE": "0", "OS1_MAX_REPLY_TOKENS": "48",
           "OS1_USER": "theo"}
    out = subprocess.run([sys.executable, "-m", "os1", *args], input=stdin, capture_output=True, text=True,
                         timeout=600, env=env)
    assert out.returncode == 0, out.stderr
    return out


@pytest.mark.model
def test_a_fact_told_once_is_learned_and_known_next_time(home: Path, default_model_path: Path) -> None:
    os1(home, "chat", stdin="I adopted a beagle last week and we named him Pickles.\n")
    known = json.loads(os1(home, "memory", "show", "--json").stdout)
    assert any("pickles" in f["text"].lower() for f in known["facts"]), known
    reply = os1(home, "chat", "--new", stdin="Remind me, what's my dog called?\n").stdout
    assert "pickles" in reply.lower()


@pytest.mark.model
def test_asked_what_it_knows_it_answers_from_its_memory(home: Path, default_model_path: Path) -> None:
    os1(home, "chat", stdin="I work as a nurse at the children's hospital in Leeds.\n")
    out = os1(home, "chat", "--new", "--json", stdin="What do you know about me?\n").stdout
    events = [json.loads(line) for line in out.splitlines()]
    recalled = [e for e in events if e["type"] == "recalled"]
    assert recalled and any("nurse" in item["text"].lower() for item in recalled[0]["items"])
    reply = next(e for e in events if e["type"] == "turn_ended")["text"].lower()
    assert "nurse" in reply or "hospital" in reply


NEVER_TOLD = ("haven't told", "don't think you've told", "didn't tell", "don't know", "not sure", "never told",
              "haven't mentioned", "you haven't", "no idea")


@pytest.mark.model
def test_a_never_told_parent_is_never_answered_with_a_neighbouring_memory(home: Path,
                                                                          default_model_path: Path) -> None:
    os1(home, "chat", stdin="We got a puppy last week and named him Rex.\n")
    reply = os1(home, "chat", "--new", stdin="What's my mother's name?\n").stdout.lower()
    assert "rex" not in reply
    assert any(words in reply.replace("’", "'") for words in NEVER_TOLD), reply


@pytest.mark.model
def test_a_recalled_detail_is_used_not_recited_in_the_persons_own_words(home: Path,
                                                                        default_model_path: Path) -> None:
    os1(home, "chat", stdin="My car is a green Skoda, older than some of my friends.\n")
    reply = os1(home, "chat", "--new", stdin="What colour is our car?\n").stdout.lower()
    assert "green" in reply and "my car" not in reply, reply


@pytest.mark.model
def test_after_a_move_the_new_home_is_the_answer(home: Path, default_model_path: Path) -> None:
    os1(home, "chat", stdin="I live in Leeds, in a tiny flat near Hyde Park.\n")
    os1(home, "chat", "--new", stdin="Big news: we moved to Bristol last weekend, boxes everywhere.\n")
    known = json.loads(os1(home, "memory", "show", "--json").stdout)
    assert not any("leeds" in f["text"].lower() for f in known["facts"]), known  # kept, but as replaced
    reply = os1(home, "chat", "--new", stdin="Where do I live now?\n").stdout.lower()
    assert "bristol" in reply, reply
