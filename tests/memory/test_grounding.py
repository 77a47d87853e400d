"""Grounding: what recall found, made ready for the prompt, and what the person never told said plainly."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from os1.db.store import NewMessage, Store, User
from os1.memory.facts import add_fact
from os1.memory.grounding import asked_about, asks_to_recall, ground, mentions
from os1.memory.learn import Candidate, keep


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "os1.db")
    yield opened
    await opened.close()


def item(message_id: int, text: str, time: str = "2026-11-03T19:00:00.000+00:00") -> dict[str, object]:
    return {"kind": "message", "id": message_id, "text": text, "time": time, "role": "user", "source_ids": [],
            "score": 0.1, "conversation_id": 1}


@pytest.mark.parametrize(("question", "asks"), [
    ("What's my mother's name?", True),
    ("What's my brother called?", True),
    ("Where do I live now?", True),
    ("What hobby am I doing these days?", True),
    ("Do you remember what instrument my sister plays?", True),
    ("What colour is our car?", True),
    ("What should I cook tonight?", False),
    ("Can you tell me a fun fact?", False),
    ("Remind me to call my mum tomorrow", False),
    ("How are you?", False),
    ("I love my new flat.", False),
])
def test_questions_that_ask_the_companion_to_remember(question: str, asks: bool) -> None:
    assert asks_to_recall(question) is asks


def test_what_a_question_asks_about() -> None:
    assert asked_about("What's my mother's name?", "Maria") == ["mother"]
    assert asked_about("What's my brother called?", "Maria") == ["brother"]
    assert asked_about("What colour is our car?", "Maria") == ["colour", "car"]


async def test_a_never_told_parent_is_never_answered_with_a_neighbouring_memory(store: Store) -> None:
    maria = await store.user("Maria")
    rex = item(7, "We got a puppy! We named him Rex.")
    grounded = await ground(store, maria, "What's my mother's name?", [rex])
    assert grounded.unknown == "mother" and grounded.recalled == []
    assert grounded.meta() == {"recalled": [], "grounding": {"person": "Maria", "unknown": "mother"}}


async def test_what_was_told_in_kindred_words_is_known(store: Store) -> None:
    maria = await store.user("Maria")
    grounded = await ground(store, maria, "What's my mother's name?", [item(3, "My mum Sue is visiting.")])
    assert grounded.unknown is None and [i["id"] for i in grounded.recalled] == [3]


async def test_what_the_companion_knows_or_heard_in_this_conversation_is_not_unknown(store: Store) -> None:
    maria = await store.user("Maria")
    await add_fact(store, maria, "Maria's brother is called Tomás.", "brother: Tomás")
    assert (await ground(store, maria, "What's my brother called?", [])).unknown is None
    conv = await store.new_conversation(maria)
    said = await store.append(conv, "user", "My grandma Rosa turns ninety on Friday.")
    asked = await store.append(conv, "user", "What's my grandmother's name again?")
    assert (await ground(store, maria, asked.content, [], conv.id, asked.id)).unknown is None
    assert said.id < asked.id
    assert (await ground(store, maria, "Who is my dentist?", [])).unknown == "dentist"


async def test_broad_questions_keep_what_recall_found(store: Store) -> None:
    maria = await store.user("Maria")
    pottery = item(4, "I've started pottery classes on Wednesdays.")
    grounded = await ground(store, maria, "What hobby am I doing these days?", [pottery])
    assert grounded.unknown is None and grounded.recalled[0]["id"] == 4
    assert (await ground(store, maria, "What hobby am I doing these days?", [])).unknown == "hobby"


async def test_recalled_messages_carry_their_dates_as_data_and_what_changed_since(store: Store) -> None:
    maria = await store.user("Maria")
    conv = await store.new_conversation(maria)
    leeds, bristol = await store.append_many(conv, [
        NewMessage("user", "I live in Leeds, near the park.", created_at="2026-09-06T19:00:00.000+00:00"),
        NewMessage("user", "We moved to Bristol last weekend!", created_at="2026-11-22T19:00:00.000+00:00")])
    await keep(store, maria, [Candidate("Maria lives in Leeds.", "home city", leeds),
                              Candidate("Maria moved to Bristol.", "home city", bristol)])
    grounded = await ground(store, maria, "Where do I live now?",
                            [item(leeds.id, leeds.content, leeds.created_at),
                             item(bristol.id, bristol.content, bristol.created_at)])
    old, new = grounded.recalled
    assert old["changed"]["text"] == "Maria moved to Bristol." and "changed" not in new
    assert [(d["phrase"], d["start"][:10]) for d in new["dates"]] == [("last weekend", "2026-11-14")]
    assert old["dates"] == []


async def test_a_person_without_memories_asking_about_themselves(store: Store) -> None:
    nobody: User = await store.user("Theo")
    grounded = await ground(store, nobody, "What's my dog called?", [])
    assert grounded.unknown == "dog"


async def test_a_question_about_a_kind_of_thing_gets_the_facts_on_it(store: Store) -> None:
    maria = await store.user("Maria")
    await add_fact(store, maria, "Maria started climbing.", "hobby: climbing", created_at="2026-09-20T19:00:00+00:00")
    await add_fact(store, maria, "Maria has started pottery classes.", "hobby: pottery",
                   created_at="2026-11-27T19:00:00+00:00")
    await add_fact(store, maria, "Maria's car is a green Skoda.", "car", created_at="2026-09-22T19:00:00+00:00")
    grounded = await ground(store, maria, "What hobby am I doing these days?", [])
    assert [i["text"] for i in grounded.recalled] == ["Maria has started pottery classes.", "Maria started climbing."]
    assert grounded.unknown is None


async def test_having_asked_before_tells_nothing(store: Store) -> None:
    maria = await store.user("Maria")
    asked = item(5, "What's my mother's name?")
    grounded = await ground(store, maria, "What's my mother's name?", [asked])
    assert grounded.unknown == "mother"
    told = item(6, "My mum Sue is visiting, what should I cook?")
    assert (await ground(store, maria, "What's my mother's name?", [asked, told])).unknown is None


def test_a_pet_told_by_its_breed_is_a_pet() -> None:
    assert mentions("I adopted a beagle last week and we named him Pickles.", ["dog"])
