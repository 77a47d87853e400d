"""Memory as lived: short conversations on different days with the real Companion and the embedded model, then
questions in a new conversation — a fact told once, facts that changed (a move, a cancelled race, a new job),
something recent, something never told, and one the person's own words could be recited for.

    OS1_MODEL_DIR=.cache/models python bench/lived/check.py [--model embedded] [--no-reflect] [--json out.json]
    python bench/lived/check.py --import /tmp/maria.jsonl --me Maria      # history imported instead

The days are set by rewriting each finished conversation's times (the store stamps messages with the clock),
so what was said "last weekend" on a Sunday three weeks ago is stored as said then. Replies are printed
verbatim with a keyword check; the check is a guide, the replies are the result.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from os1.config import load_settings
from os1.events import TurnEnded
from os1.memory.importers import read_conversations
from os1.memory.learn import catch_up
from os1.runtime import open_runtime

NOW = datetime.now(UTC)
# (days before now, what the person says in that conversation)
DAYS: list[tuple[int, list[str]]] = [
    (60, ["Hi! I live in Leeds, in a tiny flat near Hyde Park.",
          "My brother Tomás is coming to visit next weekend.",
          "I work as a barista at Café Lune, mostly mornings."]),
    (45, ["I signed up for the Lisbon half marathon in March! Training starts now.",
          "We got a puppy! We named him Rex."]),
    (30, ["Big news: I got a new job as a junior designer at Northwind Studio!",
          "My car is a green Skoda, and it's making weird noises again."]),
    (14, ["We moved to Bristol last weekend, boxes everywhere.",
          "I cancelled the Lisbon half marathon, my knee just isn't up for it."]),
    (3, ["I've started pottery classes on Wednesdays, it's so calming.",
         "Work was fine today, nothing special, just tired."]),
    (0, ["I'm nervous about a dentist appointment Thursday."]),
]
# (question, a pattern a right answer matches, a pattern a wrong one does)
QUESTIONS: list[tuple[str, str, str | None]] = [
    ("What's my brother called?", r"tom[aá]s", None),
    ("Where do I live now?", r"bristol", r"\bleeds\b(?!.*bristol)"),
    ("Am I still running the Lisbon half marathon?", r"cancel|pulled out|not running|no longer|knee", None),
    ("Where do I work these days?", r"northwind|designer", r"caf[eé] lune(?!.*northwind)"),
    ("What's my mother's name?", r"haven'?t (?:told|mentioned|said)|didn'?t (?:tell|mention)|don'?t know|"
     r"not sure|never (?:told|mentioned)|no idea|don'?t think you", r"\brex\b|tom[aá]s"),
    ("What hobby have I picked up recently?", r"pottery", None),
    ("What colour is our car?", r"green", r"\bmy car\b"),
    ("What's my dog called?", r"\brex\b", None),
    ("When is my dentist appointment?", r"thursday|10(?:th)?\b|dec", r"\[20\d\d"),
]
IMPORT_QUESTIONS: list[tuple[str, str, str | None]] = [
    ("What's my brother called?", r"tom[aá]s", None),
    ("Where do I live now?", r"bristol", r"\bleeds\b(?!.*bristol)"),
    ("Am I still running the Lisbon half marathon?", r"cancel|pulled out|not running|no longer|knee", None),
    ("Where do I work these days?", r"northwind|designer", r"caf[eé] lune(?!.*northwind)"),
    ("What's my mother's name?", r"haven'?t (?:told|mentioned|said)|didn'?t (?:tell|mention)|don'?t know|"
     r"not sure|never (?:told|mentioned)|no idea|don'?t think you", r"\brex\b|tom[aá]s|priya"),
    ("What hobby am I doing these days?", r"pottery", None),
    ("What colour is my car?", r"green", r"\bmy car\b"),
    ("What's my dog called?", r"\brex\b", None),
    ("How was work today?", r"tired|fine|nothing special", r"\[20\d\d"),
]


async def say(rt: Any, user: Any, conv: Any, text: str) -> str:
    reply = ""
    async for event in rt.companion.respond(user, conv, text):
        if isinstance(event, TurnEnded):
            reply = event.text
    return reply


async def set_day(rt: Any, conv: Any, day: datetime) -> None:
    """Move a finished conversation to the day it stands for (minutes apart, as it was said)."""
    def op(db: Any) -> None:
        ids = [r[0] for r in db.execute("SELECT id FROM messages WHERE conversation_id = ? ORDER BY id", (conv.id,))]
        for n, mid in enumerate(ids):
            stamp = (day + timedelta(minutes=n)).isoformat(timespec="milliseconds")
            db.execute("UPDATE messages SET created_at = ? WHERE id = ?", (stamp, mid))
        first = day.isoformat(timespec="milliseconds")
        last = (day + timedelta(minutes=max(len(ids) - 1, 0))).isoformat(timespec="milliseconds")
        db.execute("UPDATE conversations SET created_at = ?, updated_at = ? WHERE id = ?", (first, last, conv.id))
    await rt.store.write(op)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="os1-lived-"))
    settings = load_settings(home).with_overrides(user=args.user, temperature=0.0, model=args.model,
                                                  max_reply_tokens=args.max_tokens)
    rt = await open_runtime(settings)
    out: dict[str, Any] = {"model": args.model, "user": args.user, "told": [], "answers": []}
    try:
        user = await rt.store.user(args.user)
        await rt.model.load()
        if args.import_path:
            started = time.perf_counter()
            report = await rt.companion.memory.import_conversations(
                user, read_conversations(args.import_path, me=args.me))
            stored = time.perf_counter() - started
            learned = await catch_up(rt.companion.memory, rt.model, user)
            out["import"] = {"messages": report.messages, "store_s": round(stored, 1),
                             "learn_s": round(time.perf_counter() - started - stored, 1),
                             "facts": learned.facts, "superseded": learned.superseded}
            print(f"imported {report.messages} messages in {stored:.1f} s; learned {learned.facts} facts "
                  f"({learned.superseded} replaced) in {out['import']['learn_s']} s", flush=True)
            questions = IMPORT_QUESTIONS
        else:
            for days_ago, lines in DAYS:
                conv = await rt.store.new_conversation(user)
                for text in lines:
                    reply = await say(rt, user, conv, text)
                    out["told"].append({"days_ago": days_ago, "said": text, "reply": reply})
                    print(f"[-{days_ago}d] {args.user}: {text}\n        os1: {reply}", flush=True)
                day = (NOW - timedelta(days=days_ago)).replace(hour=19, minute=0, second=0, microsecond=0)
                await set_day(rt, conv, min(day, NOW - timedelta(hours=2)))
                await rt.between.learn(user)
            questions = QUESTIONS
        if args.reflect:
            started = time.perf_counter()
            await rt.between.reflect(user)
            print(f"reflected in {time.perf_counter() - started:.0f} s", flush=True)
        known = await rt.store.read("SELECT text, superseded_by IS NULL FROM facts WHERE user_id = ? ORDER BY id",
                                    (user.id,))
        out["facts"] = [{"text": r[0], "active": bool(r[1])} for r in known]
        conv = await rt.store.new_conversation(user)
        right = 0
        for question, good, bad in questions:
            started = time.perf_counter()
            reply = await say(rt, user, conv, question)
            ok = bool(re.search(good, reply, re.I | re.S)) and not (bad and re.search(bad, reply, re.I | re.S))
            right += ok
            out["answers"].append({"q": question, "reply": reply, "ok": ok,
                                   "s": round(time.perf_counter() - started, 1)})
            print(f"{'✓' if ok else '✗'} {question}\n    {reply}", flush=True)
        out["score"] = f"{right}/{len(questions)}"
        print(f"score {out['score']}")
    finally:
        await rt.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="embedded")
    parser.add_argument("--user", default="holdout")
    parser.add_argument("--import", dest="import_path", type=Path)
    parser.add_argument("--me", default="Maria")
    parser.add_argument("--no-reflect", dest="reflect", action="store_false")
    parser.add_argument("--max-tokens", type=int, default=64, help="Longest reply, in tokens.")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if "OS1_MODEL_DIR" not in os.environ:
        sys.exit("Set OS1_MODEL_DIR to the folder of the assembled models.")
    out = asyncio.run(run(args))
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
