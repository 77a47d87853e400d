"""Answers on the two-friends benchmark: does what recall finds let the embedded model answer?

Each question is answered by the same model (temperature 0, ≤ 48 tokens, one instruction) in four conditions:

  memory  OS1's top 10 recalled items (`Memory.recall`, as `os1 memory search` asks), each "[date] speaker: text"
  learned the same after facts are learned from the import (`os1 memory import` without --no-learn: extract by
          rule, consolidate by topic with the newest winning, retrieve with the turns): the published memory
          systems' method
  bm25    Okapi BM25's top 10 turns, written the same way (the plain baseline)
  recent  as much of the conversation as fits the model's window, newest last (the long-context baseline: the
          whole conversation fits no 1.5B model's default window, so it is cut from the start)
  none    no context: what the model guesses

Scored with LoCoMo's answer metric (token F1 between the answer and the reference, after lower-casing and
dropping punctuation and articles), per question kind, so the figures read like the published ones.

Run:  .venv/bin/python -m bench.memory.friends_answers [--answers 40] [--conversations 10] [--json OUT]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import string
import tempfile
import time
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.memory import friends
from bench.memory.answers import open_model
from bench.memory.friends_run import BM25, dated, import_all, say
from bench.memory.scoring import percentile

from os1.db.store import Store
from os1.memory.embeddings import load_embedder
from os1.memory.learn import catch_up
from os1.memory.memory import Memory
from os1.models.base import GenerateOptions, Message, Model

CONDITIONS = ("memory", "learned", "bm25", "recent", "none")
TOP = 10
REPLY_TOKENS = 48
OPTIONS = GenerateOptions(max_tokens=REPLY_TOKENS, temperature=0.0, seed=0)
INSTRUCTION = ("You have followed the conversations between {a} and {b} for months. Answer the question about "
               "them in a few words, from what was said. If it was never said, say you don't know. "
               "Today is {today}.")


def normalize(text: str) -> list[str]:
    """LoCoMo's (SQuAD's) answer normalisation: lower case, no punctuation, no articles, single spaces."""
    text = "".join(ch for ch in text.lower() if ch not in set(string.punctuation))
    return re.sub(r"\b(a|an|the|and)\b", " ", text).split()


def f1(prediction: str, reference: str) -> float:
    got, want = normalize(prediction), normalize(reference)
    common = sum((Counter(got) & Counter(want)).values())
    if not common:
        return 0.0
    precision, recall = common / len(got), common / len(want)
    return 2 * precision * recall / (precision + recall)


def sample(dataset: friends.Dataset, count: int, seed: int) -> list[tuple[friends.Conversation, friends.Question]]:
    """`count` questions, as even across the kinds as they allow, spread over the conversations, in dataset order."""
    rng = random.Random(seed)
    by_kind: dict[str, list[tuple[friends.Conversation, friends.Question]]] = defaultdict(list)
    for pair in dataset.questions:
        by_kind[pair[1].kind].append(pair)
    for group in by_kind.values():
        rng.shuffle(group)
    chosen: set[str] = set()
    while len(chosen) < min(count, len(dataset.questions)):
        for group in by_kind.values():
            if group and len(chosen) < count:
                chosen.add(group.pop()[1].id)
    return [(c, q) for c, q in dataset.questions if q.id in chosen]


def line(message: dict[str, str], starts: dict[str, str]) -> str:
    return dated(message, starts[message["conversation"]])


def session_starts(c: friends.Conversation) -> dict[str, str]:
    starts: dict[str, str] = {}
    for m in c.messages:
        starts.setdefault(m["conversation"], m["time"])
    return starts


def messages_for(c: friends.Conversation, q: friends.Question, context: str | None) -> list[Message]:
    asked = datetime.fromisoformat(q.asked_at)
    system = INSTRUCTION.format(a=c.speakers[0], b=c.speakers[1], today=f"{asked.day} {asked:%B %Y}")
    if context:
        system += "\n\n" + context
    return [Message(role="system", content=system), Message(role="user", content=q.text)]


async def recent_context(model: Model, c: friends.Conversation, questions: list[friends.Question]) -> str:
    """The newest turns that fit the window with the longest of `questions` and the reply, oldest first. One text
    for all of a conversation's questions, so the model reads it once and each question after it from the cache."""
    starts = session_starts(c)
    lines = [line(m, starts) for m in c.messages]
    longest = max(questions, key=lambda q: len(q.text))
    budget = model.context_window - REPLY_TOKENS - 16
    low, high = 0, len(lines)  # the fewest dropped from the start that fit
    while low < high:
        mid = (low + high) // 2
        text = "What was said, newest last:\n" + "\n".join(lines[mid:])
        if await model.count_tokens(messages_for(c, longest, text)) <= budget:
            high = mid
        else:
            low = mid + 1
    return "What was said, newest last:\n" + "\n".join(lines[low:])


async def answer(model: Model, messages: list[Message]) -> str:
    return "".join([piece async for piece in model.stream(messages, OPTIONS)]).strip()


async def run(args: argparse.Namespace) -> dict[str, Any]:
    dataset = friends.build(args.seed, args.conversations)
    chosen = sample(dataset, args.answers, args.seed)
    embedder = load_embedder("minilm")
    model = open_model(args.model, args.model_dir, Path(tempfile.mkdtemp(prefix="os1-answers-")), None)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = friends.write(dataset, Path(tmp) / "data")
        store = await Store.open(Path(tmp) / "os1.db")
        try:
            memory = Memory(store, embedder)
            await import_all(memory, store, dataset, paths)
            indexes = {c.id: BM25([line(m, session_starts(c)) for m in c.messages]) for c in dataset.conversations}
            # A conversation's questions one condition at a time: the long "recent" context is read once per
            # conversation and kept in the model's cache, not read again for every question.
            by_conversation: dict[str, list[friends.Question]] = defaultdict(list)
            for c, q in chosen:
                by_conversation[c.id].append(q)
            n = 0
            for c in dataset.conversations:
                asked = by_conversation.get(c.id, [])
                if not asked:
                    continue
                user = await store.user(c.id)
                starts = session_starts(c)
                recent = await recent_context(model, c, asked)
                found: dict[str, list[Any]] = {}
                for q in asked:
                    found[q.id] = await memory.recall(user, q.text, now=datetime.fromisoformat(q.asked_at),
                                                      limit=TOP, min_similarity=memory.weak_match)
                await catch_up(memory, model, user)  # facts learned from the import, as `os1 memory import` does
                learned: dict[str, list[Any]] = {}
                for q in asked:
                    learned[q.id] = await memory.recall(user, q.text, now=datetime.fromisoformat(q.asked_at),
                                                        limit=TOP, min_similarity=memory.weak_match)

                def listed(items: list[Any], c: friends.Conversation = c, starts: dict[str, str] = starts) -> str:
                    return "What was said that seems related (most relevant first):\n" + "\n".join(
                        f"- {line(next(m for m in c.messages if m['id'] in i.source_ids), starts)}"
                        if i.kind == "message" and any(m["id"] in i.source_ids for m in c.messages)
                        else f"- [{i.time[:10]}] {i.text}" for i in items)  # a fact or summary: its own words

                contexts = {q.id: {
                    "memory": listed(found[q.id]),
                    "learned": listed(learned[q.id]),
                    "bm25": "What was said that seems related (most relevant first):\n" + "\n".join(
                        f"- {line(c.messages[k], starts)}" for k in indexes[c.id].top(q.text, TOP)),
                    "recent": recent,
                    "none": None,
                } for q in asked}
                done: dict[str, dict[str, Any]] = {q.id: {"id": q.id, "kind": q.kind, "question": q.text,
                                                          "reference": q.answer} for q in asked}
                for condition in CONDITIONS:
                    for q in asked:
                        started = time.perf_counter()
                        reply = await answer(model, messages_for(c, q, contexts[q.id][condition]))
                        done[q.id][condition] = {"answer": reply, "f1": round(f1(reply, q.answer), 3),
                                                 "s": round(time.perf_counter() - started, 2)}
                for q in asked:
                    row = done[q.id]
                    rows.append(row)
                    n += 1
                    say(f"{n}/{len(chosen)} {q.kind}: {q.text} | {q.answer} | "
                        + " | ".join(f"{k} {row[k]['f1']:.2f} {row[k]['answer'][:60]!r}" for k in CONDITIONS))
        finally:
            await store.close()
    table: dict[str, dict[str, Any]] = {}
    for kind in sorted({r["kind"] for r in rows}) + ["all"]:
        kept = [r for r in rows if kind in ("all", r["kind"])]
        table[kind] = {"n": len(kept)} | {k: round(sum(r[k]["f1"] for r in kept) / len(kept), 3)
                                          for k in CONDITIONS}
    seconds = {k: round(percentile([r[k]["s"] for r in rows], 50), 2) for k in CONDITIONS}
    out = {"model": args.model, "questions": len(rows), "F1": table, "answer_s_p50": seconds}
    if args.json:
        args.json.write_text(json.dumps(out | {"rows": rows}, indent=1))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="Answer accuracy on the two-friends benchmark.")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--conversations", type=int, default=10)
    parser.add_argument("--answers", type=int, default=40, help="questions answered, spread over the kinds")
    parser.add_argument("--model", default="embedded")
    parser.add_argument("--model-dir", type=Path, default=Path(".cache/models"))
    parser.add_argument("--json", type=Path)
    out = asyncio.run(run(parser.parse_args()))
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
