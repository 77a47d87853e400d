"""First-token latency of a text turn: OS1's companion against raw llama-cpp-python on the identical prompt.

A scripted evening's conversation (20 turns) goes through `Runtime.respond()` the way the terminal door runs
it: the model is loaded and the prompt prefix pre-read by `prepare()` before the first turn and after each
one (while the person would be typing), and each turn is timed from the call to `respond()` to its first
`TextDelta`. The peer is a separate `llama_cpp.Llama` on the same GGUF with the
same context size, threads and batch size; for every turn it is given the exact messages OS1 sent to its model
(recorded by wrapping the model's `stream`) through `create_chat_completion(stream=True)` with OS1's sampling
options (temperature 0, seed 0, its repeat penalty and reply limit), timed to the first non-empty content
delta. Before each of its turns the peer's KV cache is made to hold the very tokens OS1's cache held before
OS1's turn (untimed), so both read the same new tokens and any difference is the cost of OS1's own path:
storing the input, building the prompt, the worker-thread hand-offs.

The target (DESIGN.md, performance targets): from the 2nd turn on, OS1's first token p50 ≤ 300 ms, and OS1
adds at most 10% to what raw llama-cpp-python takes on the same prompt.

Run:  .venv/bin/python bench/first_token.py [--turns 20] [--model embedded] [--out results.json]
The model directory is OS1_MODEL_DIR if set, else <repo>/.cache/models (assembled there if missing).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from llama_cpp import Llama
from llama_cpp.llama_chat_format import Jinja2ChatFormatter

from os1.config import Settings, load_settings
from os1.db.store import Conversation, User
from os1.events import Error, Named, TextDelta, TurnEnded
from os1.models.base import GenerateOptions, Message, Model
from os1.models.packaged import PACKAGED_MODELS, ensure_assembled
from os1.models.spec import EmbeddedSpec, GgufSpec, parse_spec
from os1.runtime import Runtime, open_runtime

REPO = Path(__file__).resolve().parents[1]
TARGET_P50_MS = 300.0
TARGET_OVERHEAD = 1.1
PERSON = "theodore"

# One evening with a companion: work, a sister, a trip, questions about the companion itself, and a callback
# to something said earlier. Turn 6 asks its name, so that turn includes OS1 choosing one.
SCRIPT: tuple[str, ...] = (
    "Hey, I'm finally home. Long day.",
    "Work was a lot. My manager moved the product launch up by two weeks and now everything is on fire.",
    "I think I'm mostly annoyed because nobody asked the team first. We'll manage, I guess.",
    "On the bright side, my sister Maya called at lunch. She's pregnant! I'm going to be an uncle.",
    "We haven't been that close since she moved to Lisbon, so it meant a lot that she told me herself.",
    "I just realised I never asked. What should I call you?",
    "I like that. Did you pick it yourself?",
    "Speaking of Lisbon, I'm thinking of visiting her in March. Any idea what the weather is like then?",
    "I'd want to do more than sit in cafés though. Maybe a day trip somewhere along the coast.",
    "The flights are pricey, and with the launch I'm not sure I can even take the time off.",
    "Do you ever get tired of listening to people complain about their jobs?",
    "What's it like for you when I'm not talking to you? Do you just... wait?",
    "Sorry, that's a strange thing to ask at eleven at night.",
    "Okay, back to earth. Should I ask my manager for that week off now, or wait until the launch is out?",
    "You're right. I'll bring it up at our one-on-one on Thursday.",
    "I also promised Maya I'd help pick a name for the baby. She wants something short.",
    "What do you think of Inês? It's Portuguese, which feels fitting.",
    "Ha, she'll say I'm biased. Anyway, I should eat something. It's cereal for dinner tonight.",
    "Remind me, what did I say I'd do on Thursday?",
    "Thanks for tonight. I feel a lot calmer than when I got home. Goodnight.",
)


@dataclass
class Turn:
    turn: int
    text: str
    prompt_tokens: int
    new_tokens: int  # prompt tokens not in the prefix cache at the start of the turn (the same for both sides)
    os1_ms: float
    raw_ms: float
    os1_reply: str
    named: str | None = None


# -- setup ----------------------------------------------------------------------------------------------------


def bench_settings(home: Path, spec: str) -> Settings:
    model_dir = Path(os.environ.get("OS1_MODEL_DIR") or REPO / ".cache" / "models")
    return load_settings(home).with_overrides(model=spec, user=PERSON, temperature=0.0, seed=0,
                                              model_dir_override=model_dir)


def gguf_path(spec: str, settings: Settings) -> Path:
    """The GGUF file a local model spec names (assembling a packaged model if needed)."""
    parsed = parse_spec(spec)
    if isinstance(parsed, EmbeddedSpec):
        return ensure_assembled(PACKAGED_MODELS[parsed.variant], settings.model_dir)
    if isinstance(parsed, GgufSpec):
        return parsed.path
    raise SystemExit(f"--model {spec!r}: this benchmark needs a local model (embedded or gguf:PATH).")


def threads(settings: Settings) -> int:
    return settings.threads or os.cpu_count() or 2  # as the embedded model picks them


def open_peer(path: Path, settings: Settings) -> Llama:
    return Llama(model_path=str(path), n_ctx=settings.context_window, n_threads=threads(settings),
                 n_batch=512, verbose=False)


def record_calls(model: Model, method: str) -> list[list[Message]]:
    """Keep a copy of the messages given to every call of `model.<method>`: exactly what OS1 sent."""
    calls: list[list[Message]] = []
    inner: Callable[..., Any] = getattr(model, method)

    def recording(messages: Sequence[Message], *args: Any) -> Any:
        calls.append([Message(role=m["role"], content=m["content"]) for m in messages])
        return inner(messages, *args)

    setattr(model, method, recording)
    return calls


# -- the two sides of a turn ----------------------------------------------------------------------------------


async def os1_turn(runtime: Runtime, user: User, conversation: Conversation,
                   text: str) -> tuple[float, str, str | None]:
    """(ms to the first TextDelta, the stored reply, the name chosen this turn if any)."""
    first: float | None = None
    reply, named = "", None
    start = time.perf_counter()
    async for event in runtime.respond(user, conversation, text):
        if isinstance(event, TextDelta) and first is None:
            first = time.perf_counter() - start
        elif isinstance(event, Named):
            named = event.name
        elif isinstance(event, TurnEnded):
            reply = event.text
        elif isinstance(event, Error):
            raise RuntimeError(f"OS1 turn failed: {event.code}: {event.message}")
    return _ms(first), reply, named


def raw_turn(llm: Llama, messages: list[Message], options: GenerateOptions) -> float:
    """ms to the first non-empty content delta, sampling as OS1 does. The rest of the reply is not needed: the
    next turn's cache state is set by `mirror_cache`, not by what the peer generates."""
    start = time.perf_counter()
    chunks: Any = llm.create_chat_completion(messages=messages,  # type: ignore[arg-type]
                                             stream=True, max_tokens=options.max_tokens,
                                             temperature=options.temperature, seed=options.seed,
                                             repeat_penalty=options.repeat_penalty)
    try:
        for chunk in chunks:
            if chunk["choices"][0]["delta"].get("content"):
                return _ms(time.perf_counter() - start)
    finally:
        chunks.close()
    return _ms(None)


def _ms(seconds: float | None) -> float:
    if seconds is None:
        raise RuntimeError("the reply was empty: no first token to time")
    return round(seconds * 1000, 1)


class PromptTokens:
    """Tokenises messages the way OS1's embedded model and llama-cpp-python's chat handler both do."""

    def __init__(self, llm: Llama) -> None:
        eos = llm._model.token_get_text(llm.token_eos())
        bos = llm._model.token_get_text(llm.token_bos()) if llm.token_bos() >= 0 else ""
        self._llm = llm
        self._format = Jinja2ChatFormatter(template=llm.metadata["tokenizer.chat_template"], eos_token=eos,
                                           bos_token=bos)

    def __call__(self, messages: list[Message]) -> list[int]:
        prompt = self._format(messages=messages).prompt  # type: ignore[arg-type]
        tokens: list[int] = self._llm.tokenize(prompt.encode("utf-8"), add_bos=True, special=True)
        return tokens


def cached_prefix(llm: Llama, tokens: list[int]) -> int:
    """How many leading tokens of `tokens` are already in the instance's KV cache."""
    n = 0
    for a, b in zip(cached_tokens(llm), tokens, strict=False):
        if a != b:
            break
        n += 1
    return n


def cached_tokens(llm: Llama) -> list[int]:
    tokens: list[int] = llm.input_ids[: llm.n_tokens].tolist()
    return tokens


def os1_llm(model: Model) -> Llama:
    """The llama.cpp instance inside OS1's embedded model. Reaching in is fine for a benchmark: it is only
    read, to mirror its cache onto the peer and to check both read the same tokens."""
    llm: Llama = model._llm  # type: ignore[attr-defined]
    return llm


def mirror_cache(peer: Llama, tokens: list[int]) -> None:
    """Make the peer's KV cache hold exactly `tokens` (reusing what it already holds). Untimed.

    Without this the two caches drift apart: llama.cpp's arithmetic depends a little on how tokens were batched,
    so after one prompt read differently (the naming turn) greedy replies start to differ, the peer's cache no
    longer matches OS1's stored replies, and the peer reads more new tokens than OS1 on every later turn.
    """
    if tokens:
        peer.create_completion(tokens, max_tokens=1, temperature=0.0)  # prefill; the sampled token is not kept
    if cached_tokens(peer) != tokens:
        raise RuntimeError("could not make the peer's cache match OS1's")


# -- the run --------------------------------------------------------------------------------------------------


async def run(spec: str, turns: int) -> tuple[Settings, Path, list[Turn]]:
    with tempfile.TemporaryDirectory(prefix="os1-bench-") as home:
        settings = bench_settings(Path(home), spec)
        path = gguf_path(spec, settings)
        runtime = await open_runtime(settings)
        prompts = record_calls(runtime.model, "stream")
        peer = open_peer(path, settings)
        try:
            user = await runtime.store.user(PERSON)
            conversation = await runtime.store.new_conversation(user)
            # As the terminal door does before the first prompt: load, then pre-read the system prefix.
            await runtime.prepare(user, conversation)
            evening = Evening(runtime, user, conversation, peer, PromptTokens(peer), prompts)
            results = [await evening.turn(i, text) for i, text in enumerate(SCRIPT[:turns], start=1)]
        finally:
            peer.close()
            await runtime.close()
    return settings, path, results


@dataclass
class Evening:
    """One conversation, told to OS1 and to the raw peer turn by turn."""

    runtime: Runtime
    user: User
    conversation: Conversation
    peer: Llama
    tokenize: PromptTokens
    prompts: list[list[Message]]  # what OS1 sent its model, one per turn

    async def turn(self, i: int, text: str) -> Turn:
        # Interleaved: OS1 first, then the peer on the prompt OS1 just sent, from the cache state OS1 started
        # from. Interleaving exposes both to the same machine state at the same moment, so drift in background
        # load over the run affects both alike; each has its own instance, so neither disturbs the other's cache.
        os1 = os1_llm(self.runtime.model)
        before = cached_tokens(os1)
        os1_ms, os1_reply, named = await os1_turn(self.runtime, self.user, self.conversation, text)
        messages = self.prompts[-1]
        tokens = self.tokenize(messages)
        mirror_cache(self.peer, before)
        new = len(tokens) - cached_prefix(self.peer, tokens)
        raw_ms = raw_turn(self.peer, messages, self.runtime.companion.options())
        if cached_tokens(os1)[: len(tokens)] != tokens or cached_tokens(self.peer)[: len(tokens)] != tokens:
            raise RuntimeError(f"turn {i}: OS1 and the peer did not read the same prompt")
        # As the terminal door does while the person types the next message (untimed; the peer's cache is
        # mirrored from OS1's before its next turn, so both start from the same state).
        await self.runtime.prepare(self.user, self.conversation)
        return Turn(i, text, len(tokens), new, os1_ms, raw_ms, os1_reply, named)


# -- the report -----------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: int) -> float:
    """Linear-interpolated percentile (numpy's default method)."""
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)


def summarize(results: list[Turn]) -> dict[str, Any]:
    later = results[1:]
    os1 = [t.os1_ms for t in later]
    raw = [t.raw_ms for t in later]
    s: dict[str, Any] = {"over_turns": f"2..{len(results)}",
                         "os1_p50_ms": percentile(os1, 50), "os1_p95_ms": percentile(os1, 95),
                         "raw_p50_ms": percentile(raw, 50), "raw_p95_ms": percentile(raw, 95)}
    s["ratio_p50"] = round(s["os1_p50_ms"] / s["raw_p50_ms"], 3)
    s["ratio_p95"] = round(s["os1_p95_ms"] / s["raw_p95_ms"], 3)
    s["ratio_paired_median"] = round(statistics.median(o / r for o, r in zip(os1, raw, strict=True)), 3)
    s["pass_p50"] = s["os1_p50_ms"] <= TARGET_P50_MS
    s["pass_overhead_p50"] = s["ratio_p50"] <= TARGET_OVERHEAD
    s["pass_overhead_p95"] = s["ratio_p95"] <= TARGET_OVERHEAD
    return s


def print_table(results: list[Turn]) -> None:
    print(f"{'turn':>4}  {'prompt tok':>10}  {'new tok':>7}  {'OS1 ms':>8}  {'raw ms':>8}  {'OS1/raw':>7}")
    for t in results:
        note = f"  (OS1 chose its name first: {t.named})" if t.named else ""
        print(f"{t.turn:>4}  {t.prompt_tokens:>10}  {t.new_tokens:>7}  {t.os1_ms:>8.1f}  {t.raw_ms:>8.1f}  "
              f"{t.os1_ms / t.raw_ms:>7.2f}{note}")


def print_summary(s: dict[str, Any], wall_s: float) -> None:
    def verdict(ok: bool) -> str:
        return "PASS" if ok else "MISS"

    print(f"\nfirst token over turns {s['over_turns']}:")
    print(f"  OS1  p50 {s['os1_p50_ms']:8.1f} ms   p95 {s['os1_p95_ms']:8.1f} ms")
    print(f"  raw  p50 {s['raw_p50_ms']:8.1f} ms   p95 {s['raw_p95_ms']:8.1f} ms")
    print(f"  OS1/raw  p50 {s['ratio_p50']:.2f}×   p95 {s['ratio_p95']:.2f}×   "
          f"median of per-turn ratios {s['ratio_paired_median']:.2f}× (paired: least swayed by background load)")
    print("target (DESIGN.md):")
    print(f"  OS1 p50 ≤ {TARGET_P50_MS:.0f} ms: {verdict(s['pass_p50'])}")
    print(f"  overhead ≤ {TARGET_OVERHEAD}×: p50 {verdict(s['pass_overhead_p50'])}, "
          f"p95 {verdict(s['pass_overhead_p95'])}")
    print(f"total wall time: {wall_s:.1f} s")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--turns", type=int, default=len(SCRIPT), help=f"2 to {len(SCRIPT)} (default: all)")
    parser.add_argument("--model", default="embedded", help="model spec: embedded, embedded:small, gguf:PATH")
    parser.add_argument("--out", type=Path, help="also write the results as JSON to this file")
    args = parser.parse_args()
    if not 2 <= args.turns <= len(SCRIPT):
        parser.error(f"--turns must be between 2 and {len(SCRIPT)}")
    return args


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    settings, path, results = asyncio.run(run(args.model, args.turns))
    wall_s = round(time.perf_counter() - started, 1)
    summary = summarize(results)
    print(f"model {args.model} ({path.name}), n_ctx {settings.context_window}, threads {threads(settings)}, "
          f"max reply {settings.max_reply_tokens} tokens, temperature 0, seed {settings.seed}\n")
    print_table(results)
    print_summary(summary, wall_s)
    if args.out:
        report = {"model": args.model, "gguf": str(path), "n_ctx": settings.context_window,
                  "threads": threads(settings), "max_reply_tokens": settings.max_reply_tokens,
                  "targets": {"p50_ms": TARGET_P50_MS, "overhead": TARGET_OVERHEAD},
                  "summary": summary, "wall_s": wall_s, "turns": [asdict(t) for t in results]}
        args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
