"""The mood through whole turns: moved by what the person says, carried into the next conversation's prompt, and
told by `os1 memory show`. (The model is scripted: what is checked is what OS1 keeps and puts in the prompt.)"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from os1.character import Character
from os1.db.store import Conversation
from os1.models.base import Message
from os1.runtime import Runtime
from os1.testing import FixedClock, ScriptedModel


async def talk(rt: Runtime, conversation: Conversation | None, text: str) -> Conversation:
    user = await rt.store.user("theodore")
    conversation = conversation or await rt.store.new_conversation(user)
    async for _ in rt.companion.respond(user, conversation, text):
        pass
    return conversation


def mood_line(prompt: list[Message]) -> str:
    """The latest line on how it feels (earlier ones stay with the messages they came with)."""
    return [m["content"] for m in prompt if m["role"] == "system" and m["content"].startswith("Right now")][-1]


async def test_a_hard_confession_colours_the_next_replies_and_the_next_conversation(
        runtime: Runtime, scripted: ScriptedModel, home: Path) -> None:
    clock = FixedClock(datetime(2026, 11, 20, 21, 0, tzinfo=timezone(timedelta(hours=1))))
    runtime.companion.clock = clock
    scripted.enqueue("That's a lot to carry.")
    first = await talk(runtime, None, "My ex-wife wants me to sign the divorce papers.")
    assert "curious" in mood_line(scripted.prompts[-1])  # the message itself meets the mood it found
    clock.advance(minutes=2)
    scripted.enqueue("Do you want to talk about it?")
    await talk(runtime, first, "Anyway. How was your day?")
    line = mood_line(scripted.prompts[-1])
    assert "worried for theodore" in line and "divorce papers" in line
    # Just before the message it answers, after everything said before: the prefix read ahead stays valid.
    assert scripted.prompts[-1][-2]["content"] == line

    clock.advance(days=3)
    scripted.enqueue("Hey, you!")
    await talk(runtime, None, "Hi, it's me.")
    assert "missed" in mood_line(scripted.prompts[-1]) and "3 days" in mood_line(scripted.prompts[-1])

    user = await runtime.store.user("theodore")
    told = await Character(runtime.store, runtime.companion.persona, clock).how_it_feels(user)
    assert told is not None and told.startswith("I feel glad you're back; I missed you")
    shown = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "os1", "memory", "show", "--user", "theodore"],
        capture_output=True, text=True, timeout=60, env={**os.environ, "OS1_HOME": str(home)})
    assert "How it feels: I feel glad you're back; I missed you" in shown.stdout, shown.stdout + shown.stderr
