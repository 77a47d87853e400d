"""The newest fact wins: moves, new jobs and cancellations replace what they make untrue, whatever words the
model chose for the topic and in whatever order history was learned; the old facts stay for the record."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from os1.db.store import NewMessage, Store, StoredMessage, User
from os1.memory.facts import facts
from os1.memory.learn import Candidate, keep


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "os1.db")
    yield opened
    await opened.close()


async def told(store: Store, user: User, text: str, when: str) -> StoredMessage:
    conv = await store.new_conversation(user)
    [message] = await store.append_many(conv, [NewMessage("user", text, created_at=when)])
    return message


async def learn(store: Store, user: User, *found: tuple[str, str, StoredMessage]) -> None:
    await keep(store, user, [Candidate(text, topic, source) for text, topic, source in found])


async def current(store: Store, user: User) -> list[str]:
    return sorted(f.text for f in await facts(store, user))


async def test_a_move_replaces_the_old_home_whatever_the_topic_was_called(store: Store) -> None:
    maria = await store.user("Maria")
    leeds = await told(store, maria, "I live in Leeds.", "2026-09-06T19:00:00.000+00:00")
    bristol = await told(store, maria, "We moved to Bristol last weekend.", "2026-11-22T19:00:00.000+00:00")
    await learn(store, maria, ("Maria lives in Leeds.", "residence", leeds),
                ("Maria moved to Bristol.", "location: Bristol", bristol))
    assert await current(store, maria) == ["Maria moved to Bristol."]
    everything = await facts(store, maria, include_superseded=True)
    assert {f.text: f.active for f in everything} == {"Maria lives in Leeds.": False, "Maria moved to Bristol.": True}


async def test_a_new_job_replaces_the_old_one_and_a_friends_job_stays_theirs(store: Store) -> None:
    maria = await store.user("Maria")
    cafe = await told(store, maria, "I work as a barista at Café Lune.", "2026-09-06T19:00:00.000+00:00")
    amy = await told(store, maria, "My friend Amy works at the bank.", "2026-10-01T19:00:00.000+00:00")
    studio = await told(store, maria, "I got a new job at Northwind!", "2026-11-01T19:00:00.000+00:00")
    await learn(store, maria, ("Maria works as a barista at Café Lune.", "occupation", cafe),
                ("Amy works at the bank.", "Amy: job", amy),
                ("Maria has a new job as a designer at Northwind Studio.", "employment", studio))
    assert await current(store, maria) == ["Amy works at the bank.",
                                           "Maria has a new job as a designer at Northwind Studio."]


async def test_a_cancellation_replaces_the_plan_it_calls_off(store: Store) -> None:
    maria = await store.user("Maria")
    signed = await told(store, maria, "I signed up for the Lisbon half marathon!", "2026-10-01T19:00:00.000+00:00")
    sister = await told(store, maria, "My sister runs a marathon every year.", "2026-10-02T19:00:00.000+00:00")
    off = await told(store, maria, "I pulled out of the Lisbon race, my knee.", "2026-11-17T19:00:00.000+00:00")
    await learn(store, maria, ("Maria signed up for the Lisbon half marathon in March 2027.", "race: Lisbon", signed),
                ("Maria's sister runs a marathon every year.", "sister: running", sister),
                ("Maria pulled out of the Lisbon race because of her knee.", "plans: Lisbon race", off))
    assert await current(store, maria) == ["Maria pulled out of the Lisbon race because of her knee.",
                                           "Maria's sister runs a marathon every year."]


async def test_a_second_hobby_or_friend_does_not_push_out_the_first(store: Store) -> None:
    maria = await store.user("Maria")
    one = await told(store, maria, "I started climbing.", "2026-10-01T19:00:00.000+00:00")
    two = await told(store, maria, "I started pottery classes.", "2026-11-01T19:00:00.000+00:00")
    three = await told(store, maria, "My friend Priya got engaged.", "2026-11-02T19:00:00.000+00:00")
    four = await told(store, maria, "My friend Sam moved to Leeds.", "2026-11-03T19:00:00.000+00:00")
    await learn(store, maria, ("Maria started climbing.", "hobby: climbing", one),
                ("Maria started pottery classes.", "hobby: pottery", two),
                ("Maria's friend Priya got engaged.", "friend", three),
                ("Maria's friend Sam moved to Leeds.", "friend", four))
    assert len(await current(store, maria)) == 4


async def test_history_learned_out_of_order_leaves_the_newer_fact_standing(store: Store) -> None:
    maria = await store.user("Maria")
    newer = await told(store, maria, "We moved to Bristol.", "2026-11-22T19:00:00.000+00:00")
    older = await told(store, maria, "I live in Leeds.", "2026-09-06T19:00:00.000+00:00")  # imported afterwards
    await learn(store, maria, ("Maria moved to Bristol.", "home city", newer))
    await learn(store, maria, ("Maria lives in Leeds.", "home city", older))
    assert await current(store, maria) == ["Maria moved to Bristol."]
    assert len(await facts(store, maria, include_superseded=True)) == 2


async def test_many_things_are_true_of_one_person_at_once(store: Store) -> None:
    maria = await store.user("Maria")
    porto = await told(store, maria, "My sister Ana lives in Porto.", "2026-10-01T19:00:00.000+00:00")
    doctor = await told(store, maria, "Ana is a doctor now.", "2026-11-01T19:00:00.000+00:00")
    await learn(store, maria, ("Maria's sister Ana lives in Porto.", "sister: Ana", porto),
                ("Maria's sister Ana is a doctor.", "sister: Ana", doctor))
    assert len(await current(store, maria)) == 2


async def test_a_newer_fact_on_one_thing_replaces_the_older(store: Store) -> None:
    maria = await store.user("Maria")
    one = await told(store, maria, "Trip to Rome is in May.", "2026-10-01T19:00:00.000+00:00")
    two = await told(store, maria, "Rome trip moved to June.", "2026-11-01T19:00:00.000+00:00")
    await learn(store, maria, ("Maria's trip to Rome is in May 2027.", "trip: Rome", one),
                ("Maria's trip to Rome is in June 2027.", "trip: Rome", two))
    assert await current(store, maria) == ["Maria's trip to Rome is in June 2027."]


def test_the_topic_of_a_fact_about_the_person_is_brought_to_its_slot() -> None:
    from os1.memory.topics import canonical_topic

    assert canonical_topic("residence", "Maria lives in Leeds.", "Maria") == "home city"
    assert canonical_topic("Moving", "Maria moved to Bristol.", "Maria") == "home city"
    assert canonical_topic("misc", "Maria works as a nurse at St James.", "Maria") == "job"
    assert canonical_topic("workplace", "Maria's workplace is Northwind Studio.", "Maria") == "job"
    assert canonical_topic("boyfriend", "Maria's boyfriend is Tom.", "Maria") == "partner"
    assert canonical_topic("husband: Tom", "Maria's husband Tom is a chef.", "Maria") == "husband: tom"
    assert canonical_topic("brother: home", "Maria's brother Tomás lives in Leeds.", "Maria") == "brother: home"
    assert canonical_topic("Amy: job", "Amy works at the bank.", "Maria") == "amy: job"
    assert canonical_topic("plan: move", "Maria is moving to Bristol in December.", "Maria") == "plan: move"
    assert canonical_topic("former job", "Maria left her job at Café Lune.", "Maria") == "former job"


async def test_leaving_one_job_ends_that_job_and_not_the_new_one(store: Store) -> None:
    maria = await store.user("Maria")
    cafe = await told(store, maria, "I work as a barista at Café Lune.", "2026-09-06T19:00:00.000+00:00")
    studio = await told(store, maria, "I got a new job at Northwind! Handed in my notice at Café Lune.",
                        "2026-10-26T19:00:00.000+00:00")
    await learn(store, maria, ("Maria works as a barista at Café Lune.", "job", cafe),
                ("Maria has a new job as a designer at Northwind Studio.", "job", studio),
                ("Maria left their job at Café Lune.", "former job: Café Lune", studio))
    assert await current(store, maria) == ["Maria has a new job as a designer at Northwind Studio.",
                                           "Maria left their job at Café Lune."]


async def test_an_everyday_left_or_stopped_ends_nothing(store: Store) -> None:
    maria = await store.user("Maria")
    job = await told(store, maria, "I work as a nurse, my work is tiring.", "2026-09-06T19:00:00.000+00:00")
    early = await told(store, maria, "I left work early today.", "2026-10-26T19:00:00.000+00:00")
    await learn(store, maria, ("Maria's work as a nurse is tiring.", "job", job),
                ("Maria left work early today.", "work: today", early))
    assert len(await current(store, maria)) == 2
