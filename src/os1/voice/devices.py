"""The microphone and speakers, opened as one duplex stream so what is heard and what is played stay aligned
(the echo canceller relies on it). 16 kHz mono, 32 ms blocks; PortAudio resamples for the hardware."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import numpy as np

from os1.voice.base import EAR_RATE, FRAME, AudioError, Samples
from os1.voice.outbox import Outbox

NO_DEVICE = ("I can't find a microphone and speakers to talk through{why}. Plug in a headset or check your "
             "sound settings; without them you can still talk with files: "
             "os1 talk --input question.wav --output reply.wav")


def _sounddevice() -> Any:
    try:
        import sounddevice
    except OSError as exc:  # the module loads, but PortAudio (a system library) is missing
        raise AudioError(f"Sound needs the PortAudio library ({exc}). On Debian: sudo apt-get install "
                         "libportaudio2") from exc
    except ImportError as exc:
        raise AudioError("Sound needs the sounddevice package: run ./os1 again to finish the install.") from exc
    return sounddevice


def check_devices() -> None:
    """Raise AudioError, saying what to do, unless there is a default input and output device."""
    sd = _sounddevice()
    try:
        inp, out = sd.default.device
        if inp is None or inp < 0 or out is None or out < 0:
            devices = sd.query_devices()
            has_in = any(d["max_input_channels"] > 0 for d in devices)
            has_out = any(d["max_output_channels"] > 0 for d in devices)
            if not (has_in and has_out):
                missing = "microphone" if not has_in else "speakers"
                raise AudioError(NO_DEVICE.format(why=f" (no {missing})"))
    except sd.PortAudioError as exc:
        raise AudioError(NO_DEVICE.format(why=f" ({exc})")) from exc


async def duplex(outbox: Outbox) -> AsyncIterator[tuple[Samples, Samples]]:
    """(microphone, played) 32 ms frames from the default devices until cancelled; plays from `outbox`."""
    sd = _sounddevice()
    loop = asyncio.get_running_loop()
    frames: asyncio.Queue[tuple[Samples, Samples]] = asyncio.Queue(maxsize=64)

    def callback(indata: Any, outdata: Any, count: int, _time: Any, _status: Any) -> None:
        played = outbox.pull(count)
        outdata[:, 0] = played
        mic = np.array(indata[:, 0], dtype=np.float32)
        loop.call_soon_threadsafe(_offer, frames, (mic, played))

    try:
        stream = sd.Stream(samplerate=EAR_RATE, blocksize=FRAME, channels=1, dtype="float32", callback=callback,
                           latency="low")
    except sd.PortAudioError as exc:
        raise AudioError(NO_DEVICE.format(why=f" ({exc})")) from exc
    with stream:
        while True:
            yield await frames.get()


def _offer(queue: asyncio.Queue[tuple[Samples, Samples]], item: tuple[Samples, Samples]) -> None:
    if queue.full():  # the loop fell behind: drop the oldest frame rather than let latency grow
        queue.get_nowait()
    queue.put_nowait(item)
