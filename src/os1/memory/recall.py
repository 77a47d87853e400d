"""Recall: what from everything a person has told the companion belongs in its mind right now.

Three signals, each a ranked list: words (FTS5/BM25 over messages, facts and summaries), meaning (cosine over
embeddings) and time (what was said, or happened, in the span a question names: "last weekend"). They are
fused by reciprocal rank, so an item found by several signals rises, and no signal's raw scores need to be
comparable with another's. Superseded facts are left out: recall gives what is true now.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import defaultdict
from collections.abc import Awaitable
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from os1.db.store import Role, Store, User, telling_words
from os1.db.times import utc_iso
from os1.memory.facts import facts_by_id, search_facts
from os1.memory.speakers import known_speakers, named_in, without_names
from os1.memory.summaries import search_summaries, summaries_between, summaries_by_id
from os1.memory.vectors import VectorHit, Vectors
from os1.text.when import Span, query_span

SIGNALS = frozenset({"words", "meaning", "time"})
KINDS = frozenset({"message", "fact", "summary"})
RRF_K = 60  # the usual reciprocal-rank constant: ranks deep in a list still count, a little
CANDIDATES = 40  # per signal and kind
ITEM_CHARS = 300
SIGNAL_WEIGHT = {"words": 0.25, "meaning": 1.0, "time": 1.0}  # measured on bench/memory: words alone mislead more
SPAN_BOOST = 1.5
MENTION_REACH_DAYS = 400  # the longest time a message can mention is a year ("last year")
PRESENT = re.compile(r"\b(?:now|these days|currently|at the moment|still|anymore|nowadays|lately|at present)\b",
                     re.IGNORECASE)
PRESENT_BOOST = 0.3
WEAK_DEMOTION = 0.05  # a weak meaning-only match ranks below anything found another way, even a name's boost
# Words that say a question is about a time, not a topic: "what did we talk about last weekend?"
TIME_QUESTION_WORDS = frozenset("talk talked talking chat chatted discuss discussed happen happened happening "
                                "doing done did up new news anything something everything day week spend spent "
                                "get got go went how".split())
KIND_WEIGHT = {"fact": 1.3, "summary": 1.0, "message": 1.0}  # a fact is the distilled form: prefer it on a tie
# A question naming someone an imported transcript names ("When did Caroline go to the group?"): what they said
# rises over what others said, and the name is left out of what is searched by words and by meaning, where it
# would only find the turns that greet them ("Hey Caroline!"). Each measured on bench/memory/friends_run.py.
SPEAKER_BOOST = 1.5
STRIP_NAMES_FOR_MEANING = True

Key = tuple[str, int]


@dataclass(frozen=True)
class MemoryItem:
    kind: str  # "message" | "fact" | "summary"
    id: int
    text: str
    time: str  # when it was said (or, for a summary, when that conversation ended)
    source_ids: tuple[str, ...]  # the messages it comes from: their imported ids, else OS1's own
    score: float
    role: Role | None = None
    conversation_id: int | None = None
    speaker: str | None = None  # who said it, by name, for a message imported from a transcript that names people

    def as_dict(self) -> dict[str, Any]:
        item = asdict(self)
        item["source_ids"] = list(self.source_ids)
        item["score"] = round(self.score, 5)
        return item


@dataclass(frozen=True)
class Scope:
    """What to leave out because the prompt already shows it: this conversation from `window_start_id` on,
    and anything at or after `before_id` (the message being answered)."""

    conversation_id: int | None = None
    window_start_id: int = 0
    before_id: int | None = None

    def excludes(self, item: MemoryItem) -> bool:
        if item.kind != "message":
            return False
        if self.before_id is not None and item.id >= self.before_id:
            return True
        return item.conversation_id == self.conversation_id and item.id >= self.window_start_id


NO_SCOPE = Scope()


async def recall(store: Store, vectors: Vectors | None, user: User, query: str, *, now: datetime | None = None,
                 limit: int = 10, signals: frozenset[str] = SIGNALS, kinds: frozenset[str] = KINDS,
                 roles: tuple[Role, ...] = ("user",), scope: Scope = NO_SCOPE,
                 min_similarity: float = -1.0) -> list[MemoryItem]:
    """This person's memories for `query`, best first. `roles` limits which speakers' messages count;
    `min_similarity`: what only the meaning signal found, and only weakly, is ranked after everything else, and
    left out when nothing else was found."""
    now = now or datetime.now().astimezone()
    named = named_in(query, await known_speakers(store, user)) if "message" in kinds else []
    # The search by meaning (embedding the query, then the product over the person's vectors) runs on another
    # thread while the store searches by words and time.
    meant = without_names(query, named) if named and STRIP_NAMES_FOR_MEANING else query
    by_meaning = asyncio.ensure_future(vectors.search(user, meant, CANDIDATES * 2, kinds, roles)) \
        if "meaning" in signals and vectors is not None else None
    try:
        return await _recall(store, user, query, named, by_meaning, now, limit, signals, kinds, roles, scope,
                             min_similarity)
    finally:
        if by_meaning is not None and not by_meaning.done():
            by_meaning.cancel()


async def _recall(store: Store, user: User, query: str, named: list[str],
                  by_meaning: asyncio.Future[list[VectorHit]] | None, now: datetime, limit: int,
                  signals: frozenset[str], kinds: frozenset[str], roles: tuple[Role, ...], scope: Scope,
                  min_similarity: float) -> list[MemoryItem]:
    ranked: list[tuple[float, list[Key]]] = []
    if "words" in signals:
        # A name the question asks about is no word to search for: the others' turns say it ("Hey Caroline!").
        words = without_names(query, named) if named else query
        ranked += [(SIGNAL_WEIGHT["words"], keys) for keys in await _by_words(store, user, words, kinds, roles, scope)]
    span = query_span(query, now) if "time" in signals else None
    in_span: set[Key] = set()
    if span is not None:
        by_time = await _by_time(store, user, span, kinds, roles)
        if about_time_only(query, span):  # "what did we talk about last weekend?": the time is the question
            ranked += [(SIGNAL_WEIGHT["time"], keys) for keys in by_time]
        else:  # "what pastime have I picked up recently?": the topic leads, the time only tips the balance
            in_span = {key for keys in by_time for key in keys}
    weak: set[Key] = set()
    if by_meaning is not None:
        hits = await by_meaning
        found_otherwise = {key for _, keys in ranked for key in keys}
        weak = {(h.kind, h.item_id) for h in hits if h.score < min_similarity} - found_otherwise
        ranked.append((SIGNAL_WEIGHT["meaning"], [(h.kind, h.item_id) for h in hits]))
    scores = fused(ranked)
    for key in in_span & scores.keys():
        scores[key] *= SPAN_BOOST
    # What only the meaning signal found, and only weakly, comes after everything else; when it is all there
    # is, the query relates to nothing kept and nothing is found.
    if all(k in weak for k in scores):
        return []
    for key in weak & scores.keys():
        scores[key] *= WEAK_DEMOTION
    order = sorted(scores, key=lambda k: (-scores[k], -k[1]))
    items = await hydrate(store, user, order[:limit * 4 + 20], scores)
    if named:
        items = by_speaker(items, named)
    kept = [i for i in items if not scope.excludes(i) and (i.role is None or i.role in roles)]
    if PRESENT.search(query):
        kept = newer_first(kept)
    return [with_dates(item) for item in kept[:limit]]


def fused(ranked: list[tuple[float, list[Key]]]) -> dict[Key, float]:
    """Reciprocal-rank fusion of weighted ranked lists."""
    scores: dict[Key, float] = defaultdict(float)
    for weight, keys in ranked:
        for rank, key in enumerate(keys):
            scores[key] += weight * KIND_WEIGHT[key[0]] / (RRF_K + rank + 1)
    return scores


def by_speaker(items: list[MemoryItem], named: list[str]) -> list[MemoryItem]:
    """What the people a question names said, over what others said of similar standing."""
    boosted = [replace(i, score=i.score * SPEAKER_BOOST) if i.speaker in named else i for i in items]
    return sorted(boosted, key=lambda i: -i.score)


def with_dates(item: MemoryItem) -> MemoryItem:
    """A message as it was said, cut to size. The times it talks about are resolved where it is shown (see
    grounding.py and notes.py): a date tag written into the text got recited back to the person."""
    return replace(item, text=_cut(item.text)) if item.kind == "message" else item


def newer_first(items: list[MemoryItem]) -> list[MemoryItem]:
    """For a question about now ("where do I live these days?"), lift later items over earlier ones of similar
    standing: what was said last about a thing is what is true now."""
    if len(items) < 2:
        return items
    times = sorted(i.time for i in items)
    rank = {t: n / (len(times) - 1) for n, t in enumerate(times)}
    return sorted(items, key=lambda i: -i.score * (1 + PRESENT_BOOST * rank[i.time]))


def about_time_only(query: str, span: Span) -> bool:
    """Whether, once the time phrase is taken out, nothing is left that names a topic."""
    rest = query.replace(span.phrase, " ")
    return not [w for w in telling_words(rest) if w not in TIME_QUESTION_WORDS]


async def _by_words(store: Store, user: User, query: str, kinds: frozenset[str], roles: tuple[Role, ...],
                    scope: Scope) -> list[list[Key]]:
    # All asked at once: the store runs them one after another, and the turn waits for one hand-off, not three.
    async def messages() -> list[Key]:
        found = await store.search(user, query, limit=CANDIDATES, roles=roles, before_id=scope.before_id,
                                   exclude_conversation=scope.conversation_id, after_id=scope.window_start_id)
        return [("message", m.id) for m in found]

    async def facts() -> list[Key]:
        return [("fact", f.id) for f in await search_facts(store, user, query, CANDIDATES)]

    async def summaries() -> list[Key]:
        return [("summary", s.id) for s in await search_summaries(store, user, query, CANDIDATES)]

    searches = {"message": messages, "fact": facts, "summary": summaries}
    return list(await asyncio.gather(*(search() for kind, search in searches.items() if kind in kinds)))


async def _by_time(store: Store, user: User, span: Span, kinds: frozenset[str],
                   roles: tuple[Role, ...]) -> list[list[Key]]:
    start, end = utc_iso(span.start), utc_iso(span.end)
    searches: list[Awaitable[list[Key]]] = []  # asked at once, as in _by_words
    if "message" in kinds:
        # What talks about that time first (said then or later: "on Saturday I…"), then what was said then.
        # Read by the index on start: no time a message mentions spans more than a year, which bounds the scan.
        searches.append(_ids(store, "message",
            "SELECT m.id FROM mentions t INDEXED BY mentions_by_start JOIN messages m ON m.id = t.message_id "
            "WHERE t.start < ? AND t.start >= ? AND t.end > ? "
            "AND (SELECT c.user_id FROM conversations c WHERE c.id = m.conversation_id) = ? "
            "AND m.status IN ('complete', 'interrupted') AND m.role IN (SELECT value FROM json_each(?)) "
            "GROUP BY m.id ORDER BY min(julianday(t.end) - julianday(t.start)), m.id DESC LIMIT ?",
            (end, utc_iso(span.start - timedelta(days=MENTION_REACH_DAYS)), start, user.id, json.dumps(roles),
             CANDIDATES)))
        # This person's conversations, each read by its own index on time: never everyone's messages of that day.
        # Only conversations still going at the start can hold messages said since (updated_at is never older
        # than a conversation's last message), so looking back a week reads the last week's conversations.
        searches.append(_ids(store, "message",
            "SELECT m.id FROM conversations c JOIN messages m INDEXED BY messages_by_conversation_time "
            "ON m.conversation_id = c.id WHERE c.user_id = ? AND c.updated_at >= ? "
            "AND m.created_at >= ? AND m.created_at < ? "
            "AND m.status IN ('complete', 'interrupted') AND m.role IN (SELECT value FROM json_each(?)) "
            "ORDER BY length(m.content) DESC LIMIT ?",
            (user.id, start, start, end, json.dumps(roles), CANDIDATES)))
    if "fact" in kinds:
        searches.append(_ids(store, "fact",
            "SELECT id FROM facts WHERE user_id = ? AND superseded_by IS NULL "
            "AND happened_on >= ? AND happened_on < ? ORDER BY id DESC LIMIT ?",
            (user.id, span.start.date().isoformat(), span.end.date().isoformat(), CANDIDATES)))
    if "summary" in kinds:
        async def summaries() -> list[Key]:
            return [("summary", s.id) for s in await summaries_between(store, user, start, end, CANDIDATES)]

        searches.append(summaries())
    return list(await asyncio.gather(*searches))


async def _ids(store: Store, kind: str, sql: str, params: tuple[Any, ...]) -> list[Key]:
    return [(kind, int(r[0])) for r in await store.read(sql, params)]


async def hydrate(store: Store, user: User, keys: list[Key], scores: dict[Key, float]) -> list[MemoryItem]:
    """The items behind these keys (this person's only, active facts only), in the given order."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, item_id in keys:
        by_kind[kind].append(item_id)
    items: dict[Key, MemoryItem] = {}
    messages, facts, summaries = await asyncio.gather(  # one hand-off to the store for the three
        _messages(store, user, by_kind["message"]), facts_by_id(store, user, by_kind["fact"]),
        summaries_by_id(store, user, by_kind["summary"]))
    for m in messages:
        items["message", m[0]] = MemoryItem("message", m[0], m[3], m[4], (m[5] or str(m[0]),),
                                            scores.get(("message", m[0]), 0.0), m[2], m[1], m[6])
    sources = await _source_ids(store, user, [f.source_message_id for f in facts.values() if f.source_message_id])
    for fact in facts.values():
        if fact.active:
            source = sources.get(fact.source_message_id or -1)
            items["fact", fact.id] = MemoryItem("fact", fact.id, _cut(fact.text), fact.created_at,
                                                (source,) if source else (), scores.get(("fact", fact.id), 0.0))
    covers = await asyncio.gather(*(_covered_ids(store, s.conversation_id, s.first_message_id, s.last_message_id)
                                    for s in summaries.values()))
    for s, covered in zip(summaries.values(), covers, strict=True):
        items["summary", s.id] = MemoryItem("summary", s.id, _cut(s.text), s.ended_at, covered,
                                            scores.get(("summary", s.id), 0.0), None, s.conversation_id)
    return [items[k] for k in keys if k in items]


async def _messages(store: Store, user: User, ids: list[int]) -> list[tuple[Any, ...]]:
    if not ids:
        return []
    # From the ids to their messages, then the owner check per message: joining on the person first would
    # walk every message they ever wrote.
    return await store.read(
        "SELECT m.id, m.conversation_id, m.role, m.content, m.created_at, m.external_id, "
        "json_extract(m.meta, '$.speaker') FROM json_each(?) j CROSS JOIN messages m ON m.id = j.value "
        "WHERE m.status IN ('complete', 'interrupted') "
        "AND (SELECT c.user_id FROM conversations c WHERE c.id = m.conversation_id) = ?",
        (json.dumps(ids), user.id))


async def _source_ids(store: Store, user: User, ids: list[int]) -> dict[int, str]:
    rows = await _messages(store, user, ids)
    return {int(r[0]): str(r[5] or r[0]) for r in rows}


async def _covered_ids(store: Store, conversation_id: int, first: int, last: int) -> tuple[str, ...]:
    rows = await store.read("SELECT id, external_id FROM messages WHERE conversation_id = ? AND id BETWEEN ? AND ? "
                            "AND role = 'user' ORDER BY id", (conversation_id, first, last))
    return tuple(str(r[1] or r[0]) for r in rows)


def _cut(text: str) -> str:
    return text if len(text) <= ITEM_CHARS else text[:ITEM_CHARS] + "…"
