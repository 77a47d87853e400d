"""Recall over a transcript between two named people, imported as `os1 memory import --me` does: who said what
stays searchable."""

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from os1.db.store import Store, User
from os1.memory.embeddings import Embedder, load_embedder
from os1.memory.importers import read_jsonl
from os1.memory.memory import Memory
from os1.memory.speakers import known_speakers, named_in, without_names

LINES = [  # (session, speaker, text, time)
    ("s1", "Melanie", "Caroline, my cousin runs a support group at the library, you should come sometime.",
     "2023-05-08T19:00:00+00:00"),
    ("s1", "Caroline", "I went to the LGBTQ support group yesterday and it was so powerful.",
     "2023-05-08T19:01:00+00:00"),
    ("s1", "Melanie", "I went to a support group for new parents last month, it helped a lot.",
     "2023-05-08T19:02:00+00:00"),
    ("s1", "Caroline", "My brother Theo finally moved to Lisbon, he loves the coffee there.",
     "2023-05-08T19:03:00+00:00"),
    ("s2", "Melanie", "Hey Caroline! How was your week?", "2023-06-02T18:00:00+00:00"),
    ("s2", "Caroline", "Big news in the family: Theo is going to fly planes for a living!",
     "2023-06-02T18:01:00+00:00"),
    ("s2", "Melanie", "Caroline, that's wonderful news, tell him congratulations.", "2023-06-02T18:02:00+00:00"),
    ("s2", "Melanie", "I painted a sunrise over the lake with the kids this weekend.", "2023-06-02T18:03:00+00:00"),
]


def transcript(path: Path) -> Path:
    path.write_text("".join(json.dumps({"id": f"m{n}", "conversation": s, "speaker": who, "text": text,
                                        "time": time}) + "\n"
                            for n, (s, who, text, time) in enumerate(LINES, 1)))
    return path


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return load_embedder("minilm")


async def imported(tmp_path: Path, embedder: Embedder | None) -> tuple[Memory, Store, User]:
    store = await Store.open(tmp_path / "os1.db")
    memory = Memory(store, embedder)
    user = await store.user("caroline")
    await memory.import_conversations(user, read_jsonl(transcript(tmp_path / "chat.jsonl"), me="Caroline"))
    return memory, store, user


@pytest.fixture
async def words_only(tmp_path: Path) -> AsyncIterator[tuple[Memory, User]]:
    memory, store, user = await imported(tmp_path, None)
    yield memory, user
    await store.close()


async def test_an_import_keeps_every_speakers_name(words_only: tuple[Memory, User]) -> None:
    memory, user = words_only
    assert await known_speakers(memory.store, user) == ["Melanie", "Caroline"]
    rows = await memory.store.read("SELECT role, json_extract(meta, '$.speaker') FROM messages ORDER BY id", ())
    assert [tuple(r) for r in rows[:2]] == [("assistant", "Melanie"), ("user", "Caroline")]


async def test_a_name_goes_when_everything_they_said_is_forgotten(words_only: tuple[Memory, User]) -> None:
    memory, user = words_only
    rows = await memory.store.read("SELECT id FROM messages WHERE json_extract(meta, '$.speaker') = 'Melanie'", ())
    plan = await memory.plan_forget(user, "sunrise")
    assert [i.source_ids for i in plan.messages] == [("m8",)]
    await memory.forget(user, plan, also=[r[0] for r in rows])
    assert await known_speakers(memory.store, user) == ["Caroline"]
    found = await memory.recall(user, "When did Melanie go to a support group?", signals=frozenset({"words"}))
    assert {i.speaker for i in found} == {"Caroline"}


async def test_a_question_naming_a_speaker_finds_what_they_said(words_only: tuple[Memory, User]) -> None:
    memory, user = words_only
    found = await memory.recall(user, "When did Caroline go to the support group?", limit=3,
                                signals=frozenset({"words"}))
    # Melanie's turns say "Caroline" and "support group"; Caroline's own turn says neither name.
    assert found[0].source_ids == ("m2",) and found[0].speaker == "Caroline"
    found = await memory.recall(user, "When did Melanie go to a support group?", limit=3,
                                signals=frozenset({"words"}))
    assert [i.speaker for i in found[:2]] == ["Melanie", "Melanie"]  # m1 and m3 before Caroline's m2


async def test_by_meaning_too_the_named_speakers_turn_comes_first(tmp_path: Path, embedder: Embedder) -> None:
    memory, store, user = await imported(tmp_path, embedder)
    try:
        found = await memory.recall(user, "What did Melanie paint with her children?", limit=3)
        assert found[0].source_ids == ("m8",)
        found = await memory.recall(user, "When did Caroline go to the support group?", limit=3,
                                    min_similarity=memory.weak_match)
        assert found[0].source_ids == ("m2",)
    finally:
        await store.close()


def test_names_in_a_question() -> None:
    speakers = ["Melanie", "Caroline"]
    assert named_in("What did Caroline's brother do?", speakers) == ["Caroline"]
    assert named_in("did melanie and CAROLINE meet?", speakers) == ["Melanie", "Caroline"]
    assert named_in("What did Carolines do?", speakers) == []  # a whole word only
    assert without_names("When did Caroline's brother move?", ["Caroline"]).split() == ["When", "did", "brother",
                                                                                         "move?"]
