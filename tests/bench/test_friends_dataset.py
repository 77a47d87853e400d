"""The two-friends benchmark's dataset: deterministic, long, two named speakers, four kinds of questions whose
evidence is really in the transcript, and importable by `os1 memory import`'s reader with both names kept."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from bench.memory import friends

from os1.memory.importers import read_jsonl

DATA = friends.build(conversations=4)


def test_the_same_seed_gives_the_same_dataset_and_another_seed_another() -> None:
    assert asdict(friends.build(conversations=4)) == asdict(DATA)
    assert asdict(friends.build(seed=12, conversations=4)) != asdict(DATA)


def test_long_two_speaker_multi_session_conversations() -> None:
    for c in DATA.conversations:
        assert len(set(c.speakers)) == 2
        assert {m["speaker"] for m in c.messages} == set(c.speakers)
        assert 18 <= c.sessions <= 26
        assert len(c.messages) >= 350
        times = [datetime.fromisoformat(m["time"]) for m in c.messages]
        assert times == sorted(times)
        assert (times[-1] - times[0]).days >= 120  # months, not days


def test_every_kind_is_asked_and_evidence_is_in_the_transcript() -> None:
    kinds = Counter(q.kind for _, q in DATA.questions)
    assert set(kinds) == set(friends.KINDS) and min(kinds.values()) >= 10, kinds
    for c, q in DATA.questions:
        said = {m["id"]: m for m in c.messages}
        assert q.evidence and all(e in said for e in q.evidence), q
        named = [s for s in c.speakers if s in q.text]
        assert named, q.text  # asked about a person, by name
        if q.kind == "multi":
            assert len({e.rsplit("-t", 1)[0] for e in q.evidence}) >= 2, q  # from more than one session
        if q.kind == "single" and q.answer[0].isupper():  # a name or a place: said in the evidence itself
            assert any(q.answer.split(" and ")[0] in said[e]["text"] for e in q.evidence), q


def test_transcripts_read_as_os1_imports_them(tmp_path: Path) -> None:
    paths = friends.write(DATA, tmp_path)
    c = DATA.conversations[0]
    imported = list(read_jsonl(paths[0], me=c.speakers[0]))
    assert len(imported) == c.sessions
    assert sum(len(conv.messages) for conv in imported) == len(c.messages)
    assert (tmp_path / "questions.jsonl").read_text().count("\n") == len(DATA.questions)
