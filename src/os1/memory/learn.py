"""Learning from what a person says: facts, as grammar-constrained JSON from the model, after the reply.

Only the person's own words are a source. The companion's previous line is shown for context (so "yes, two
of them" can be understood) but a fact must be supported by the person's message: one that shares no telling
word with it — something from the persona, the companion's own words, or invented — is dropped. Relative
dates are resolved before the model sees the message ("last Tuesday [2026-11-17]"), so facts carry dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from os1.memory import facts as factbook
from os1.memory.memory import Memory
from os1.memory.store import Store, StoredMessage, User, telling_words
from os1.memory.when import annotate, find_spans
from os1.models.base import GenerateOptions, Message, Model

MAX_FACTS = 4
MIN_WORDS = 4  # "ok", "haha yes", "thanks!" hold nothing worth keeping
FACT_SCHEMA = {
    "type": "object",
    "properties": {"facts": {"type": "array", "maxItems": MAX_FACTS, "items": {
        "type": "object",
        "properties": {"fact": {"type": "string", "maxLength": 200}, "topic": {"type": "string", "maxLength": 40}},
        "required": ["fact", "topic"]}}},
    "required": ["facts"],
}
# Topics that hold one value at a time: a new fact on one of them replaces the old. Anything else only merges
# with the very same key, so a second hobby or a new friend never pushes out the first.
SLOTS = ("home city", "home", "job", "workplace", "partner", "relationship status", "age", "school", "car")
INSTRUCTIONS = """You keep notes about {person}'s life. Read the message {person} just wrote and list the facts \
in it that are worth remembering for months: people and pets (with names), places, home, work, health, plans, \
events (with their dates), likes and dislikes, feelings about something specific.
- One short sentence per fact, in the third person, starting with "{person}" (or with the other person's name \
when the fact is about them).
- Copy dates given in [brackets] into the fact.
- topic: when the fact is about {person}'s {slots}, use exactly that word as the topic. Otherwise a short key \
naming the one thing, e.g. "pet: Pickles", "hobby: climbing", "sister: Ana", "trip: Lisbon". For a fact \
about someone else, start the topic with their name, e.g. "Amy: job".
- Only what {person}'s message says. Nothing about the companion. No greetings, no questions.
- If there is nothing worth keeping, return {{"facts": []}}."""


@dataclass(frozen=True)
class Candidate:
    text: str
    topic: str


def worth_reading(text: str) -> bool:
    """Cheap gate before spending model time: enough words, and not just a question to the companion."""
    words = re.findall(r"\w+", text)
    if len(words) < MIN_WORDS:
        return False
    personal = {"i", "i'm", "im", "my", "me", "we", "our", "mine", "us", "i've", "i'd"}
    return not (text.rstrip().endswith("?") and not personal & {w.lower() for w in words})


def prompt(person: str, message: StoredMessage, previous_reply: str | None) -> list[Message]:
    said = datetime.fromisoformat(message.created_at).astimezone()
    context = f'The companion had just said (context only, not a source): "{previous_reply[:300]}"\n' \
        if previous_reply else ""
    slots = ", ".join(SLOTS[:-1]) + " or " + SLOTS[-1]
    return [{"role": "system", "content": INSTRUCTIONS.format(person=person, slots=slots)},
            {"role": "user", "content": f"Date: {said:%A %Y-%m-%d}\n{context}"
                                        f'{person} wrote: "{annotate(message.content, said)}"'}]


def supported(fact: str, message: str, person: str) -> bool:
    """The fact shares a telling word (or a date) with what the person said."""
    source = set(_stems(message))
    return bool(set(_stems(fact.replace(person, " "))) & source)


def _stems(text: str) -> list[str]:
    return [w[:5] for w in telling_words(text)]


async def extract(model: Model, person: str, message: StoredMessage, previous_reply: str | None) -> list[Candidate]:
    """The facts in one message of the person's, checked against it."""
    if not worth_reading(message.content):
        return []
    out = await model.complete_json(prompt(person, message, previous_reply), FACT_SCHEMA,
                                    GenerateOptions(max_tokens=300, temperature=0.0, seed=0))
    said = datetime.fromisoformat(message.created_at).astimezone()
    source = annotate(message.content, said)
    found = []
    for item in out.get("facts", [])[:MAX_FACTS]:
        if not isinstance(item, dict):
            continue
        text, topic = " ".join(str(item.get("fact", "")).split()), str(item.get("topic", "")).strip()
        if text and topic and not text.endswith("?") and supported(text, source, person):
            found.append(Candidate(text, topic))
    return found


async def learn_from(memory_store: Store, model: Model, user: User, message: StoredMessage,
                     previous_reply: str | None) -> tuple[list[factbook.Fact], list[factbook.Fact]]:
    """Extract and keep the facts of one message; returns (facts kept, facts they superseded)."""
    said = datetime.fromisoformat(message.created_at).astimezone()
    spans = find_spans(message.content, said)
    happened = spans[0].start.date().isoformat() if spans else None
    kept, replaced = [], []
    for candidate in await extract(model, user.name, message, previous_reply):
        fact, old = await factbook.add_fact(memory_store, user, candidate.text, candidate.topic,
                                            happened_on=happened, source_message_id=message.id,
                                            created_at=message.created_at, single_valued=frozenset(SLOTS))
        if fact.source_message_id != message.id:
            continue  # already known: merged
        kept.append(fact)
        replaced += old
    return kept, replaced


LEARNED_THROUGH = "learned_through"  # companion_state key: the last message id learning has read


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
    start = int(await store.get_state(user, LEARNED_THROUGH) or 0)
    rows = await store.read(
        "SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.user_id = ? "
        "AND m.id > ? AND m.role = 'user' AND m.status IN ('complete', 'interrupted') ORDER BY m.id LIMIT ?",
        (user.id, start, -1 if limit is None else limit))
    ids = [int(r[0]) for r in rows]
    learned = superseded = 0
    for done, message_id in enumerate(ids, 1):
        if should_stop():
            return LearnReport(done - 1, learned, superseded)
        message = await store.message(user, message_id)
        previous = await store.read(
            "SELECT content FROM messages WHERE conversation_id = ? AND id < ? AND role = 'assistant' "
            "ORDER BY id DESC LIMIT 1", (message.conversation_id, message.id))
        kept, replaced = await learn_from(store, model, user, message, str(previous[0][0]) if previous else None)
        await memory.remember_facts(user, kept)
        learned, superseded = learned + len(kept), superseded + len(replaced)
        await store.set_state(user, LEARNED_THROUGH, str(message_id))
        if progress:
            progress(done, len(ids))
    return LearnReport(len(ids), learned, superseded)
