"""Sorting an inbox by what matters, the way a person would, without asking a language model about each mail.

Two kinds of evidence, both cheap:
- Headers say a lot by themselves: List-Unsubscribe, List-Id, Precedence: bulk, Auto-Submitted, noreply senders
  and mass-mailer stamps mark mail sent to many; a sender the person writes to, or a reply in a thread, marks a
  person. Words ("invoice", "due by", "can you") mark bills and questions.
- Meaning: each mail's subject and first lines are embedded once (the person's memory embedder, in batches) and
  compared with prototypes of each kind (a newsletter, a promotion, a notification, a bill, a letter, a funny
  story, a request). That catches what headers miss (a bill from a person, a newsletter without list headers).

1,000 mails: one batch of embeddings (~4 s on 2 cores) plus arithmetic. Without an embedder, headers and words
alone decide.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from os1.mail.parse import Mail

if TYPE_CHECKING:
    from os1.memory.embeddings import Embedder, Vector

Kind = Literal["matters", "can_go", "keep", "other"]
KINDS: tuple[Kind, ...] = ("matters", "keep", "can_go", "other")
EMBED_CHARS = 240  # subject and the first lines: enough to tell a bill from a newsletter, cheap to embed

PROTOTYPES: dict[str, tuple[str, ...]] = {
    "newsletter": ("This week's issue: our best stories and reading for your week. Read online. Unsubscribe.",
                   "The weekly digest: top articles, essays and news you may have missed."),
    "promotion": ("Sale! 30% off everything this weekend only. Shop now, limited time offer, use code at checkout.",
                  "Exclusive deal just for you: upgrade now and save. Free shipping on your order."),
    "notification": ("This is an automated notification. Please do not reply to this message.",
                     "New sign-in to your account. Your package is out for delivery. Someone commented on your post."),
    "bill": ("Your bill is ready. Amount due and payment due date. Please pay by the deadline to avoid a late fee.",
             "Invoice attached: payment is due. Your statement is ready. Rent is due."),
    "letter": ("Dear Theo, I'm writing to tell you how much I miss you. I think of our summers as kids. Love,",
               "A long personal letter from family: memories, news from home, and love."),
    "funny": ("Haha, you won't believe what happened, it was the funniest thing, I laughed until I cried. lol",
              "A hilarious story about my cat and the kitchen, so funny."),
    "request": ("Could you finish this by Friday? Please reply to confirm. What do you think?",
                "Are you free for dinner next week? Let me know what works for you."),
}
BULK_KINDS = ("newsletter", "promotion", "notification")

_NOREPLY = re.compile(r"^(?:no-?reply|do-?not-?reply|donotreply|notifications?|notify|alerts?|mailer-daemon|"
                      r"bounce|news|newsletters?|marketing|promo|deals|offers|digest|daily|hello|info|updates?|"
                      r"calendar-notification)\b", re.IGNORECASE)
_BILL = re.compile(r"\b(?:invoice|bill|billing|amount due|payment due|due (?:on|by|date)|pay by|statement is ready|"
                   r"overdue|final notice|rent (?:for|is due)|deadline|late fee|tax|renewal)\b", re.IGNORECASE)
_PROMO = re.compile(r"\b(?:\d+% off|sale|offer|deal|discount|coupon|shop now|save \d+|free shipping|last chance|"
                    r"limited time|upgrade)\b", re.IGNORECASE)
_NOTIFY = re.compile(r"\b(?:automated|do not reply|notification|sign-in|out for delivery|viewed your|new comment|"
                     r"reminder:|memories from)\b", re.IGNORECASE)
_QUESTION = re.compile(r"\?|\b(?:let me know|can you|could you|would you|please reply|reply to confirm|rsvp|"
                       r"call me|what do you think|are you free)\b", re.IGNORECASE)
_NO_REPLY = re.compile(r"\b(?:no need to (?:reply|respond|answer)|fyi|for your information|just so you know)\b",
                       re.IGNORECASE)
_FUNNY = re.compile(r"\b(?:haha+|lol|lmao|hilarious|funniest|cracking up|laughed)\b|😂|🤣", re.IGNORECASE)


@dataclass(frozen=True)
class Sorted:
    mail: Mail
    kind: Kind
    reason: str  # "bill", "needs a reply", "from someone you write to", "newsletter", "promotion", "funny", …
    importance: float  # within its kind: higher first


@dataclass
class Triage:
    """An inbox, sorted. Each list is most important first."""

    matters: list[Sorted] = field(default_factory=list)
    keep: list[Sorted] = field(default_factory=list)
    can_go: list[Sorted] = field(default_factory=list)
    other: list[Sorted] = field(default_factory=list)

    def __len__(self) -> int:
        return sum(len(getattr(self, k)) for k in KINDS)

    def of(self, kind: Kind) -> list[Sorted]:
        found: list[Sorted] = getattr(self, kind)
        return found

    def counts(self) -> dict[str, int]:
        return {k: len(self.of(k)) for k in KINDS}

    def reasons(self, kind: Kind) -> dict[str, int]:
        counted: dict[str, int] = {}
        for s in self.of(kind):
            counted[s.reason] = counted.get(s.reason, 0) + 1
        return dict(sorted(counted.items(), key=lambda kv: -kv[1]))

    def report(self, examples: int = 5) -> str:
        """Counts and examples, for the person."""
        total = len(self)
        lines = [f"I went through {total} message{'s' if total != 1 else ''} in your inbox."]
        titles = {"matters": "What matters", "keep": "Worth keeping", "can_go": "What can go", "other": "The rest"}
        for kind in KINDS:
            found = self.of(kind)
            if not found:
                continue
            why = ", ".join(f"{n} {r}" for r, n in self.reasons(kind).items())
            lines.append(f"\n{titles[kind]}: {len(found)} ({why})")
            if kind in ("can_go", "other"):
                senders = _top_senders(s.mail for s in found)
                lines.append("  mostly from " + ", ".join(senders))
                continue
            for s in found[:examples]:
                lines.append(f"  • {s.mail.line()} [{s.reason}]")
            if len(found) > examples:
                lines.append(f"  … and {len(found) - examples} more")
        if self.can_go:
            lines.append("\nSay \"archive what can go\" (or \"delete …\") and I'll show you exactly which before "
                         "anything moves.")
        return "\n".join(lines)


class Prototypes:
    """The mean embedding of each kind's examples (computed once per embedder)."""

    def __init__(self, embedder: Embedder) -> None:
        import numpy as np

        self.names = list(PROTOTYPES)
        rows = []
        for name in self.names:
            vectors = embedder.embed_passages(list(PROTOTYPES[name]))
            mean = vectors.mean(axis=0)
            rows.append(mean / (np.linalg.norm(mean) or 1.0))
        self.matrix = np.stack(rows).astype(np.float32)

    def scores(self, vectors: Vector) -> list[dict[str, float]]:
        sims = vectors @ self.matrix.T
        return [dict(zip(self.names, (float(x) for x in row), strict=True)) for row in sims]


_PROTOTYPES: dict[int, Prototypes] = {}


def _prototypes(embedder: Embedder) -> Prototypes:
    key = id(embedder)
    if key not in _PROTOTYPES:
        _PROTOTYPES[key] = Prototypes(embedder)
    return _PROTOTYPES[key]


def meaning(messages: Sequence[Mail], embedder: Embedder) -> list[dict[str, float]]:
    """Each message's likeness to each kind (blocking: run it in a worker thread)."""
    prototypes = _prototypes(embedder)
    texts = [f"{m.subject}. {' '.join(m.text.split())}"[:EMBED_CHARS] for m in messages]
    unique = list(dict.fromkeys(texts))  # bulk mail repeats itself: embed each text once
    vectors = embedder.embed_passages(unique) if unique else None
    if vectors is None:
        return []
    by_text = dict(zip(unique, prototypes.scores(vectors), strict=True))
    return [by_text[t] for t in texts]


async def triage(messages: Sequence[Mail], *, embedder: Embedder | None = None,
                 correspondents: Iterable[str] = (), me: Iterable[str] = (), now: datetime | None = None) -> Triage:
    """Sort `messages` (headers and a preview are enough) into what matters, what to keep, what can go."""
    known = {a.lower() for a in correspondents}
    mine = {a.lower() for a in me}
    scores = await asyncio.to_thread(meaning, messages, embedder) if embedder is not None and messages else []
    result = Triage()
    for i, m in enumerate(messages):
        sorted_ = classify(m, scores[i] if scores else {}, known, mine, now)
        result.of(sorted_.kind).append(sorted_)
    for kind in KINDS:
        result.of(kind).sort(key=lambda s: s.importance, reverse=True)
    return result


def bulk_signals(m: Mail) -> list[str]:
    """What in the headers says this went to many people."""
    found = []
    s = m.signals
    if "list-unsubscribe" in s or "list-id" in s:
        found.append("list")
    if s.get("precedence", "").lower().strip() in ("bulk", "list", "junk"):
        found.append("bulk")
    if s.get("auto-submitted", "no").lower().strip() not in ("", "no"):
        found.append("automatic")
    if "feedback-id" in s or "x-campaign" in s or re.search(r"mass|campaign|newsletter", s.get("x-mailer", ""), re.I):
        found.append("mass mailer")
    if _NOREPLY.match(m.sender.split("@")[0]):
        found.append("no-reply sender")
    return found


def classify(m: Mail, meant: dict[str, float], known: set[str], mine: set[str],
             now: datetime | None = None) -> Sorted:
    """One message's kind, reason and importance."""
    words = f"{m.subject}\n{m.text[:600]}"
    bulk = bulk_signals(m)
    best = max(meant, key=lambda k: meant[k]) if meant else ""
    margin = (meant[best] - sorted(meant.values())[-2]) if len(meant) > 1 else 0.0
    bill = bool(_BILL.search(words)) and not _PROMO.search(m.subject) or (best == "bill" and margin > 0.05)
    person = m.sender in known or bool(m.in_reply_to) and not bulk
    recency = _recency(m, now)
    if bill and not (bulk and best in ("newsletter", "promotion")):
        return Sorted(m, "matters", "bill or deadline", 3.0 + recency + (0.5 if not m.seen else 0))
    if bulk:
        return Sorted(m, "can_go", _bulk_kind(m, meant), recency)
    asks = bool(_QUESTION.search(words)) or best == "request" and margin > 0.05
    funny = bool(_FUNNY.search(words)) or best == "funny" and margin > 0.08
    direct = not mine or not m.to or bool(mine & {*m.to, *m.cc}) or len(m.to) <= 2
    if _NO_REPLY.search(words) and not bill:
        return Sorted(m, "other", "no reply needed", recency)
    if funny:
        return Sorted(m, "keep", "funny", 1.0 + recency + (0.5 if person else 0))
    if asks and direct:
        bonus = (1.0 if person else 0) + (0.5 if not m.seen else 0)
        return Sorted(m, "matters", "needs a reply", 2.5 + recency + bonus)
    if best in BULK_KINDS and margin > 0.05:
        return Sorted(m, "can_go", best, recency)
    if best == "letter" and margin > 0.03 or len(m.text) > 400:
        return Sorted(m, "keep", "a letter worth keeping", 1.0 + recency + (0.5 if person else 0))
    if person:
        return Sorted(m, "matters", "from someone you write to", 2.0 + recency + (0.5 if not m.seen else 0))
    return Sorted(m, "other", "no reply needed", recency)


def _bulk_kind(m: Mail, meant: dict[str, float]) -> str:
    if _PROMO.search(m.subject):
        return "promotion"
    if "list-unsubscribe" in m.signals and not _NOTIFY.search(m.subject):
        if meant and max(BULK_KINDS, key=lambda k: meant.get(k, 0.0)) == "promotion":
            return "promotion"
        return "newsletter"
    if _NOTIFY.search(f"{m.subject} {m.text[:300]}") or m.signals.get("auto-submitted"):
        return "notification"
    if meant:
        return max(BULK_KINDS, key=lambda k: meant.get(k, 0.0))
    return "newsletter"


def _recency(m: Mail, now: datetime | None) -> float:
    """0..1: today's mail 1, a month old ~0.5, a year old ~0."""
    if m.date is None or now is None:
        return 0.0
    sent = m.date if m.date.tzinfo else m.date.replace(tzinfo=now.tzinfo)
    days = max(0.0, (now - sent).total_seconds() / 86400)
    return 1.0 / (1.0 + days / 30)


def _top_senders(mails: Iterable[Mail], n: int = 5) -> list[str]:
    counted: dict[str, int] = {}
    for m in mails:
        counted[m.who] = counted.get(m.who, 0) + 1
    top = sorted(counted.items(), key=lambda kv: -kv[1])[:n]
    return [f"{who} ({count})" for who, count in top]


def importance_order(messages: Sequence[Mail], known: set[str], mine: set[str], now: datetime | None) -> list[Sorted]:
    """Messages most important first, by header and word signals alone (for a short list of new mail)."""
    rank = {"matters": 3, "keep": 2, "other": 1, "can_go": 0}
    found = [classify(m, {}, known, mine, now) for m in messages]
    return sorted(found, key=lambda s: (rank[s.kind], s.importance), reverse=True)
