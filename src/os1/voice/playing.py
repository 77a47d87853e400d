"""Music composed in a spoken conversation, played through the voice loop's own speaker (`os1 talk`): after the
reply that announced it has been heard, through the same outbox the companion speaks from. So the loop knows what
it is playing (it is not taken for someone speaking), and speaking over it stops it, as it stops a reply."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Protocol

from os1.events import Music
from os1.voice.audio import read_wav, resample
from os1.voice.base import EAR_RATE, AudioError
from os1.voice.outbox import Outbox

WHOLE_WAIT_S = 20.0  # the whole piece renders after its opening: how long to wait for it before playing the opening


class Speaking(Protocol):
    outbox: Outbox

    @property
    def talking(self) -> bool: ...


async def play_through(loop: Speaking, music: Music, whole_wait_s: float = WHOLE_WAIT_S) -> str:
    """Play `music` once the loop has finished talking; returns the file played ("" when there was none)."""
    while loop.talking:  # noqa: ASYNC110 - the loop keeps no event for its last audio played
        await asyncio.sleep(0.1)
    whole = Path(music.audio) if music.audio else None
    waited = 0.0
    while whole is not None and not whole.exists() and waited < whole_wait_s:
        await asyncio.sleep(0.2)
        waited += 0.2
    for path in (whole, Path(music.opening) if music.opening else None):
        if path is None or not path.exists():
            continue
        try:
            audio = await asyncio.to_thread(read_wav, path)
        except AudioError:
            continue
        if loop.talking:
            return ""  # they began to speak meanwhile: not over them
        loop.outbox.put(resample(audio, EAR_RATE).samples)
        return str(path)
    return ""
