"""How well the embedded model uses OS1's tools, and how fast OS1 triages a large inbox.

1. Tool choice and arguments. Each natural request in bench/tool_requests.py goes through the real agent loop
   (agent.py: the tools whose words the request has are offered, the model chooses in grammar-constrained
   JSON, the policy gates the call) with OS1's own toolbox, every tool's function swapped for a recorder so
   nothing is really set, sent or moved. Counted per request: whether the right tool was offered by the
   request's words, whether the model chose it (or, for plain talk, chose none), and whether the chosen
   call's arguments hold what the request said.
2. Triage. A real IMAP server on loopback (os1.testing.mail_server: Dovecot) is seeded with 1,000 mixed messages
   (os1.testing.mail_seed); timed: fetching the inbox and the person's correspondents, and sorting it
   (os1.mail.triage), as the `triage_inbox` tool does, against the generator's labels.

Run:  .venv/bin/python -m bench.tools [--model embedded] [--only reminders|mail|files|no tool] [--no-triage]
                                        [--messages 1000] [--out results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bench.tool_requests import CASES, Case

from os1.agent import AgentTurn
from os1.capabilities import default_toolbox
from os1.config import load_settings
from os1.runtime import Runtime, open_runtime
from os1.testing import FixedClock
from os1.tools import Outcome, Toolbox, ToolContext

REPO = Path(__file__).resolve().parents[1]
# Friday 20 November 2026, 14:03: a fixed "now", so "tomorrow" means the same on every run
NOW = datetime(2026, 11, 20, 14, 3, tzinfo=timezone(timedelta(hours=1), "CET"))


@dataclass
class Result:
    text: str
    kind: str
    expected: str | None
    offered: bool  # the expected tool was among those the request's words offered (None expected: none offered)
    chosen: str | None
    arguments: dict[str, Any]
    arguments_ok: bool | None  # None: no check applies (wrong tool, or no tool)
    seconds: float

    @property
    def right_tool(self) -> bool:
        return self.chosen == self.expected


def recording_toolbox(calls: list[tuple[str, dict[str, Any]]]) -> Toolbox:
    """OS1's toolbox with every function replaced by one that records the call and does nothing."""
    def recorder(name: str) -> Any:
        async def record(ctx: ToolContext, **arguments: Any) -> Outcome:
            calls.append((name, arguments))
            return Outcome("(recorded)", said_as_is=True)
        return record

    return Toolbox(replace(t, fn=recorder(t.name), describe=None) for t in default_toolbox())


def arguments_hold(case: Case, arguments: dict[str, Any]) -> bool:
    for name, alternatives in case.args.items():
        value = str(arguments.get(name, "")).lower()
        if not any(a.lower() in value for a in alternatives):
            return False
    return True


async def run_case(rt: Runtime, case: Case) -> Result:
    calls: list[tuple[str, dict[str, Any]]] = []
    tools = recording_toolbox(calls)
    user = await rt.store.user("theodore")
    conversation = await rt.store.new_conversation(user)
    agent = rt.companion.agent
    ctx = agent.context(user, conversation, case.text)
    offered = [t.name for t in tools.could_apply(case.text)]
    turn = AgentTurn(rt.model, tools, ctx)
    started = time.perf_counter()
    async for _ in turn.run([{"role": "user", "content": case.text}]):
        pass
    seconds = time.perf_counter() - started
    chosen: str | None = None
    arguments: dict[str, Any] = {}
    if calls:
        chosen, arguments = calls[0]
    elif turn.proposal is not None:
        chosen, arguments = turn.proposal.tool, turn.proposal.arguments
    elif turn.refused:
        chosen = turn.refused[0]  # chosen by the model, stopped by the policy: still the model's choice
    ok = arguments_hold(case, arguments) if chosen is not None and chosen == case.tool else None
    return Result(case.text, case.kind, case.tool, case.tool in offered if case.tool else not offered, chosen,
                  arguments, ok, seconds)


def share(values: list[bool]) -> str:
    return f"{sum(values)}/{len(values)} ({sum(values) / len(values):.0%})" if values else "—"


def report_choices(results: list[Result]) -> dict[str, Any]:
    by_kind: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_kind[r.kind].append(r)
    print(f"\nTool choice and arguments ({len(results)} requests, embedded model, temperature 0)\n")
    print(f"| {'kind':<9} | n  | offered by words | right tool     | right arguments | decision p50 s |")
    print(f"|{'-' * 11}|----|------------------|----------------|-----------------|----------------|")
    summary: dict[str, Any] = {}
    for kind, rs in [*sorted(by_kind.items()), ("all", results)]:
        args = [r.arguments_ok for r in rs if r.arguments_ok is not None]
        p50 = statistics.median(r.seconds for r in rs)
        print(f"| {kind:<9} | {len(rs):<2} | {share([r.offered for r in rs]):<16} | "
              f"{share([r.right_tool for r in rs]):<14} | {share(args):<15} | {p50:>14.2f} |")
        summary[kind] = {"n": len(rs), "offered": sum(r.offered for r in rs),
                         "right_tool": sum(r.right_tool for r in rs),
                         "arguments_checked": len(args), "right_arguments": sum(args), "decision_p50_s": p50}
    for r in results:
        if not r.offered:
            print(f"  not offered by its words: {r.text!r} (expected {r.expected})")
    misses = [r for r in results if not r.right_tool or r.arguments_ok is False]
    if misses:
        print("\nMisses:")
        for r in misses:
            print(f"  {r.text!r}: expected {r.expected}, chose {r.chosen} {json.dumps(r.arguments)[:120]}")
    return summary


async def bench_choices(model: str, only: str | None) -> tuple[list[Result], dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="os1-bench-tools-") as home:
        settings = load_settings(Path(home)).with_overrides(
            model=model, temperature=0.0, seed=0, embedder="none",
            model_dir_override=REPO / ".cache" / "models")
        rt = await open_runtime(settings)
        rt.companion.clock = FixedClock(NOW)
        try:
            results = []
            cases = [c for c in CASES if only is None or c.kind == only]
            for number, case in enumerate(cases, 1):
                result = await run_case(rt, case)
                results.append(result)
                mark = "ok" if result.right_tool and result.arguments_ok is not False else "MISS"
                print(f"  [{number:>2}/{len(cases)}] {mark:<4} {case.text[:60]!r} → {result.chosen}",
                      file=sys.stderr)
        finally:
            await rt.close()
    return results, report_choices(results)


async def bench_triage(messages: int) -> dict[str, Any]:
    from os1.mail.client import fetch_correspondents, fetch_inbox
    from os1.mail.parse import read_message
    from os1.mail.triage import KINDS, triage
    from os1.memory.embeddings import load_embedder
    from os1.testing.mail_seed import generate_mailbox
    from os1.testing.mail_server import start_mail_server

    print(f"\nTriage of {messages:,} messages (real Dovecot on loopback; the person's MiniLM embedder)\n")
    embedder = load_embedder("minilm")
    embedder.embed_passages(["warm up"])  # loading the embedder is the companion's start-up, not triage
    # mkdtemp, not a TemporaryDirectory's 0700 parent: the mail server's own users must reach it
    root = Path(tempfile.mkdtemp(prefix="os1-bench-mail-"))
    server = start_mail_server(root)
    try:
        server.add_user("theodore", "pw")
        mailbox = generate_mailbox(messages, NOW, address=server.address("theodore"))
        server.seed("theodore", [m.seed for m in mailbox])
        account = server.account("theodore")
        started = time.perf_counter()
        fetched = await fetch_inbox(account)
        known = await fetch_correspondents(account)
        fetched_s = time.perf_counter() - started
        result = await triage(fetched, embedder=embedder, correspondents=known, me=[account.address], now=NOW)
        total_s = time.perf_counter() - started
        words_only = time.perf_counter()
        plain = await triage(fetched, correspondents=known, me=[account.address], now=NOW)
        words_only_s = time.perf_counter() - words_only
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
    truth = {read_message(m.seed.raw).message_id: m.kind for m in mailbox}

    def agreement(sorted_: Any) -> float:
        right = sum(1 for kind in KINDS for s in sorted_.of(kind) if truth.get(s.mail.message_id) == kind)
        return right / max(1, len(fetched))

    counts = result.counts()
    print("| messages | fetch s | sort s | total s | sort without meaning s | agreement | agreement without "
          "meaning | " + " | ".join(counts) + " |")
    print("|---|---|---|---|---|---|---|" + "---|" * len(counts))
    print(f"| {len(fetched):,} | {fetched_s:.2f} | {total_s - fetched_s:.2f} | {total_s:.2f} | {words_only_s:.2f} "
          f"| {agreement(result):.1%} | {agreement(plain):.1%} | " + " | ".join(str(v) for v in counts.values())
          + " |")
    print("\n(agreement: the share of messages sorted as the mailbox generator labelled them)")
    return {"messages": len(fetched), "fetch_s": fetched_s, "total_s": total_s, "words_only_sort_s": words_only_s,
            "counts": counts, "agreement": agreement(result), "agreement_without_meaning": agreement(plain)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="embedded")
    parser.add_argument("--only", choices=sorted({c.kind for c in CASES}))
    parser.add_argument("--no-triage", action="store_true")
    parser.add_argument("--no-choices", action="store_true")
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--out", type=Path)
    a = parser.parse_args()
    out: dict[str, Any] = {}
    if not a.no_choices:
        results, out["choices"] = asyncio.run(bench_choices(a.model, a.only))
        out["requests"] = [asdict(r) for r in results]
    if not a.no_triage:
        out["triage"] = asyncio.run(bench_triage(a.messages))
    if a.out:
        a.out.write_text(json.dumps(out, indent=2, default=str))


if __name__ == "__main__":
    main()
