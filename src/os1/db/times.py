"""Times as the store writes them: UTC with milliseconds, so that text order is time order; and the times a
message talks about, resolved against when it was said."""

from __future__ import annotations

from datetime import UTC, datetime

from os1.text.when import find_spans


def now_iso() -> str:
    return utc_iso(datetime.now(UTC))


def utc_iso(moment: datetime) -> str:
    """A moment as the store writes times: UTC, milliseconds, so that text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def mentioned_times(content: str, created_at: str) -> list[tuple[str, str]]:
    """The (start, end) of every time a message talks about, resolved against when it was said."""
    said = datetime.fromisoformat(created_at).astimezone()
    return [(utc_iso(s.start), utc_iso(s.end)) for s in find_spans(content, said)]
