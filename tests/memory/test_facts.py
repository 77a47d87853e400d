"""Facts: one true statement per topic (the older ones kept as history), per person, gone with their source."""

import sqlite3
from pathlib import Path

from os1.db.store import Store
from os1.memory.embeddings import load_embedder
from os1.memory.facts import add_fact, facts, normalize_topic, search_facts, topic_history
from os1.memory.memory import Memory


async def test_a_new_fact_on_the_same_topic_supersedes_the_old_one(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "os1.db")
    theo = await store.user("theodore")
    la, replaced = await add_fact(store, theo, "Theodore lives in Los Angeles.", "home city")
    assert replaced == []
    berlin, replaced = await add_fact(store, theo, "Theodore moved to Berlin.", "home city")
    assert [f.id for f in replaced] == [la.id]
    assert [f.text for f in await facts(store, theo)] == ["Theodore moved to Berlin."]
    history = await topic_history(store, theo, "home city")
    assert [f.text for f in history] == ["Theodore lives in Los Angeles.", "Theodore moved to Berlin."]
    old = history[0]
    assert old.superseded_by == berlin.id and old.superseded_at is not None and not old.active
    assert berlin.active and history[1].superseded_by is None
    everything = await facts(store, theo, include_superseded=True)
    assert {f.id for f in everything} == {la.id, berlin.id}
    await store.close()


async def test_the_same_statement_twice_is_kept_once(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "os1.db")
    theo = await store.user("theodore")
    first, _ = await add_fact(store, theo, "Theodore has a beagle named Pickles.", "dog's name")
    again, replaced = await add_fact(store, theo, "theodore has a beagle named Pickles", "Dog's name")
    assert again.id == first.id and replaced == []
    assert len(await facts(store, theo, include_superseded=True)) == 1
    await store.close()


async def test_topics_are_normalised(tmp_path: Path) -> None:
    assert normalize_topic("My Home City") == normalize_topic("home city") == "home city"
    assert normalize_topic("  The   user's Job!") == "job"
    store = await Store.open(tmp_path / "os1.db")
    theo = await store.user("theodore")
    await add_fact(store, theo, "Theodore lives in Los Angeles.", "My Home City")
    await add_fact(store, theo, "Theodore lives in Berlin.", "home city")
    assert [f.text for f in await facts(store, theo)] == ["Theodore lives in Berlin."]
    assert len(await topic_history(store, theo, "HOME CITY")) == 2
    await store.close()


async def test_another_persons_facts_are_never_returned(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "os1.db")
    theo, amy = await store.user("theodore"), await store.user("amy")
    await add_fact(store, amy, "Amy lives in Oslo.", "home city")
    mine, replaced = await add_fact(store, theo, "Theodore lives in Oslo.", "home city")
    assert replaced == []  # her fact on the same topic is not his to supersede
    assert [f.text for f in await facts(store, theo)] == ["Theodore lives in Oslo."]
    assert [f.id for f in await topic_history(store, theo, "home city")] == [mine.id]
    assert [f.text for f in await search_facts(store, theo, "Oslo")] == ["Theodore lives in Oslo."]
    assert [f.text for f in await facts(store, amy)] == ["Amy lives in Oslo."]
    await store.close()


async def test_forgetting_the_source_message_deletes_the_fact_its_vector_and_index_entry(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "os1.db")
    memory = Memory(store, load_embedder("e5"))
    theo = await store.user("theodore")
    conv = await store.new_conversation(theo)
    source = await store.append(conv, "user", "My dog is a beagle called Pickles.")
    other = await store.append(conv, "user", "I work as a letter writer.")
    fact, _ = await add_fact(store, theo, "Theodore has a beagle called Pickles.", "dog's name",
                             source_message_id=source.id)
    kept, _ = await add_fact(store, theo, "Theodore writes letters for a living.", "job", source_message_id=other.id)
    await memory.remember(theo, [source, other])
    await memory.remember_facts(theo, [fact, kept])
    assert await store.forget(theo, [source.id]) == 1
    assert [f.id for f in await facts(store, theo, include_superseded=True)] == [kept.id]
    await store.close()

    db = sqlite3.connect(tmp_path / "os1.db")
    assert db.execute("SELECT count(*) FROM facts WHERE id = ?", (fact.id,)).fetchone()[0] == 0
    assert db.execute("SELECT kind, item_id FROM vectors ORDER BY kind, item_id").fetchall() == [
        ("fact", kept.id), ("message", other.id)]
    assert db.execute("SELECT rowid FROM facts_fts WHERE facts_fts MATCH 'pickles'").fetchall() == []
    assert db.execute("SELECT rowid FROM facts_fts WHERE facts_fts MATCH 'letters'").fetchall() == [(kept.id,)]
    db.execute("INSERT INTO facts_fts(facts_fts) VALUES ('integrity-check')")  # index and table agree
    db.execute("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')")
    db.close()


async def test_facts_and_summaries_are_matched_only_among_their_persons(tmp_path: Path) -> None:
    """Their word indexes carry an owner token, as messages' do: another person's many "harbour" facts neither
    come back nor crowd out this person's one."""
    from os1.db import store as store_module
    from os1.memory.summaries import add_summary, search_summaries

    store = await Store.open(tmp_path / "os1.db")
    theo, amy = await store.user("theodore"), await store.user("amy")
    for n in range(30):
        await add_fact(store, amy, f"Amy's boat number {n} is moored in the harbour.", f"boat {n}")
    mine, _ = await add_fact(store, theo, "Theodore works at the harbour office.", "work place")
    assert [f.id for f in await search_facts(store, theo, "harbour work")] == [mine.id]
    match = store_module.bounded_match(store._conn(), "facts_fts", "harbour moored", theo, "text")
    assert match.startswith(f'owner : "p{theo.id}" AND text : (')
    theirs = await store.new_conversation(amy)
    first = await store.append(theirs, "user", "hello")
    await add_summary(store, amy, theirs, "Amy talked about her boats in the harbour.", [first])
    assert await search_summaries(store, theo, "boats harbour") == []
    assert [s.text for s in await search_summaries(store, amy, "boats harbour")] == [
        "Amy talked about her boats in the harbour."]
    await store.delete_user(amy)
    for index in ("facts_fts", "summaries_fts"):
        store._conn().execute(f"INSERT INTO {index}({index}) VALUES ('integrity-check')")
    await store.close()
