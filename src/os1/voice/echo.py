"""Keeping the companion's own voice from interrupting it.

Through open speakers the microphone hears what is being played, a little later and quieter, with the room's
colour. Before listening for the person, each microphone frame has the echo of the played audio taken out:
the delay and level of the echo are estimated by cross-correlating the microphone with what was played
(re-estimated every frame from the last ~0.4 s), and the scaled, delayed reference is subtracted. What is left
is the person (or the room's noise); voice activity detection runs on that.

It is a single-path canceller, not a full acoustic echo canceller: it handles a direct echo with one dominant
delay (a laptop's speakers, a phone on a table); a reverberant room leaves a residue, which the higher
speech threshold used while the companion talks (see loop.py) is there to absorb. Where the system offers
echo cancellation (PipeWire/PulseAudio's echo-cancel module, headsets), it goes first and this finds no echo.
"""

from __future__ import annotations

import numpy as np

from os1.voice.base import EAR_RATE, Samples

MAX_DELAY_S = 0.3  # speaker → microphone, including the sound system's buffers
WINDOW_S = 0.4  # microphone audio the delay is estimated on
MIN_CORRELATION = 0.5  # below this the microphone is not hearing the reference: leave it untouched


class EchoCanceller:
    """Feed what is played with `played`, and each microphone frame through `clean`. Both at EAR_RATE."""

    def __init__(self) -> None:
        size = int((MAX_DELAY_S + WINDOW_S + 0.1) * EAR_RATE)
        self._reference = np.zeros(size, dtype=np.float32)  # the last played audio, newest at the end
        self._mic = np.zeros(int(WINDOW_S * EAR_RATE), dtype=np.float32)
        self._quiet_frames = 10_000  # frames since the reference last had sound
        self.delay = 0  # samples, the last estimate
        self.gain = 0.0

    def played(self, samples: Samples) -> None:
        """Audio that just went to the speaker (or, for silence between phrases, nothing: call `tick`)."""
        self._push(self._reference, samples)
        if len(samples) and float(np.max(np.abs(samples))) > 1e-3:
            self._quiet_frames = 0

    def tick(self, frames: int) -> None:
        """`frames` samples of silence went out (the speaker idles): keeps reference and mic aligned."""
        self._push(self._reference, np.zeros(frames, dtype=np.float32))

    def clean(self, frame: Samples) -> Samples:
        """The microphone frame with the echo of played audio removed."""
        self._push(self._mic, frame)
        self._quiet_frames += 1
        if self._quiet_frames > (MAX_DELAY_S * EAR_RATE) / max(len(frame), 1) + 2:
            self.gain = 0.0  # nothing played lately that could still be echoing; the next echo is measured anew
            return frame
        estimate = self._estimate()
        if estimate is not None:
            self.delay, self.gain = estimate
        # else: the person is talking over the echo (double talk) or the room is quiet: keep the last estimate
        if self.gain == 0.0:
            return frame
        end = len(self._reference) - self.delay
        echo = self._reference[end - len(frame):end]
        return (frame - self.gain * echo).astype(np.float32)

    def _estimate(self) -> tuple[int, float] | None:
        """(delay, gain) of the echo, when the microphone is clearly hearing the reference, else None."""
        mic = self._mic
        max_delay = int(MAX_DELAY_S * EAR_RATE)
        ref = self._reference[-(len(mic) + max_delay):]
        if float(np.dot(mic, mic)) < 1e-8:
            return None
        # corr[d] = sum_t mic[t] * ref[t + max_delay - d]: the reference delayed by d samples against the mic.
        n = 1 << int(np.ceil(np.log2(len(ref) + len(mic))))
        spectrum = np.fft.rfft(ref, n) * np.conj(np.fft.rfft(mic, n))
        corr = np.fft.irfft(spectrum, n)[: max_delay + 1][::-1]
        delay = int(np.argmax(corr))
        shifted = ref[max_delay - delay: max_delay - delay + len(mic)]
        energy = float(np.dot(shifted, shifted))
        if energy < 1e-8:
            return None
        score = corr[delay] / np.sqrt(energy * float(np.dot(mic, mic)))
        if score < MIN_CORRELATION:
            return None
        return delay, float(corr[delay] / energy)

    @staticmethod
    def _push(buffer: Samples, samples: Samples) -> None:
        n = len(samples)
        if n >= len(buffer):
            buffer[:] = samples[-len(buffer):]
        elif n:
            buffer[:-n] = buffer[n:]
            buffer[-n:] = samples
