"""The memory benchmark: does OS1 find what a person told it weeks ago, answer from it, and do so fast?

In one run, on the dataset built by dataset.py (seeded, ours, nothing downloaded):

1. Evidence recall@5 and @10 per question kind, for OS1's hybrid recall (words + meaning + time) against
   BM25 only and vector only: the share of a question's evidence turns among the sources of the top k items.
2. Answer accuracy with the embedded model given OS1's top 10 memories, no memory, or the full transcript
   (where it fits the window), under one instruction; and how often an update question gets the stale value.
3. Recall latency p50/p95 at 1k/10k/100k memories of one person against a brute-force scan.

Targets (DESIGN.md): recall@10 ≥ 0.95 of evidence turns; answers ≥ the full-context baseline; recall p95 ≤ 20 ms
at 100k memories.

Run:  .venv/bin/python -m bench.memory.run [--answers 100|all] [--no-answers] [--sizes 1000,10000,100000]
      [--relationships 40] [--seed 7] [--embedder e5|minilm|none] [--store-dir DIR] [--json OUT]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.memory import answers, latency
from bench.memory import dataset as ds
from bench.memory.scoring import is_correct, is_stale, mean, recall_at

from os1.db.store import Role, Store
from os1.memory.embeddings import load_embedder
from os1.memory.importers import read_jsonl
from os1.memory.memory import Memory
from os1.memory.notes import dates_of
from os1.memory.recall import MemoryItem

REPO = Path(__file__).resolve().parents[2]
RECALL = {"OS1 hybrid": frozenset({"words", "meaning", "time"}), "BM25 only": frozenset({"words"}),
          "vector only": frozenset({"meaning"})}
RECALLED_KINDS = ds.KINDS[:-1]  # abstention questions have no evidence to find
ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")
LATENCY_NOW = datetime.fromisoformat("2026-04-01T20:00:00+00:00")


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def progress(done: int, total: int, text: str) -> None:
    """A line rewritten in place on a terminal; every tenth step on its own line in a log."""
    line = f"{text} {done}/{total}"
    if sys.stderr.isatty():
        print("\r" + line, end="\n" if done == total else "", file=sys.stderr, flush=True)
    elif done == total or done % 10 == 0:
        say(line)


# -- 1. recall ----------------------------------------------------------------------------------------------


async def import_dataset(memory: Memory, store: Store, paths: list[Path], dataset: ds.Dataset) -> int:
    """Import every transcript the way `os1 memory import` does; returns how many messages were new."""
    started, stored = time.perf_counter(), 0
    for n, (path, r) in enumerate(zip(paths, dataset.relationships, strict=True), 1):
        user = await store.user(r.person)
        stored += (await memory.import_conversations(user, read_jsonl(path))).messages
        if memory.vectors is not None:
            await memory.vectors.catch_up(user)  # a reused --store-dir filled by another embedder
        progress(n, len(paths), f"import ({time.perf_counter() - started:.0f} s)")
    return stored


async def recall_all(memory: Memory, store: Store, dataset: ds.Dataset, roles: tuple[Role, ...],
                     conditions: dict[str, frozenset[str]]) -> dict[str, dict[str, list[MemoryItem]]]:
    """condition → question id → the top 10 items."""
    found: dict[str, dict[str, list[MemoryItem]]] = defaultdict(dict)
    for n, r in enumerate(dataset.relationships, 1):
        progress(n, len(dataset.relationships), "recall")
        user = await store.user(r.person)
        for q in r.questions:
            now = datetime.fromisoformat(q.asked_at)
            for name, signals in conditions.items():
                found[name][q.id] = await memory.recall(user, q.text, now=now, limit=10, signals=signals,
                                                        roles=roles)
    return found


def recall_table(dataset: ds.Dataset, found: dict[str, dict[str, list[MemoryItem]]]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for name, by_question in found.items():
        row: dict[str, Any] = {}
        for kind in (*RECALLED_KINDS, "all"):
            qs = [q for _, q in dataset.questions if q.evidence and kind in (q.kind, "all")]
            for k in (5, 10):
                row[f"{kind}@{k}"] = mean([recall_at(q.evidence, [i.source_ids for i in by_question[q.id]], k)
                                           for q in qs])
        table[name] = row
    return table


def dates_shown(dataset: ds.Dataset, found: dict[str, list[MemoryItem]]) -> tuple[int, int]:
    """Of the "when did I...?" evidence turns recall found, how many resolve to the right date, the way the
    prompt shows a recalled message ("yesterday" said on 8 March is 7 March: memory/notes.py): (right, found)."""
    right = total = 0
    for _, q in dataset.questions:
        if q.kind == "temporal" and not q.time_relative:
            iso = next(a for a in q.accept if ISO_DATE.fullmatch(a))
            shown = [i for i in found[q.id] if q.evidence[0] in i.source_ids]
            total += bool(shown)
            right += any(span["start"][:10] <= iso < span["end"][:10]  # the end is exclusive
                         for i in shown for span in dates_of(i.text, datetime.fromisoformat(i.time)))
    return right, total


def print_recall(table: dict[str, Any], count: int) -> None:
    print(f"\n1. evidence recall@5 / @10 ({count} questions with evidence)")
    print(f"{'':14}" + "".join(f"{kind:>14}" for kind in (*RECALLED_KINDS, "all")))
    for name, row in table.items():
        cells = "".join(f"{row[f'{kind}@5']:>8.3f}{row[f'{kind}@10']:>6.3f}" for kind in (*RECALLED_KINDS, "all"))
        print(f"{name:14}{cells}")


# -- 2. answers ---------------------------------------------------------------------------------------------


async def answer_all(args: argparse.Namespace, dataset: ds.Dataset, recalled: dict[str, list[MemoryItem]],
                     home: Path) -> list[dict[str, Any]]:
    chosen = answers.sample(dataset, args.answers, args.seed)
    model = answers.open_model(args.model, args.model_dir, home, args.context)
    rows: list[dict[str, Any]] = []
    try:
        await model.load()
        for condition in answers.CONDITIONS:  # full first: its prompts share a prefix per relationship
            started = time.perf_counter()
            for n, (r, q) in enumerate(chosen, 1):
                context = {"full": answers.full_context(r), "none": None,
                           "memory": answers.memory_context(r, q, recalled[q.id])}[condition]
                messages = answers.prompt(r, q, context)
                reply = await answers.answer(model, messages) if await answers.fits(model, messages) else None
                rows.append({"question": q.id, "kind": q.kind, "condition": condition, "answer": reply,
                             "correct": reply is not None and is_correct(reply, q.accept),
                             "stale": reply is not None and is_stale(reply, q.accept, q.stale)})
                progress(n, len(chosen), f"answers: {condition:6} ({time.perf_counter() - started:.0f} s)")
    finally:
        await model.close()
    return rows


def answer_table(rows: list[dict[str, Any]]) -> dict[str, Any]:
    fit = {row["question"] for row in rows if row["condition"] == "full" and row["answer"] is not None}
    table: dict[str, Any] = {}
    for condition in answers.CONDITIONS:
        mine = [row for row in rows if row["condition"] == condition and row["answer"] is not None]
        out: dict[str, Any] = {"answered": len(mine)}
        for kind in (*ds.KINDS, "all"):
            out[kind] = mean([row["correct"] for row in mine if kind in (row["kind"], "all")])
        out["stale_rate"] = mean([row["stale"] for row in mine if row["kind"] == "update"])
        out["all_where_full_fits"] = mean([row["correct"] for row in mine if row["question"] in fit])
        table[condition] = out
    return table


def print_answers(table: dict[str, Any], asked: int, model: str) -> None:
    def cell(value: float | None) -> str:
        return f"{value:>11.3f}" if value is not None else f"{'-':>11}"

    print(f"\n2. answer accuracy, model {model} ({asked} questions; temperature 0, ≤ {answers.REPLY_TOKENS} tokens)")
    print(f"{'':14}{'answered':>9}" + "".join(f"{k:>11}" for k in (*ds.KINDS, "all")) + f"{'stale':>11}"
          + f"{'all where full fits':>21}")
    names = {"memory": "OS1 memory", "none": "no memory", "full": "full context"}
    for condition in ("memory", "none", "full"):
        row = table[condition]
        print(f"{names[condition]:14}{row['answered']:>9}" + "".join(cell(row[k]) for k in (*ds.KINDS, "all"))
              + cell(row["stale_rate"]) + f"{cell(row['all_where_full_fits']):>21}")
    print(f"the whole transcript fit the model's window for {table['full']['answered']} of {asked} questions (the last "
          "column compares all three on those); 'stale': update answers that give the old value")


# -- 3. latency ---------------------------------------------------------------------------------------------


def print_latency(results: list[dict[str, Any]], queries: int) -> None:
    print(f"\n3. recall latency, one person, {queries} queries each, ms p50/p95 (OS1 recall: all signals, words "
          "or meaning alone; the query's embedding alone; the brute-force scan)")
    print(f"{'memories':>10}{'fill s':>8}" + "".join(f"{side:>16}" for side in latency.SIDES) + f"{'OS1/scan':>13}")
    for s in results:
        cells = "".join(f"{s[f'{side} p50_ms']:>9.1f}/{s[f'{side} p95_ms']:<6.1f}" for side in latency.SIDES)
        fill = "reused" if s["fill_s"] is None else f"{s['fill_s']:.1f}"
        print(f"{s['memories']:>10,}{fill:>8}{cells}{s['ratio_p50']:>7.2f}/{s['ratio_p95']:<5.2f}")
    print("filled through Memory.import_conversations from a pool of ~3,000 distinct lines with a memoizing "
          "embedder (each distinct line embedded once); queries are embedded for real, on both sides")


# -- the run ------------------------------------------------------------------------------------------------


async def run(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    report: dict[str, Any] = {"args": {k: str(v) for k, v in vars(args).items()}}
    started = time.perf_counter()
    dataset = ds.build(args.seed, args.relationships)
    paths = ds.write(dataset, folder / "dataset")
    report["dataset"] = ds.summary(dataset)
    print(f"dataset: {json.dumps(report['dataset'])}  ({time.perf_counter() - started:.1f} s)")
    inner = load_embedder(args.embedder) if args.embedder != "none" else None
    embedder = latency.MemoEmbedder(inner) if inner is not None else None
    roles: tuple[Role, ...] = tuple(args.roles.split(","))
    store = await Store.open(folder / "bench.db")
    try:
        memory = Memory(store, embedder)
        started = time.perf_counter()
        stored = await import_dataset(memory, store, paths, dataset)
        print(f"imported {stored} messages ({report['dataset']['messages'] - stored} already in --store-dir), "
              f"embedder {embedder.name if embedder else 'none'}: {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        conditions = RECALL if embedder else {"BM25 only": RECALL["BM25 only"]}
        found = await recall_all(memory, store, dataset, roles, conditions)
        report["recall"] = recall_table(dataset, found)
        print_recall(report["recall"], sum(bool(q.evidence) for _, q in dataset.questions))
        right, shown = dates_shown(dataset, found[next(iter(conditions))])
        report["resolved_dates"] = {"right": right, "recalled": shown}
        print(f"resolved dates: {right} of the {shown} recalled 'when did I...?' evidence turns show the right date")
        print(f"(roles recalled: {', '.join(roles)}; phase wall time {time.perf_counter() - started:.1f} s)")
        report["recalled"] = {name: {qid: [i.as_dict() for i in items] for qid, items in by.items()}
                              for name, by in found.items()}
    finally:
        await store.close()
    if not args.no_answers:
        started = time.perf_counter()
        hybrid = found.get("OS1 hybrid") or found["BM25 only"]
        rows = await answer_all(args, dataset, hybrid, folder / "home")
        report["answers"] = answer_table(rows)
        report["answer_rows"] = rows
        asked = len({row["question"] for row in rows})
        print_answers(report["answers"], asked, args.model)
        print(f"(phase wall time {time.perf_counter() - started:.1f} s)")
    if args.sizes and embedder is None:
        print("\n3. recall latency: skipped (it compares against a scan that needs vectors; pick an embedder)")
    if args.sizes and embedder is not None:
        started = time.perf_counter()
        queries = [q.text for _, q in dataset.questions][: args.queries]
        results = []
        for n in args.sizes:
            say(f"latency: filling {n:,} memories...")
            result = await latency.measure(folder, n, embedder, queries, LATENCY_NOW, roles, args.seed)
            results.append(result.summary())
        report["latency"] = results
        print_latency(results, len(queries))
        print(f"(phase wall time {time.perf_counter() - started:.1f} s)")
    return report


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--relationships", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--embedder", default="minilm", help="minilm (default), e5, or none (words only)")
    parser.add_argument("--roles", default="user", help="whose messages recall returns: user (as the companion "
                                                         "recalls) or user,assistant")
    parser.add_argument("--answers", default="100", help="how many questions to answer, stratified by kind, or all")
    parser.add_argument("--no-answers", action="store_true", help="skip the (slow) answering phase")
    parser.add_argument("--model", default="embedded", help="embedded, embedded:small or gguf:PATH")
    parser.add_argument("--model-dir", type=Path, default=REPO / ".cache" / "models")
    parser.add_argument("--context", type=int, default=None, help="the model's context window (default: OS1's)")
    parser.add_argument("--sizes", default="1000,10000,100000", help="memories for the latency phase ('' skips)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--store-dir", type=Path, help="keep stores here (reused by a later run); default: temp")
    parser.add_argument("--json", type=Path, help="also write the full report (with every answer) here")
    args = parser.parse_args()
    args.answers = None if args.answers == "all" else int(args.answers)
    args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if not set(args.roles.split(",")) <= {"user", "assistant"}:
        parser.error("--roles: user, assistant or user,assistant")
    return args


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    if args.store_dir:
        args.store_dir.mkdir(parents=True, exist_ok=True)
        report = asyncio.run(run(args, args.store_dir))
    else:
        with tempfile.TemporaryDirectory(prefix="os1-membench-") as tmp:
            report = asyncio.run(run(args, Path(tmp)))
    report["wall_s"] = round(time.perf_counter() - started, 1)
    print(f"\ntotal wall time: {report['wall_s']:.1f} s")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
