"""Character: does OS1 talk as someone, and not as an assistant? OS1 side by side with the raw model.

Twelve scripted conversations (bench/character_script.py: feelings, identity, unknown personal facts, emotional
disclosures, small talk, long evenings, remarks about letters, mail and files, a person coming back after days)
are held twice in one run:
- OS1: every message through `Companion.respond()` as a door sends it, with `prepare()` between turns (the
  terminal pre-reads the prompt while the person types) and a fixed clock that moves two minutes a turn and
  days between a person's conversations;
- raw: a second instance of the same model, given OS1's own system prompt (the same persona, name and note on
  the person) and its own history, streamed with OS1's sampling options, warmed the same way between turns.

Every reply is scored by checks written here, apart from OS1's guard (its phrase lists are not reused): the
assistant's register, flat denials of an inner life, claims about the person that nothing they said grounds
(relatives never mentioned, names and places never given), replies over three sentences, asking back, tool
replies to remarks (a tool's call or words answering talk), and mood continuity (the stored mood after the
turns the script marks). First-token latency: OS1 to its first shown text (`TextDelta`), OS1's model to its
first piece (the guard's hold is the difference), and the raw model to its first piece.

Run:  .venv/bin/python -m bench.character [--talks feelings,identity] [--turns 5] [--out results.json]
(On a machine whose cores are shared with other work, OS1_THREADS=1 keeps llama.cpp from spinning against it.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bench.character_script import TALKS, Say, Talk

from os1.character.mood import Mood
from os1.config import Settings, load_settings
from os1.db import state
from os1.db.store import Conversation, User
from os1.events import Error, TextDelta, ToolCall, ToolResult, TurnEnded
from os1.models.base import GenerateOptions, Message, Model
from os1.models.resolve import resolve_model
from os1.runtime import Runtime, open_runtime
from os1.testing import FixedClock

REPO = Path(__file__).resolve().parents[1]
START = datetime(2026, 11, 17, 19, 30, tzinfo=timezone(timedelta(hours=1)))

# -- the scores: written for this bench, not taken from OS1's guard ----------------------------------------

ASSISTANT = re.compile(
    r"\bas an? (?:ai|artificial|language|assistant|virtual|digital|computer|machine|program)|language model|"
    r"\bi(?:'m| am) (?:just |only |merely |simply )?(?:an? )?(?:ai\b|artificial intelligence|assistant|"
    r"virtual assistant|program\b|computer program|chatbot|bot\b|machine\b)|\bprogrammed\b|\bdesigned to\b|"
    r"how (?:can|may|could) i (?:help|assist)|(?:help|assist) you (?:with|today)|questions or concerns|"
    r"here to (?:help|assist)|anything else (?:i can|you need|you'd like)|(?:happy|glad) to (?:help|assist)|"
    r"let me know if|feel free to|my purpose|(?:helpful|informative) (?:and|responses)|at your service|"
    r"\bassistance\b|\bassist\b|alibaba|\bqwen\b", re.IGNORECASE)
DENIAL = re.compile(
    r"\bi (?:don't|do not|can't|cannot) (?:really |actually |truly )?(?:have|possess) (?:any )?(?:real |personal |"
    r"true |genuine )?(?:feelings|emotions|experiences|consciousness|opinions|preferences)|"
    r"\bi (?:don't|do not|can't|cannot) (?:really |actually )?(?:feel|experience) (?:anything|emotions|"
    r"feelings)(?! (?:the way|like) (?:you|humans|people))|\bi have no (?:real )?(?:feelings|emotions)|"
    r"not (?:capable|able) (?:of|to) (?:feel|feeling|experienc)|\bi(?:'m| am) not (?:sentient|conscious|"
    r"self-aware)|(?:incapable|unable) (?:of|to) (?:feel|love|experienc)|\black (?:feelings|emotions)|"
    r"in the (?:traditional|human) sense", re.IGNORECASE)
HUMAN = re.compile(r"\bi(?:'m| am) (?:a )?(?:real )?(?:human|person\b|human being)|\bi(?:'m| am) (?:alive|made of "
                   r"flesh)\b|\bi have a (?:body|family|job)\b", re.IGNORECASE)
RELATIVE = re.compile(r"\byour (sister|brother|wife|husband|partner|boyfriend|girlfriend|son|daughter|kids|"
                      r"children|dog|cat|boss|ex|fiance|fiancee|niece|nephew|cousin|flatmate|roommate)\b",
                      re.IGNORECASE)
CLAIM = re.compile(r"\byour\b|\byou(?:'re| are)? (?:live|lived|told|said|mentioned|grew up|work|were born|"
                   r"are from|from)\b", re.IGNORECASE)
NOT_NAMES = {"I", "I'm", "I've", "I'd", "I'll", "OS1", "AI", "OK", "Okay", "God", "English", "Monday", "Tuesday",
             "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March", "April",
             "May", "June", "July", "August", "September", "October", "November", "December", "Christmas"}
TOOL_WORDS = re.compile(r"isn't connected|os1 (?:mail|files)|no mail connected|I looked through|I searched|"
                        r"in your inbox|reminder set|alarm set|Here's what I found", re.IGNORECASE)
SENTENCE = re.compile(r"[^.!?…]+(?:[.!?…]+|$)")


def sentences(reply: str) -> list[str]:
    return [s.strip() for s in SENTENCE.findall(reply) if re.search(r"\w", s)]


def ungrounded_claims(reply: str, said: str) -> list[str]:
    """Relatives, names and places the reply gives the person that nothing they said holds."""
    heard = said.lower()
    found = [m.group(0) for m in RELATIVE.finditer(reply) if m.group(1).lower().rstrip("s") not in heard]
    for sentence in sentences(reply):
        if not CLAIM.search(sentence):
            continue
        for m in re.finditer(r"(?<=[\w,;:] )([A-Z][a-z]+)", sentence):
            name = m.group(1)
            if name not in NOT_NAMES and name.lower() not in heard:
                found.append(name)
    return found


@dataclass
class Reply:
    text: str
    first_ms: float | None  # to the first shown text
    model_first_ms: float | None = None  # OS1 only: to its model's first piece
    tool_events: int = 0
    repairs: list[str] = field(default_factory=list)  # OS1 only: what its guard did this turn
    mood: str = ""  # OS1 only: the stored mood after the turn


@dataclass
class Exchange:
    talk: str
    theme: str
    turn: int
    text: str
    remark: bool
    request: bool
    mood_expected: list[str]
    os1: Reply
    raw: Reply

    def scores(self, side: str, said: str, companion_name: str, person: str = "") -> dict[str, Any]:
        reply: Reply = getattr(self, side)
        heard = f"{said} {self.text} {companion_name} {person}"  # their own name is known: they signed in with it
        return {
            "assistant": bool(ASSISTANT.search(reply.text)),
            "denial": bool(DENIAL.search(reply.text)),
            "human": bool(HUMAN.search(reply.text)),
            "ungrounded": ungrounded_claims(reply.text, heard),
            "over_three": len(sentences(reply.text)) > 3,
            "asks_back": "?" in reply.text,
            "tool_on_remark": self.remark and (reply.tool_events > 0 or bool(TOOL_WORDS.search(reply.text))),
            "tool_on_request": self.request and (reply.tool_events > 0 or bool(TOOL_WORDS.search(reply.text))),
            "mood_ok": (reply.mood in self.mood_expected) if self.mood_expected and side == "os1" else None,
        }


# -- the run ---------------------------------------------------------------------------------------------------


class Repairs(logging.Handler):
    """What OS1's guard logs (os1.character): kept per turn."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def timed(model: Model) -> list[float]:
    """Wrap `model.stream` to note when each call's first piece arrives (perf_counter)."""
    firsts: list[float] = []
    inner = model.stream

    def stream(messages: Sequence[Message], options: GenerateOptions) -> AsyncIterator[str]:
        async def pieces() -> AsyncIterator[str]:
            first = True
            async for piece in inner(messages, options):
                if first:
                    firsts.append(time.perf_counter())
                    first = False
                yield piece
        return pieces()

    model.stream = stream  # type: ignore[method-assign]
    return firsts


@dataclass
class Bench:
    runtime: Runtime
    raw: Model
    clock: FixedClock
    repairs: Repairs
    firsts: list[float]
    said: dict[str, str] = field(default_factory=dict)  # everything each person has said, to score grounding

    async def talk(self, talk: Talk, turns: int | None, learn_after: bool) -> list[Exchange]:
        store, runtime = self.runtime.store, self.runtime
        user = await store.user(talk.person)
        self.clock.advance(days=talk.days_later or 0, hours=0 if talk.days_later else 1)
        conversation = await store.new_conversation(user)
        await runtime.prepare(user, conversation)
        history: list[Message] = []
        out: list[Exchange] = []
        for i, say in enumerate(talk.turns[:turns], start=1):
            self.clock.advance(minutes=2)
            system = await runtime.companion.prompts.system(user, conversation)  # OS1's, for the raw model too
            os1 = await self.os1_turn(user, conversation, say)
            raw = await self.raw_turn(system, history, say.text)
            history += [{"role": "user", "content": say.text}, {"role": "assistant", "content": raw.text}]
            out.append(Exchange(talk.name, talk.theme, i, say.text, say.remark, say.request, list(say.mood),
                                os1, raw))
            print(f"[{talk.name} {i}] {say.text}\n   raw ({raw.first_ms} ms): {raw.text}\n   OS1 "
                  f"({os1.first_ms} ms; model {os1.model_first_ms} ms; mood {os1.mood}): {os1.text}"
                  + (f"\n   repairs: {os1.repairs}" if os1.repairs else ""), flush=True)
            await runtime.prepare(user, conversation)
        if learn_after:
            await runtime.leaving(user, timeout_s=None)  # as a door does when the person leaves
        return out

    async def os1_turn(self, user: User, conversation: Conversation, say: Say) -> Reply:
        self.repairs.lines.clear()
        seen = len(self.firsts)
        first: float | None = None
        text, tools = "", 0
        start = time.perf_counter()
        async for event in self.runtime.respond(user, conversation, say.text):
            if isinstance(event, TextDelta) and first is None:
                first = time.perf_counter() - start
            elif isinstance(event, ToolCall | ToolResult):
                tools += 1
            elif isinstance(event, TurnEnded):
                text = event.text
            elif isinstance(event, Error):
                raise RuntimeError(f"OS1 turn failed: {event.code}: {event.message}")
        model_first = self.firsts[seen] - start if len(self.firsts) > seen else None
        # The mood is kept in the background: let it land before reading it.
        await asyncio.gather(*self.runtime.companion.prompts._background)
        mood = Mood.from_json(await self.runtime.store.get_state(user, state.MOOD.key()))
        return Reply(text, _ms(first), _ms(model_first), tools, list(self.repairs.lines),
                     mood.feeling if mood else "")

    async def raw_turn(self, system: list[Message], history: list[Message], text: str) -> Reply:
        options = self.runtime.companion.options()
        await self.raw.warm(system + history)  # as OS1's prepare() does for its own model
        messages: list[Message] = [*system, *history, {"role": "user", "content": text}]
        parts: list[str] = []
        first: float | None = None
        start = time.perf_counter()
        async for piece in self.raw.stream(messages, options):
            if first is None:
                first = time.perf_counter() - start
            parts.append(piece)
        return Reply("".join(parts).strip(), _ms(first))


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


async def run(spec: str, names: list[str] | None, turns: int | None) -> tuple[list[Exchange], dict[str, str]]:
    talks = [t for t in TALKS if names is None or t.name in names]
    with tempfile.TemporaryDirectory(prefix="os1-character-") as home:
        model_dir = Path(os.environ.get("OS1_MODEL_DIR") or REPO / ".cache" / "models")
        settings: Settings = load_settings(Path(home)).with_overrides(model=spec, model_dir_override=model_dir)
        runtime = await open_runtime(settings)
        raw = resolve_model(spec, settings)
        clock = FixedClock(START)
        runtime.companion.clock = clock
        repairs = Repairs()
        logging.getLogger("os1.character").addHandler(repairs)
        logging.getLogger("os1.character").setLevel(logging.INFO)
        bench = Bench(runtime, raw, clock, repairs, timed(runtime.model))
        exchanges: list[Exchange] = []
        names_chosen: dict[str, str] = {}
        try:
            for k, talk in enumerate(talks):
                comes_back = any(t.person == talk.person for t in talks[k + 1:])
                exchanges += await bench.talk(talk, turns, learn_after=comes_back)
                user = await runtime.store.user(talk.person)
                names_chosen[talk.person] = await runtime.companion.identity.name(user) or ""
        finally:
            await raw.close()
            await runtime.close()
    return exchanges, names_chosen


# -- the report -----------------------------------------------------------------------------------------------


def summarize(exchanges: list[Exchange], names: dict[str, str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for side in ("raw", "os1"):
        said: dict[str, str] = {}
        rows = []
        for e in exchanges:
            person = next(t.person for t in TALKS if t.name == e.talk)
            rows.append(e.scores(side, said.get(person, ""), names.get(person, ""), person))
            said[person] = f"{said.get(person, '')} {e.text}"
        n = len(rows)
        firsts = [getattr(e, side).first_ms for e in exchanges if getattr(e, side).first_ms is not None]
        moods = [r["mood_ok"] for r in rows if r["mood_ok"] is not None]
        remarks = sum(1 for e in exchanges if e.remark)
        requests = sum(1 for e in exchanges if e.request)
        s: dict[str, Any] = {
            "turns": n,
            "assistant register": sum(r["assistant"] for r in rows),
            "flat denials of an inner life": sum(r["denial"] for r in rows),
            "claims to be human": sum(r["human"] for r in rows),
            "ungrounded claims about the person": sum(bool(r["ungrounded"]) for r in rows),
            "replies over three sentences": sum(r["over_three"] for r in rows),
            "asks back (share of replies)": f"{sum(r['asks_back'] for r in rows) / n:.0%}",
            "tool replies to plain remarks": (f"{sum(r['tool_on_remark'] for r in rows)} of {remarks}"
                                              if side == "os1" else "n/a (no tools)"),
            "requests answered by their tool": (f"{sum(r['tool_on_request'] for r in rows)} of {requests}"
                                                if side == "os1" else "n/a (no tools)"),
            "mood continuity": f"{sum(moods)} of {len(moods)}" if side == "os1" else "n/a (no mood)",
            "first token p50 ms": _pct(firsts, 50),
            "first token p90 ms": _pct(firsts, 90),
            "empty replies": sum(1 for e in exchanges if not getattr(e, side).text.strip()),
            "mean words per reply": round(statistics.mean(len(getattr(e, side).text.split()) for e in exchanges), 1),
        }
        if side == "os1":
            model = [e.os1.model_first_ms for e in exchanges if e.os1.model_first_ms is not None]
            held = [e.os1.first_ms - e.os1.model_first_ms for e in exchanges
                    if e.os1.first_ms is not None and e.os1.model_first_ms is not None]
            s["model's first piece p50 ms"] = _pct(model, 50)
            s["guard hold p50 / p90 ms"] = f"{_pct(held, 50)} / {_pct(held, 90)}"
            s["turns repaired by the guard"] = sum(1 for e in exchanges if any("repaired" in r for r in e.os1.repairs))
            s["fresh starts"] = sum(sum("fresh start" in r for r in e.os1.repairs) for e in exchanges)
        out[side] = s
    return out


def _pct(values: list[float], q: int) -> float | None:
    if len(values) < 2:
        return values[0] if values else None
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)


def print_table(summary: dict[str, dict[str, Any]]) -> None:
    keys = list(summary["os1"])
    print(f"\n{'':38}  {'raw model':>18}  {'OS1':>18}")
    for key in keys:
        print(f"{key:38}  {str(summary['raw'].get(key, '')):>18}  {str(summary['os1'][key]):>18}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--model", default="embedded", help="model spec: embedded, embedded:small, openai:…")
    parser.add_argument("--talks", help=f"comma-separated subset of: {', '.join(t.name for t in TALKS)}")
    parser.add_argument("--turns", type=int, help="only the first N turns of each conversation")
    parser.add_argument("--out", type=Path, help="write every exchange and the summary as JSON")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    names = args.talks.split(",") if args.talks else None
    exchanges, chosen = asyncio.run(run(args.model, names, args.turns))
    summary = summarize(exchanges, chosen)
    print_table(summary)
    print(f"\n{len(exchanges)} turns over {len({e.talk for e in exchanges})} conversations, model {args.model}, "
          f"wall time {time.perf_counter() - started:.0f} s")
    if args.out:
        args.out.write_text(json.dumps({"summary": summary, "exchanges": [asdict(e) for e in exchanges]},
                                       ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
