"""Hybrid recall (words + meaning + time) over imported history, with the real e5 embedder."""

import asyncio
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from os1.db.store import Store, User
from os1.memory.embeddings import Embedder, load_embedder
from os1.memory.facts import add_fact
from os1.memory.importers import ImportedConversation, ImportedMessage
from os1.memory.memory import Memory
from os1.memory.recall import Scope

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # a Wednesday: "last weekend" is 14-15 November


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def conversation(key: str, *lines: tuple[str, str, str, str]) -> ImportedConversation:
    """(external id, role, text, time) lines."""
    return ImportedConversation("chatgpt", key, None, tuple(
        ImportedMessage("user" if role == "user" else "assistant", text, at(time), ext)
        for ext, role, text, time in lines))


HISTORY = [
    conversation("pets",
                 ("p1", "user", "I adopted a beagle named Pickles from the shelter.", "2026-03-02T10:00"),
                 ("p2", "assistant", "A beagle! How is the settling in going?", "2026-03-02T10:00:05")),
    conversation("tea",
                 ("t1", "user", "My favourite tea is smoky lapsang souchong.", "2026-06-10T08:00"),
                 ("t2", "assistant", "Smoky and strong, like a campfire in a cup.", "2026-06-10T08:00:05")),
    conversation("coast",
                 ("c1", "user", "We drove up the coast and ate oysters in a tiny harbour town.", "2026-11-14T15:00"),
                 ("c2", "assistant", "Oysters by the sea, how lovely.", "2026-11-14T15:00:05")),
    conversation("garden",
                 ("g1", "user", "My mother planted tulips and a pear tree in her garden.", "2026-11-10T18:00"),
                 ("g2", "assistant", "A pear tree will outlive us all.", "2026-11-10T18:00:05")),
]


@dataclass
class Filled:
    memory: Memory
    theo: User


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return load_embedder("e5")


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    """The history imported once (embedding it is the slow part); each test gets its own copy."""
    path = tmp_path_factory.mktemp("recall") / "os1.db"

    async def fill() -> None:
        store = await Store.open(path)
        report = await Memory(store, embedder).import_conversations(await store.user("theodore"), HISTORY)
        assert (report.conversations, report.messages, report.skipped) == (4, 8, 0)
        await store.close()

    asyncio.run(fill())
    return path


@pytest.fixture
async def filled(tmp_path: Path, imported: Path, embedder: Embedder) -> AsyncIterator[Filled]:
    shutil.copy(imported, tmp_path / "os1.db")
    store = await Store.open(tmp_path / "os1.db")
    yield Filled(Memory(store, embedder), await store.user("theodore"))
    await store.close()


async def test_a_paraphrase_is_found_by_meaning(filled: Filled) -> None:
    query = "what's my dog called?"  # shares no telling word with the beagle messages
    meaning = frozenset({"meaning"})
    only_meaning = await filled.memory.recall(filled.theo, query, now=NOW, signals=meaning, roles=("user",))
    assert only_meaning[0].source_ids == ("p1",) and "Pickles" in only_meaning[0].text
    both_sides = await filled.memory.recall(filled.theo, query, now=NOW, signals=meaning)
    assert {i.source_ids[0] for i in both_sides[:2]} == {"p1", "p2"}  # the beagle, and the reply about it
    assert (await filled.memory.recall(filled.theo, query, now=NOW, signals=frozenset({"words"}))) == []
    every_signal = await filled.memory.recall(filled.theo, query, now=NOW, roles=("user",))
    assert every_signal[0].source_ids == ("p1",)


async def test_words_alone_find_the_exact_words(filled: Filled) -> None:
    found = await filled.memory.recall(filled.theo, "lapsang", now=NOW, signals=frozenset({"words"}))
    assert [i.source_ids for i in found] == [("t1",)]
    assert found[0].kind == "message" and found[0].role == "user" and found[0].time.startswith("2026-06-10T08:00")


async def test_a_time_question_brings_back_what_was_said_then(filled: Filled) -> None:
    # "talk", "last", "weekend": none of these words is in any message.
    found = await filled.memory.recall(filled.theo, "what did we talk about last weekend?", now=NOW)
    assert found[0].source_ids == ("c1",)
    assert {i.source_ids[0] for i in found[:2]} == {"c1", "c2"}
    untimed = await filled.memory.recall(filled.theo, "what did we talk about last weekend?", now=NOW,
                                         signals=frozenset({"words"}))
    assert untimed == []


async def test_a_time_question_reads_only_this_persons_days(filled: Filled) -> None:
    """Someone else on the same server talked that weekend too; only Theodore's weekend comes back, including a
    conversation he started earlier and went on with then."""
    store, memory = filled.memory.store, filled.memory
    amy = await store.user("amy")
    await memory.import_conversations(amy, [conversation(
        "amy-coast", ("a1", "user", "We drove up the coast and ate oysters all weekend.", "2026-11-14T16:00"))])
    await memory.import_conversations(filled.theo, [conversation(
        "long", ("l1", "user", "I started a pottery class.", "2026-10-01T18:00"),
        ("l2", "user", "I threw my first bowl at the pottery class.", "2026-11-15T11:00"))])
    times = frozenset({"time"})
    found = await memory.recall(filled.theo, "what did we talk about last weekend?", now=NOW, signals=times,
                                roles=("user",))
    assert {i.source_ids[0] for i in found} == {"c1", "l2"}
    theirs = await memory.recall(amy, "what did we talk about last weekend?", now=NOW, signals=times)
    assert [i.source_ids for i in theirs] == [("a1",)]


async def test_scope_leaves_out_what_the_prompt_already_shows(filled: Filled) -> None:
    store, theo = filled.memory.store, filled.theo
    today = await store.new_conversation(theo)
    window = await store.append(today, "user", "Pickles chewed my slippers to pieces.")
    asking = await store.append(today, "user", "Why does Pickles chew everything?")
    await filled.memory.remember(theo, [window, asking])
    everything = await filled.memory.recall(theo, "Pickles", now=NOW, signals=frozenset({"words"}))
    assert {i.id for i in everything} >= {window.id, asking.id}
    scoped = await filled.memory.recall(theo, "Pickles", now=NOW, scope=Scope(today.id, window.id, asking.id))
    assert window.id not in {i.id for i in scoped} and asking.id not in {i.id for i in scoped}
    assert scoped[0].source_ids == ("p1",)


async def test_roles_limit_whose_words_count(filled: Filled) -> None:
    said_by_person = await filled.memory.recall(filled.theo, "beagle", now=NOW, roles=("user",))
    assert [i.source_ids for i in said_by_person if i.source_ids[0].startswith("p")] == [("p1",)]
    assert {i.role for i in said_by_person} == {"user"}
    said_by_companion = await filled.memory.recall(filled.theo, "beagle", now=NOW, roles=("assistant",))
    assert said_by_companion[0].source_ids == ("p2",) and {i.role for i in said_by_companion} == {"assistant"}


async def test_weak_meaning_only_matches_come_last_and_alone_find_nothing(filled: Filled) -> None:
    query = "lattice quantum chromodynamics"
    assert await filled.memory.recall(filled.theo, query, now=NOW, signals=frozenset({"meaning"}))  # always some
    assert await filled.memory.recall(filled.theo, query, now=NOW, min_similarity=0.95) == []
    # What the words found stays first, however far its meaning; the weak matches follow it.
    kept = await filled.memory.recall(filled.theo, f"{query} lapsang", now=NOW, min_similarity=0.95)
    assert kept[0].source_ids == ("t1",) and len(kept) > 1
    assert all(i.score < kept[0].score / 4 for i in kept[1:])


async def test_one_persons_recall_never_returns_anothers_memories(filled: Filled) -> None:
    store, memory = filled.memory.store, filled.memory
    amy = await store.user("amy")
    await memory.import_conversations(amy, [conversation(
        "pets", ("a1", "user", "My beagle Pickles howls at the moon.", "2026-11-15T09:00"))])
    await add_fact(store, filled.theo, "Theodore has a beagle named Pickles.", "pet: Pickles")
    for query in ("Pickles the beagle", "what's my dog called?", "what did we talk about last weekend?"):
        amys = await memory.recall(amy, query, now=NOW)
        assert amys and all(i.source_ids == ("a1",) for i in amys), query
        theos = await memory.recall(filled.theo, query, now=NOW)
        assert all("a1" not in i.source_ids and "moon" not in i.text for i in theos), query


async def test_items_carry_their_imported_source_ids(filled: Filled) -> None:
    store, theo = filled.memory.store, filled.theo
    [pets] = [c.conversation for c in await store.conversations(theo) if c.first_words.startswith("I adopted")]
    source = (await store.messages(pets))[0]
    fact, _ = await add_fact(store, theo, "Theodore adopted a beagle named Pickles.", "pet: Pickles",
                             source_message_id=source.id)
    await filled.memory.remember_facts(theo, [fact])
    found = await filled.memory.recall(theo, "Pickles beagle", now=NOW)
    by_kind = {i.kind: i for i in reversed(found)}  # the best of each kind
    assert by_kind["fact"].source_ids == ("p1",) and by_kind["fact"].id == fact.id
    assert by_kind["message"].source_ids == ("p1",)
    assert found[0].kind == "fact"  # the distilled form first
    assert found[0].as_dict()["source_ids"] == ["p1"]


async def test_superseded_facts_are_not_recalled(filled: Filled) -> None:
    store, theo = filled.memory.store, filled.theo
    la, _ = await add_fact(store, theo, "Theodore lives in Los Angeles.", "home city")
    berlin, _ = await add_fact(store, theo, "Theodore lives in Berlin.", "home city")
    await filled.memory.remember_facts(theo, [la, berlin])
    for signals in (frozenset({"words"}), frozenset({"meaning"}), frozenset({"words", "meaning", "time"})):
        found = await filled.memory.recall(theo, "Where does Theodore live? Los Angeles?", now=NOW,
                                           kinds=frozenset({"fact"}), signals=signals)
        assert la.id not in {i.id for i in found}, signals
    assert [i.id for i in await filled.memory.recall(theo, "Where do I live?", kinds=frozenset({"fact"}))] == [
        berlin.id]
