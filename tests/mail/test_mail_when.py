"""A mail question's time is in the past, whatever tense the question is asked in."""

from datetime import UTC, datetime
from pathlib import Path

from os1.db.store import Store
from os1.mail.search import understand

SUNDAY = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


async def test_mail_from_a_weekday_is_from_the_one_gone(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "os1.db")
    person = await store.user("maria")
    for question in ("Do I have any emails from Friday?", "What mail did I get on Friday?"):
        query = await understand(question, store, person, SUNDAY)
        assert str(query.since) == "2026-12-04", question
    await store.close()
