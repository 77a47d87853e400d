"""The few shapes every part of voice shares: a stretch of audio, a voice that speaks, an ear that transcribes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from os1.db.store import Conversation, User
from os1.events import Event

Samples = npt.NDArray[np.float32]

EAR_RATE = 16_000  # what voice activity detection and speech-to-text work at
FRAME = 512  # samples per voice-activity frame at EAR_RATE (32 ms): the unit the live loop listens in


class AudioError(ValueError):
    """Audio that cannot be used: a broken file, an unknown format, nothing but silence. Says what to do."""


@dataclass(frozen=True)
class Audio:
    """Mono audio, float32 in [-1, 1]."""

    samples: Samples
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate if self.rate else 0.0


@dataclass(frozen=True)
class VoiceInfo:
    """One voice a person can pick with `--voice`, as `os1 voices` lists it."""

    id: str  # what --voice takes: "joe", "kokoro-alpha", "espeak" …
    label: str  # "Joe (US English, male, Piper)"
    gender: str  # "male" | "female"
    engine: str  # "piper" | "kokoro" | "espeak-ng" | "flite"
    license: str  # of the engine and voice: "GPL-3.0-or-later (piper-tts); voice: …"
    installed: bool
    install_hint: str  # what to run when not installed; "" when installed


class Voice(Protocol):
    """Speaks text. Blocking: the live loop calls it on a worker thread, one sentence at a time."""

    @property
    def info(self) -> VoiceInfo: ...

    @property
    def rate(self) -> int: ...

    def synthesize(self, text: str) -> Audio: ...


class Transcriber(Protocol):
    """Turns speech into text. Blocking; audio at EAR_RATE."""

    def transcribe(self, audio: Audio) -> str: ...


class Turns(Protocol):
    """The turn as a voice door sees it (the Runtime gives it; the server's turnstile wraps it). Voice never
    writes to the store itself: a reply heard only in part, or an input withdrawn, is said to the companion."""

    def respond(self, user: User, conversation: Conversation, text: str) -> AsyncIterator[Event]: ...

    async def anticipate(self, user: User, conversation: Conversation, text: str) -> None: ...

    async def prepare(self, user: User, conversation: Conversation) -> None: ...

    async def interrupted(self, user: User, message_id: int) -> None: ...

    async def withdraw(self, user: User, conversation: Conversation, from_message_id: int) -> None: ...
