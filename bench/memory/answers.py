"""Answering benchmark questions with the embedded model, in three conditions that share one instruction:

  memory  OS1's top recalled items, each with the date it was said
  none    nothing: what a model guesses without memory (abstention is easy here, the rest is not)
  full    the whole transcript with dates, when it fits the model's window (the usual long-context baseline)

The context goes in the system message and the question last, so every question about one relationship in the
full condition shares its prompt prefix and llama.cpp's prefix cache reads the transcript only once.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, tzinfo
from pathlib import Path

from bench.memory.dataset import KINDS, Dataset, Question, Relationship

from os1.config import Settings, load_settings
from os1.memory.recall import MemoryItem
from os1.models.base import GenerateOptions, Message, Model, PromptTooLong
from os1.models.resolve import resolve_model

CONDITIONS = ("full", "memory", "none")
REPLY_TOKENS = 48
OPTIONS = GenerateOptions(max_tokens=REPLY_TOKENS, temperature=0.0, seed=0)
INSTRUCTION = ("You are a companion who has been talking with {name} for weeks. {name} asks you about {name}'s own "
               "life (\"I\" and \"my\" in the question mean {name}). Answer {name} in a few words, from what you "
               "know. If {name} never told you, say you don't know. Today is {today}.")


def sample(dataset: Dataset, count: int | None, seed: int) -> list[tuple[Relationship, Question]]:
    """`count` questions (None: all), the same number of each kind where possible, chosen by `seed`; returned in
    dataset order so one relationship's questions stay together."""
    pairs = dataset.questions
    if count is None or count >= len(pairs):
        return pairs
    rng = random.Random(seed)
    by_kind: dict[str, list[tuple[Relationship, Question]]] = defaultdict(list)
    for pair in pairs:
        by_kind[pair[1].kind].append(pair)
    for group in by_kind.values():
        rng.shuffle(group)
    chosen: set[str] = set()
    while len(chosen) < count:
        for kind in KINDS:
            if by_kind[kind] and len(chosen) < count:
                chosen.add(by_kind[kind].pop()[1].id)
    return [(r, q) for r, q in pairs if q.id in chosen]


def first_name(r: Relationship) -> str:
    return r.person.split()[0]


def day(moment: datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


def instruction(r: Relationship, q: Question) -> str:
    return INSTRUCTION.format(name=first_name(r), today=day(datetime.fromisoformat(q.asked_at)))


def memory_context(r: Relationship, q: Question, items: Sequence[MemoryItem]) -> str:
    """The recalled items, best first, each with the day it was said in the person's own timezone."""
    zone: tzinfo | None = datetime.fromisoformat(q.asked_at).tzinfo
    lines = [f"- [{day(datetime.fromisoformat(i.time).astimezone(zone))}] {i.text}" for i in items]
    if not lines:
        return f"You remember nothing that seems related to this from your talks with {first_name(r)}."
    return f"What you remember from your talks with {first_name(r)} (most relevant first):\n" + "\n".join(lines)


def full_context(r: Relationship) -> str:
    """Every session, headed by its date, with who said what."""
    name, out, current = first_name(r), [f"Everything {first_name(r)} and you have said to each other:"], ""
    for m in r.messages:
        said = datetime.fromisoformat(m["time"])
        if m["conversation"] != current:
            current = m["conversation"]
            out.append(f"\n## {day(said)}, {said:%H:%M}")
        out.append(f"{name if m['speaker'] == 'user' else 'You'}: {m['text']}")
    return "\n".join(out)


def prompt(r: Relationship, q: Question, context: str | None) -> list[Message]:
    system = instruction(r, q) + (f"\n\n{context}" if context else "")
    return [Message(role="system", content=system), Message(role="user", content=q.text)]


def open_model(spec: str, model_dir: Path, home: Path, context_window: int | None) -> Model:
    """The model a spec names ("embedded", "embedded:small", "gguf:PATH"), the way OS1 itself resolves it."""
    settings: Settings = load_settings(home).with_overrides(model=spec, temperature=0.0, seed=0,
                                                             model_dir_override=model_dir,
                                                             context_window=context_window)
    return resolve_model(spec, settings)


async def fits(model: Model, messages: list[Message]) -> bool:
    return await model.count_tokens(messages) + REPLY_TOKENS <= model.context_window


async def answer(model: Model, messages: list[Message]) -> str | None:
    """The model's reply, or None when the prompt does not fit its window."""
    parts: list[str] = []
    try:
        async for piece in model.stream(messages, OPTIONS):
            parts.append(piece)
    except PromptTooLong:
        return None
    return "".join(parts).strip()
