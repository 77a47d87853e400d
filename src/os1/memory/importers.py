"""Read other people's chat history into a normalized form, so `os1 memory import FILE` can store it.

Two formats: a ChatGPT data export (the .zip or its `conversations.json`) and a JSON-lines transcript of
`{"speaker", "text", "time"}` objects. This module only parses; storing happens elsewhere. OS1's own export is
recognised by `detect_format` but restored, not imported.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any, Literal

from os1.memory.portable import ARCHIVE_MEMBER

Role = Literal["user", "assistant"]
Format = Literal["chatgpt", "jsonl", "os1"]

_HEAD_BYTES = 1 << 20  # enough to see the first ChatGPT conversation's keys without reading a 500 MB file
_CHATGPT_HINT = re.compile(r'^\[\s*\{.*?"mapping"\s*:', re.DOTALL)
_OS1_HINT = re.compile(r'"format"\s*:\s*"os1-memory"')
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_GAP = timedelta(hours=3)
_USER_SPEAKERS = frozenset({"user", "human", "me", "person"})
# Speaker names that only say a role: nobody is called that, so they are not kept as names.
_ROLE_NAMES = _USER_SPEAKERS | {"assistant", "ai", "bot", "companion", "model", "system", "chatgpt", "gpt"}
_VISIBLE_CONTENT = frozenset({"text", "multimodal_text"})  # code, thoughts, tether_quote, ... are tool/internal
_ACCEPTED = (
    "OS1 can import a ChatGPT data export (the .zip or its conversations.json) or a JSON-lines transcript "
    '(one {"speaker", "text", "time"} object per line)'
)


@dataclass(frozen=True)
class ImportedMessage:
    role: Role
    text: str
    time: datetime  # tz-aware UTC
    external_id: str | None  # the source's own message id
    speaker: str | None = None  # who said it, by name, where the source names people (a transcript's "speaker")


@dataclass(frozen=True)
class ImportedConversation:
    source: str  # "chatgpt" | "jsonl"
    external_id: str
    title: str | None
    messages: tuple[ImportedMessage, ...]


class ImportFormatError(ValueError):
    """The file is not in a format we can import, or part of it is malformed; the message says where."""


class _Malformed(Exception):
    """One JSON line is wrong; `_jsonl_line` adds the file and line number."""


def detect_format(path: Path) -> Format:
    """Tell a ChatGPT export, a JSON-lines transcript and an OS1 export apart by their content."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            return "os1" if ARCHIVE_MEMBER in zf.namelist() else "chatgpt"  # a farewell archive, or ChatGPT's
    with path.open("rb") as f:
        head = f.read(_HEAD_BYTES).decode("utf-8-sig", errors="replace").lstrip()
    if _CHATGPT_HINT.match(head):
        return "chatgpt"
    if head.startswith("{"):
        first = _try_json(head.split("\n", 1)[0])
        if isinstance(first, dict) and "speaker" in first:
            return "jsonl"
        if _OS1_HINT.search(head):
            return "os1"
        if path.suffix.lower() in {".jsonl", ".ndjson"}:
            return "jsonl"  # let read_jsonl say which line is wrong
    raise ImportFormatError(f"{path}: not a format OS1 knows; {_ACCEPTED}.")


def read_conversations(path: Path, me: str | None = None) -> Iterator[ImportedConversation]:
    """Read any importable file, oldest conversation first; `me` is the person's speaker name in a transcript."""
    fmt = detect_format(path)
    if fmt == "os1":
        raise ImportFormatError(f"{path}: this is an OS1 memory export; restore it rather than importing it.")
    if fmt == "chatgpt":
        return read_chatgpt(path)
    return read_jsonl(path, me)


# --- ChatGPT -------------------------------------------------------------------------------------------------


def read_chatgpt(path: Path) -> Iterator[ImportedConversation]:
    """Read a ChatGPT export (.zip or conversations.json): the branch the person last saw, oldest first."""
    # The raw JSON is an argument, not a local, so it is freed before we start yielding.
    yield from _chronological(_chatgpt_conversations(_load_chatgpt_json(path), path))


def _load_chatgpt_json(path: Path) -> Any:
    if not zipfile.is_zipfile(path):
        with path.open("rb") as f:
            return _decode_json(f, path)
    with zipfile.ZipFile(path) as archive:
        with archive.open(_conversations_member(archive, path)) as f:
            return _decode_json(f, path)


def _conversations_member(archive: zipfile.ZipFile, path: Path) -> str:
    names = [n for n in archive.namelist() if n.rsplit("/", 1)[-1] == "conversations.json"]
    if not names:
        raise ImportFormatError(f"{path}: no conversations.json in this zip; {_ACCEPTED}.")
    return min(names, key=len)  # prefer the top-level one if an export was re-zipped in a folder


def _decode_json(f: IO[bytes], path: Path) -> Any:
    try:
        return json.load(f)  # bytes in: json detects UTF-8 and a BOM itself
    except ValueError as e:  # JSONDecodeError and UnicodeDecodeError
        raise ImportFormatError(f"{path}: not valid JSON ({e})") from e


def _chatgpt_conversations(raw: Any, path: Path) -> list[ImportedConversation]:
    if not isinstance(raw, list):
        raise ImportFormatError(f"{path}: expected a JSON list of conversations; {_ACCEPTED}.")
    parsed = (_chatgpt_conversation(conv, index, path) for index, conv in enumerate(raw))
    return [conv for conv in parsed if conv.messages]


def _chatgpt_conversation(conv: Any, index: int, path: Path) -> ImportedConversation:
    if not isinstance(conv, dict) or not isinstance(conv.get("mapping"), dict):
        raise ImportFormatError(f'{path}: conversation {index + 1} has no "mapping"; is this a ChatGPT export?')
    nodes = _active_branch(conv["mapping"], conv.get("current_node"))
    messages = tuple(_chatgpt_messages(nodes, _conversation_start(conv, nodes)))
    title = conv.get("title")
    return ImportedConversation(
        source="chatgpt",
        external_id=str(conv.get("conversation_id") or conv.get("id") or f"chatgpt-{index + 1}"),
        title=title.strip() if isinstance(title, str) and title.strip() else None,
        messages=messages,
    )


def _active_branch(mapping: dict[str, Any], current: Any) -> list[dict[str, Any]]:
    """The path root → current_node: edits and regenerations leave sibling branches the person no longer sees."""
    if not isinstance(current, str) or current not in mapping:
        current = _latest_leaf(mapping)
    branch: list[dict[str, Any]] = []
    seen: set[str] = set()
    node_id: Any = current
    while isinstance(node_id, str) and node_id not in seen and isinstance(mapping.get(node_id), dict):
        seen.add(node_id)  # a malformed export must not loop forever
        branch.append(mapping[node_id])
        node_id = mapping[node_id].get("parent")
    branch.reverse()
    return branch


def _latest_leaf(mapping: dict[str, Any]) -> str | None:
    leaves = [key for key, node in mapping.items() if isinstance(node, dict) and not node.get("children")]
    return max(leaves, key=lambda key: _epoch(_message(mapping[key]).get("create_time")) or _EPOCH, default=None)


def _conversation_start(conv: dict[str, Any], nodes: list[dict[str, Any]]) -> datetime:
    candidates = [conv.get("create_time"), conv.get("update_time")]
    candidates += [_message(node).get("create_time") for node in nodes]
    return next((t for t in map(_epoch, candidates) if t is not None), _EPOCH)


def _chatgpt_messages(nodes: list[dict[str, Any]], start: datetime) -> Iterator[ImportedMessage]:
    time = start
    for node in nodes:
        message = _message(node)
        time = _epoch(message.get("create_time")) or time  # a missing time inherits the previous one
        role = _visible_role(message)
        text = _chatgpt_text(message.get("content"))
        if role is not None and text:
            external_id = message.get("id") or node.get("id")
            yield ImportedMessage(role, text, time, str(external_id) if external_id else None)


def _message(node: dict[str, Any]) -> dict[str, Any]:
    message = node.get("message")
    return message if isinstance(message, dict) else {}


def _visible_role(message: dict[str, Any]) -> Role | None:
    """The role of a message the person saw in the chat, or None for system, tool and hidden ones."""
    author = message.get("author")
    role = author.get("role") if isinstance(author, dict) else None
    metadata = message.get("metadata")
    content = message.get("content")
    hidden = (
        (isinstance(metadata, dict) and bool(metadata.get("is_visually_hidden_from_conversation")))
        or message.get("recipient") not in (None, "all", "assistant")  # the assistant calling a tool
        or message.get("channel") == "analysis"  # reasoning, not the reply
        or not isinstance(content, dict)
        or content.get("content_type") not in _VISIBLE_CONTENT  # custom instructions, code, thoughts, ...
    )
    if hidden:
        return None
    if role == "user":
        return "user"
    return "assistant" if role == "assistant" else None


def _chatgpt_text(content: Any) -> str:
    if not isinstance(content, dict):
        return ""
    parts = content.get("parts")
    if not isinstance(parts, list):
        text = content.get("text")
        return text.strip() if isinstance(text, str) else ""
    # Images and files are dict parts: dropped, so an image-only message has no text and is skipped.
    pieces = (part if isinstance(part, str) else _spoken(part) for part in parts)
    return "\n".join(piece for piece in pieces if piece).strip()


def _spoken(part: Any) -> str:
    """The transcript of a voice-mode part, which is a dict rather than a string."""
    if isinstance(part, dict) and part.get("content_type") == "audio_transcription":
        text = part.get("text")
        return text if isinstance(text, str) else ""
    return ""


# --- JSON lines ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    speaker: str
    text: str
    time: datetime
    external_id: str | None
    group: str | None


def read_jsonl(path: Path, me: str | None = None) -> Iterator[ImportedConversation]:
    """Read a JSON-lines transcript; `me` names the person's speaker when the names alone do not tell."""
    lines = [line for line in _jsonl_lines(path) if line.text]
    roles = _speaker_roles([line.speaker for line in lines], me, path)
    names = _speaker_names([line.speaker for line in lines])
    conversations = [
        ImportedConversation(
            source="jsonl",
            external_id=key,
            title=None,
            messages=tuple(
                ImportedMessage(roles[line.speaker.casefold()], line.text, line.time, line.external_id,
                                names[line.speaker.casefold()])
                for line in group
            ),
        )
        for key, group in _group(lines).items()
    ]
    yield from _chronological(conversations)


def _jsonl_lines(path: Path) -> Iterator[_Line]:
    with path.open("rb") as f:  # bytes, so a bad byte is reported with its line number
        for number, raw in enumerate(f, 1):
            if raw.strip():
                yield _jsonl_line(raw, number, path)


def _jsonl_line(raw: bytes, number: int, path: Path) -> _Line:
    try:
        return _parse_line(raw)
    except _Malformed as e:
        raise ImportFormatError(f"{path}: line {number}: {e}") from None


def _parse_line(raw: bytes) -> _Line:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _Malformed("not UTF-8 text") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        raise _Malformed(f"not JSON ({e.msg} at column {e.colno})") from None
    if not isinstance(obj, dict):
        raise _Malformed("expected a JSON object")
    speaker = _required_str(obj, "speaker").strip()
    if not speaker:
        raise _Malformed('"speaker" is empty')
    return _Line(
        speaker=speaker,
        text=_required_str(obj, "text").strip(),
        time=_line_time(obj),
        external_id=_optional_id(obj, "id"),
        group=_optional_id(obj, "conversation") or _optional_id(obj, "session"),
    )


def _required_str(obj: dict[str, Any], key: str) -> str:
    if key not in obj:
        raise _Malformed(f'missing "{key}"')
    value = obj[key]
    if not isinstance(value, str):
        raise _Malformed(f'"{key}" must be a string')
    return value


def _optional_id(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _Malformed(f'"{key}" must be a string or an integer')
    return str(value)


def _line_time(obj: dict[str, Any]) -> datetime:
    if "time" not in obj:
        raise _Malformed('missing "time"')
    value = obj["time"]
    parsed = _epoch(value) if not isinstance(value, str) else _iso(value)
    if parsed is None:
        raise _Malformed(f'"time" must be ISO 8601 (e.g. "2026-05-03T09:30:00Z") or epoch seconds, not {value!r}')
    return parsed


def _iso(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.strip())  # also takes "Z" and a bare date
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _speaker_roles(speakers: list[str], me: str | None, path: Path) -> dict[str, Role]:
    """Map each speaker (case-insensitively) to a role; refuse to guess who the person is."""
    names = {speaker.casefold(): speaker for speaker in speakers}
    listed = ", ".join(sorted(names.values()))
    own = me.strip().casefold() if me else None
    if own is not None and own not in names:
        raise ImportFormatError(f"{path}: me={me!r} is not a speaker here (speakers: {listed}).")
    if own is None and len(names) > 2:
        raise ImportFormatError(
            f"{path}: {len(names)} speakers ({listed}); pass me= with the person's speaker name "
            "so the others are read as the assistant."
        )
    roles: dict[str, Role] = {key: "user" if key == own or key in _USER_SPEAKERS else "assistant" for key in names}
    if len(names) > 1 and "user" not in roles.values():
        raise ImportFormatError(f"{path}: cannot tell which speaker is the person ({listed}); pass me= their name.")
    return roles


def _speaker_names(speakers: list[str]) -> dict[str, str | None]:
    """Each speaker's name as first written, kept with their messages: with more than two people, or two people
    and no assistant, the role alone no longer says who said what. A role word ("user", "assistant") is no name."""
    names: dict[str, str | None] = {}
    for speaker in speakers:
        key = speaker.casefold()
        if key not in names:
            names[key] = None if key in _ROLE_NAMES else speaker
    return names


def _group(lines: list[_Line]) -> dict[str, list[_Line]]:
    """Group by the conversation/session field; unlabelled lines split where more than 3 hours pass."""
    groups: dict[str, list[_Line]] = {}
    current: list[_Line] | None = None
    count = 0
    for line in lines:
        if line.group is not None:
            groups.setdefault(line.group, []).append(line)
            continue
        if current is None or line.time - current[-1].time > _GAP:
            count += 1
            current = groups.setdefault(f"jsonl-{count}", [])
        current.append(line)
    return groups


# --- shared --------------------------------------------------------------------------------------------------


def _epoch(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _try_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _chronological(conversations: Iterable[ImportedConversation]) -> Iterator[ImportedConversation]:
    return iter(sorted(conversations, key=lambda conv: conv.messages[0].time))
