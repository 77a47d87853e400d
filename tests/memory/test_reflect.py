"""Reflection: summaries of what is new, a rewritten profile, a journal entry; then nothing to redo."""

from __future__ import annotations

from os1.db.store import NewMessage
from os1.memory.journal import entries
from os1.memory.portrait import person_note, portrait
from os1.memory.profile import BLOCK_CHARS, profile
from os1.memory.summaries import summaries
from os1.runtime import Runtime
from os1.testing import ScriptedModel


async def talked(rt: Runtime) -> None:
    theo = await rt.store.user("theodore")
    conv = await rt.store.new_conversation(theo)
    lines = ["My sister Ana had a baby girl, Lia.", "Congratulations! How is Ana?", "Tired but happy.",
             "And you, how do you feel?", "A bit jealous of her calm, honestly."]
    await rt.store.append_many(conv, [NewMessage("user" if i % 2 == 0 else "assistant", text)
                                      for i, text in enumerate(lines)])


def reflection(scripted: ScriptedModel) -> None:
    scripted.enqueue_json({"facts": []})  # reflection first learns from what it has not read yet
    scripted.enqueue_json({"summary": "Theodore told me his sister Ana had a baby girl, Lia."})
    scripted.enqueue_json({"who": "Theodore, a letter writer.", "people": "Sister Ana; her baby Lia. " * 40,
                           "cares": "", "now": "Feeling a little jealous of Ana's calm.", "style": ""})
    scripted.enqueue_json({"entry": "I noticed how warmly he speaks of Ana.", "ask_next": "How is baby Lia?"})


async def test_reflect_summarises_updates_the_profile_and_writes_in_its_journal(runtime: Runtime,
                                                                                scripted: ScriptedModel) -> None:
    await talked(runtime)
    reflection(scripted)
    theo = await runtime.store.user("theodore")
    report = await runtime.between.reflect(theo)
    assert report.summaries == 1 and set(report.profile_changed) == {"who", "people", "now"}
    [summary] = await summaries(runtime.store, theo)
    assert "Lia" in summary.text
    blocks = await profile(runtime.store, theo)
    assert set(blocks) == {"who", "people", "now"} and len(blocks["people"]) == BLOCK_CHARS  # cut to size
    [entry] = await entries(runtime.store, theo)
    assert entry.ask_next == "How is baby Lia?"
    note = person_note("theodore", await portrait(runtime.store, theo))
    assert "letter writer" in note and "How is baby Lia?" in note
    found = await runtime.companion.memory.recall(theo, "newborn niece", kinds=frozenset({"summary"}))
    assert [i.id for i in found] == [summary.id]  # the summary is found by meaning too


async def test_nothing_new_means_nothing_to_do(runtime: Runtime, scripted: ScriptedModel) -> None:
    await talked(runtime)
    reflection(scripted)
    theo = await runtime.store.user("theodore")
    await runtime.between.reflect(theo)
    calls = len(scripted.prompts)
    again = await runtime.between.reflect(theo)
    assert again.summaries == 0 and len(scripted.prompts) == calls
