"""From words to an IMAP SEARCH: "the letter from my sister in May" → FROM catherine@… SENTSINCE 1-May-2026
SENTBEFORE 1-Jun-2026.

Who: "my sister" is looked up in what OS1 learned about the person (a fact naming their sister: "Theodore's
sister is Catherine <catherine@…>"); "from Amy" is a name as it is. When: memory/when.py, read as the past (a May
that has passed). What: the words that are left. The server finds the candidates; they are ranked here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from os1.db.store import Store, User
from os1.mail.client import imap_date, quote
from os1.mail.parse import Mail
from os1.memory.facts import facts
from os1.text.when import find_spans

RELATIONS = ("sister", "brother", "mother", "mom", "mum", "father", "dad", "wife", "husband", "partner", "boss",
             "son", "daughter", "aunt", "uncle", "cousin", "grandma", "grandmother", "grandpa", "grandfather",
             "girlfriend", "boyfriend", "best friend", "friend", "colleague", "landlord", "doctor", "niece", "nephew",
             "ex-wife", "ex")
_RELATION = re.compile(r"\bmy (" + "|".join(sorted(map(re.escape, RELATIONS), key=len, reverse=True)) + r")\b",
                       re.IGNORECASE)
# A name is capitalised ("from Amy"); "from in May" names nobody.
_FROM = re.compile(r"\b(?i:from|by)\s+([A-Z][\w.'-]+|[\w.+-]+@[\w.-]+)")
_POSSESSIVE = re.compile(r"\b([A-Z][\w-]+)['’]s\s+(?i:e-?mails?|mails?|letters?|messages?|notes?|reply|newsletters?)\b")
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_STOP = set("""a an the and or of to in on at for from by with about my me i you your his her their our it its this
that these those find search look looking for show get pull up dig where is was were what which who any some
mail mails email emails e-mail letter letters message messages note notes inbox sent wrote write written
please can could would will you do did me one ones last first thing something said says say told tell""".split())


@dataclass(frozen=True)
class MailQuery:
    """What to look for, understood."""

    senders: tuple[str, ...] = ()  # addresses or names, any of which
    since: date | None = None
    before: date | None = None  # exclusive
    words: tuple[str, ...] = ()
    unknown_relation: str = ""  # "sister", when the person's sister is not known yet
    when_label: str = ""

    def criteria(self, with_words: bool = True) -> list[str]:
        """IMAP SEARCH criteria (ASCII only: other words are matched after)."""
        found: list[str] = []
        ascii_senders = [s for s in self.senders if s.isascii()]
        if len(ascii_senders) == 1:
            found += ["FROM", quote(ascii_senders[0])]
        elif ascii_senders:
            ors = ["FROM", quote(ascii_senders[-1])]
            for s in reversed(ascii_senders[:-1]):
                ors = ["OR", "FROM", quote(s), *ors]
            found += ors
        if self.since:
            found += ["SENTSINCE", imap_date(self.since)]
        if self.before:
            found += ["SENTBEFORE", imap_date(self.before)]
        if with_words:
            for w in self.words:
                if w.isascii():
                    found += ["TEXT", quote(w)]
        return found or ["ALL"]

    def described(self) -> str:
        parts = []
        if self.senders:
            parts.append("from " + " or ".join(self.senders))
        if self.when_label:
            parts.append(f"in {self.when_label}")
        if self.words:
            parts.append("mentioning " + ", ".join(repr(w) for w in self.words))
        return " ".join(parts) or "everything"


async def understand(query: str, store: Store, person: User, now: datetime) -> MailQuery:
    """The person's words as a MailQuery, with "my sister" resolved from what OS1 knows of them."""
    text = query
    senders: list[str] = []
    unknown = ""
    relation = _RELATION.search(text)
    if relation:
        who = await who_is(store, person, relation[1].lower())
        if who:
            senders += who
        else:
            unknown = relation[1].lower()
        text = text[:relation.start()] + " " + text[relation.end():]
    for pattern in (_FROM, _POSSESSIVE):
        for m in pattern.finditer(text):
            name = m[1].strip(".'")
            if name.lower() not in _STOP and not find_spans(f"on {name}", now) and not find_spans(f"in {name}", now):
                senders.append(name)
                text = text.replace(m[0], " ")
    since = before = None
    label = ""
    spans = find_spans(text, now, future=False)  # mail that came is in the past: "do I have mail from Friday?"
    if spans:
        span = min(spans, key=lambda s: s.end - s.start)
        since, before, label = span.start.date(), span.end.date(), span.label()
        for s in spans:
            text = text.replace(s.phrase, " ")
    words = [w for w in re.findall(r"[\w'-]+", text.lower()) if w not in _STOP and len(w) > 2
             and not w.isdigit()]
    return MailQuery(tuple(dict.fromkeys(senders)), since, before, tuple(dict.fromkeys(words)), unknown, label)


async def who_is(store: Store, person: User, relation: str) -> list[str]:
    """Who the person's sister (etc.) is, from their facts: her address when known, else her name."""
    pattern = re.compile(rf"\b{re.escape(relation)}s?\b", re.IGNORECASE)
    for fact in await facts(store, person):
        if not (pattern.search(fact.topic) or pattern.search(fact.text)):
            continue
        addresses = _ADDRESS.findall(fact.text)
        if addresses:
            return [a.lower() for a in addresses]
        name = _name_in(fact.text, person.name, relation)
        if name:
            return [name]
    return []


def _name_in(text: str, own: str, relation: str) -> str:
    m = re.search(r"(?:\bis|\bnamed|\bcalled|:)\s+([A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)", text)
    if m:
        return m[1].split()[0]
    skip = {own.lower(), relation.lower(), "my", "her", "his", "the"}
    names = [w for w in re.findall(r"\b[A-Z][\w'-]+", text) if w.lower().rstrip("'s") not in skip
             and w.lower() not in skip]
    return names[0].removesuffix("'s") if names else ""


def rank(found: list[Mail], q: MailQuery) -> list[Mail]:
    """Best first: more of the words in the subject and text, then the sender matching, then the newest."""
    def score(m: Mail) -> tuple[int, int, float]:
        haystack = f"{m.subject} {m.text}".lower()
        hits = sum(2 if w in m.subject.lower() else 1 for w in q.words if w in haystack)
        who = f"{m.sender_name} {m.sender}".lower()
        sender = sum(1 for s in q.senders if s.lower() in who)
        return hits, sender, m.date.timestamp() if m.date else 0.0

    return sorted(found, key=score, reverse=True)


def matches(m: Mail, q: MailQuery) -> bool:
    """Whether a message fits the query's non-ASCII parts too (which the server was not asked about)."""
    who = f"{m.sender_name} {m.sender}".lower()
    if q.senders and not any(s.lower() in who for s in q.senders):
        return False
    return True
