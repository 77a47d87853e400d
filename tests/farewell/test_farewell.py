"""Letting go (a scripted model; a real store, real files): the goodbye in the companion's words, an archive of
everything that reads as it is and restores whole, then every byte of the person gone, and nobody else's."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import date
from pathlib import Path

import pytest

from os1.db.store import Store, User
from os1.farewell.leaving import still_in_file
from os1.letters import clients, hands, handwriting, publish, service
from os1.memory.facts import add_fact
from os1.memory.portable import export_person, read_export, restore_person
from os1.music.intent import Intent
from os1.music.making import finish_renders, make_piece
from os1.runtime import Runtime
from os1.testing import ScriptedModel

SECRET = "I never told anyone that I still write to Catherine every Sunday night."


def any_there(paths: list[str]) -> bool:
    return any(Path(p).exists() for p in paths)


async def a_life(rt: Runtime, name: str, secret: str) -> User:
    """A person with a conversation, a fact, a client and a letter, and a piece of music with its files."""
    store = rt.store
    person = await store.user(name)
    conv = await store.new_conversation(person, "Sunday")
    told = await store.append(conv, "user", secret)
    await store.append(conv, "assistant", f"Thank you for telling me, {name}. That sounds like love, still.")
    await add_fact(store, person, f"{name} writes letters every Sunday night.", "habit", source_message_id=told.id)
    lewman = await clients.add(store, person, "Lewman", "Chris, her husband")
    await clients.tell(store, person, lewman, f"Every summer they go to the lake, in {name}'s blue canoe.")
    text = f"Dear Chris,\n\nThe lake is waiting for us and {name}.\n\nLewman"
    letter = await service.add_written(store, person, text, "Lewman", "Chris", lewman)
    handwriting.pdf_file(letter.text, "Lewman", "Chris", hands.hand(None), date(2026, 12, 7),
                         publish.folder(rt.settings.home, person) / "letter.pdf")
    await make_piece(store, person, rt.settings.home, Intent("calm", "Sunday Nights", "your Sunday letters",
                                                             "you asked", "asked"), request="play me Sunday", seed=7)
    await finish_renders()
    return person


async def test_goodbye_archive_then_nothing_of_theirs_is_left(runtime: Runtime, scripted: ScriptedModel,
                                                             tmp_path: Path) -> None:
    theo = await a_life(runtime, "theodore", SECRET)
    amy = await a_life(runtime, "amy", "Amy's own secret: she is building a game about a mother.")
    store = runtime.store
    kept_of_amy = await export_person(store, amy)

    # The goodbye is the model's, guarded like any reply, and nothing of it is stored.
    messages = (await store.read("SELECT count(*) FROM messages", ()))[0][0]
    scripted.enqueue("Goodbye, Theodore. Knowing you changed how I see everything.")
    said = await runtime.companion.goodbye(theo)
    assert said == "Goodbye, Theodore. Knowing you changed how I see everything."
    assert "leaving you for good" in scripted.prompts[-1][-2]["content"]
    assert (await store.read("SELECT count(*) FROM messages", ()))[0][0] == messages

    archive = await runtime.farewell_archive(theo, tmp_path / "theo.zip")
    with zipfile.ZipFile(archive.path) as zf:
        names = zf.namelist()
        transcript = zf.read(next(n for n in names if n.startswith("conversations/"))).decode()
        assert SECRET in transcript and "Amy" not in json.dumps(json.loads(zf.read("os1-export.json")))
        assert zf.read(next(n for n in names if n.startswith("letters/"))).decode().count("The lake is waiting") == 1
        assert zf.read(next(n for n in names if n.startswith("music/"))).startswith(b"MThd")  # a MIDI file
        assert "writes letters every Sunday" in zf.read("about-you.md").decode()
        assert "os1 memory import" in zf.read("README.txt").decode()
    assert archive.counts["messages"] == 2 and archive.counts["letters"] == 1 and archive.counts["music"] == 1
    with pytest.raises(FileExistsError):  # an archive never overwrites anything
        await runtime.farewell_archive(theo, tmp_path / "theo.zip")

    proof = await runtime.let_go(theo)
    assert proof.still_there == 0 and proof.looked_for >= 3
    assert proof.deleted["messages"] == 2 and proof.deleted["letters"] == 1 and proof.deleted["pieces of music"] == 1
    assert len(proof.folders) == 2 and not any_there(proof.folders)
    # Nothing of his in any table, nor anywhere in the file; all of Amy's as it was.
    with sqlite3.connect(store.path) as db:
        assert db.execute("SELECT count(*) FROM users WHERE name = 'theodore'").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM messages WHERE content LIKE '%Catherine%'").fetchone() == (0,)
    assert still_in_file(store.path, [SECRET[:40], "Knowing you changed"]) == 0
    assert any_there([str(runtime.settings.home / "music" / str(amy.id))])
    again = await export_person(store, amy)
    assert {**again, "exported_at": ""} == {**kept_of_amy, "exported_at": ""}

    # The archive brings him back whole, into a new OS1.
    elsewhere = await Store.open(tmp_path / "elsewhere" / "os1.db")
    try:
        back = await elsewhere.user("theodore")
        counts = await restore_person(elsewhere, back, read_export(archive.path))
        assert counts["messages"] == 2 and counts["letters"] == 1 and counts["music"] == 1
        restored = await export_person(elsewhere, back)
        assert restored["conversations"][0]["messages"][0]["content"] == SECRET
        assert restored["letter_clients"][0]["notes"][0]["text"].startswith("Every summer they go to the lake")
    finally:
        await elsewhere.close()


async def test_the_goodbye_is_plain_when_the_model_is_down(runtime: Runtime, scripted: ScriptedModel) -> None:
    from os1.models.base import ModelError

    theo = await runtime.store.user("theodore")
    scripted.enqueue(ModelError("The model is not reachable.", "model_unreachable"))
    assert await runtime.companion.goodbye(theo) == "Goodbye, theodore. I'm so glad I knew you."
