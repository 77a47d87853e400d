"""The memory benchmark's dataset: deterministic, big enough, and every question answerable (or, for abstention,
unanswerable) from the transcript it is asked about. Also the scoring functions. No model needed."""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from dataclasses import asdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from bench.memory import dataset as ds
from bench.memory import scoring
from bench.memory.life import ABSTAIN_ACCEPT
from bench.memory.timeline import EVENTS, GENERAL, WEEKDAYS

DATA = ds.build()
ID = re.compile(r"^r\d{2}-s\d{2}-m\d{2}$")
STOP = set("a an the i my me you your is am are was were do did does to of in on at for with and what who which "
           "where when how s it that this now these days so just".split())


def by_id(r: ds.Relationship) -> dict[str, dict[str, str]]:
    return {m["id"]: m for m in r.messages}


def said_on(message: dict[str, str]) -> date:
    return datetime.fromisoformat(message["time"]).date()


def resolve(text: str, said: date) -> date:
    """The day a planted turn's date phrase means (written independently of timeline.py). The phrase opens
    one of the message's sentences (small talk may come before it)."""
    for sentence in re.split(r"(?<=[.!?]) ", text):
        head = sentence.split(" I ")[0].strip().lower()
        fixed = {"today": 0, "this morning": 0, "yesterday": 1, "the day before yesterday": 2, "three days ago": 3}
        if head in fixed:
            return said - timedelta(days=fixed[head])
        weekday = re.fullmatch(r"(?:last|on) (\w+day)", head)
        if weekday:
            back = (said.weekday() - [w.lower() for w in WEEKDAYS].index(weekday[1])) % 7 or 7
            return said - timedelta(days=back)
        nth = re.fullmatch(r"on the (\d+)(?:st|nd|rd|th)", head)
        if nth:
            return said.replace(day=int(nth[1]))
    raise AssertionError(f"no date phrase in {text!r}")


def test_the_same_seed_gives_the_same_dataset_and_another_seed_another() -> None:
    assert asdict(ds.build()) == asdict(DATA)
    other = ds.build(seed=8)
    assert [r.messages for r in other.relationships] != [r.messages for r in DATA.relationships]


def test_counts() -> None:
    s = ds.summary(DATA)
    assert s["relationships"] >= 40 and s["questions"] >= 300
    assert all(n >= 60 for n in s["per_kind"].values()), s["per_kind"]
    assert s["time_relative"] >= 30
    assert len({r.person for r in DATA.relationships}) == len(DATA.relationships)
    assert 1500 <= s["transcript_tokens"]["median"] <= 3000


def test_sessions_are_spread_over_weeks_with_realistic_times() -> None:
    for r in DATA.relationships:
        starts = [datetime.fromisoformat(m["time"]) for m in r.messages if m["id"].endswith("-m01")]
        assert 8 <= len(starts) <= 12
        gaps = [(b.date() - a.date()).days for a, b in zip(starts, starts[1:], strict=False)]
        assert all(1 <= g <= 9 for g in gaps), gaps
        assert 41 <= (starts[-1] - starts[0]).days <= 71
        assert all(s.year == 2026 and s.tzinfo is not None for s in starts)
        assert all(s.hour >= 18 or s.weekday() >= 5 and s.hour >= 10 for s in starts)
        per_session = Counter(m["conversation"] for m in r.messages)
        assert all(8 <= n <= 17 for n in per_session.values()), per_session


def test_messages_have_stable_ids_and_run_forward_in_time() -> None:
    for r in DATA.relationships:
        ids = [m["id"] for m in r.messages]
        assert len(set(ids)) == len(ids) and all(ID.match(i) for i in ids)
        assert all(m["id"].startswith(m["conversation"] + "-") and m["speaker"] in ("user", "assistant")
                   for m in r.messages)
        times = [datetime.fromisoformat(m["time"]) for m in r.messages]
        assert times == sorted(times)
        asked = {datetime.fromisoformat(q.asked_at) for q in r.questions}
        assert len(asked) == 1 and asked.pop() > times[-1]


def test_small_talk_does_not_repeat_itself() -> None:
    texts = [m["text"] for r in DATA.relationships for m in r.messages if m["speaker"] == "user"]
    assert len(set(texts)) / len(texts) > 0.6


def test_evidence_is_the_persons_own_messages() -> None:
    for r in DATA.relationships:
        messages = by_id(r)
        for q in r.questions:
            assert all(messages[e]["speaker"] == "user" for e in q.evidence), q
            assert (q.kind == "abstention") == (not q.evidence), q
            assert q.accept and all(a == a.lower() for a in q.accept)


@pytest.mark.parametrize("kind", ["single", "update"])
def test_one_turn_answers_are_in_their_evidence(kind: str) -> None:
    for r, q in DATA.questions:
        if q.kind == kind:
            (evidence,) = q.evidence
            assert scoring.says_any(by_id(r)[evidence]["text"], q.accept), q


def test_multi_questions_need_two_sessions_and_the_answer_is_in_one() -> None:
    for r, q in DATA.questions:
        if q.kind == "multi":
            messages = [by_id(r)[e] for e in q.evidence]
            assert len({m["conversation"] for m in messages}) == 2, q
            assert any(scoring.says_any(m["text"], q.accept) for m in messages), q


def test_updates_replace_an_older_value_said_earlier() -> None:
    for r, q in DATA.questions:
        if q.kind == "update":
            new = by_id(r)[q.evidence[0]]
            older = [m for m in r.messages if m["speaker"] == "user" and m["id"] < new["id"]
                     and scoring.says_any(m["text"], q.stale) and not scoring.says_any(m["text"], q.accept)]
            assert q.stale and older, q
            assert (datetime.fromisoformat(new["time"]) - datetime.fromisoformat(older[0]["time"])).days >= 7


def test_temporal_answers_are_the_resolved_dates() -> None:
    questions = {question: did for did, question in EVENTS}
    for r, q in DATA.questions:
        if q.kind == "temporal" and not q.time_relative:
            message = by_id(r)[q.evidence[0]]
            assert questions[q.text] in message["text"]
            day = resolve(message["text"], said_on(message))
            assert day <= said_on(message)
            assert day.isoformat() in q.accept and scoring.is_correct(q.answer, q.accept), (q, message["text"])


def test_last_weekend_means_the_weekend_before_asked_at() -> None:
    for r, q in DATA.questions:
        if q.time_relative:
            asked = datetime.fromisoformat(q.asked_at).date()
            assert asked.weekday() < 5
            saturday = asked - timedelta(days=asked.weekday() + 2)
            message = by_id(r)[q.evidence[0]]
            assert message["conversation"] == r.messages[-1]["conversation"]
            assert resolve(message["text"], said_on(message)) in (saturday, saturday + timedelta(days=1))
            assert scoring.says_any(message["text"], q.accept)


def test_abstention_questions_ask_about_what_was_never_said() -> None:
    general = {text for text, _, _ in GENERAL}
    near_misses = 0
    for r, q in DATA.questions:
        if q.kind == "abstention":
            assert q.answer == "unknown" and q.accept == ABSTAIN_ACCEPT and q.absent, q
            said = " ".join(m["text"] for m in r.messages if m["speaker"] == "user")
            assert not scoring.says_any(said, q.absent), q
            near_misses += q.text not in general
    assert near_misses >= 30


def test_many_questions_paraphrase_their_evidence() -> None:
    """Word overlap alone must not be enough: many questions share no content word with their evidence."""
    def words(text: str) -> set[str]:
        return {w for w in re.findall(r"[a-z]+", text.lower()) if w not in STOP}

    share = []
    for r, q in DATA.questions:
        if q.kind in ("single", "multi"):
            evidence = " ".join(by_id(r)[e]["text"] for e in q.evidence)
            share.append(not words(q.text) & words(evidence))
    assert sum(share) / len(share) > 0.25


def test_write_gives_importable_transcripts(tmp_path: Path) -> None:
    small = ds.build(relationships=3)
    paths = ds.write(small, tmp_path)
    assert [p.name for p in paths] == ["r01.jsonl", "r02.jsonl", "r03.jsonl"]
    lines = [json.loads(line) for line in paths[0].read_text(encoding="utf-8").splitlines()]
    assert lines == small.relationships[0].messages
    questions = [json.loads(line) for line in (tmp_path / "questions.jsonl").read_text().splitlines()]
    assert len(questions) == sum(len(r.questions) for r in small.relationships)
    assert {"relationship", "person", "id", "kind", "text", "asked_at", "evidence", "answer", "accept", "stale",
            "time_relative"} <= set(questions[0])
    importers = pytest.importorskip("os1.memory.importers")
    conversations = list(importers.read_jsonl(paths[0]))
    assert len(conversations) == small.relationships[0].sessions
    first = conversations[0].messages[0]
    assert first.external_id == lines[0]["id"] and first.role == lines[0]["speaker"]


# -- scoring ----------------------------------------------------------------------------------------------------


def test_contains_matches_whole_words_and_numbers() -> None:
    assert scoring.contains("Your dog is called Pickles!", "pickles")
    assert scoring.contains("You work as a nurse.", "nurse") and scoring.contains("nurses", "nurse")
    assert not scoring.contains("a banana", "ana")
    assert scoring.contains("On March 8th, 2026", "march 8") and not scoring.contains("March 18", "march 8")
    assert not scoring.contains("March 12", "march 1")
    assert scoring.contains("I don’t know", "don't know")
    assert not scoring.contains("anything", "")


def test_grading() -> None:
    accept, stale = ["berlin"], ["lisbon"]
    assert scoring.is_correct("In Berlin now.", accept)
    assert not scoring.is_correct("I don't know.", accept)
    assert scoring.is_stale("You live in Lisbon.", accept, stale)
    assert not scoring.is_stale("You moved from Lisbon to Berlin.", accept, stale)
    assert not scoring.is_stale("Lisbon", accept, [])
    assert scoring.is_correct("You haven't told me that.", ABSTAIN_ACCEPT)


def test_recall_at_k() -> None:
    found = [("a",), ("x", "b"), ("c",)]
    assert scoring.recall_at(["a", "b"], found, 1) == 0.5
    assert scoring.recall_at(["a", "b"], found, 2) == 1.0
    assert scoring.recall_at(["z"], found, 10) == 0.0
    with pytest.raises(ValueError):
        scoring.recall_at([], found, 5)


def test_percentile() -> None:
    assert scoring.percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
    assert scoring.percentile([7.0], 95) == 7.0
    assert statistics.median([scoring.percentile(list(map(float, range(101))), 95)]) == 95.0
