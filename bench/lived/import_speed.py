"""How fast imported history is learned: a transcript stored into a fresh home, then learned, each timed.

    OS1_MODEL_DIR=.cache/models python bench/lived/import_speed.py /tmp/maria.jsonl --me Maria [--limit-s 600]

Prints the messages learned per second (all the transcript's messages, as `os1 memory import` counts them),
with progress; `--limit-s` stops learning after that long and reports the rate over what was done.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from os1.config import load_settings
from os1.memory.importers import read_conversations
from os1.memory.learn import catch_up
from os1.runtime import open_runtime


async def run(args: argparse.Namespace) -> None:
    settings = load_settings(Path(tempfile.mkdtemp(prefix="os1-speed-"))).with_overrides(user="maria",
                                                                                          model=args.model)
    rt = await open_runtime(settings)
    try:
        user = await rt.store.user("maria")
        conversations = list(read_conversations(args.path, me=args.me))
        started = time.perf_counter()
        report = await rt.companion.memory.import_conversations(user, conversations)
        stored = time.perf_counter() - started
        print(f"stored {report.messages} messages in {stored:.1f} s", flush=True)
        await rt.model.load()
        started = time.perf_counter()
        last = [0.0]

        def progress(done: int, total: int) -> None:
            if time.perf_counter() - last[0] > 5 or done == total:
                last[0] = time.perf_counter()
                print(f"  learning: {done}/{total} of the person's messages, {last[0] - started:.1f} s", flush=True)

        learned = await catch_up(rt.companion.memory, rt.model, user, progress=progress,
                                 should_stop=lambda: time.perf_counter() - started > args.limit_s)
        took = time.perf_counter() - started
        mark = int(await rt.store.get_state(user, "learned_through") or 0)
        rows = await rt.store.read("SELECT count(*) FROM messages WHERE id <= ?", (mark,))
        done = int(rows[0][0])
        print(f"learned {learned.facts} facts ({learned.superseded} replaced) from {done} of {report.messages} "
              f"messages in {took:.2f} s: {done / took:.1f} messages/s")
    finally:
        await rt.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--me", default="Maria")
    parser.add_argument("--model", default="embedded")
    parser.add_argument("--limit-s", type=float, default=600.0)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
