"""Export and restore: everything about a person out as one document, and back in, ids apart; all or nothing."""

import copy
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from os1.db.state import LEARNED_THROUGH
from os1.db.store import Conversation, Store, User
from os1.memory.facts import add_fact
from os1.memory.journal import write_entry
from os1.memory.portable import RestoreError, export_person, restore_person
from os1.memory.profile import set_blocks
from os1.memory.summaries import add_summary
from os1.reminders.book import add_reminder, mark_fired, set_cancelled, set_quiet_hours
from os1.reminders.clock import QuietHours
from os1.tools.audit import record
from os1.tools.registry import Undo

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
    await store.set_state(person, LEARNED_THROUGH.key(), str(berlin.id))
    await store.set_state(person, f"person_note:{second.id}", "What you know about Theodore: ...")
    await reminders_and_actions(store, person, second)


async def reminders_and_actions(store: Store, person: User, conversation: Conversation) -> None:
    """One reminder of each kind (waiting, fired and said in the conversation, cancelled, an alarm), quiet hours,
    and the log of what OS1 did, with how to undo it."""
    soon = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    await add_reminder(store, person, "call my sister", soon)
    fired = await add_reminder(store, person, "take the pasta off", datetime(2026, 11, 20, 13, 0, tzinfo=UTC))
    await mark_fired(store, fired, "⏰ Reminder: take the pasta off")
    dropped = await add_reminder(store, person, "water the plants", soon)
    await set_cancelled(store, person, [dropped.id], cancelled=True)
    alarm = await add_reminder(store, person, "", datetime(2026, 11, 22, 6, 0, tzinfo=UTC), alarm=True)
    await set_quiet_hours(store, person, QuietHours.parse("22:00-07:00"))
    await record(store, person, conversation, "set_reminder", {"when": "at 7", "text": ""}, "Set an alarm for 7",
                 "Alarm set.", Undo("cancel_reminders", {"ids": [alarm.id]}), confirmed=False)
    await record(store, person, None, "cancel_reminder", {"which": "the plants"}, "Cancel the plants", "Cancelled.",
                 Undo("restore_reminders", {"ids": [dropped.id]}), confirmed=False)


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
        if st["key"] == LEARNED_THROUGH.key():
            st["value"] = msg[int(st["value"])]
    reminder = {r["id"]: i for i, r in enumerate(doc.get("reminders", []))}
    for r in doc.get("reminders", []):
        r["id"] = reminder[r["id"]]
    for m in (m for c in doc["conversations"] for m in c["messages"]):
        if "reminder" in m["meta"]:
            m["meta"]["reminder"] = reminder.get(m["meta"]["reminder"])
    for i, a in enumerate(doc.get("actions", [])):
        a["id"], a["conversation_id"] = i, conv.get(a["conversation_id"])
        if a["undo"] and "ids" in a["undo"]["arguments"]:
            a["undo"]["arguments"]["ids"] = [reminder[i] for i in a["undo"]["arguments"]["ids"]]
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
    assert counts == {"conversations": 2, "messages": 7, "facts": 3, "reminders": 4}
    again = await export_person(new, restored)
    await new.close()

    assert again["person"] == "theo-restored"
    assert again["conversations"][0]["id"] != exported["conversations"][0]["id"]
    expected = normalised(exported)
    # Per-conversation notes are rebuilt, not restored: their conversation ids changed.
    expected["state"] = [st for st in expected["state"] if not st["key"].startswith("person_note:")]
    assert normalised(again) == expected
    assert {st["key"]: st["value"] for st in again["state"]}[NAME_KEY] == "Samantha"


async def test_reminders_quiet_hours_and_actions_come_back_as_they_were(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "os1.db")
    theo, amy = await store.user("theodore"), await store.user("amy")
    await fill(store, theo)
    exported = json.loads(json.dumps(await export_person(store, theo)))
    assert exported["version"] == 4
    shown = [(r["text"], r["alarm"], r["fired_at"] is not None, r["cancelled_at"] is not None)
             for r in exported["reminders"]]
    assert shown == [("call my sister", False, False, False), ("take the pasta off", False, True, False),
                     ("water the plants", False, False, True), ("", True, False, False)]
    assert [a["tool"] for a in exported["actions"]] == ["set_reminder", "cancel_reminder"]
    await restore_person(store, amy, exported)

    from os1.reminders.book import quiet_hours, reminders
    from os1.tools.audit import actions

    waiting = await reminders(store, amy)
    assert [(r.text, r.alarm) for r in waiting] == [("call my sister", False), ("", True)]
    assert str(await quiet_hours(store, amy)) == str(QuietHours.parse("22:00-07:00"))
    logged = await actions(store, amy)  # newest first
    assert [a.summary for a in logged] == ["Cancel the plants", "Set an alarm for 7"]
    # "Undo that" on the restored log still finds her own restored reminders, not theodore's.
    assert logged[1].undo is not None and logged[1].undo.arguments["ids"] == [waiting[1].id]
    everything = await reminders(store, amy, waiting_only=False)
    assert logged[0].undo is not None and logged[0].undo.arguments["ids"] == [
        r.id for r in everything if r.text == "water the plants"]
    said = [m for c in (await export_person(store, amy))["conversations"] for m in c["messages"]
            if "reminder" in m["meta"]]
    assert [m["meta"]["reminder"] for m in said] == [r.id for r in everything if r.text == "take the pasta off"]
    await store.close()


async def test_an_export_from_before_reminders_still_restores(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "os1.db")
    theo, amy = await store.user("theodore"), await store.user("amy")
    await fill(store, theo)
    old = await export_person(store, theo)
    del old["reminders"], old["actions"]
    old["version"] = 1
    for c in old["conversations"]:  # version 1 knew no reminders
        c["messages"] = [m for m in c["messages"] if "reminder" not in m["meta"]]
    counts = await restore_person(store, amy, old)
    assert counts == {"conversations": 2, "messages": 6, "facts": 3, "reminders": 0}
    again = await export_person(store, amy)
    assert again["version"] == 4 and again["reminders"] == [] and again["actions"] == []
    await store.close()


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


@pytest.mark.parametrize("damage", ["no content", "unknown conversation", "bad role", "not a number", "not a list",
                                    "reminder without a time"])
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
    elif damage == "reminder without a time":
        del doc["reminders"][-1]["due_at"]
    elif damage == "not a number":
        doc["state"] = [{"key": LEARNED_THROUGH.key(), "value": "lots", "updated_at": "2026-01-01"}]
    else:
        doc["facts"] = "Theodore lives in LA."
    with pytest.raises(RestoreError, match="nothing was restored"):
        await restore_person(store, amy, doc)
    empty = await export_person(store, amy)
    parts = ("conversations", "facts", "profile", "journal", "summaries", "state", "reminders", "actions")
    assert [empty[part] for part in parts] == [[]] * len(parts)
    await restore_person(store, amy, await export_person(store, theo))  # and she can still restore a good one
    await store.close()


async def test_not_an_export_is_refused(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "os1.db")
    amy = await store.user("amy")
    with pytest.raises(RestoreError, match="not an OS1 memory export"):
        await restore_person(store, amy, {"conversations": []})
    with pytest.raises(RestoreError, match="version 5"):
        await restore_person(store, amy, {"format": "os1-memory", "version": 5})
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
    assert "Restored 2 conversations, 7 messages, 3 facts" in out.stderr
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
