"""The reply's first phrase, voiced while the model goes on writing: with and without the model waiting.

When a voice turn ends, the embedded model writes the reply on both cores while the voice synthesises the first
phrase. With the hold (os1/models/cores.py) the model pauses between tokens for that moment. This times the
first phrase's synthesis while a reply streams, held and not held, interleaved in one run (the machines drift
too much from run to run for anything but ratios within a run), and how long the reply then took in all.

Run:  .venv/bin/python bench/voice_first_phrase.py [--voice kokoro-alpha] [--model embedded] [--rounds 6]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from os1.config import load_settings
from os1.models import cores
from os1.models.base import GenerateOptions, Message, Model
from os1.models.resolve import resolve_model
from os1.voice.base import Voice
from os1.voice.tts import DEFAULT_VOICE, load_voice

PHRASES = ("I really like that idea,", "Oh, that sounds lovely.", "Good morning, how did you sleep?",
           "Lisbon in March is lovely.", "Of course, Thursday it is.", "Tell me more about it.")
PROMPT: list[Message] = [{"role": "user", "content": "Tell me, in a few sentences, about a walk by the sea."}]


async def one(model: Model, voice: Voice, phrase: str, hold: bool) -> tuple[float, float]:
    """(ms to synthesise `phrase` while the reply streams, ms until the reply was written)."""
    started = time.perf_counter()
    first = asyncio.Event()

    async def write() -> float:
        async for _ in model.stream(PROMPT, GenerateOptions(max_tokens=48, temperature=0.0)):
            first.set()
        return (time.perf_counter() - started) * 1000

    writing = asyncio.ensure_future(write())
    await first.wait()  # as in the loop: the first phrase is voiced once the model has begun
    t = time.perf_counter()
    if hold:
        with cores.SHARED.hold():
            await asyncio.to_thread(voice.synthesize, phrase)
    else:
        await asyncio.to_thread(voice.synthesize, phrase)
    synth = (time.perf_counter() - t) * 1000
    return synth, await writing


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(Path(tmp)).with_overrides(model=args.model)
        model = resolve_model(args.model, settings)
        voice = load_voice(args.voice)
        await asyncio.to_thread(voice.synthesize, "Hello.")
        async for _ in model.stream(PROMPT, GenerateOptions(max_tokens=4)):
            pass
        rows: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
        for n in range(args.rounds):
            phrase = PHRASES[n % len(PHRASES)]
            for hold in ((False, True) if n % 2 == 0 else (True, False)):
                synth, total = await one(model, voice, phrase, hold)
                rows[hold].append((synth, total))
                print(f"{n + 1:2d} {'held' if hold else 'free':4s} first phrase {synth:7.0f} ms  reply written "
                      f"{total:7.0f} ms  {phrase}", flush=True)
        await model.close()
    print(f"\nfirst phrase synthesised while the reply streams ({voice.info.label}, {args.rounds} rounds, medians)")
    for hold, label in ((False, "model free"), (True, "model held")):
        synth = statistics.median(s for s, _ in rows[hold])
        total = statistics.median(t for _, t in rows[hold])
        print(f"  {label}: first phrase {synth:6.0f} ms, reply written in {total:6.0f} ms")
    ratio = statistics.median(s for s, _ in rows[True]) / statistics.median(s for s, _ in rows[False])
    print(f"  held / free, first phrase: {ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--voice", default=DEFAULT_VOICE)
    parser.add_argument("--model", default="embedded")
    parser.add_argument("--rounds", type=int, default=6)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
