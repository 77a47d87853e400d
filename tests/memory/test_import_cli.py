"""`os1 memory import FILE`: history from elsewhere, stored with its own times and ids, once."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
TRANSCRIPT = FIXTURES / "transcript.jsonl"
CHATGPT = FIXTURES / "chatgpt_conversations.json"
IMPORT_TRANSCRIPT = ("memory", "import", str(TRANSCRIPT), "--me", "Theodore", "--no-learn", "--user", "t")


def os1(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OS1_USER", "OS1_MODEL", "OS1_PERSONA")}
    return subprocess.run([sys.executable, "-m", "os1", *args], capture_output=True, text=True, timeout=120,
                          env={**env, "OS1_HOME": str(home), "COLUMNS": "200"})


def as_json(out: subprocess.CompletedProcess[str]) -> Any:
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def said(out: subprocess.CompletedProcess[str]) -> str:
    return " ".join(out.stderr.split())


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home into which the transcript was imported (once for these tests: none of them changes it)."""
    home = tmp_path_factory.mktemp("imported") / "home"
    out = os1(home, *IMPORT_TRANSCRIPT)
    assert out.returncode == 0, out.stderr
    assert "2 conversations, 4 messages stored." in said(out)
    return home


def test_a_transcript_is_stored_with_its_own_times(imported: Path) -> None:
    listed = as_json(os1(imported, "history", "--json", "--user", "t"))
    assert [(c["first_words"], c["messages"], c["started"]) for c in listed] == [
        ("I went for a walk on the beach.", 2, "2026-05-03T16:00:00.000+00:00"),
        ("I finished Chris's letter.", 2, "2026-05-01T09:00:00.000+00:00")]
    walk = as_json(os1(imported, "history", str(listed[0]["id"]), "--json", "--user", "t"))
    assert [(m["role"], m["text"], m["time"]) for m in walk] == [
        ("user", "I went for a walk on the beach.", "2026-05-03T16:00:00.000+00:00"),
        ("assistant", "How was the light?", "2026-05-03T16:00:05.000+00:00")]
    assert as_json(os1(imported, "history", "--json", "--user", "someone-else")) == []


def test_search_gives_the_transcripts_own_ids(imported: Path) -> None:
    found = as_json(os1(imported, "memory", "search", "Chris's letter", "--json", "--user", "t"))
    assert found[0]["source_ids"] == ["m3"] and found[0]["role"] == "user"
    assert {i["source_ids"][0] for i in found} <= {"m1", "m2", "m3", "m5"}


def test_importing_the_same_file_again_stores_nothing_twice(imported: Path) -> None:
    again = os1(imported, *IMPORT_TRANSCRIPT)
    assert again.returncode == 0, again.stderr
    assert "0 conversations, 0 messages stored; 4 already here, skipped." in said(again)
    listed = as_json(os1(imported, "history", "--json", "--user", "t"))
    assert [c["messages"] for c in listed] == [2, 2]


def test_a_chatgpt_export_is_imported(home: Path) -> None:
    out = os1(home, "memory", "import", str(CHATGPT), "--no-learn", "--user", "c")
    assert out.returncode == 0, out.stderr
    assert "2 conversations, 8 messages stored." in said(out)
    listed = as_json(os1(home, "history", "--json", "--user", "c"))
    assert [(c["first_words"], c["messages"]) for c in listed] == [
        ("What should I get my sister Ottilie for her 30th?", 5), ("I can't sleep again.", 3)]
    found = as_json(os1(home, "memory", "search", "divorce papers", "--json", "--user", "c"))
    assert found[0]["source_ids"] == ["u-b2"] and found[0]["text"].startswith("The divorce papers came today")


def test_a_file_in_no_known_format_is_refused_clearly(home: Path, tmp_path: Path) -> None:
    garbage = tmp_path / "notes.txt"
    garbage.write_text("Dear diary, today I walked on the beach.\n")
    out = os1(home, "memory", "import", str(garbage), "--no-learn", "--user", "t")
    assert out.returncode == 2
    assert "ChatGPT data export" in said(out) and "JSON-lines transcript" in said(out)
    assert "Traceback" not in out.stderr
    broken = tmp_path / "chat.jsonl"
    broken.write_text('{"speaker": "me", "text": "hi", "time": "2026-05-01T09:00:00Z"}\n{"speaker": "me", "text"\n')
    out = os1(home, "memory", "import", str(broken), "--no-learn", "--user", "t")
    assert out.returncode == 2 and "line 2: not JSON" in said(out) and "Traceback" not in out.stderr
    assert as_json(os1(home, "history", "--json", "--user", "t")) == []  # nothing half stored


def test_a_group_transcript_keeps_who_said_what(tmp_path: Path) -> None:
    group = tmp_path / "group.jsonl"
    group.write_text("".join(json.dumps(line) + "\n" for line in [
        {"speaker": "Theodore", "text": "Who is bringing the cake on Saturday?", "time": "2026-05-01T09:00:00Z"},
        {"speaker": "Amy", "text": "I'll bake a lemon cake.", "time": "2026-05-01T09:01:00Z"},
        {"speaker": "Charles", "text": "I'll bring the candles and the lemonade.", "time": "2026-05-01T09:02:00Z"},
    ]))
    home = tmp_path / "home"
    out = os1(home, "memory", "import", str(group), "--me", "Theodore", "--no-learn", "--user", "t")
    assert out.returncode == 0, out.stderr
    found = as_json(os1(home, "memory", "search", "What did Amy bake?", "--json", "--user", "t"))
    assert (found[0]["speaker"], found[0]["text"], found[0]["role"]) == ("Amy", "I'll bake a lemon cake.",
                                                                          "assistant")
    assert {i["speaker"] for i in found} <= {"Theodore", "Amy", "Charles"}
    shown = os1(home, "memory", "search", "lemonade", "--user", "t")
    assert shown.returncode == 0 and "Charles said" in shown.stdout
