"""Music in a spoken conversation goes out through the loop's own speaker, after the reply: the whole piece when it
is rendered, its opening while it is not, and nothing over someone who began to speak."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np

from os1.events import Music
from os1.voice.audio import write_wav
from os1.voice.base import EAR_RATE, Audio
from os1.voice.outbox import Outbox
from os1.voice.playing import play_through


class Loop:
    def __init__(self, talking_for_s: float = 0.0) -> None:
        self.outbox = Outbox()
        self._until = asyncio.get_running_loop().time() + talking_for_s

    @property
    def talking(self) -> bool:
        return asyncio.get_running_loop().time() < self._until


def tone(path: Path, seconds: float, rate: int = 44_100) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    write_wav(path, Audio((0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), rate))
    return path


async def test_the_whole_piece_after_the_reply(tmp_path: Path) -> None:
    loop = Loop(talking_for_s=0.3)
    whole = tone(tmp_path / "piece.wav", 2.0)
    started = asyncio.get_running_loop().time()
    played = await play_through(loop, Music(1, "Sunday", 2.0, audio=str(whole), opening=""))
    assert played == str(whole) and asyncio.get_running_loop().time() - started >= 0.3
    queued = loop.outbox.pull(4 * EAR_RATE)
    assert abs(int(np.count_nonzero(queued)) - 2 * EAR_RATE) < EAR_RATE // 10  # two seconds, at the loop's rate


async def test_the_opening_while_the_whole_is_not_rendered_and_nothing_without_either(tmp_path: Path) -> None:
    loop = Loop()
    opening = tone(tmp_path / "opening.wav", 0.5)
    played = await play_through(loop, Music(1, "Sunday", 60.0, audio=str(tmp_path / "not-yet.wav"),
                                            opening=str(opening)), whole_wait_s=0.2)
    assert played == str(opening) and loop.outbox.busy
    assert await play_through(Loop(), Music(2, "Nothing", 1.0, midi="x.mid"), whole_wait_s=0.1) == ""
