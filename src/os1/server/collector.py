"""Python's cycle collector, paced for a server that holds thousands of open connections.

Every full collection walks every object the interpreter tracks, and stops the event loop while it does. With
8,316 people's web apps connected that is ~400,000 objects and ~300 ms, several times a minute: every turn
under way waits that long (bench/load.py showed it as the p99). Almost all of those objects live as long as the
server (modules, models) or as long as a connection, and are never garbage. So:

- once OS1 has started, everything alive is frozen: collections no longer walk it;
- every FREEZE_EVERY_S what has survived since is frozen too: connections opened since, caches filled since;
- every FULL_EVERY_S everything is thawed and collected in one pass (a pause like the old ones, a few times an
  hour instead of a few times a minute), so cycles that died after being frozen are reclaimed, then frozen again.

Young objects (a request's, a turn's) are collected as usual, but in smaller steps: each open connection keeps its
last request's objects until its next request, 15 s later, so they outlive the young collections, and Python's
middle generation, collected once every 10 young collections, holds ~40,000 of them by then: an 8-22 ms pause
every ~2 s at N=8,316, the largest share of the turns' p99. Collected every MIDDLE_EVERY young collections, it
pauses for a fifth of that, for the same total work. The oldest generation is left to this pacing alone
(OLD_EVERY: never, in practice): between freezes it holds what connections opened and caches filled in the last
few seconds, and walking it would pause for tens of ms to find, most of the time, nothing.
(A larger first generation was tried, 2,000 and 10,000 allocations against Python's 700: p99 was no better.)
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time

log = logging.getLogger(__name__)

FREEZE_EVERY_S = 10.0
FULL_EVERY_S = 900.0
MIDDLE_EVERY = 2  # young collections per collection of the middle generation (Python's: 10)
OLD_EVERY = 1_000_000  # middle-generation collections per automatic full one (Python's: 10)


async def pace_collections(freeze_every_s: float = FREEZE_EVERY_S, full_every_s: float = FULL_EVERY_S) -> None:
    """Run for as long as the server does (cancel it to stop); leaves nothing frozen behind, and the collector's
    thresholds as they were."""
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], MIDDLE_EVERY, OLD_EVERY)
    gc.collect()
    gc.freeze()
    last_full = time.monotonic()
    try:
        while True:
            await asyncio.sleep(freeze_every_s)
            if time.monotonic() - last_full >= full_every_s:
                gc.unfreeze()
                started = time.perf_counter()
                found = gc.collect()
                log.debug("full collection: %d unreachable objects in %.0f ms", found,
                          (time.perf_counter() - started) * 1000)
                last_full = time.monotonic()
            else:
                gc.collect(1)  # the young generations' dead cycles first: they would otherwise be frozen too
            gc.freeze()
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
