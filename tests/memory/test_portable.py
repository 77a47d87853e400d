"""Export and restore: everything about a person out as one document, and back in, ids apart; all or nothing."""

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from os1.memory.facts import add_fact
from os1.memory.journal import write_entry
from os1.memory.learn import LEARNED_THROUGH
from os1.memory.portable import RestoreError, export_person, restore_person
from os1.memory.profile import set_blocks
from os1.memory.store import Store, User
from os1.memory.summaries import add_summary

NAME_KEY = "persona:os1:name"  # the name the companion chose for itself with this person


async def fill(store: Store, person: User) -> None:
    """Some of everything an export holds."""
    first = await store.new_conversation(person, "An evening")
    sister = await store.append(first, "user", "My sister Ottilie plays the cello.")
    reply = await store.append(first, "assistant", "The cello! Does she play in an orchestra?",
                               meta={"timings": {"first_token_s": 0.2, "total_s": 1.1}})
    la = await store.append(first, "user", "I live in LA, near the beach.")
    await store.append(first, "assistant", "The beach every day, lucky yo", "interrupted")
    f_sister, _ = await add_fact(store, person, "Theodore's sister Ottilie plays the cello.", "sister: Ottilie",
                                 source_message_id=sister.id)
    f_la, _ = await add_fact(store, person, "Theodore lives in LA.", "home city", source_message_id=la.id,
                             happened_on="2026-05-01")
    summary = await add_summary(store, person, first, "Theodore talked about his sister and LA.",
                                [sister, reply, la])
    second = await store.new_conversation(person)
    berlin = await store.append(second, "user", "I moved to Berlin last month.", meta={"recalled": [
        {"kind": "message", "id": sister.id, "text": sister.content, "role": "user", "conversation_id": first.id},
        {"kind": "fact", "id": f_la.id, "text": f_la.text, "role": None, "conversation_id": None},
        {"kind": "summary", "id": summary.id, "text": summary.text, "role": None, "conversation_id": first.id}]})
    await store.append(second, "assistant", "Berlin! What a change.")
    await add_fact(store, person, "Theodore moved to Berlin.", "home city", source_message_id=berlin.id)
    assert f_sister.active
    await set_blocks(store, person, {"who": "Theodore writes letters.", "people": "A sister, Ottilie."})
    await write_entry(store, person, "He seems lighter since the move.", "How is Berlin?")
    await write_entry(store, person, "He misses the sea.")
    await store.set_state(person, NAME_KEY, "Samantha")
    await store.set_state(person, NAME_KEY + ":told", "1")
    await store.set_state(person, LEARNED_THROUGH, str(berlin.id))
    await store.set_state(person, f"person_note:{second.id}", "What you know about Theodore: ...")


def normalised(doc: dict[str, Any]) -> dict[str, Any]:
    """The document with every id replaced by its position, and the export's own time and person left out."""
    doc = copy.deepcopy(doc)
    del doc["exported_at"], doc["person"]
    conv = {c["id"]: i for i, c in enumerate(doc["conversations"])}
    msg = {m["id"]: i for i, m in enumerate(m for c in doc["conversations"] for m in c["messages"])}
    fact = {f["id"]: i for i, f in enumerate(doc["facts"])}
    summary = {s["id"]: i for i, s in enumerate(doc["summaries"])}
    kinds = {"message": msg, "fact": fact, "summary": summary}
    for c in doc["conversations"]:
        c["id"] = conv[c["id"]]
        for m in c["messages"]:
            m["id"] = msg[m["id"]]
            for item in m["meta"].get("recalled", []):
                item["id"] = kinds[item["kind"]].get(item["id"], f"no such {item['kind']} {item['id']}")
                if item["conversation_id"] is not None:
                    item["conversation_id"] = conv.get(item["conversation_id"], "no such conversation")
    for f in doc["facts"]:
        f["id"], f["source_message_id"] = fact[f["id"]], msg.get(f["source_message_id"])
        f["superseded_by"] = fact.get(f["superseded_by"])
    for s in doc["summaries"]:
        s["id"], s["conversation_id"] = summary[s["id"]], conv[s["conversation_id"]]
        s["first_message_id"], s["last_message_id"] = msg[s["first_message_id"]], msg[s["last_message_id"]]
    for i, j in enumerate(doc["journal"]):
        j["id"] = i
    for st in doc["state"]:
        if st["key"] == LEARNED_THROUGH:
            st["value"] = msg[int(st["value"])]
    return doc


async def test_export_then_restore_gives_the_same_document_back(tmp_path: Path) -> None:
    old = await Store.open(tmp_path / "old.db")
    theo = await old.user("theodore")
    await fill(old, theo)
    exported = json.loads(json.dumps(await export_person(old, theo)))  # as written to and read from a file
    await old.close()
    assert len(exported["facts"]) == 3 and sum(f["superseded_by"] is not None for f in exported["facts"]) == 1

    new = await Store.open(tmp_path / "new.db")
    zoe = await new.user("zoe")  # already here: every id in the new file differs from the old one
    await fill(new, zoe)
    restored = await new.user("theo-restored")
    counts = await restore_person(new, restored, exported)
    assert counts == {"conversations": 2, "messages": 6, "facts": 3}
    again = await export_person(new, restored)
    await new.close()

    assert again["person"] == "theo-restored"
    assert again["conversations"][0]["id"] != exported["conversations"][0]["id"]
    expected = normalised(exported)
    # Per-conversation notes are rebuilt, not restored: their conversation ids changed.
    expected["state"] = [st for st in expected["state"] if not st["key"].startswith("person_note:")]
    assert normalised(again) == expected
    assert {st["key"]: st["value"] for st in again["state"]}[NAME_KEY] == "Samantha"


async def test_restoring_over_existing_memories_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "os1.db")
    theo, amy = await store.user("theodore"), await store.user("amy")
    await fill(store, theo)
    doc = await export_person(store, theo)
    await store.append(await store.new_conversation(amy), "user", "Hello, I'm Amy.")
    before = await export_person(store, amy)
    with pytest.raises(RestoreError, match="already has memories"):
        await restore_person(store, amy, doc)
    after = await export_person(store, amy)
    assert {**after, "exported_at": None} == {**before, "exported_at": None}
    await store.close()


@pytest.mark.parametrize("damage", ["no content", "unknown conversation", "bad role", "not a number", "not a list"])
async def test_a_damaged_export_restores_nothing(tmp_path: Path, damage: str) -> None:
    store = await Store.open(tmp_path / "os1.db")
    theo, amy = await store.user("theodore"), await store.user("amy")
    await fill(store, theo)
    doc = await export_person(store, theo)
    if damage == "no content":
        del doc["conversations"][-1]["messages"][-1]["content"]  # the very last message: all before it went in
    elif damage == "unknown conversation":
        doc["summaries"][0]["conversation_id"] = 999
    elif damage == "bad role":
        doc["conversations"][1]["messages"][0]["role"] = "narrator"
    elif damage == "not a number":
        doc["state"] = [{"key": LEARNED_THROUGH, "value": "lots", "updated_at": "2026-01-01"}]
    else:
        doc["facts"] = "Theodore lives in LA."
    with pytest.raises(RestoreError, match="nothing was restored"):
        await restore_person(store, amy, doc)
    empty = await export_person(store, amy)
    assert [empty[part] for part in ("conversations", "facts", "profile", "journal", "summaries", "state")] == [
        [], [], [], [], [], []]
    await restore_person(store, amy, await export_person(store, theo))  # and she can still restore a good one
    await store.close()


async def test_not_an_export_is_refused(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "os1.db")
    amy = await store.user("amy")
    with pytest.raises(RestoreError, match="not an OS1 memory export"):
        await restore_person(store, amy, {"conversations": []})
    with pytest.raises(RestoreError, match="version 2"):
        await restore_person(store, amy, {"format": "os1-memory", "version": 2})
    await store.close()


def os1(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "os1", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "OS1_HOME": str(home)})


async def test_export_and_import_from_the_command_line(home: Path) -> None:
    store = await Store.open(home / "os1.db")
    await fill(store, await store.user("a"))
    await store.close()
    exported = home.parent / "a.json"
    out = os1(home, "memory", "export", "-o", str(exported), "--user", "a")
    assert out.returncode == 0, out.stderr
    assert json.loads(exported.read_text(encoding="utf-8"))["format"] == "os1-memory"
    out = os1(home, "memory", "import", str(exported), "--user", "b")
    assert out.returncode == 0, out.stderr
    assert "Restored 2 conversations, 6 messages, 3 facts" in out.stderr
    out = os1(home, "memory", "show", "--json", "--user", "b")
    assert out.returncode == 0, out.stderr
    shown = json.loads(out.stdout)
    assert {f["text"] for f in shown["facts"]} == {"Theodore's sister Ottilie plays the cello.",
                                                   "Theodore moved to Berlin."}
    assert shown["profile"]["people"] == "A sister, Ottilie." and len(shown["journal"]) == 2
    again = os1(home, "memory", "import", str(exported), "--user", "b")  # twice: refused, with a reason
    assert again.returncode == 2 and "already has memories" in again.stderr and "Traceback" not in again.stderr


async def test_a_name_chosen_before_anything_was_said_does_not_block_a_restore(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "os1.db")
    theo, amy = await store.user("theodore"), await store.user("amy")
    await fill(store, theo)
    await store.set_state(amy, NAME_KEY, "Iris")  # `os1 chat` lets it choose a name while she types
    await restore_person(store, amy, await export_person(store, theo))
    assert await store.get_state(amy, NAME_KEY) == "Samantha"  # the name it had with her, restored
    await store.close()
