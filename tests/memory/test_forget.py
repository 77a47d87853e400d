"""Forget leaves no trace: not in any table, index, copy or free page of the database file."""

import json
import sqlite3
from pathlib import Path

from os1.db.store import Store, User
from os1.memory.embeddings import load_embedder
from os1.memory.facts import add_fact, facts
from os1.memory.journal import entries, write_entry
from os1.memory.memory import Memory
from os1.memory.profile import profile, set_blocks
from os1.memory.summaries import add_summary, summaries

NAME = "Quetzalcoatl-Brennan"


async def fill(memory: Memory, person: User) -> dict[str, int]:
    """A person's memory in which NAME is everywhere memory can hold it."""
    store = memory.store
    conv = await store.new_conversation(person)
    said = await store.append(conv, "user", f"My ex {NAME} still has my jazz records.")
    reply = await store.append(conv, "assistant", f"{NAME} should give them back.")
    await store.append(conv, "user", "Anyway, my sister Ottilie is visiting next week.")
    await store.append(conv, "assistant", "How lovely, you must be excited.")
    sister, _ = await add_fact(store, person, f"{person.name}'s sister is Ottilie.", "sister")
    for n in range(5):  # so that the fact's id is no forgotten message's id
        await add_fact(store, person, f"{person.name} owns {n + 2} cats.", f"cats {n}")
    fact, _ = await add_fact(store, person, f"{person.name}'s ex {NAME} has his jazz records.", "ex",
                             source_message_id=said.id)
    summary = await add_summary(store, person, conv, f"They talked about {NAME} and the records.", [said, reply])
    await set_blocks(store, person, {"people": f"An ex, {NAME}. A sister, Ottilie.", "cares": "Jazz records."})
    await write_entry(store, person, f"I keep thinking of {NAME}. I like Ottilie.", f"Did {NAME} return them?")
    later_conv = await store.new_conversation(person)
    later = await store.append(later_conv, "user", "Tell me something nice.")
    # What a turn keeps of what it recalled: copies of the message and of the fact.
    await store.update_meta(later, {"recalled": [
        {"kind": "message", "id": said.id, "text": said.content, "role": "user"},
        {"kind": "fact", "id": fact.id, "text": fact.text, "role": None}]})
    # The note on the person that a conversation's system prompt was built from.
    await store.set_state(person, f"person_note:{later_conv.id}", f"What you know: - {fact.text}")
    await memory.remember(person, [said, reply])
    await memory.remember_facts(person, [fact, sister])
    return {"said": said.id, "fact": fact.id, "summary": summary.id, "later": later.id, "sister": sister.id}


async def everything(store: Store, person: User) -> tuple[object, ...]:
    return (await facts(store, person, include_superseded=True), await summaries(store, person),
            await profile(store, person), await entries(store, person))


def all_bytes(folder: Path) -> bytes:
    """Every byte of the database and whatever SQLite left beside it (-wal, -shm)."""
    return b"".join(p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name.startswith("os1.db"))


async def test_forget_leaves_no_trace_in_the_file(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "os1.db")
    memory = Memory(store, load_embedder("e5"))
    theo = await store.user("theodore")
    ids = await fill(memory, theo)
    assert NAME.encode() in all_bytes(tmp_path)

    plan = await memory.plan_forget(theo, NAME)
    assert {i.id for i in plan.messages} >= {ids["said"]}
    assert [i.id for i in plan.facts] == [ids["fact"]] and [i.id for i in plan.summaries] == [ids["summary"]]
    await memory.forget(theo, plan)

    assert all("Quetzalcoatl" not in i.text for i in await memory.recall(theo, NAME))
    assert ids["sister"] in [f.id for f in await facts(store, theo, include_superseded=True)]
    assert ids["fact"] not in [f.id for f in await facts(store, theo, include_superseded=True)]
    assert await summaries(store, theo) == []
    assert await profile(store, theo) == {"people": "A sister, Ottilie.", "cares": "Jazz records."}
    [entry] = await entries(store, theo)
    assert (entry.text, entry.ask_next) == ("I like Ottilie.", "")
    await store.close()

    data = all_bytes(tmp_path)
    for trace in (NAME, "Quetzalcoatl", "Brennan"):
        assert trace.encode() not in data and trace.lower().encode() not in data, trace
    assert b"Ottilie" in data  # the rest is still there
    db = sqlite3.connect(tmp_path / "os1.db")
    [meta] = db.execute("SELECT meta FROM messages WHERE id = ?", (ids["later"],)).fetchone()
    assert json.loads(meta) == {"recalled": []}
    for index in ("messages_fts", "facts_fts", "summaries_fts"):
        db.execute(f"INSERT INTO {index}({index}) VALUES ('integrity-check')")
    db.close()


async def test_forget_never_touches_another_persons_memories(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "os1.db")
    memory = Memory(store, load_embedder("e5"))
    theo, amy = await store.user("theodore"), await store.user("amy")
    await fill(memory, theo)
    hers = await fill(memory, amy)
    before = await everything(store, amy)

    await memory.forget(theo, await memory.plan_forget(theo, NAME))

    assert await everything(store, amy) == before
    assert (await store.message(amy, hers["said"])).content == f"My ex {NAME} still has my jazz records."
    assert len((await store.message(amy, hers["later"])).meta["recalled"]) == 2
    notes = await store.read("SELECT value FROM companion_state WHERE user_id = ? AND key GLOB 'person_note:*'",
                             (amy.id,))
    assert [NAME in str(note) for (note,) in notes] == [True]
    found = await memory.recall(amy, NAME)
    assert {i.kind for i in found} == {"message", "fact", "summary"}
    assert all("Quetzalcoatl" not in i.text for i in await memory.recall(theo, NAME))
    await store.close()


async def test_a_recalled_copy_is_known_by_its_kind_as_well_as_its_id(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "os1.db")
    theo = await store.user("theodore")
    conv = await store.new_conversation(theo)
    secret = await store.append(conv, "user", f"{NAME} called again.")
    kept, _ = await add_fact(store, theo, "Theodore's sister is Ottilie.", "sister")
    assert kept.id == secret.id  # a fact and a message may share an id
    later = await store.append(conv, "user", "Tell me something nice.")
    await store.update_meta(later, {"recalled": [{"kind": "message", "id": secret.id, "text": secret.content},
                                                 {"kind": "fact", "id": kept.id, "text": kept.text}]})
    await store.forget(theo, [secret.id])
    assert (await store.message(theo, later.id)).meta["recalled"] == [
        {"kind": "fact", "id": kept.id, "text": kept.text}]
    await store.close()


async def test_forgetting_a_short_word_keeps_sentences_with_longer_words_that_begin_with_it(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "os1.db")
    memory = Memory(store, None)
    theo = await store.user("theodore")
    await store.append(await store.new_conversation(theo), "user", "My ex took the records.")
    await set_blocks(store, theo, {"people": "His ex's name is Catherine. He is excited about Berlin.",
                                   "cares": "Collecting records. He recorded an album."})
    await memory.forget(theo, await memory.plan_forget(theo, "my ex"))
    assert (await profile(store, theo))["people"] == "He is excited about Berlin."
    await memory.forget(theo, await memory.plan_forget(theo, "record"))
    assert "cares" not in await profile(store, theo)  # a longer word takes its other forms with it
    await store.close()
