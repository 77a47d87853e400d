"""Learning from what a person says: facts, as grammar-constrained JSON from the model, after the reply.

Only the person's own words are a source. The companion's previous line is shown for context (so "yes, two
of them" can be understood) but a fact must be supported by the person's message: one that shares no telling
word with it — something from the persona, the companion's own words, or invented — is dropped. Relative
dates are resolved before the model sees the message ("last Tuesday [2026-11-17]"), so facts carry dates.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from os1.db import state
from os1.db.store import Store, StoredMessage, User, telling_words
from os1.memory import facts as factbook
from os1.memory.memory import Memory
from os1.models.base import GenerateOptions, Message, Model
from os1.text.when import annotate, find_spans

MAX_FACTS = 4  # per message
MIN_WORDS = 4  # "ok", "haha yes", "thanks!" hold nothing worth keeping
BATCH_CHARS = 1200  # an import is read several messages per model call: the instructions are read once for all
BATCH_MESSAGES = 6
# Topics that hold one value at a time: a new fact on one of them replaces the old. Anything else only merges
# with the very same key, so a second hobby or a new friend never pushes out the first.
SLOTS = ("home city", "home", "job", "workplace", "partner", "relationship status", "age", "school", "car")
INSTRUCTIONS = """You keep notes about {person}'s life. Read what {person} wrote and list the facts in it \
that are worth remembering for months: people and pets (with names), places, home, work, health, plans, \
events (with their dates), likes and dislikes, feelings about something specific.
- One short sentence per fact, in the third person, starting with "{person}" (or with the other person's name \
when the fact is about them).
- Copy dates given in [brackets] into the fact.
- topic: when the fact is about {person}'s {slots}, use exactly that word as the topic. Otherwise a short key \
naming the one thing, e.g. "pet: Pickles", "hobby: climbing", "sister: Ana", "trip: Lisbon". For a fact \
about someone else, start the topic with their name, e.g. "Amy: job".
- from: the number of the message the fact comes from.
- Only what {person} wrote. Nothing about the companion. No greetings, no questions.
- If there is nothing worth keeping, return {{"facts": []}}."""


def fact_schema(messages: int) -> dict[str, Any]:
    return {"type": "object", "required": ["facts"], "properties": {"facts": {
        "type": "array", "maxItems": min(MAX_FACTS * messages, 12), "items": {
            "type": "object", "required": ["fact", "topic", "from"], "properties": {
                "fact": {"type": "string", "maxLength": 200}, "topic": {"type": "string", "maxLength": 40},
                "from": {"type": "integer", "minimum": 1, "maximum": messages}}}}}}


@dataclass(frozen=True)
class Candidate:
    text: str
    topic: str
    source: StoredMessage


def worth_reading(text: str) -> bool:
    """Cheap gate before spending model time: enough words, and not just a question to the companion."""
    words = re.findall(r"\w+", text)
    if len(words) < MIN_WORDS:
        return False
    personal = {"i", "i'm", "im", "my", "me", "we", "our", "mine", "us", "i've", "i'd"}
    return not (text.rstrip().endswith("?") and not personal & {w.lower() for w in words})


def batches(messages: list[StoredMessage]) -> list[list[StoredMessage]]:
    """Consecutive messages of one conversation, read together up to a size (those not worth reading left out)."""
    out: list[list[StoredMessage]] = []
    for m in messages:
        if not worth_reading(m.content):
            continue
        last = out[-1] if out else None
        if (last is None or last[-1].conversation_id != m.conversation_id or len(last) >= BATCH_MESSAGES
                or sum(len(x.content) for x in last) + len(m.content) > BATCH_CHARS):
            out.append([m])
        else:
            last.append(m)
    return out


def _said(message: StoredMessage) -> datetime:
    return datetime.fromisoformat(message.created_at).astimezone()


def prompt(person: str, batch: list[StoredMessage], previous_reply: str | None) -> list[Message]:
    context = f'The companion had just said (context only, not a source): "{previous_reply[:300]}"\n' \
        if previous_reply and len(batch) == 1 else ""
    lines = "\n".join(f'[{i}] {_said(m):%A %Y-%m-%d}: "{annotate(m.content, _said(m))}"'
                      for i, m in enumerate(batch, 1))
    slots = ", ".join(SLOTS[:-1]) + " or " + SLOTS[-1]
    return [{"role": "system", "content": INSTRUCTIONS.format(person=person, slots=slots)},
            {"role": "user", "content": f"{context}What {person} wrote:\n{lines}"}]


def supported(fact: str, message: str, person: str) -> bool:
    """Most of the fact's telling words (dates included) are in what the person said: a fact made of the
    persona, of the companion's lines, or of thin air shares few or none."""
    said = telling_words(message)
    words = telling_words(fact.replace(person, " "))
    found = [w for w in words if any(_same_word(w, s) for s in said)]
    return bool(words) and len(found) > len(words) / 2


def _same_word(a: str, b: str) -> bool:
    """The same word, give or take an ending ("lives"/"live", "moved"/"move", "sisters"/"sister")."""
    if a == b:
        return True
    shorter = min(len(a), len(b))
    common = len(os.path.commonprefix([a, b]))
    return shorter > 3 and common >= min(5, shorter - 1)


async def extract(model: Model, person: str, batch: list[StoredMessage],
                  previous_reply: str | None = None) -> list[Candidate]:
    """The facts in some messages of the person's, each checked against the message it names as its source."""
    batch = [m for m in batch if worth_reading(m.content)]
    if not batch:
        return []
    out = await model.complete_json(prompt(person, batch, previous_reply), fact_schema(len(batch)),
                                    GenerateOptions(max_tokens=120 + 100 * len(batch), temperature=0.0, seed=0))
    found = []
    for item in out.get("facts", []):
        if not isinstance(item, dict):
            continue
        number = item.get("from", 1)
        source = batch[number - 1] if isinstance(number, int) and 1 <= number <= len(batch) else batch[0]
        text, topic = " ".join(str(item.get("fact", "")).split()), str(item.get("topic", "")).strip()
        if text and topic and not text.endswith("?") \
                and supported(text, annotate(source.content, _said(source)), person):
            found.append(Candidate(text, topic, source))
    return found


async def learn_from(memory_store: Store, model: Model, user: User, batch: list[StoredMessage],
                     previous_reply: str | None = None) -> tuple[list[factbook.Fact], list[factbook.Fact]]:
    """Extract and keep the facts of some messages; returns (facts kept, facts they superseded)."""
    kept, replaced = [], []
    for candidate in await extract(model, user.name, batch, previous_reply):
        source = candidate.source
        spans = find_spans(source.content, _said(source))
        fact, old = await factbook.add_fact(memory_store, user, candidate.text, candidate.topic,
                                            happened_on=spans[0].start.date().isoformat() if spans else None,
                                            source_message_id=source.id, created_at=source.created_at,
                                            single_valued=frozenset(SLOTS))
        if fact.source_message_id != source.id:
            continue  # already known: merged
        kept.append(fact)
        replaced += old
    return kept, replaced




@dataclass(frozen=True)
class LearnReport:
    messages: int
    facts: int
    superseded: int


async def catch_up(memory: Memory, model: Model, user: User, *, limit: int | None = None,
                   progress: Callable[[int, int], None] | None = None,
                   should_stop: Callable[[], bool] = lambda: False) -> LearnReport:
    """Learn from every message of the person's not read yet (this turn's, or a whole import), oldest first.

    The mark moves after each message, so an interrupted run (Ctrl-C, a new turn, a crash) resumes there.
    """
    store = memory.store
    if memory.vectors is not None:
        await memory.vectors.catch_up(user)
    start = int(await store.get_state(user, state.LEARNED_THROUGH.key()) or 0)
    messages = await store.messages_after(user, start, "user", limit)
    learned = superseded = done = 0
    for batch in batches(messages) + [[]]:  # the empty batch at the end moves the mark past trailing chit-chat
        if should_stop():
            break
        if batch:
            previous = await store.read(
                "SELECT content FROM messages WHERE conversation_id = ? AND id < ? AND role = 'assistant' "
                "ORDER BY id DESC LIMIT 1", (batch[0].conversation_id, batch[0].id))
            kept, replaced = await learn_from(store, model, user, batch, str(previous[0][0]) if previous else None)
            await memory.remember_facts(user, kept)
            learned, superseded = learned + len(kept), superseded + len(replaced)
        through = batch[-1].id if batch else (messages[-1].id if messages else start)
        await store.set_state(user, state.LEARNED_THROUGH.key(), str(through))
        done = sum(1 for m in messages if m.id <= through)
        if progress:
            progress(done, len(messages))
    return LearnReport(done, learned, superseded)
