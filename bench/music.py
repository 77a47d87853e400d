"""Music: time from a request to the first sound, and to the finished file, on this machine.

Two measurements, each with its plain peer in the same run:
- the pipeline (intent → score → kept → MIDI → sound): OS1 renders the opening phrase first and plays it while
  the rest renders; first sound is when the opening's audio is ready, finished when the whole WAV is. The peer
  renders the whole piece in one go, as a plain `fluidsynth -F` would: its first sound is its finished file.
- with `--model`: the whole conversational turn ("play me something that sounds like today") through
  Runtime.respond with that model choosing the tool and the intent, to the Music event (first sound) and to the
  finished WAV.

Target (issue 22): first sound within 3 s of the request.

Run:  .venv/bin/python bench/music.py [--pieces 8] [--model embedded|embedded:small] [--out results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from os1.config import load_settings
from os1.db.store import Store
from os1.events import Music, TurnEnded
from os1.music.compose import compose
from os1.music.intent import settle
from os1.music.library import files
from os1.music.making import finish_renders, make_piece
from os1.music.midi import write_midi
from os1.music.moods import MOODS, style
from os1.music.render import render
from os1.runtime import open_runtime

REPO = Path(__file__).resolve().parents[1]
TARGET_FIRST_SOUND_S = 3.0


async def pipeline(pieces: int, home: Path) -> list[dict[str, Any]]:
    store = await Store.open(home / "os1.db")
    person = await store.user("theodore")
    rows = []
    try:
        for n in range(pieces):
            mood = MOODS[n % len(MOODS)]
            intent = settle(f"compose something {mood}")
            started = time.perf_counter()
            made = await make_piece(store, person, home, intent, request=f"compose something {mood}", seed=n)
            first = time.perf_counter() - started
            await finish_renders()
            finished = time.perf_counter() - started
            # the peer: the same piece, rendered whole in one go
            started = time.perf_counter()
            score = compose(style(mood), n)
            midi = write_midi(score, home / "peer" / f"{n}.mid")
            await render(midi, home / "peer" / f"{n}.wav")
            whole = time.perf_counter() - started
            rows.append({"mood": mood, "seconds_of_music": round(made.piece.seconds, 1),
                         "first_sound_s": round(first, 3), "finished_s": round(finished, 3),
                         "peer_whole_render_s": round(whole, 3)})
            print(f"  {mood:<11} {made.piece.seconds:5.1f} s of music: first sound {first:5.2f} s, finished "
                  f"{finished:5.2f} s | peer (whole render) {whole:5.2f} s  [{made.piece.score.summary()}]")
    finally:
        await store.close()
    return rows


async def conversation(model: str, turns: int, home: Path) -> list[dict[str, Any]]:
    settings = load_settings(home).with_overrides(user="theodore", model=model, temperature=0.0)
    rt = await open_runtime(settings)
    rows = []
    try:
        person = await rt.person()
        conversation = await rt.conversation(person, None, new=True)
        await rt.prepare(person, conversation)
        async for _ in rt.respond(person, conversation, "Such a long day at work, I'm exhausted."):
            pass
        for n in range(turns):
            request = ("play me something that sounds like today", "write a song about our walk by the lake",
                       "compose something for my sister's wedding")[n % 3]
            started = time.perf_counter()
            first: float | None = None
            music: Music | None = None
            reply = ""
            async for event in rt.respond(person, conversation, request):
                if isinstance(event, Music) and first is None:
                    first, music = time.perf_counter() - started, event
                if isinstance(event, TurnEnded):
                    reply = event.text
            await finish_renders()
            finished = time.perf_counter() - started
            rows.append({"request": request, "composed": music is not None,
                         "first_sound_s": round(first, 3) if first is not None else None,
                         "finished_s": round(finished, 3), "reply": reply})
            where = files(home, person, music.piece_id).audio if music else None
            print(f"  {request!r}: first sound {first if first is not None else float('nan'):5.2f} s, finished "
                  f"{finished:5.2f} s, {'composed ' + str(where) if music else 'no piece'}\n    → {reply}")
    finally:
        await rt.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pieces", type=int, default=8)
    parser.add_argument("--model", default="", help="also time whole turns with this model (embedded, …)")
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("OS1_MODEL_DIR", str(REPO / ".cache" / "models"))
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        print(f"Pipeline, {args.pieces} pieces (first sound = opening phrase rendered):")
        rows = asyncio.run(pipeline(args.pieces, Path(tmp) / "a"))
        first = [r["first_sound_s"] for r in rows]
        peer = [r["peer_whole_render_s"] for r in rows]
        results["pipeline"] = {"rows": rows, "first_sound_p50_s": statistics.median(first),
                               "first_sound_max_s": max(first),
                               "finished_p50_s": statistics.median(r["finished_s"] for r in rows),
                               "peer_whole_render_p50_s": statistics.median(peer)}
        print(f"first sound p50 {statistics.median(first):.2f} s (max {max(first):.2f}); finished p50 "
              f"{results['pipeline']['finished_p50_s']:.2f} s; peer whole render p50 {statistics.median(peer):.2f} s "
              f"→ first sound {statistics.median(peer) / statistics.median(first):.1f}× sooner. "
              f"Target ≤ {TARGET_FIRST_SOUND_S:.0f} s: {'met' if max(first) <= TARGET_FIRST_SOUND_S else 'NOT met'}")
        if args.model:
            print(f"\nWhole turns with {args.model}:")
            turns = asyncio.run(conversation(args.model, args.turns, Path(tmp) / "b"))
            results["turns"] = {"model": args.model, "rows": turns}
            timed = [t["first_sound_s"] for t in turns if t["first_sound_s"] is not None]
            if timed:
                print(f"first sound p50 {statistics.median(timed):.2f} s over {len(timed)}/{len(turns)} turns "
                      f"that composed")
    if args.out:
        args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
