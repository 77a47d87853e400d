"""A simulated room: the live loop's device for tests and benchmarks, with no sound card.

Scripted speech reaches the microphone at set times; what the companion plays comes back to the microphone
as echo (delayed, quieter), over a little noise. Frames are paced in real time (or faster, `speed`), so the
loop's latencies are what they would be on a device. Everything played is recorded with its time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import numpy as np

from os1.voice.audio import resample
from os1.voice.base import EAR_RATE, FRAME, Audio, Samples
from os1.voice.outbox import Outbox


@dataclass(frozen=True)
class Line:
    at_s: float
    samples: Samples  # at EAR_RATE

    @property
    def end_s(self) -> float:
        return self.at_s + len(self.samples) / EAR_RATE

    @property
    def onset_s(self) -> float:
        """When the line becomes audible (synthesised speech starts with a little silence)."""
        loud = np.flatnonzero(np.abs(self.samples) > 0.02)
        return self.at_s + (int(loud[0]) if len(loud) else 0) / EAR_RATE


class Room:
    def __init__(self, outbox: Outbox, *, echo_gain: float = 0.0, echo_delay_s: float = 0.06,
                 noise: float = 0.002, speed: float = 1.0, seed: int = 0) -> None:
        self.outbox = outbox
        self.echo_gain, self.echo_delay = echo_gain, int(echo_delay_s * EAR_RATE)
        self.noise, self.speed = noise, speed
        self.lines: list[Line] = []
        self.played: list[Samples] = []  # one entry per frame
        self._rng = np.random.default_rng(seed)

    def say(self, at_s: float, audio: Audio, gain: float = 1.0) -> Line:
        line = Line(at_s, (resample(audio, EAR_RATE).samples * gain).astype(np.float32))
        self.lines.append(line)
        return line

    @property
    def now_s(self) -> float:
        """The room's clock: the start of the next frame."""
        return len(self.played) * FRAME / EAR_RATE

    @property
    def script_end_s(self) -> float:
        return max((line.end_s for line in self.lines), default=0.0)

    def sound_times(self, after_s: float = 0.0, level: float = 1e-3) -> list[float]:
        """Times (s) of the frames in which the companion's audio was playing, from `after_s` on."""
        frame_s = FRAME / EAR_RATE
        return [i * frame_s for i, f in enumerate(self.played)
                if i * frame_s >= after_s and float(np.max(np.abs(f))) > level]

    async def frames(self, done: Callable[[], bool], linger_s: float = 1.0,
                     limit_s: float = 120.0) -> AsyncIterator[tuple[Samples, Samples]]:
        """Frames until the script is over and `done()` has held for `linger_s` (or `limit_s` passed)."""
        frame_s = FRAME / EAR_RATE
        start = time.perf_counter()
        quiet_since: float | None = None
        i = 0
        while True:
            t = i * frame_s
            if t >= limit_s:
                return
            if t >= self.script_end_s and done():
                quiet_since = t if quiet_since is None else quiet_since
                if t - quiet_since >= linger_s:
                    return
            else:
                quiet_since = None
            played = self.outbox.pull(FRAME)
            self.played.append(played)
            yield self._mic(i), played
            i += 1
            wait = start + i * frame_s / self.speed - time.perf_counter()
            await asyncio.sleep(max(wait, 0.0))

    def _mic(self, i: int) -> Samples:
        first = i * FRAME
        mic = (self._rng.standard_normal(FRAME) * self.noise).astype(np.float32)
        for line in self.lines:
            offset = first - int(line.at_s * EAR_RATE)
            if -FRAME < offset < len(line.samples):
                lo, hi = max(offset, 0), min(offset + FRAME, len(line.samples))
                mic[lo - offset:hi - offset] += line.samples[lo:hi]
        if self.echo_gain:
            played = np.concatenate(self.played[-(self.echo_delay // FRAME + 2):]) if self.played else mic * 0
            end = len(played) - self.echo_delay
            echo = played[max(end - FRAME, 0):max(end, 0)]
            mic[FRAME - len(echo):] += self.echo_gain * echo
        return mic
