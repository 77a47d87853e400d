import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from os1.memory.importers import (
    ImportedConversation,
    ImportedMessage,
    ImportFormatError,
    detect_format,
    read_chatgpt,
    read_conversations,
    read_jsonl,
)

FIXTURES = Path(__file__).parent / "fixtures"
CHATGPT = FIXTURES / "chatgpt_conversations.json"
TRANSCRIPT = FIXTURES / "transcript.jsonl"


def at(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def write_lines(path: Path, *rows: dict[str, Any] | str) -> Path:
    path.write_text("\n".join(row if isinstance(row, str) else json.dumps(row) for row in rows) + "\n")
    return path


def as_zip(tmp_path: Path, member: str = "conversations.json") -> Path:
    archive = tmp_path / "chatgpt-export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("chat.html", "<html></html>")
        z.writestr("user.json", "{}")
        z.write(CHATGPT, member)
    return archive


def summary(conv: ImportedConversation) -> list[tuple[str, str]]:
    return [(m.role, m.text) for m in conv.messages]


# --- ChatGPT -------------------------------------------------------------------------------------------------


def test_chatgpt_oldest_first_and_empty_conversations_skipped() -> None:
    convs = list(read_chatgpt(CHATGPT))
    assert [(c.source, c.external_id, c.title) for c in convs] == [
        ("chatgpt", "662e0000-0000-4000-8000-00000000000b", "Can't sleep"),
        ("chatgpt", "6632a1b0-0000-4000-8000-00000000000a", "Ottilie's birthday"),
    ]


def test_chatgpt_follows_current_branch_and_drops_hidden_tool_and_image_only() -> None:
    birthday = list(read_chatgpt(CHATGPT))[1]
    assert summary(birthday) == [
        ("user", "What should I get my sister Ottilie for her 30th?"),  # the edit, not the original
        ("assistant", "Thirty is a big one. What does she love?"),
        ("user", "She paints watercolours.\nLike this one."),  # the image part is dropped
        ("assistant", "Sable brushes would suit her."),  # the browser call and its quote are not
        ("assistant", "What a lovely photo of the two of you."),  # the image-only message before it is gone
    ]
    assert [m.external_id for m in birthday.messages] == ["u-1b", "a-2", "u-2", "a-4", "a-5"]


def test_chatgpt_missing_times_inherit() -> None:
    sleep, birthday = read_chatgpt(CHATGPT)
    assert birthday.messages[1].time == at(1714600060.0)  # a-2 has no time: its parent's
    assert sleep.messages[0].time == at(1714000000.0)  # first message has none: the conversation's
    assert all(m.time.tzinfo is UTC for c in (sleep, birthday) for m in c.messages)


def test_chatgpt_voice_transcripts_are_kept() -> None:
    sleep = next(read_chatgpt(CHATGPT))
    assert sleep.messages[-1] == ImportedMessage("user", "The divorce papers came today.", at(1714000030.0), "u-b2")


def test_chatgpt_zip_matches_json(tmp_path: Path) -> None:
    assert list(read_chatgpt(as_zip(tmp_path))) == list(read_chatgpt(CHATGPT))


def test_chatgpt_zip_with_export_folder(tmp_path: Path) -> None:
    archive = as_zip(tmp_path, member="export-2024-05-02/conversations.json")
    assert len(list(read_chatgpt(archive))) == 2


def test_chatgpt_zip_without_conversations(tmp_path: Path) -> None:
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.jpg", b"\xff\xd8")
    with pytest.raises(ImportFormatError, match="no conversations.json"):
        list(read_chatgpt(archive))


def test_chatgpt_without_current_node_takes_latest_leaf(tmp_path: Path) -> None:
    export = json.loads(CHATGPT.read_text())
    del export[0]["current_node"]
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps(export))
    birthday = list(read_chatgpt(path))[1]
    assert birthday.messages[-1].text == "What a lovely photo of the two of you."


def test_chatgpt_parent_cycle_does_not_hang(tmp_path: Path) -> None:
    user = {"author": {"role": "user"}, "create_time": 5.0, "content": {"content_type": "text", "parts": ["hi"]}}
    mapping = {"a": {"message": user, "parent": "b", "children": []}, "b": {"message": None, "parent": "a"}}
    path = tmp_path / "c.json"
    path.write_text(json.dumps([{"id": "c1", "mapping": mapping, "current_node": "a"}]))
    [conv] = read_chatgpt(path)
    assert summary(conv) == [("user", "hi")]


@pytest.mark.parametrize(
    ("content", "match"),
    [("{", "not valid JSON"), ('{"a": 1}', "expected a JSON list"), ('[{"title": "x"}]', 'no "mapping"')],
)
def test_chatgpt_malformed(tmp_path: Path, content: str, match: str) -> None:
    path = tmp_path / "conversations.json"
    path.write_text(content)
    with pytest.raises(ImportFormatError, match=match):
        list(read_chatgpt(path))


# --- JSON lines ----------------------------------------------------------------------------------------------


def test_jsonl_conversation_field_ids_and_times() -> None:
    letters, walk = read_jsonl(TRANSCRIPT, me="Theodore")
    assert letters.external_id == "letters" and walk.external_id == "walk"
    assert letters.messages == (  # each name as the transcript first wrote it
        ImportedMessage("user", "I finished Chris's letter.", datetime(2026, 5, 1, 9, tzinfo=UTC), "m3", "Theodore"),
        ImportedMessage("assistant", "Read it to me?", datetime(2026, 5, 1, 9, 1, tzinfo=UTC), "m5", "Samantha"),
    )
    assert [m.time for m in walk.messages] == [
        datetime(2026, 5, 3, 16, tzinfo=UTC),  # +02:00 converted
        datetime(2026, 5, 3, 16, 0, 5, tzinfo=UTC),
    ]
    assert all(m.time.tzinfo is UTC for m in walk.messages)
    assert [m.external_id for m in walk.messages] == ["m1", "m2"]  # m4 has blank text


def test_jsonl_me_is_case_insensitive() -> None:
    convs = list(read_jsonl(TRANSCRIPT, me="THEODORE"))
    assert [m.role for c in convs for m in c.messages] == ["user", "assistant", "user", "assistant"]


def test_jsonl_two_named_speakers_need_me() -> None:
    with pytest.raises(ImportFormatError, match="pass me="):
        list(read_jsonl(TRANSCRIPT))


def test_jsonl_unknown_me(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="me='Catherine' is not a speaker"):
        list(read_jsonl(TRANSCRIPT, me="Catherine"))


def test_jsonl_split_by_gap(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "t.jsonl",
        {"speaker": "me", "text": "morning", "time": "2026-05-03T08:00:00Z"},
        {"speaker": "OS1", "text": "good morning", "time": "2026-05-03T08:00:03Z"},
        {"speaker": "me", "text": "still here", "time": "2026-05-03T11:00:03Z"},  # exactly 3 h: same one
        {"speaker": "os1", "text": "evening already?", "time": "2026-05-03T14:00:04Z"},  # over 3 h: a new one
    )
    convs = list(read_jsonl(path))
    assert [(c.external_id, c.title, len(c.messages)) for c in convs] == [("jsonl-1", None, 3), ("jsonl-2", None, 1)]
    assert [m.role for m in convs[0].messages] == ["user", "assistant", "user"]
    assert convs[0].messages[0].external_id is None


def test_jsonl_session_field_and_chronological_order(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "t.jsonl",
        {"session": 2, "speaker": "human", "text": "later", "time": "2026-05-04"},
        {"session": 1, "speaker": "human", "text": "earlier", "time": "2026-05-03"},
        {"session": 1, "speaker": "ai", "text": "reply", "time": "2026-05-05"},
    )
    convs = list(read_jsonl(path))
    assert [(c.external_id, [m.text for m in c.messages]) for c in convs] == [
        ("1", ["earlier", "reply"]),
        ("2", ["later"]),
    ]
    assert convs[0].messages[0].time == datetime(2026, 5, 3, tzinfo=UTC)  # date only: midnight UTC


@pytest.mark.parametrize(
    ("time", "expected"),
    [
        ("2026-05-03T09:30:00", datetime(2026, 5, 3, 9, 30, tzinfo=UTC)),
        ("2026-05-03T09:30:00Z", datetime(2026, 5, 3, 9, 30, tzinfo=UTC)),
        ("2026-05-03T09:30:00-07:00", datetime(2026, 5, 3, 16, 30, tzinfo=UTC)),
        ("2026-05-03", datetime(2026, 5, 3, tzinfo=UTC)),
        (1777800600, datetime(2026, 5, 3, 9, 30, tzinfo=UTC)),
        (1777800600.5, datetime(2026, 5, 3, 9, 30, 0, 500000, tzinfo=UTC)),
    ],
)
def test_jsonl_times(tmp_path: Path, time: str | float, expected: datetime) -> None:
    path = write_lines(tmp_path / "t.jsonl", {"speaker": "user", "text": "hi", "time": time})
    [conv] = read_jsonl(path)
    assert conv.messages[0].time == expected
    assert conv.messages[0].time.utcoffset() is not None


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("not json at all", "line 3: not JSON"),
        ('["user", "hi"]', "line 3: expected a JSON object"),
        ('{"speaker": "user", "time": "2026-05-03"}', 'line 3: missing "text"'),
        ('{"text": "hi", "time": "2026-05-03"}', 'line 3: missing "speaker"'),
        ('{"speaker": "user", "text": "hi"}', 'line 3: missing "time"'),
        ('{"speaker": "user", "text": 5, "time": "2026-05-03"}', 'line 3: "text" must be a string'),
        ('{"speaker": "", "text": "hi", "time": "2026-05-03"}', 'line 3: "speaker" is empty'),
        ('{"speaker": "user", "text": "hi", "time": "yesterday"}', 'line 3: "time" must be ISO 8601'),
        ('{"speaker": "user", "text": "hi", "time": true}', 'line 3: "time" must be ISO 8601'),
        ('{"speaker": "user", "text": "hi", "time": 1, "id": [1]}', 'line 3: "id" must be a string'),
    ],
)
def test_jsonl_errors_name_file_and_line(tmp_path: Path, bad: str, message: str) -> None:
    good = {"speaker": "user", "text": "hi", "time": "2026-05-03"}
    path = write_lines(tmp_path / "t.jsonl", good, "", bad, good)
    with pytest.raises(ImportFormatError) as caught:
        list(read_jsonl(path))
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_jsonl_bad_bytes_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_bytes(b'{"speaker": "user", "text": "hi", "time": 1}\n{"speaker": "user", "text": "\xff"}\n')
    with pytest.raises(ImportFormatError, match="line 2: not UTF-8"):
        list(read_jsonl(path))


def test_jsonl_more_than_two_speakers(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "group.jsonl",
        {"speaker": "Theodore", "text": "hi both", "time": 1},
        {"speaker": "Amy", "text": "hey", "time": 2},
        {"speaker": "Samantha", "text": "hello", "time": 3},
    )
    with pytest.raises(ImportFormatError, match=r"3 speakers \(Amy, Samantha, Theodore\); pass me="):
        list(read_jsonl(path))
    [conv] = read_jsonl(path, me="theodore")
    assert [m.role for m in conv.messages] == ["user", "assistant", "assistant"]
    assert [m.speaker for m in conv.messages] == ["Theodore", "Amy", "Samantha"]  # the others stay apart by name


def test_jsonl_role_words_are_no_names(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "chat.jsonl",
        {"speaker": "user", "text": "hi", "time": 1},
        {"speaker": "Assistant", "text": "hello", "time": 2},
    )
    [conv] = read_jsonl(path)
    assert [(m.role, m.speaker) for m in conv.messages] == [("user", None), ("assistant", None)]


# --- detection and dispatch ----------------------------------------------------------------------------------


def test_detect_format(tmp_path: Path) -> None:
    os1 = tmp_path / "backup.json"
    os1.write_text(json.dumps({"format": "os1-memory", "version": 1, "people": []}, indent=2))
    no_suffix = write_lines(tmp_path / "transcript.txt", {"speaker": "me", "text": "hi", "time": 1})
    assert detect_format(CHATGPT) == "chatgpt"
    assert detect_format(as_zip(tmp_path)) == "chatgpt"
    assert detect_format(TRANSCRIPT) == "jsonl"
    assert detect_format(no_suffix) == "jsonl"
    assert detect_format(os1) == "os1"


def test_detect_format_broken_jsonl_still_reports_the_line(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "t.jsonl", "{oops", {"speaker": "me", "text": "hi", "time": 1})
    assert detect_format(path) == "jsonl"
    with pytest.raises(ImportFormatError, match="line 1: not JSON"):
        list(read_conversations(path))


@pytest.mark.parametrize(
    "content",
    [b"", b"hello there\n", b"\x89PNG\r\n\x1a\n\x00\x00", b'[{"role": "user", "content": "hi"}]', b'{"a": 1}'],
)
def test_detect_format_rejects_garbage(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "mystery.json"
    path.write_bytes(content)
    with pytest.raises(ImportFormatError, match="ChatGPT data export .* JSON-lines transcript"):
        detect_format(path)


def test_read_conversations_dispatches(tmp_path: Path) -> None:
    assert list(read_conversations(CHATGPT)) == list(read_chatgpt(CHATGPT))
    assert list(read_conversations(TRANSCRIPT, me="Theodore")) == list(read_jsonl(TRANSCRIPT, me="Theodore"))
    os1 = tmp_path / "backup.json"
    os1.write_text('{"format": "os1-memory"}')
    with pytest.raises(ImportFormatError, match="restore"):
        read_conversations(os1)
