"""Between turns, the same for every door: what was said is learned after each turn, and a person who comes
back after a gap gets reflection first — whether they type, speak (os1 talk) or use the server."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from os1.db import state
from os1.db.store import NewMessage, User
from os1.memory import facts as factbook
from os1.memory.journal import entries
from os1.memory.summaries import summaries
from os1.runtime import Runtime
from os1.testing import HeardWords, QuietVoice, ScriptedModel
from os1.voice.audio import write_wav
from os1.voice.base import EAR_RATE, Audio
from os1.voice.headless import talk_file

LONG_AGO = "2026-01-10T19:00:00.000+00:00"
EARLIER = ["My sister Ana had a baby girl, Lia.", "Congratulations! How is Ana?", "Tired but happy, she says.",
           "And you, how do you feel?", "A bit jealous of her calm, honestly."]


async def talked_before(rt: Runtime, when: str | None) -> User:
    theo = await rt.store.user("theodore")
    conversation = await rt.store.new_conversation(theo, created_at=when)
    await rt.store.append_many(conversation, [NewMessage("user" if i % 2 == 0 else "assistant", text,
                                                         created_at=when) for i, text in enumerate(EARLIER)])
    return theo


def reflection_after_learning(scripted: ScriptedModel) -> None:
    scripted.enqueue_json({"facts": []})  # what was said is learned first (one conversation: one read)
    scripted.enqueue_json({"summary": "Theodore told me his sister Ana had a baby girl, Lia."})
    scripted.enqueue_json({"who": "Theodore, a letter writer.", "people": "Sister Ana; her baby Lia.",
                           "cares": "", "now": "", "style": ""})
    scripted.enqueue_json({"entry": "I noticed how warmly he speaks of Ana.", "ask_next": "How is baby Lia?"})


async def test_back_after_a_gap_the_companion_reflects_then_learns(runtime: Runtime, scripted: ScriptedModel) -> None:
    theo = await talked_before(runtime, LONG_AGO)
    runtime.start()
    reflection_after_learning(scripted)
    scripted.enqueue("Welcome back. How is Lia?")
    conversation = await runtime.conversation(theo)
    [_ async for _ in runtime.respond(theo, conversation, "I'm back. It has been a while, hasn't it?")]
    await runtime.between.until_idle()
    [summary] = await summaries(runtime.store, theo)
    assert "Lia" in summary.text
    assert [e.ask_next for e in await entries(runtime.store, theo)] == ["How is baby Lia?"]
    last = (await runtime.store.messages(conversation))[-2]  # the person's turn, before the reply
    assert await runtime.store.get_state(theo, state.LEARNED_THROUGH.key()) == str(last.id)


async def test_in_the_middle_of_a_conversation_it_only_learns(runtime: Runtime, scripted: ScriptedModel) -> None:
    theo = await talked_before(runtime, None)  # just now
    runtime.start()
    scripted.enqueue("That's a lot to carry.")
    scripted.enqueue_json({"facts": [{"fact": "theodore's sister Ana had a baby girl, Lia.",
                                      "topic": "family: Ana", "from": 1}]})
    conversation = await runtime.conversation(theo)
    [_ async for _ in runtime.respond(theo, conversation, "I keep thinking about my sister's baby.")]
    await runtime.between.until_idle()
    assert await summaries(runtime.store, theo) == []  # no reflection mid-conversation
    assert not scripted.json_replies
    facts = await factbook.facts(runtime.store, theo)
    assert [f.text for f in facts] == ["theodore's sister Ana had a baby girl, Lia."]


async def test_a_spoken_turn_gets_the_same_life_between_turns(runtime: Runtime, scripted: ScriptedModel,
                                                              tmp_path: Path) -> None:
    """`os1 talk --input` (the voice door): the turn goes through the runtime, so reflection and learning run."""
    theo = await talked_before(runtime, LONG_AGO)
    runtime.start()
    reflection_after_learning(scripted)
    scripted.enqueue("Welcome back.")
    question = tmp_path / "question.wav"
    write_wav(question, Audio((0.2 * np.sin(np.arange(EAR_RATE) / 8)).astype(np.float32), EAR_RATE))
    conversation = await runtime.conversation(theo)
    ok = await talk_file(runtime, theo, conversation, HeardWords("I'm back, it's been a while."), QuietVoice(),
                         question, tmp_path / "reply.wav", lambda event: None)
    await runtime.between.until_idle()
    assert ok and (tmp_path / "reply.wav").exists()
    assert len(await summaries(runtime.store, theo)) == 1
    assert not scripted.json_replies


async def test_leaving_learns_what_is_left(runtime: Runtime, scripted: ScriptedModel) -> None:
    theo = await talked_before(runtime, None)
    scripted.enqueue_json({"facts": []})
    await runtime.leaving(theo)
    said = [m for m in await runtime.store.messages(await runtime.conversation(theo)) if m.role == "user"]
    assert await runtime.store.get_state(theo, state.LEARNED_THROUGH.key()) == str(said[-1].id)
    assert not scripted.json_replies
