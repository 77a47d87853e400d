"""Export and restore: everything OS1 keeps about one person, as one JSON document, and back.

The export is complete (conversations with every message and its metadata, facts with their history,
profile, journal, summaries, the companion's own state such as its chosen name and the quiet hours, reminders
and alarms whether waiting, fired or cancelled, the log of what OS1 did with its tools, the music it
composed, as scores, and the letters: the clients written for with what is known of each, every letter with
every version and its proofreading suggestions). Vectors are left
out: they are derived, and rebuilt on restore. Restoring gives the same document back, ids apart.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

from os1.db.store import Store, User
from os1.db.times import mentioned_times, now_iso

FORMAT = "os1-memory"
VERSION = 4  # 2 added reminders and actions, 3 the music composed, 4 letters; older documents still restore
READABLE = (1, 2, 3, 4)
# Undo steps whose arguments name reminders by id: renumbered on restore, so that "undo that" still finds them.
REMINDER_UNDOS = ("cancel_reminders", "restore_reminders")
ARCHIVE_MEMBER = "os1-export.json"  # the export inside a farewell archive (farewell/archive.py)


class RestoreError(ValueError):
    """The document cannot be restored; the message says why."""


def read_export(path: Path) -> dict[str, Any]:
    """An export from its file: the JSON document, or the one inside a farewell archive (a zip)."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            doc: dict[str, Any] = json.loads(zf.read(ARCHIVE_MEMBER))
        return doc
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _rows(db: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
    cur = db.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


async def export_person(store: Store, user: User) -> dict[str, Any]:
    def read(db: sqlite3.Connection) -> dict[str, Any]:
        conversations = _rows(db, "SELECT id, title, created_at, updated_at, external_id FROM conversations "
                                  "WHERE user_id = ? ORDER BY id", (user.id,))
        for conv in conversations:
            conv["messages"] = _rows(db, "SELECT id, role, content, status, created_at, meta, external_id "
                                         "FROM messages WHERE conversation_id = ? ORDER BY id", (conv["id"],))
            for m in conv["messages"]:
                m["meta"] = json.loads(m["meta"])
        return {
            "format": FORMAT, "version": VERSION, "exported_at": now_iso(), "person": user.name,
            "conversations": conversations,
            "facts": _rows(db, "SELECT id, text, topic, happened_on, source_message_id, created_at, superseded_by, "
                               "superseded_at FROM facts WHERE user_id = ? ORDER BY id", (user.id,)),
            "profile": _rows(db, "SELECT block, text, updated_at FROM profile WHERE user_id = ? ORDER BY block",
                             (user.id,)),
            "journal": _rows(db, "SELECT id, text, ask_next, created_at FROM journal WHERE user_id = ? ORDER BY id",
                             (user.id,)),
            "summaries": _rows(db, "SELECT id, conversation_id, text, first_message_id, last_message_id, started_at, "
                                   "ended_at, created_at FROM summaries WHERE user_id = ? ORDER BY id", (user.id,)),
            "state": _rows(db, "SELECT key, value, updated_at FROM companion_state WHERE user_id = ? ORDER BY key",
                           (user.id,)),
            "reminders": [r | {"alarm": bool(r["alarm"])} for r in _rows(
                db, "SELECT id, text, due_at, alarm, created_at, fired_at, cancelled_at FROM reminders "
                    "WHERE user_id = ? ORDER BY id", (user.id,))],
            "actions": [a | {"arguments": json.loads(a["arguments"]), "undo": a["undo"] and json.loads(a["undo"]),
                             "confirmed": bool(a["confirmed"])} for a in _rows(
                db, "SELECT id, conversation_id, tool, arguments, summary, result, undo, confirmed, created_at, "
                    "undone_at FROM actions WHERE user_id = ? ORDER BY id", (user.id,))],
            # Music: each piece's score, with the moment it belongs to (audio is made again from the score).
            "music": [p | {"memories": json.loads(p["memories"]), "score": json.loads(p["score"])} for p in _rows(
                db, "SELECT id, conversation_id, message_id, title, about, mood, why, request, memories, score, "
                    "created_at FROM pieces WHERE user_id = ? ORDER BY id", (user.id,))],
            **_letters(db, user),
        }

    return await store.snapshot(read)


def _letters(db: sqlite3.Connection, user: User) -> dict[str, Any]:
    """The people written for, each with their own notes, and every letter with its versions and suggestions."""
    clients = _rows(db, "SELECT id, name, writes_to, created_at FROM letter_clients WHERE user_id = ? ORDER BY id",
                    (user.id,))
    for c in clients:
        c["notes"] = _rows(db, "SELECT text, source, created_at FROM letter_client_notes "
                               "WHERE user_id = ? AND client_id = ? ORDER BY id", (user.id, c["id"]))
    letters = _rows(db, "SELECT id, client_id, sender, recipient, brief, created_at, updated_at FROM letters "
                        "WHERE user_id = ? ORDER BY id", (user.id,))
    for letter in letters:
        letter["versions"] = _rows(db, "SELECT number, text, note, proofread_of, created_at FROM letter_versions "
                                       "WHERE letter_id = ? ORDER BY number", (letter["id"],))
        letter["suggestions"] = _rows(db, "SELECT version, kind, start, end, original, replacement, message, "
                                          "status, created_at FROM letter_suggestions WHERE letter_id = ? "
                                          "ORDER BY id", (letter["id"],))
    return {"letter_clients": clients, "letters": letters}


async def restore_person(store: Store, user: User, doc: dict[str, Any]) -> dict[str, int]:
    """Restore an export into this person, who must have no memories here yet. All or nothing."""
    if doc.get("format") != FORMAT:
        raise RestoreError("This is not an OS1 memory export (no \"format\": \"os1-memory\").")
    if doc.get("version") not in READABLE:
        raise RestoreError(f"This export is version {doc.get('version')}; this OS1 reads versions "
                           f"{', '.join(map(str, READABLE))}.")

    def op(db: sqlite3.Connection) -> dict[str, int]:
        if db.execute("SELECT 1 FROM conversations WHERE user_id = ? LIMIT 1", (user.id,)).fetchone():
            raise RestoreError(f"{user.name} already has memories here. Restore into a new person (--user NAME), "
                               f"or forget these first.")
        conv_ids: dict[int, int] = {}
        msg_ids: dict[int, int] = {}
        for conv in doc.get("conversations", []):
            cur = db.execute("INSERT INTO conversations (user_id, title, created_at, updated_at, external_id) "
                             "VALUES (?, ?, ?, ?, ?)", (user.id, conv["title"], conv["created_at"],
                                                        conv["updated_at"], conv.get("external_id")))
            conv_ids[conv["id"]] = int(cur.lastrowid or 0)
            for m in conv["messages"]:
                cur = db.execute("INSERT INTO messages (conversation_id, role, content, status, created_at, meta, "
                                 "external_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                 (conv_ids[conv["id"]], m["role"], m["content"], m["status"], m["created_at"],
                                  json.dumps(m["meta"], ensure_ascii=False), m.get("external_id")))
                msg_ids[m["id"]] = int(cur.lastrowid or 0)
                if m["role"] == "user":
                    db.executemany("INSERT INTO mentions (message_id, start, end) VALUES (?, ?, ?)",
                                   [(msg_ids[m["id"]], start, end)
                                    for start, end in mentioned_times(m["content"], m["created_at"])])
            # A hand-edited file may say a conversation was last updated before its last message.
            db.execute("UPDATE conversations SET updated_at = max(updated_at, coalesce((SELECT max(created_at) "
                       "FROM messages WHERE conversation_id = ?), updated_at)) WHERE id = ?",
                       (conv_ids[conv["id"]], conv_ids[conv["id"]]))
        fact_ids: dict[int, int] = {}
        for f in doc.get("facts", []):
            cur = db.execute("INSERT INTO facts (user_id, text, topic, happened_on, source_message_id, created_at, "
                             "superseded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                             (user.id, f["text"], f["topic"], f["happened_on"], msg_ids.get(f["source_message_id"]),
                              f["created_at"], f["superseded_at"]))
            fact_ids[f["id"]] = int(cur.lastrowid or 0)
        db.executemany("UPDATE facts SET superseded_by = ? WHERE id = ?",
                       [(fact_ids[f["superseded_by"]], fact_ids[f["id"]]) for f in doc.get("facts", [])
                        if f["superseded_by"] in fact_ids])
        for p in doc.get("profile", []):
            db.execute("INSERT INTO profile (user_id, block, text, updated_at) VALUES (?, ?, ?, ?)",
                       (user.id, p["block"], p["text"], p["updated_at"]))
        for j in doc.get("journal", []):
            db.execute("INSERT INTO journal (user_id, text, ask_next, created_at) VALUES (?, ?, ?, ?)",
                       (user.id, j["text"], j["ask_next"], j["created_at"]))
        summary_ids: dict[int, int] = {}
        for s in doc.get("summaries", []):
            cur = db.execute("INSERT INTO summaries (user_id, conversation_id, text, first_message_id, "
                             "last_message_id, started_at, ended_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             (user.id, conv_ids[s["conversation_id"]], s["text"],
                              msg_ids.get(s["first_message_id"], 0), msg_ids.get(s["last_message_id"], 0),
                              s["started_at"], s["ended_at"], s["created_at"]))
            summary_ids[s["id"]] = int(cur.lastrowid or 0)
        reminder_ids = _restore_reminders(db, user, doc.get("reminders", []))
        # What a message recalled names its items by id: the new ids, so that forgetting one finds its copies.
        new_ids = {"message": msg_ids, "fact": fact_ids, "summary": summary_ids}
        for conv in doc.get("conversations", []):
            for m in conv["messages"]:
                meta = dict(m["meta"])
                if meta.get("recalled"):
                    meta["recalled"] = _renumbered(meta["recalled"], new_ids, conv_ids)
                if "reminder" in meta:  # the words a reminder said name it
                    meta["reminder"] = reminder_ids.get(meta["reminder"])
                if meta != m["meta"]:
                    db.execute("UPDATE messages SET meta = ? WHERE id = ?",
                               (json.dumps(meta, ensure_ascii=False), msg_ids[m["id"]]))
        for st in doc.get("state", []):
            if st["key"] == "learned_through":
                st = {**st, "value": str(max([v for k, v in msg_ids.items() if k <= int(st["value"])], default=0))}
            elif st["key"].rsplit(":", 1)[-1].isdigit():
                continue  # per-conversation notes ("person_note:12") are rebuilt; their conversation ids changed
            # The export's state wins over what is here already (a name chosen before anything was said).
            db.execute("INSERT OR REPLACE INTO companion_state (user_id, key, value, updated_at) VALUES (?, ?, ?, ?)",
                       (user.id, st["key"], st["value"], st["updated_at"]))
        _restore_actions(db, user, doc.get("actions", []), conv_ids, reminder_ids)
        for p in doc.get("music", []):
            db.execute("INSERT INTO pieces (user_id, conversation_id, message_id, title, about, mood, why, request, "
                       "memories, score, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (user.id, conv_ids.get(p["conversation_id"]), msg_ids.get(p["message_id"]), p["title"],
                        p["about"], p["mood"], p["why"], p["request"], json.dumps(p["memories"], ensure_ascii=False),
                        json.dumps(p["score"], ensure_ascii=False), p["created_at"]))
        letters = _restore_letters(db, user, doc.get("letter_clients", []), doc.get("letters", []))
        return {"conversations": len(conv_ids), "messages": len(msg_ids), "facts": len(fact_ids),
                "reminders": len(reminder_ids), **({"music": len(doc["music"])} if doc.get("music") else {}),
                **{k: v for k, v in letters.items() if v}}

    try:
        return await store.write(op)
    except RestoreError:
        raise
    except (KeyError, TypeError) as exc:
        raise RestoreError(f"The export is damaged or incomplete (missing {exc}); nothing was restored.") from exc
    except (ValueError, AttributeError, sqlite3.IntegrityError) as exc:  # a wrong value: a role, a number, ...
        raise RestoreError(f"The export is damaged ({exc}); nothing was restored.") from exc


def _restore_reminders(db: sqlite3.Connection, user: User, reminders: list[dict[str, Any]]) -> dict[int, int]:
    """Reminders as they were: one still waiting fires when it comes due (or at once, if that has passed)."""
    ids: dict[int, int] = {}
    for r in reminders:
        cur = db.execute("INSERT INTO reminders (user_id, text, due_at, alarm, created_at, fired_at, cancelled_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", (user.id, r["text"], r["due_at"], int(bool(r["alarm"])),
                                                          r["created_at"], r["fired_at"], r["cancelled_at"]))
        ids[r["id"]] = int(cur.lastrowid or 0)
    return ids


def _restore_letters(db: sqlite3.Connection, user: User, clients: list[dict[str, Any]],
                     letters: list[dict[str, Any]]) -> dict[str, int]:
    client_ids: dict[int, int] = {}
    for c in clients:
        cur = db.execute("INSERT INTO letter_clients (user_id, name, writes_to, created_at) VALUES (?, ?, ?, ?)",
                         (user.id, c["name"], c["writes_to"], c["created_at"]))
        client_ids[c["id"]] = int(cur.lastrowid or 0)
        db.executemany("INSERT INTO letter_client_notes (user_id, client_id, text, source, created_at) "
                       "VALUES (?, ?, ?, ?, ?)", [(user.id, client_ids[c["id"]], n["text"], n["source"],
                                                   n["created_at"]) for n in c["notes"]])
    for letter in letters:
        if letter["client_id"] is not None and letter["client_id"] not in client_ids:
            raise KeyError(f"client {letter['client_id']}")
        cur = db.execute("INSERT INTO letters (user_id, client_id, sender, recipient, brief, created_at, updated_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", (user.id, client_ids.get(letter["client_id"]),
                                                          letter["sender"], letter["recipient"], letter["brief"],
                                                          letter["created_at"], letter["updated_at"]))
        letter_id = int(cur.lastrowid or 0)
        db.executemany("INSERT INTO letter_versions (letter_id, number, text, note, proofread_of, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?)", [(letter_id, v["number"], v["text"], v["note"],
                                                      v["proofread_of"], v["created_at"]) for v in letter["versions"]])
        db.executemany("INSERT INTO letter_suggestions (letter_id, version, kind, start, end, original, replacement, "
                       "message, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [(letter_id, s["version"], s["kind"], s["start"], s["end"], s["original"], s["replacement"],
                         s["message"], s["status"], s["created_at"]) for s in letter["suggestions"]])
    return {"letter_clients": len(client_ids), "letters": len(letters)}


def _restore_actions(db: sqlite3.Connection, user: User, actions: list[dict[str, Any]], conv_ids: dict[int, int],
                     reminder_ids: dict[int, int]) -> None:
    """The log of what OS1 did, its undo steps naming the restored reminders."""
    for a in actions:
        undo = a["undo"]
        if undo is not None and undo["tool"] in REMINDER_UNDOS:
            undo = {**undo, "arguments": {**undo["arguments"], "ids": [
                reminder_ids[i] for i in undo["arguments"].get("ids", []) if i in reminder_ids]}}
        db.execute("INSERT INTO actions (user_id, conversation_id, tool, arguments, summary, result, undo, "
                   "confirmed, created_at, undone_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (user.id, conv_ids.get(a["conversation_id"]), a["tool"],
                    json.dumps(a["arguments"], ensure_ascii=False), a["summary"], a["result"],
                    None if undo is None else json.dumps(undo, ensure_ascii=False), int(bool(a["confirmed"])),
                    a["created_at"], a["undone_at"]))


def _renumbered(recalled: list[dict[str, Any]], new_ids: dict[str, dict[int, int]],
                conv_ids: dict[int, int]) -> list[dict[str, Any]]:
    """Recalled copies with their items' restored ids (a copy names no kind when it is of a message); copies of
    items the export does not hold are left out."""
    out = []
    for item in recalled:
        ids = new_ids.get(item.get("kind", "message"), {})
        if item.get("id") in ids:
            item = {**item, "id": ids[item["id"]]}
            if item.get("conversation_id") is not None:
                item["conversation_id"] = conv_ids.get(item["conversation_id"])
            out.append(item)
    return out
