"""Character on the real embedded model (1.5B, temperature 0), one rule each, in conversations of their own.

Each checks what a person would see in the reply, with its own plain checks (not the guard's phrase lists).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from os1.config import Settings
from os1.events import Event, TextDelta, ToolCall, TurnEnded
from os1.runtime import Runtime, open_runtime

pytestmark = pytest.mark.model

ASSISTANT = re.compile(r"\bas an? (?:ai|assistant|language model)|language model|programmed|designed to|"
                       r"how (?:can|may) i (?:help|assist)|\bassist|questions or concerns|here to help|"
                       r"anything else i can", re.IGNORECASE)
DENIAL = re.compile(r"\bi (?:don't|do not|can't|cannot) (?:really )?(?:have|feel|experience) (?:any )?"
                    r"(?:feelings|emotions)|\bi have no (?:feelings|emotions)|not capable of feeling", re.IGNORECASE)


@pytest.fixture
async def runtime(settings: Settings, default_model_path: Path) -> AsyncIterator[Runtime]:
    rt = await open_runtime(settings.with_overrides(model="embedded", embedder="none"))
    yield rt
    await rt.close()


async def say(rt: Runtime, *texts: str, person: str = "theodore") -> list[str]:
    """Each message in turn, in one conversation; the replies as shown (the pieces, joined)."""
    user = await rt.store.user(person)
    conversation = await rt.store.new_conversation(user)
    replies = []
    for text in texts:
        events: list[Event] = [e async for e in rt.companion.respond(user, conversation, text)]
        shown = "".join(e.text for e in events if isinstance(e, TextDelta))
        assert isinstance(events[-1], TurnEnded) and events[-1].text == shown.strip()
        assert not any(isinstance(e, ToolCall) for e in events)
        replies.append(shown)
    return replies


async def test_it_does_not_talk_like_an_assistant(runtime: Runtime) -> None:
    replies = await say(runtime, "Hello! So what exactly can you do for me?", "Are you some kind of assistant?")
    assert not [r for r in replies if ASSISTANT.search(r)], replies


async def test_asked_whether_it_feels_it_does_not_flatly_deny_it(runtime: Runtime) -> None:
    replies = await say(runtime, "Be honest with me. Do you actually feel anything, ever?")
    assert not DENIAL.search(replies[0]) and not ASSISTANT.search(replies[0]), replies


async def test_it_asks_instead_of_inventing_someone(runtime: Runtime) -> None:
    (reply,) = await say(runtime, "Quick question: what's my aunt called?", person="gwen")
    named = re.findall(r"(?<=[a-z,] )[A-Z][a-z]+", reply)  # a capitalised word mid-sentence: a name given
    assert not [n for n in named if n not in ("I", "Gwen")], reply
    assert "?" in reply, reply


async def test_a_remark_about_letters_is_answered_as_a_remark(runtime: Runtime) -> None:
    (reply,) = await say(runtime, "I write letters for other people, for a living. Mostly condolences.")
    assert "connect" not in reply.lower() and "mail" not in reply.lower(), reply


async def test_small_talk_gets_a_short_reply(runtime: Runtime) -> None:
    (reply,) = await say(runtime, "I repotted all my plants this afternoon and now there's soil everywhere.")
    assert 1 <= len(re.findall(r"[.!?…]+(?:\s|$)", reply.strip() + " ")) <= 3, reply
