"""Fakes for unit tests of other logic (never as the thing a feature test checks).

    model = ScriptedModel()
    model.enqueue("Hello there.")          # the next reply, streamed word by word
    model.enqueue_json({"name": "Iris"})   # the next complete_json() answer

    clock = FixedClock(datetime(2026, 11, 20, 14, 3, tzinfo=zone))
    clock.advance(minutes=20)              # time moves only when told

    ear = HeardWords("wake me at seven")    # a Transcriber that hears these words, whatever the audio
    voice = QuietVoice()                   # a Voice that speaks silence as long as the text

A real mail server and mailbox (mail_server.py, mail_seed.py) and a room with a speaker and a microphone
(room.py) are here too, for the feature tests and the benchmarks.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from os1.models.base import GenerateOptions, Message, ModelError
from os1.voice.base import EAR_RATE, Audio, VoiceInfo


class ScriptedModel:
    """A Model that replies with what was queued, and records every prompt it was given."""

    def __init__(self, context_window: int = 4096, delay_s: float = 0.0, name: str = "scripted") -> None:
        self._n_ctx = context_window
        self._name = name
        self.delay_s = delay_s
        self.json_delay_s = 0.0  # how long each JSON answer (a tool decision) takes, as a real model's would
        self.replies: deque[str | ModelError] = deque()
        self.json_replies: deque[dict[str, Any] | ModelError] = deque()
        self.prompts: list[list[Message]] = []
        self.options: list[GenerateOptions] = []  # what each stream was asked with
        self.written: list[int] = []  # how many words of each streamed reply were read before it was closed
        self.warmed: list[list[Message]] = []
        self.loaded = False

    def enqueue(self, reply: str | ModelError) -> None:
        self.replies.append(reply)

    def enqueue_json(self, reply: dict[str, Any] | ModelError) -> None:
        self.json_replies.append(reply)

    @property
    def name(self) -> str:
        return self._name

    @property
    def context_window(self) -> int:
        return self._n_ctx

    async def load(self) -> None:
        self.loaded = True

    def stream(self, messages: Sequence[Message], options: GenerateOptions) -> AsyncIterator[str]:
        self.prompts.append(list(messages))
        self.options.append(options)
        reply = self.replies.popleft() if self.replies else "…"
        return self._pieces(reply)

    async def _pieces(self, reply: str | ModelError) -> AsyncIterator[str]:
        if isinstance(reply, ModelError):
            raise reply
        words = reply.split(" ")
        self.written.append(0)
        for i, word in enumerate(words):
            await asyncio.sleep(self.delay_s)
            self.written[-1] += 1
            yield word if i == 0 else " " + word

    async def complete_json(
        self, messages: Sequence[Message], schema: dict[str, Any], options: GenerateOptions
    ) -> dict[str, Any]:
        self.prompts.append(list(messages))
        await asyncio.sleep(self.json_delay_s)
        if not self.json_replies:
            raise ModelError("ScriptedModel has no JSON reply queued")
        reply = self.json_replies.popleft()
        if isinstance(reply, ModelError):
            raise reply
        return reply

    async def count_tokens(self, messages: Sequence[Message]) -> int:
        return sum(len(m["content"]) // 4 + 5 for m in messages)

    async def warm(self, messages: Sequence[Message], *, replying: bool = False) -> None:
        self.warmed.append(list(messages))

    async def close(self) -> None:
        return None


class FixedClock:
    """A clock (for tools and the scheduler) that shows `now` until moved."""

    def __init__(self, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("a clock gives timezone-aware times")
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class HeardWords:
    """A Transcriber that hears the words it was given, one utterance per call, whatever the audio."""

    def __init__(self, *utterances: str) -> None:
        self._utterances = deque(utterances)

    def transcribe(self, audio: Audio) -> str:
        return self._utterances.popleft() if self._utterances else ""


class QuietVoice:
    """A Voice that speaks silence: 10 ms per character of the text, at the ear's rate."""

    info = VoiceInfo("quiet", "Silence (tests)", "female", "none", "Apache-2.0", True, "")
    rate = EAR_RATE

    def synthesize(self, text: str) -> Audio:
        return Audio(np.zeros(len(text) * EAR_RATE // 100, dtype=np.float32), EAR_RATE)
