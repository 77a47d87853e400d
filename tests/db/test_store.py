import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from os1.db.migrations import MIGRATIONS
from os1.db.store import NotFound, Store


async def test_messages_persist_across_reopen(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "os1.db")
    theo = await store.user("theodore")
    conv = await store.new_conversation(theo)
    await store.append(conv, "user", "My sister is called Ottilie.")
    await store.append(conv, "assistant", "Ottilie, what a lovely name.", "interrupted")
    await store.close()

    store = await Store.open(tmp_path / "os1.db")
    theo_again = await store.user("theodore")
    assert theo_again == theo
    latest = await store.latest_conversation(theo)
    assert latest is not None and latest.id == conv.id
    msgs = await store.messages(latest)
    assert [(m.role, m.content, m.status) for m in msgs] == [
        ("user", "My sister is called Ottilie.", "complete"),
        ("assistant", "Ottilie, what a lovely name.", "interrupted"),
    ]
    await store.close()


async def test_wal_and_full_sync(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "os1.db")
    await store.close()
    db = sqlite3.connect(tmp_path / "os1.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {r[0] for r in db.execute("SELECT name FROM _migrations")} == {name for name, _ in MIGRATIONS}


async def test_people_never_reach_each_others_conversations(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "os1.db")
    theo, amy = await store.user("theodore"), await store.user("amy")
    conv = await store.new_conversation(theo)
    await store.append(conv, "user", "secret")
    with pytest.raises(NotFound):
        await store.conversation(amy, conv.id)
    assert await store.latest_conversation(amy) is None
    assert await store.conversations(amy) == []
    await store.close()


async def test_history_limit_keeps_the_newest_in_order(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "os1.db")
    conv = await store.new_conversation(await store.user("t"))
    for i in range(10):
        await store.append(conv, "user", f"m{i}")
    assert [m.content for m in await store.messages(conv, limit=3)] == ["m7", "m8", "m9"]
    summaries = await store.conversations(await store.user("t"))
    assert summaries[0].message_count == 10 and summaries[0].first_words == "m0"
    await store.close()


async def test_companion_state_is_per_person(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "os1.db")
    theo, amy = await store.user("theodore"), await store.user("amy")
    await store.set_state(theo, "persona:os1:name", "Samantha")
    await store.set_state(theo, "persona:os1:name", "Sam")
    assert await store.get_state(theo, "persona:os1:name") == "Sam"
    assert await store.get_state(amy, "persona:os1:name") is None
    await store.close()


async def test_word_search_is_per_person_and_safe_with_any_text(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "os1.db")
    theo, amy = await store.user("theodore"), await store.user("amy")
    conv = await store.new_conversation(theo)
    await store.append(conv, "user", "We walked by the lake at dawn.")
    await store.append(conv, "user", "Dinner was fine.")
    await store.append(await store.new_conversation(amy), "user", "The lake froze over.")
    hits = await store.search(theo, "remember the lakes?")  # stemmed: lakes → lake
    assert [m.content for m in hits] == ["We walked by the lake at dawn."]
    for hostile in ['" OR 1=1 --', "NEAR(lake dawn)", "lake*", "'); DROP TABLE messages; --", "", "the and of"]:
        await store.search(theo, hostile)  # never an FTS syntax error, never another person's message
    assert all(m.conversation_id == conv.id for m in await store.search(theo, "lake froze"))
    await store.close()


def test_fts_query_quotes_words_and_drops_filler() -> None:
    from os1.db.store import fts_query

    assert fts_query('What did "I" tell you about Ottilie\'s cello?') == '"ottilie" OR "cello"'
    assert fts_query("the and of") == ""


async def test_forget_leaves_no_trace_in_the_file(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "os1.db")
    theo, amy = await store.user("theodore"), await store.user("amy")
    conv = await store.new_conversation(theo)
    secret = await store.append(conv, "user", "My ex Catherine still has my zanzibarian records.")
    later = await store.append(conv, "user", "anyway")
    await store.update_meta(later, {"recalled": [{"id": secret.id, "text": secret.content, "role": "user"}]})
    await store.append(conv, "user", "Keep this one.")
    amys = await store.append(await store.new_conversation(amy), "user", "zanzibarian is my word")
    assert await store.forget(amy, [secret.id]) == 0  # not hers to forget
    assert await store.forget(theo, [secret.id, amys.id]) == 1  # and his forget never reaches her messages
    assert [m.content for m in await store.search(theo, "zanzibarian Catherine")] == []
    assert (await store.messages(conv))[0].meta == {"recalled": []}
    await store.close()
    data = _all_bytes(tmp_path)
    assert b"Catherine" not in data
    assert b"Keep this one." in data and b"zanzibarian is my word" in data


def _all_bytes(folder: Path) -> bytes:
    """Every byte of the database, its WAL and anything else SQLite left beside it."""
    return b"".join(p.read_bytes() for p in folder.iterdir() if p.is_file())


async def test_a_word_search_leaves_out_words_too_common_to_rank(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from os1.db import store as store_module

    monkeypatch.setattr(store_module, "RANKING_BUDGET", 20)
    store = await Store.open(tmp_path / "os1.db")
    theo = await store.user("theodore")
    conv = await store.new_conversation(theo)
    for n in range(40):
        await store.append(conv, "user", f"Work was long again today, day {n}.")
    wanted = await store.append(conv, "user", "My sister Ottilie works at the harbour.")
    found = await store.search(theo, "Where does Ottilie work?", limit=5)
    assert [m.id for m in found] == [wanted.id]  # "work" (41 rows) was over budget; "ottilie" led
    assert len(await store.search(theo, "a long day", limit=50)) == 40  # all common: still searched, by the rarest
    await store.close()


async def test_other_peoples_messages_never_count_against_a_search(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """On a shared server, the word index matches and counts only the asking person's messages: someone else
    saying "work" a thousand times neither slows Theodore's search nor pushes "work" out of it."""
    from os1.db import store as store_module

    monkeypatch.setattr(store_module, "RANKING_BUDGET", 20)
    store = await Store.open(tmp_path / "os1.db")
    theo, amy = await store.user("theodore"), await store.user("amy")
    busy = await store.new_conversation(amy)
    for n in range(60):
        await store.append(busy, "user", f"Work at the harbour was long, day {n}.")
    mine = await store.append(await store.new_conversation(theo), "user", "Work at the harbour starts at six.")
    hits = await store.search(theo, "When does work at the harbour start?")
    assert [m.id for m in hits] == [mine.id]
    db = store._conn()
    match = store_module.bounded_match(db, "messages_fts", "work harbour", theo)
    assert '"work"' in match and '"harbour"' in match  # 1 row of Theodore's each: nothing dropped
    assert await store.search(theo, f"p{amy.id}") == []  # an owner token typed as a word matches nothing
    await store.close()


async def test_deleting_a_person_takes_their_messages_out_of_the_word_index(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "os1.db")
    theo, amy = await store.user("theodore"), await store.user("amy")
    await store.append(await store.new_conversation(amy), "user", "My locker code is 4471.")
    await store.append(await store.new_conversation(theo), "user", "My locker is by the door.")
    await store.delete_user(amy)
    db = store._conn()
    db.execute("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')")
    assert db.execute("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH '4471'").fetchone() == (0,)
    assert [m.content for m in await store.search(theo, "locker")] == ["My locker is by the door."]
    await store.close()


async def test_a_store_from_before_the_per_person_index_is_searched_the_same(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from os1.db import migrations

    later = [name for name, _ in MIGRATIONS].index("m010_per_person_time_and_token_epoch") + 1
    monkeypatch.setattr(migrations, "MIGRATIONS", MIGRATIONS[:later])
    store = await Store.open(tmp_path / "os1.db")  # as an older OS1 left it
    theo, amy = await store.user("theodore"), await store.user("amy")
    await store.append(await store.new_conversation(theo), "user", "The lighthouse keeper's book was sad.")
    await store.append(await store.new_conversation(amy), "user", "A book about a lighthouse, lovely.")
    await store.close()
    with sqlite3.connect(tmp_path / "os1.db") as db:
        assert not db.execute("SELECT 1 FROM _migrations WHERE name = 'm011_messages_fts_by_person'").fetchall()
    monkeypatch.setattr(migrations, "MIGRATIONS", MIGRATIONS)
    store = await Store.open(tmp_path / "os1.db")
    assert [m.content for m in await store.search(theo, "lighthouse book")] == ["The lighthouse keeper's book was sad."]
    assert [m.content for m in await store.search(amy, "lighthouse book")] == ["A book about a lighthouse, lovely."]
    await store.close()


async def test_a_look_up_does_not_wait_behind_a_long_read(tmp_path: Path) -> None:
    """Reads run on several query-only connections: one person's long search leaves the others' look-ups free."""
    store = await Store.open(tmp_path / "os1.db")
    try:
        alice = await store.user("alice")
        await store.set_state(alice, "name", "Samantha")
        release = threading.Event()

        def long_read() -> int:  # stands for a word search over the commonest words
            release.wait(10)
            return 1

        held = asyncio.ensure_future(store._read(long_read))
        assert await asyncio.wait_for(store.get_state(alice, "name"), 5) == "Samantha"
        assert not held.done()
        release.set()
        assert await held == 1
    finally:
        await store.close()
