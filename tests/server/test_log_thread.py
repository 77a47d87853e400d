"""The server's log lines are written on a thread of their own, as they would have been written on the loop."""

from __future__ import annotations

import io
import logging
import threading

from uvicorn.logging import AccessFormatter

from os1.server.log_thread import logging_on_a_thread


def test_lines_are_written_off_the_calling_thread_whole_and_in_order() -> None:
    out = io.StringIO()
    writers: set[str] = set()

    class Recording(logging.StreamHandler):  # type: ignore[type-arg]
        def emit(self, record: logging.LogRecord) -> None:
            writers.add(threading.current_thread().name)
            super().emit(record)

    handler = Recording(out)
    handler.setFormatter(AccessFormatter('%(client_addr)s "%(request_line)s" %(status_code)s', use_colors=False))
    logger = logging.getLogger("os1-test-access")
    logger.handlers, logger.propagate = [handler], False
    logger.setLevel(logging.INFO)

    with logging_on_a_thread(("os1-test-access", "os1-test-nothing-here")):
        assert logger.handlers != [handler]
        for n in range(50):  # uvicorn's access line: the formatter reads the record's own arguments
            logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET", f"/api/status/{n}", "1.1", 200)
    assert logger.handlers == [handler]  # put back, with every line written
    lines = out.getvalue().splitlines()
    assert lines == [f'127.0.0.1:5 "GET /api/status/{n} HTTP/1.1" 200 OK' for n in range(50)]
    assert threading.current_thread().name not in writers
