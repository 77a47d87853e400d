"""The published API schema, fuzzed for longer than CI does: every operation of `GET /openapi.json`, valid and
invalid input, against the real server on loopback with a valid token, each answer checked for a 5xx and
against the schema (status, content type, headers, body; tests/server/test_schema.py runs the same, bounded).

    python -m bench.fuzz_api --examples 300        # per operation and input kind; prints the count sent

Run from the repository root with OS1's environment (PYTHONPATH=src). Prints each failure found and a closing
line: examples sent, operations, failures.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from schemathesis import GenerationMode
from tests.server.test_schema import failures, operations, serve

from os1.config import load_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=300, help="inputs per operation and input kind")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        settings = load_settings(Path(home)).with_overrides(user="fuzz")
        ready, stop, box = threading.Event(), threading.Event(), {}
        thread = threading.Thread(target=serve, args=(settings, ready, box, stop), daemon=True)
        thread.start()
        ready.wait(120)
        if "live" not in box:
            raise SystemExit("the server did not start")
        counted, found, started = [0], [], time.perf_counter()
        try:
            ops: list[Any] = operations(box["live"])
            for operation in ops:
                for mode in GenerationMode:
                    found += failures(operation, mode, args.examples, counted)
                print(f"{operation.label}: {counted[0]} sent so far", flush=True)
        finally:
            stop.set()
            thread.join(60)
        for failure in found:
            print(failure, "\n")
        print(f"{counted[0]} examples sent to {len(ops)} operations in {time.perf_counter() - started:.0f} s: "
              f"{len(found)} failures (server errors or answers the schema does not describe)")


if __name__ == "__main__":
    main()
