"""A recording played into the live loop as if it were the microphone: `os1 talk --mic-from recording.wav`.

The frames come in real time (32 ms apart), so the turn detector, listening ahead and the reply race each
other as they would live, and a turn-taking fault heard in a recording can be reproduced from it. What the
companion says is pulled from the outbox as a speaker would, and kept (to write to a file) or dropped. After
the recording, silence follows until the last reply has been voiced and played, so its answer is heard out.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

import numpy as np

from os1.voice.audio import resample
from os1.voice.base import EAR_RATE, FRAME, Audio, Samples
from os1.voice.outbox import Outbox

FRAME_S = FRAME / EAR_RATE


class Replay:
    """Frames of `recording` paced in real time, then silence until `done()` (or `limit_s` after the end)."""

    def __init__(self, recording: Audio, outbox: Outbox, keep: bool = False, limit_s: float = 120.0) -> None:
        self.mic = resample(recording, EAR_RATE).samples.astype(np.float32, copy=False)
        self.outbox, self.keep, self.limit_s = outbox, keep, limit_s
        self.played: list[Samples] = []  # what the speaker played, frame by frame, when `keep`
        self.started_at = 0.0  # perf_counter() when the first frame was heard

    def seconds(self, moment: float) -> float:
        """`moment` (a perf_counter() time) as seconds into the recording."""
        return moment - self.started_at

    async def frames(self, done: Callable[[], bool]) -> AsyncIterator[tuple[Samples, Samples]]:
        self.started_at = time.perf_counter()
        total = len(self.mic)
        i = 0
        while True:
            first = i * FRAME
            if first >= total and (done() or first / EAR_RATE >= total / EAR_RATE + self.limit_s):
                return
            mic = np.zeros(FRAME, dtype=np.float32)
            chunk = self.mic[first:first + FRAME]
            mic[:len(chunk)] = chunk
            played = self.outbox.pull(FRAME)
            if self.keep:
                self.played.append(played)
            yield mic, played
            i += 1
            await asyncio.sleep(max(self.started_at + i * FRAME_S - time.perf_counter(), 0.0))

    def speaker(self) -> Audio:
        """Everything the speaker played, in step with the recording (silence where the companion was quiet)."""
        return Audio(np.concatenate(self.played) if self.played else np.zeros(0, dtype=np.float32), EAR_RATE)
