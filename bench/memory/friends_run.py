"""Recall on the two-friends benchmark (friends.py), against plain BM25, the way a person would use OS1.

Each conversation is written as a JSON-lines transcript, imported by the path `os1 memory import --no-learn`
takes (`read_conversations` with `me=` the first speaker, then `Memory.import_conversations`), one person per
conversation, and every question is asked through the same call `os1 memory search` makes (`Memory.recall`,
both speakers, `min_similarity` = the embedder's weak match). Reported per kind: evidence recall@5/10/20 (the
share of a question's evidence turns among the sources of the top k), for OS1 and, in the same run, for BM25
over each turn written "[session date] speaker: text" (Okapi, k1 1.5, b 0.75, lowercase words, nothing removed);
recall latency p50/p95; import time per conversation. `--sizes 100000` adds recall latency at 100k messages of
one person (latency.py).

Run:  .venv/bin/python -m bench.memory.friends_run [--conversations 10] [--seed 11] [--embedder minilm|e5]
      [--sizes 100000] [--store-dir DIR] [--json OUT]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.memory import friends, latency
from bench.memory.scoring import percentile, recall_at

import os1.memory.recall as recall_module
from os1.db.store import Store
from os1.memory.embeddings import load_embedder
from os1.memory.importers import read_conversations
from os1.memory.memory import Memory

KS = (5, 10, 20)
WORD = re.compile(r"\w+")


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class BM25:
    """Okapi BM25 over a list of documents (the baseline: nothing OS1-specific)."""

    def __init__(self, docs: list[str], k1: float = 1.5, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.docs = [Counter(WORD.findall(d.lower())) for d in docs]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.avg = sum(self.lengths) / len(self.docs)
        frequency = Counter(term for d in self.docs for term in d)
        n = len(self.docs)
        self.idf = {t: math.log((n - f + 0.5) / (f + 0.5) + 1) for t, f in frequency.items()}

    def top(self, query: str, k: int) -> list[int]:
        terms = WORD.findall(query.lower())
        scores = []
        for i, (doc, length) in enumerate(zip(self.docs, self.lengths, strict=True)):
            score = 0.0
            for t in terms:
                f = doc.get(t, 0)
                if f:
                    score += self.idf[t] * f * (self.k1 + 1) / (f + self.k1 * (1 - self.b + self.b * length / self.avg))
            scores.append((score, i))
        scores.sort(key=lambda s: -s[0])
        return [i for score, i in scores[:k] if score > 0]


def dated(message: dict[str, str], session_start: str) -> str:
    day = datetime.fromisoformat(session_start)
    return f"[{day.day} {day.strftime('%B %Y')}] {message['speaker']}: {message['text']}"


def bm25_found(c: friends.Conversation) -> dict[str, list[list[str]]]:
    starts: dict[str, str] = {}
    for m in c.messages:
        starts.setdefault(m["conversation"], m["time"])
    index = BM25([dated(m, starts[m["conversation"]]) for m in c.messages])
    return {q.id: [[c.messages[i]["id"]] for i in index.top(q.text, max(KS))] for q in c.questions}


async def import_all(memory: Memory, store: Store, dataset: friends.Dataset, paths: list[Path]) -> list[float]:
    """Each conversation imported as one person, as `os1 memory import --no-learn --me FIRST` does; the seconds
    each took."""
    imports = []
    for c, path in zip(dataset.conversations, paths, strict=True):
        user = await store.user(c.id)
        started = time.perf_counter()
        await memory.import_conversations(user, read_conversations(path, me=c.speakers[0]))
        imports.append(time.perf_counter() - started)
        say(f"{c.id}: {len(c.messages)} turns imported in {imports[-1]:.1f} s")
    return imports


MIN_SIMILARITY = "weak"  # as `os1 memory search` recalls; "none" keeps what meaning alone found, however weakly


def floor(memory: Memory) -> float:
    return memory.weak_match if MIN_SIMILARITY == "weak" else -1.0


async def ask_all(memory: Memory, store: Store, dataset: friends.Dataset
                  ) -> tuple[dict[str, list[list[str]]], list[float]]:
    """question id → the source ids of each item found, as `os1 memory search` finds them; each recall's ms."""
    found: dict[str, list[list[str]]] = {}
    recalls = []
    for c in dataset.conversations:
        user = await store.user(c.id)
        for q in c.questions:
            now = datetime.fromisoformat(q.asked_at)
            started = time.perf_counter()
            items = await memory.recall(user, q.text, now=now, limit=max(KS), min_similarity=floor(memory))
            recalls.append((time.perf_counter() - started) * 1000)
            found[q.id] = [list(i.source_ids) for i in items]
    return found, recalls


# What each change adds, measured in one run on the same imported stores. Each step is recall.py's settings
# without it (what recall did before it); a variant turns off every step after it, so "before" is recall as it
# was and the last one is recall as it is.
STEPS: list[tuple[str, dict[str, Any]]] = [
    ("+ names known, left out of the words searched", {"named_in": lambda query, speakers: []}),
    ("+ speaker boost", {"SPEAKER_BOOST": 1.0}),
    ("+ names left out of the meaning query", {"STRIP_NAMES_FOR_MEANING": False}),
]
VARIANTS: dict[str, dict[str, Any]] = {
    name: {attr: value for _, off in STEPS[n:] for attr, value in off.items()}
    for n, name in enumerate(["before"] + [name for name, _ in STEPS])
} | {f"all but: {name[2:]}": off for name, off in STEPS[1:]}  # each step left out of recall as it is


async def ask_variants(memory: Memory, store: Store, dataset: friends.Dataset, names: list[str]
                       ) -> dict[str, tuple[dict[str, list[list[str]]], list[float]]]:
    out = {}
    for name in names:
        saved = {attr: getattr(recall_module, attr) for attr in VARIANTS[name]}
        try:
            for attr, value in VARIANTS[name].items():
                setattr(recall_module, attr, value)
            out[name] = await ask_all(memory, store, dataset)
        finally:
            for attr, value in saved.items():
                setattr(recall_module, attr, value)
        say(f"{name}: {table(dataset, out[name][0])['all']}")
    return out


def table(dataset: friends.Dataset, found: dict[str, list[list[str]]]) -> dict[str, dict[str, float]]:
    scores: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for _, q in dataset.questions:
        for k in KS:
            r = recall_at(q.evidence, found[q.id], k)
            scores[q.kind][k].append(r)
            scores["all"][k].append(r)
    return {kind: {f"R@{k}": round(sum(v) / len(v), 3) for k, v in per_k.items()} | {"n": len(per_k[KS[0]])}
            for kind, per_k in sorted(scores.items(), key=lambda kv: (kv[0] == "all", kv[0]))}


async def latency_ab(folder: Path, n: int, embedder: Any, queries: list[str], now: datetime) -> dict[str, Any]:
    """Recall as it is against recall as it was ("before"), on the store latency.measure filled with `n` named
    messages, each query timed both ways in turn (the order alternating), so a busy machine slows both alike."""
    store = await Store.open(folder / f"latency-{n}-named.db")
    try:
        memory = Memory(store, embedder)
        user = await store.user(f"latency-{n}")
        for q in queries[:3]:
            await memory.recall(user, q, now=now, roles=("user", "assistant"))
        ms: dict[str, list[float]] = {"now": [], "before": []}
        for i, q in enumerate(queries):
            for side in (("now", "before") if i % 2 else ("before", "now")):
                saved = {attr: getattr(recall_module, attr) for attr in VARIANTS["before"]}
                if side == "before":
                    for attr, value in VARIANTS["before"].items():
                        setattr(recall_module, attr, value)
                try:
                    started = time.perf_counter()
                    await memory.recall(user, q, now=now, limit=10, roles=("user", "assistant"))
                    ms[side].append((time.perf_counter() - started) * 1000)
                finally:
                    for attr, value in saved.items():
                        setattr(recall_module, attr, value)
        return {side: {"p50": round(percentile(t, 50), 2), "p95": round(percentile(t, 95), 2)}
                for side, t in ms.items()}
    finally:
        await store.close()


async def run(args: argparse.Namespace) -> dict[str, Any]:
    global MIN_SIMILARITY
    MIN_SIMILARITY = args.min_similarity
    dataset = friends.build(args.seed, args.conversations)
    embedder = load_embedder(args.embedder)
    with tempfile.TemporaryDirectory() as tmp:
        paths = friends.write(dataset, Path(tmp) / "data")
        store = await Store.open(Path(tmp) / "os1.db")
        try:
            memory = Memory(store, embedder)
            imports = await import_all(memory, store, dataset, paths)
            found, recalls = await ask_all(memory, store, dataset)
            chosen = list(VARIANTS) if args.variants == ["all"] else args.variants
            variants = await ask_variants(memory, store, dataset, chosen) if chosen else {}
        finally:
            await store.close()
    baseline: dict[str, list[list[str]]] = {}
    for c in dataset.conversations:
        baseline |= bm25_found(c)
    out: dict[str, Any] = {
        "dataset": friends.summary(dataset), "embedder": embedder.name, "min_similarity": args.min_similarity,
        "OS1": table(dataset, found), "BM25 [date] speaker: text": table(dataset, baseline),
        "recall_ms": {"p50": round(percentile(recalls, 50), 2), "p95": round(percentile(recalls, 95), 2)},
        "import_s_per_conversation": {"mean": round(sum(imports) / len(imports), 2), "max": round(max(imports), 2)},
        "import_turns_per_s": round(sum(len(c.messages) for c in dataset.conversations) / sum(imports), 1),
        "variants": {name: {"all": table(dataset, f)["all"], **{k: v for k, v in table(dataset, f).items()
                                                                if k != "all"},
                            "recall_ms_p95": round(percentile(ms, 95), 2)}
                     for name, (f, ms) in variants.items()},
    }
    if args.sizes:
        # One person with n messages of a transcript between two named people (so every recall looks up who is
        # named, and a question naming one searches their messages), asked this benchmark's questions with the
        # names changed to theirs.
        names = ("Maya", "Jon")
        queries = [q.text.replace(c.speakers[0], names[0]).replace(c.speakers[1], names[1])
                   for c, q in dataset.questions][:200]
        now = datetime.fromisoformat(dataset.conversations[0].questions[0].asked_at)
        folder = args.store_dir or Path(tempfile.mkdtemp(prefix="os1-latency-"))
        folder.mkdir(parents=True, exist_ok=True)
        memo = latency.MemoEmbedder(embedder)
        out["latency"] = []
        for n in args.sizes:
            result = await latency.measure(folder, n, memo, queries, now, ("user", "assistant"), args.seed, names)
            out["latency"].append(result.summary())
            say(json.dumps(out["latency"][-1]))
            out["latency"][-1]["now vs before"] = await latency_ab(folder, n, memo, queries, now)
            say(json.dumps(out["latency"][-1]["now vs before"]))
    if args.json:
        args.json.write_text(json.dumps(out | {"found": found}, indent=1))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="Recall on the two-friends benchmark, against BM25.")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--conversations", type=int, default=10)
    parser.add_argument("--embedder", default="minilm")
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",") if x], default=[])
    parser.add_argument("--store-dir", type=Path, help="keep the latency stores here (a second run reuses them)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--min-similarity", choices=("weak", "none"), default="weak",
                        help="weak (default): drop what meaning alone found weakly, as `os1 memory search` does")
    parser.add_argument("--variants", type=lambda s: [v for v in s.split(",") if v], default=[],
                        help=f"also run these recall variants, comma-separated (all: {', '.join(VARIANTS)})")
    args = parser.parse_args()
    out = asyncio.run(run(args))
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
