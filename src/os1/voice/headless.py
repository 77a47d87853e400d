"""One spoken turn from a file to a file: `os1 talk --input question.wav --output reply.wav`.

The same turn as everywhere else (the runtime's respond); the reply is voiced phrase by phrase as it is written,
like the live loop does, and the phrases are joined into one wav.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import numpy as np

from os1.db.store import Conversation, User
from os1.events import Error, Event, Heard, TextDelta
from os1.voice.audio import is_silent, read_wav, resample, write_wav
from os1.voice.base import EAR_RATE, Audio, AudioError, Transcriber, Turns, Voice
from os1.voice.phrasing import Phrases

PHRASE_GAP_S = 0.12  # breath between phrases


def load_question(path: Path) -> Audio:
    """The audio in the wav at `path`; AudioError when it is broken or silent (checked before any model loads)."""
    audio = read_wav(path)
    if audio.seconds < 0.1:
        raise AudioError(f"{path} holds almost no audio ({audio.seconds:.2f} s). Record the question again.")
    if is_silent(audio):
        raise AudioError(f"{path} is silent: I hear no sound in it. Check the recording's input level.")
    return audio


async def hear_file(path: Path, stt: Transcriber, audio: Audio | None = None) -> str:
    """What the person says in the wav at `path`; AudioError when it is broken, silent or wordless."""
    audio = audio or load_question(path)
    text = (await asyncio.to_thread(stt.transcribe, resample(audio, EAR_RATE))).strip()
    if not text:
        raise AudioError(f"I couldn't make out any words in {path}. Speak a little closer to the microphone, "
                         "or check the recording plays back clearly.")
    return text


async def talk_file(turns: Turns, user: User, conversation: Conversation, stt: Transcriber,
                    voice: Voice, source: Path, target: Path | None, emit: Callable[[Event], None],
                    audio: Audio | None = None) -> bool:
    """Answer the question in `source`, speaking the reply into `target`. False when the turn failed."""
    text = await hear_file(source, stt, audio)
    emit(Heard(text))
    phrases = Phrases()
    spoken: list[asyncio.Future[Audio]] = []
    ok = True
    async for event in turns.respond(user, conversation, text):
        emit(event)
        if isinstance(event, TextDelta):
            spoken += [asyncio.ensure_future(asyncio.to_thread(voice.synthesize, p)) for p in phrases.add(event.text)]
        elif isinstance(event, Error):
            ok = False
            spoken.append(asyncio.ensure_future(asyncio.to_thread(voice.synthesize, event.message)))
    spoken += [asyncio.ensure_future(asyncio.to_thread(voice.synthesize, p)) for p in phrases.finish()]
    if target is not None:
        write_wav(target, join([await s for s in spoken], voice.rate))
    else:
        await asyncio.gather(*spoken)
    return ok


def join(pieces: list[Audio], rate: int) -> Audio:
    gap = np.zeros(int(PHRASE_GAP_S * rate), dtype=np.float32)
    parts: list[np.ndarray] = []
    for piece in pieces:
        parts += [resample(piece, rate).samples, gap]
    return Audio(np.concatenate(parts[:-1]) if parts else np.zeros(0, dtype=np.float32), rate)
