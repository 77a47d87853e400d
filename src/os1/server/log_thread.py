"""The server's log lines are written on a thread of their own, never on the event loop.

uvicorn writes an access line for every request, and a write to a file or a pipe can block: behind the
journal commits of the store's fsyncs on the same disk, or a slow reader of stderr (journald, a terminal).
At 8,316 open web apps that is ~550 lines a second, and such a stall held every turn on the loop for 6-20 ms
(bench/load.py, a watchdog sampling the loop's stack). Records are handed over as they are, unformatted: the
access formatter reads the record's own arguments, and the query strings are already cut (serving.py).
"""

from __future__ import annotations

import logging
import logging.handlers
import queue
from collections.abc import Iterator
from contextlib import contextmanager


class _HandOver(logging.handlers.QueueHandler):
    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        return record  # formatted by the real handler, on the logging thread


@contextmanager
def logging_on_a_thread(names: tuple[str, ...]) -> Iterator[None]:
    """While the block runs, the handlers of these loggers write on a thread of their own; at its end every line
    handed over is written, and the handlers are put back."""
    moved: list[tuple[logging.Logger, list[logging.Handler], logging.handlers.QueueListener]] = []
    for name in names:
        logger = logging.getLogger(name)
        handlers = list(logger.handlers)
        if not handlers:
            continue
        lines: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
        # Each handler keeps its own level, as it did when it was the logger's.
        listener = logging.handlers.QueueListener(lines, *handlers, respect_handler_level=True)
        listener.start()
        logger.handlers = [_HandOver(lines)]
        moved.append((logger, handlers, listener))
    try:
        yield
    finally:
        for logger, handlers, listener in moved:
            listener.stop()  # writes what is still queued
            logger.handlers = handlers
