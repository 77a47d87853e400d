"""Learning facts after the fact: only from the person's own words, dated, superseding, resumable."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from os1.db.state import LEARNED_THROUGH
from os1.db.store import Conversation, NewMessage, Store, User
from os1.memory.embeddings import load_embedder
from os1.memory.facts import facts, topic_history
from os1.memory.learn import catch_up
from os1.memory.memory import Memory
from os1.models.base import Message
from os1.testing import ScriptedModel


@pytest.fixture
async def memory(tmp_path: Path) -> AsyncIterator[Memory]:
    store = await Store.open(tmp_path / "os1.db")
    yield Memory(store, load_embedder("e5"))
    await store.close()


async def person(memory: Memory) -> tuple[User, Conversation]:
    theo = await memory.store.user("Theodore")
    return theo, await memory.store.new_conversation(theo)


def wrote(prompt: list[Message], number: int = 1) -> str:
    """What the learning prompt says the person wrote, in its numbered message."""
    return prompt[-1]["content"].split(f"\n[{number}] ", 1)[1].split(': "', 1)[1]


async def test_facts_are_learned_from_the_persons_messages_only(memory: Memory, scripted: ScriptedModel) -> None:
    theo, conv = await person(memory)
    await memory.store.append(conv, "assistant", "I grew up by the sea and I still dream of lighthouses.")
    await memory.store.append(conv, "user", "My sister Ottilie plays the cello in an orchestra.")
    await memory.store.append(conv, "assistant", "The cello! I adore its low voice on rainy evenings.")
    scripted.enqueue_json({"facts": [{"fact": "Theodore's sister Ottilie plays the cello.", "topic": "sister"}]})
    report = await catch_up(memory, scripted, theo)
    assert (report.messages, report.facts, report.superseded) == (1, 1, 0)
    assert len(scripted.prompts) == 1  # the companion's lines are never read as a source
    assert wrote(scripted.prompts[0]).startswith("My sister Ottilie plays the cello")
    assert [f.text for f in await facts(memory.store, theo)] == ["Theodore's sister Ottilie plays the cello."]


async def test_a_fact_the_person_did_not_say_is_dropped(memory: Memory, scripted: ScriptedModel) -> None:
    theo, conv = await person(memory)
    await memory.store.append(conv, "assistant", "I love the smell of rain on hot stone.")
    await memory.store.append(conv, "user", "I moved to Berlin and my flat has a balcony.")
    scripted.enqueue_json({"facts": [
        {"fact": "Theodore moved to Berlin.", "topic": "home city"},
        {"fact": "Theodore likes the sound of cities at night.", "topic": "likes: city sounds"},  # the persona's
        {"fact": "Theodore loves the smell of rain on hot stone.", "topic": "likes: rain"},  # the companion's line
        {"fact": "Does Theodore enjoy Berlin?", "topic": "home city"},  # a question, not a fact
    ]})
    report = await catch_up(memory, scripted, theo)
    assert [f.text for f in await facts(memory.store, theo)] == ["Theodore moved to Berlin."]
    assert report.facts == 1
    context = scripted.prompts[0][-1]["content"]
    assert "rain on hot stone" in context and "not a source" in context  # shown, but only as context


async def test_moving_supersedes_the_old_home_and_recall_gives_the_new_one(memory: Memory,
                                                                          scripted: ScriptedModel) -> None:
    theo, conv = await person(memory)
    await memory.store.append(conv, "user", "I live in LA these days, near the beach.")
    await memory.store.append(await memory.store.new_conversation(theo), "user", "I moved to Berlin for the new job.")
    scripted.enqueue_json({"facts": [{"fact": "Theodore lives in LA.", "topic": "home city", "from": 1}]})
    scripted.enqueue_json({"facts": [{"fact": "Theodore moved to Berlin.", "topic": "Home City", "from": 1}]})
    report = await catch_up(memory, scripted, theo)
    assert (report.facts, report.superseded) == (2, 1)
    la, berlin = await topic_history(memory.store, theo, "home city")
    assert la.superseded_by == berlin.id and berlin.active
    found = await memory.recall(theo, "Where do I live now? LA or Berlin?", kinds=frozenset({"fact"}))
    assert [i.text for i in found] == ["Theodore moved to Berlin."]


async def test_relative_dates_are_resolved_before_the_model_reads_them(memory: Memory,
                                                                       scripted: ScriptedModel) -> None:
    theo, conv = await person(memory)
    said = "2026-11-18T12:00:00.000+00:00"  # a Wednesday: last Sunday is the 15th
    await memory.store.append_many(conv, [NewMessage("user", "I ran my first 10k last Sunday!", created_at=said)])
    scripted.enqueue_json({"facts": [{"fact": "Theodore ran his first 10k on 2026-11-15.", "topic": "running"}]})
    await catch_up(memory, scripted, theo)
    assert wrote(scripted.prompts[0]).startswith("I ran my first 10k last Sunday (Sun 15 Nov 2026)!")
    assert "[1] Wednesday 2026-11-18: " in scripted.prompts[0][-1]["content"]
    [fact] = await facts(memory.store, theo)
    assert fact.happened_on == "2026-11-15" and fact.created_at == said
    assert fact.text == "Theodore ran his first 10k on 15 November 2026."  # a date as people write it


async def test_what_was_read_is_not_read_again(memory: Memory, scripted: ScriptedModel) -> None:
    theo, conv = await person(memory)
    last = await memory.store.append(conv, "user", "My cat Mochi sleeps on my keyboard.")
    scripted.enqueue_json({"facts": [{"fact": "Theodore has a cat named Mochi.", "topic": "cat's name"}]})
    await catch_up(memory, scripted, theo)
    assert await memory.store.get_state(theo, LEARNED_THROUGH.key()) == str(last.id)
    again = await catch_up(memory, scripted, theo)
    assert (again.messages, again.facts) == (0, 0)
    assert len(scripted.prompts) == 1


async def test_learning_stops_when_asked_and_resumes_later(memory: Memory, scripted: ScriptedModel) -> None:
    theo, conv = await person(memory)
    first = await memory.store.append(conv, "user", "My brother Felix is a pilot for a small airline.")
    later = await memory.store.new_conversation(theo)  # another conversation: read in a call of its own
    await memory.store.append(later, "user", "I'm learning to play the banjo these days.")
    scripted.enqueue_json({"facts": [{"fact": "Theodore's brother Felix is a pilot.", "topic": "brother"}]})
    scripted.enqueue_json({"facts": [{"fact": "Theodore is learning the banjo.", "topic": "hobby: banjo"}]})
    stopped = await catch_up(memory, scripted, theo, should_stop=lambda: len(scripted.prompts) >= 1)
    assert (stopped.messages, stopped.facts) == (1, 1)
    assert await memory.store.get_state(theo, LEARNED_THROUGH.key()) == str(first.id)
    resumed = await catch_up(memory, scripted, theo)
    assert (resumed.messages, resumed.facts) == (1, 1)
    assert len(scripted.prompts) == 2 and wrote(scripted.prompts[1]).startswith("I'm learning to play the banjo")
    assert {f.topic for f in await facts(memory.store, theo)} == {"brother", "hobby: banjo"}


async def test_short_messages_never_reach_the_model(memory: Memory, scripted: ScriptedModel) -> None:
    theo, conv = await person(memory)
    for text in ("ok thanks", "haha yes", "what's the weather like today?"):
        await memory.store.append(conv, "user", text)
    report = await catch_up(memory, scripted, theo)  # nothing queued: a model call would fail
    assert report.messages == 3 and report.facts == 0
    assert scripted.prompts == []


async def test_an_import_is_read_several_messages_at_a_time(memory: Memory, scripted: ScriptedModel) -> None:
    theo, conv = await person(memory)
    sister = await memory.store.append(conv, "user", "My sister Ana lives in Porto with her husband.")
    await memory.store.append(conv, "assistant", "Porto! Do you visit her often?")
    baby = await memory.store.append(conv, "user", "Ana just had a baby girl, they called her Lia.")
    scripted.enqueue_json({"facts": [
        {"fact": "Theodore's sister Ana lives in Porto.", "topic": "sister: Ana", "from": 1},
        {"fact": "Ana had a baby girl named Lia.", "topic": "Ana: baby", "from": 2},
        {"fact": "Ana's husband is called Lia.", "topic": "Ana: husband", "from": 1},  # not in message 1
    ]})
    report = await catch_up(memory, scripted, theo)
    assert len(scripted.prompts) == 1 and wrote(scripted.prompts[0], 2).startswith("Ana just had a baby girl")
    assert report.facts == 2
    sources = {f.text: f.source_message_id for f in await facts(memory.store, theo)}
    assert sources == {"Theodore's sister Ana lives in Porto.": sister.id, "Ana had a baby girl named Lia.": baby.id}


async def test_what_only_looks_like_a_fact_is_never_kept(memory: Memory, scripted: ScriptedModel) -> None:
    holdout = await memory.store.user("holdout")
    conv = await memory.store.new_conversation(holdout)
    await memory.store.append(conv, "user", "Hi, I'm holdout. My brother Tomás is visiting, I'm so happy.")
    scripted.enqueue_json({"facts": [
        {"fact": "holdout is holdout.", "topic": "name"},  # the person's own name as a fact about them
        {"fact": "holdout's name is holdout.", "topic": "user name"},
        {"fact": "holdout's brother is called holdout.", "topic": "brother"},  # the login name is no relative's
        {"fact": "holdout's brother Tomás is visiting.", "topic": "brother: Tomás"},
    ]})
    report = await catch_up(memory, scripted, holdout)
    assert [f.text for f in await facts(memory.store, holdout)] == ["holdout's brother Tomás is visiting."]
    assert report.facts == 1


async def test_imported_history_is_learned_by_rule_without_the_model(memory: Memory, scripted: ScriptedModel) -> None:
    from os1.db.store import NewMessage

    maria = await memory.store.user("Maria")
    conv = await memory.store.new_conversation(maria)
    imported = {"imported": "jsonl"}
    await memory.store.append_many(conv, [
        NewMessage("user", "I live in Leeds, near Hyde Park.", created_at="2026-09-06T19:00:00.000+00:00",
                   meta=imported),
        NewMessage("assistant", "Lovely!", created_at="2026-09-06T19:01:00.000+00:00", meta=imported),
        NewMessage("user", "We moved to Bristol last weekend, boxes everywhere.",
                   created_at="2026-11-22T19:00:00.000+00:00", meta=imported),
        NewMessage("user", "haha yes", created_at="2026-11-22T19:02:00.000+00:00", meta=imported)])
    seen: list[tuple[int, int]] = []
    report = await catch_up(memory, scripted, maria, progress=lambda done, total: seen.append((done, total)))
    assert scripted.prompts == []  # nothing queued: a model call would have failed
    assert (report.messages, report.facts, report.superseded) == (3, 2, 1)
    moved = "Maria moved to Bristol the weekend of 14-15 Nov 2026."
    assert [f.text for f in await facts(memory.store, maria)] == [moved]
    assert seen[-1] == (3, 3)
    found = await memory.recall(maria, "Where do I live now?", kinds=frozenset({"fact"}))
    assert [i.text for i in found] == [moved]


async def test_a_fact_copied_in_the_first_person_is_kept_as_a_note_about_the_person(
        memory: Memory, scripted: ScriptedModel) -> None:
    holdout = await memory.store.user("holdout")
    conv = await memory.store.new_conversation(holdout)
    await memory.store.append(conv, "user", "I cancelled the Lisbon half marathon, my knee just isn't up for it.")
    await memory.store.append(conv, "user", "We got a puppy! We named him Rex.")
    scripted.enqueue_json({"facts": [
        {"fact": "I cancelled the Lisbon half marathon, my knee just isn't up for it.", "topic": "race", "from": 1},
        {"fact": "holdout got a puppy! We named him Rex.", "topic": "pet: Rex", "from": 2}]})
    await catch_up(memory, scripted, holdout)
    assert sorted(f.text for f in await facts(memory.store, holdout)) == [
        "holdout got a puppy! They named him Rex.",
        "holdout said they cancelled the Lisbon half marathon, their knee just isn't up for it."]


async def test_a_facts_relative_time_is_resolved_as_of_its_message(memory: Memory, scripted: ScriptedModel) -> None:
    holdout = await memory.store.user("holdout")
    conv = await memory.store.new_conversation(holdout)
    await memory.store.append_many(conv, [NewMessage("user", "We moved to Bristol last weekend, boxes everywhere.",
                                                     created_at="2026-11-22T19:00:00.000+00:00")])
    scripted.enqueue_json({"facts": [{"fact": "holdout moved to Bristol last weekend.", "topic": "home city"}]})
    await catch_up(memory, scripted, holdout)
    [fact] = await facts(memory.store, holdout)
    assert fact.text == "holdout moved to Bristol the weekend of 14-15 Nov 2026."  # never "last weekend", months on
