"""Learning from what a person says: facts, as grammar-constrained JSON from the model, after the reply.

Only the person's own words are a source. The companion's previous line is shown for context (so "yes, two
of them" can be understood) but a fact must be supported by the person's message: one that shares no telling
word with it — something from the persona, the companion's own words, or invented — is dropped, and so is
what only looks like a fact: the person's own name as a fact about them ("Maria is Maria"), or their name given
to someone else ("Maria's brother is called Maria"). Relative dates are resolved before the model sees the
message ("last Tuesday (Tue 17 Nov 2026)"), so facts carry dates, and a fact's topic is brought to one key
(topics.py) so that the newest fact on a thing replaces the older ones.
"""

from __future__ import annotations

import calendar
import functools
import itertools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from os1.db import state
from os1.db.store import Store, StoredMessage, User, telling_words
from os1.memory import facts as factbook
from os1.memory import rules, topics
from os1.memory.memory import Memory
from os1.memory.notes import spoken, third_person, with_dates_in_words
from os1.models.base import GenerateOptions, Message, Model
from os1.text.when import find_spans

MAX_FACTS = 4  # per message
MIN_WORDS = 4  # "ok", "haha yes", "thanks!" hold nothing worth keeping
BATCH_CHARS = 1200  # an import is read several messages per model call: the instructions are read once for all
BATCH_MESSAGES = 6
# Topics that hold one value at a time: a new fact on one of them replaces the old (see topics.py).
SLOTS = tuple(topics.SLOTS)
INSTRUCTIONS = """You keep notes about {person}'s life. Read what {person} wrote and list the facts in it \
that are worth remembering for months: people and pets (with names), places, home, work, health, plans, \
events (with their dates), likes and dislikes, feelings about something specific.
- One short sentence per fact, in the third person, starting with "{person}" (or with the other person's name \
when the fact is about them).
- When a date is given in (brackets), write it into the fact in words, e.g. "on Thursday 10 December 2026".
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
        # what the person told of someone else (a letters client: letters/tools.py) is not theirs to learn
        if not worth_reading(m.content) or m.meta.get("kept_apart"):
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
    lines = "\n".join(f'[{i}] {_said(m):%A %Y-%m-%d}: "{dated(m.content, _said(m))}"'
                      for i, m in enumerate(batch, 1))
    slots = ", ".join(SLOTS[:-1]) + " or " + SLOTS[-1]
    return [{"role": "system", "content": INSTRUCTIONS.format(person=person, slots=slots)},
            {"role": "user", "content": f"{context}What {person} wrote:\n{lines}"}]


def dated(text: str, said: datetime) -> str:
    """The message with each time phrase followed by its date in words: "interview Thursday (Thu 10 Dec 2026)"."""
    parts, written = [], 0
    for span in find_spans(text, said):
        at = text.find(span.phrase, written)
        if at < 0 or re.search(r"\d{4}", span.phrase):
            continue
        end = at + len(span.phrase)
        end += 2 if text[end:end + 2].lower() in ("'s", "’s") else 0
        parts += [text[written:end], f" ({spoken(span, said.date(), year=True)})"]
        written = end
    return "".join(parts) + text[written:]


def supported(fact: str, message: str, person: str) -> bool:
    """Most of the fact's telling words (dates included) are in what the person said: a fact made of the
    persona, of the companion's lines, or of thin air shares few or none."""
    said = telling_words(message)
    words = [w for w in telling_words(fact.replace(person, " ")) if w not in _DATE_WORDS]
    found = [w for w in words if any(_same_word(w, s) for s in said)]
    return bool(words) and len(found) > len(words) / 2


def junk(fact: str, topic: str, person: str) -> bool:
    """A fact that is no fact: the person's own name as a fact about them ("Maria is Maria", "name: Maria"),
    or their name given to someone else ("Maria's brother is called Maria": the login name is no relative's)."""
    name = re.escape(person)
    rest = re.sub(rf"\b{name}(?:['’]s)?\b", " ", fact, flags=re.IGNORECASE)
    if not [w for w in telling_words(rest) if w not in ("name", "named", "called", "user", "person")]:
        return True
    if re.search(rf"\b(?:named|called|name is|name's|is|was|as)\s+{name}\b(?!['’]s)", fact, re.IGNORECASE):
        return True
    return factbook.normalize_topic(topic) in ("name", "user name", "first name", "full name") \
        and person.lower() in fact.lower()


# Names of days and months: a fact writes them out ("Thursday 10 December") where the message has "Thu 10 Dec".
_DATE_WORDS = frozenset(
    [d.lower() for d in calendar.day_name] + [d.lower() for d in calendar.day_abbr]
    + [m.lower() for m in calendar.month_name if m] + [m.lower() for m in calendar.month_abbr if m])


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
        text = of_the_person(dates_in_words(" ".join(str(item.get("fact", "")).split()), _said(source)), person)
        topic = str(item.get("topic", "")).strip()
        if text and topic and not text.endswith("?") and not junk(text, topic, person) \
                and supported(text, dated(source.content, _said(source)), person):
            found.append(Candidate(text, topic, source))
    return found


def of_the_person(fact: str, person: str) -> str:
    """A fact in the third person, as a note about the person: a small model often copies the message as it
    was ("I cancelled the race"), which, shown back later, reads as the companion's own words or gets recited."""
    if re.match(r"^(?:I|I['’]m|I['’]ve|I['’]d|I['’]ll|my|me|we|we['’]re|we['’]ve|our|us)\b", fact, re.IGNORECASE):
        told = third_person(fact)
        return f"{person} said {told[:1].lower()}{told[1:]}"
    return third_person(fact)


def dates_in_words(fact: str, said: datetime) -> str:
    """A fact's dates as people write them, its relative times resolved as of when its message was said: a
    fact read months later must not say "last weekend". A date the model copied from the message in brackets
    is dropped where the phrase it stood for is resolved anyway."""
    fact = plain_dates(fact)
    fact = re.sub(r"\s*\((?:on |in )?[^()]*\b\d{4}\)", "", fact)
    return with_dates_in_words(fact, said, absolute=True)


def plain_dates(text: str) -> str:
    """Dates as people write them: "[2026-12-10]" or "2026-12-10" → "10 December 2026"."""
    def words(m: re.Match[str]) -> str:
        try:
            days = [date.fromisoformat(d) for d in (m[1], m[2]) if d]
        except ValueError:  # no such day: left as written
            return m[0].strip()
        return " to ".join(f"{d.day} {d:%B %Y}" for d in days)

    return re.sub(r"\s*\[?(\d{4}-\d{2}-\d{2})\]?(?:\s+to\s+\[?(\d{4}-\d{2}-\d{2})\]?)?(?:\])?",
                  lambda m: " " + words(m), text).strip()


async def learn_from(memory_store: Store, model: Model, user: User, batch: list[StoredMessage],
                     previous_reply: str | None = None) -> tuple[list[factbook.Fact], list[factbook.Fact]]:
    """Extract and keep the facts of some messages; returns (facts kept, facts they superseded)."""
    return await keep(memory_store, user, await extract(model, user.name, batch, previous_reply))


async def keep(memory_store: Store, user: User,
               candidates: list[Candidate]) -> tuple[list[factbook.Fact], list[factbook.Fact]]:
    """Keep facts found in messages, each under its one key, each replacing what it makes untrue."""
    kept, replaced = [], []
    for candidate in candidates:
        source = candidate.source
        spans = find_spans(source.content, _said(source))
        topic = topics.canonical_topic(candidate.topic, candidate.text, user.name)
        new = Candidate(candidate.text, topic, source)
        changes = topics.CHANGE.search(candidate.text) is not None
        fact, old = await factbook.add_fact(
            memory_store, user, candidate.text, topic,
            happened_on=spans[0].start.date().isoformat() if spans else None, source_message_id=source.id,
            created_at=source.created_at, replaces=functools.partial(_replaces, new, user.name),
            related=topics.distinctive_words(candidate.text, user.name) if changes else ())
        if fact.source_message_id != source.id:
            continue  # already known: merged
        kept.append(fact)
        replaced += old
    return kept, replaced


def _replaces(new: Candidate, person: str, old: factbook.Fact) -> bool:
    return topics.replaces(new, old, person)




@dataclass(frozen=True)
class LearnReport:
    messages: int
    facts: int
    superseded: int


async def catch_up(memory: Memory, model: Model, user: User, *, limit: int | None = None,
                   progress: Callable[[int, int], None] | None = None,
                   should_stop: Callable[[], bool] = lambda: False) -> LearnReport:
    """Learn from every message of the person's not read yet (this turn's, or a whole import), oldest first.

    What was said here is read by the model; imported history by the rules (rules.py): a year of chat is
    learned in minutes, not days. The mark moves after each step, so an interrupted run (Ctrl-C, a new turn, a
    crash) resumes there.
    """
    store = memory.store
    if memory.vectors is not None:
        await memory.vectors.catch_up(user)
    start = int(await store.get_state(user, state.LEARNED_THROUGH.key()) or 0)
    messages = await store.messages_after(user, start, "user", limit)
    learned = superseded = done = 0
    for step in _steps(messages) + [("model", [])]:  # the empty step moves the mark past trailing chit-chat
        if should_stop():
            break
        how, batch = step
        if batch:
            if how == "rules":
                kept, replaced = await keep(store, user, by_rule(batch, user.name))
            else:
                previous = await store.read(
                    "SELECT content FROM messages WHERE conversation_id = ? AND id < ? AND role = 'assistant' "
                    "ORDER BY id DESC LIMIT 1", (batch[0].conversation_id, batch[0].id))
                kept, replaced = await learn_from(store, model, user, batch,
                                                  str(previous[0][0]) if previous else None)
            await memory.remember_facts(user, [f for f in kept if f.active])
            learned, superseded = learned + len(kept), superseded + len(replaced)
        through = batch[-1].id if batch else (messages[-1].id if messages else start)
        await store.set_state(user, state.LEARNED_THROUGH.key(), str(through))
        done = sum(1 for m in messages if m.id <= through)
        if progress:
            progress(done, len(messages))
    return LearnReport(done, learned, superseded)


RULES_STEP = 100  # imported messages read by rule between two moves of the mark (and two progress reports)


def _steps(messages: list[StoredMessage]) -> list[tuple[str, list[StoredMessage]]]:
    """Runs of imported messages for the rules, in steps; the rest in batches for the model; in order."""
    steps: list[tuple[str, list[StoredMessage]]] = []
    run: list[StoredMessage] = []
    for imported, group in itertools.groupby(messages, key=lambda m: bool(m.meta.get("imported"))):
        run = list(group)
        if imported:
            steps += [("rules", run[i:i + RULES_STEP]) for i in range(0, len(run), RULES_STEP)]
        else:
            steps += [("model", batch) for batch in batches(run)]
    return steps


def by_rule(batch: list[StoredMessage], person: str) -> list[Candidate]:
    """The facts the rules read in these messages (see rules.py)."""
    return [Candidate(text, topic, m) for m in batch if worth_reading(m.content)
            for text, topic in rules.facts_in(m, person) if not junk(text, topic, person)]
