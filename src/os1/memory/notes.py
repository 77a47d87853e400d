"""Memories written as notes for the model: third person, dated in words, times said relatively made absolute.

A small model shown a person's old message as it was ("My car is a green Skoda.") says it back in the first
person, and shown a bracketed date ("[2026-12-10]") it recites the brackets. So a recalled message becomes a
note about the person, from the companion's side: "Sun 6 Dec (4 days ago): Maria said they're nervous about a
job interview on Thu 10 Dec." Every time phrase is resolved against when the message was said, never against
today, and the result is written as people write dates.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from os1.db.store import STOPWORDS
from os1.text.when import Span, find_spans

# First person → third person ("they" takes the verb forms "I" takes, except for "to be").
_SWAPS = {
    "i am": "they are", "i'm": "they're", "im": "they're", "i was": "they were", "i wasn't": "they weren't",
    "i've": "they've", "i'll": "they'll", "i'd": "they'd", "i": "they", "me": "them", "my": "their",
    "mine": "theirs", "myself": "themselves", "we're": "they're", "we've": "they've", "we'll": "they'll",
    "we'd": "they'd", "we": "they", "us": "them", "our": "their", "ours": "theirs", "ourselves": "themselves",
}
_SWAP = re.compile(r"(?<![\w'’])(?:" + "|".join(
    re.escape(k).replace("'", "['’]").replace(r"\ ", r"\s+") for k in sorted(_SWAPS, key=len, reverse=True))
    + r")(?![\w'’])", re.IGNORECASE)
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:since|until|till|by|before|after|from|for|on|in|at|during|of|about|through)\s*$", re.IGNORECASE)
_DATE_AFTER = re.compile(r",?\s+(?:the\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?[A-Z][a-z]+|[A-Z][a-z]+\s+\d{1,2}"
                         r"(?:st|nd|rd|th)?,?)\s+\d{4}")
_PARTS = {5: "morning", 12: "afternoon", 18: "evening"}


def day(moment: date, ref: date | None = None) -> str:
    """"Thu 10 Dec", with the year when it is not the year of `ref`."""
    text = f"{moment:%a} {moment.day} {moment:%b}"
    return text if ref is not None and ref.year == moment.year else f"{text} {moment.year}"


def age(then: date, now: date) -> str:
    """How long ago, in the words people use: "today", "yesterday", "5 days ago", "3 weeks ago", "in 2 days"."""
    days = (now - then).days
    if days < 0:
        return "tomorrow" if days == -1 else f"in {-days} days"
    if days <= 1:
        return ("today", "yesterday")[days]
    for size, unit in ((365, "year"), (30, "month"), (7, "week")):
        if days >= size * (2 if unit != "week" else 1):
            count = days // size
            return f"{count} {unit}{'s' if count > 1 else ''} ago"
    return f"{days} days ago"


def spoken(span: Span, said: date, year: bool = False) -> str:
    """A span in words, as a date would be written in a note: "Thu 10 Dec", "the week of Mon 30 Nov",
    "November 2026", "2025". With `year`, the year is always written."""
    if year:
        said = date(1, 1, 1)
    first = span.start.date()
    last = (span.end - timedelta(microseconds=1)).date()
    whole = span.start.time() == time() and span.end.time() == time()
    if first == last:
        return day(first, said)
    if whole and first.day == 1 and (last + timedelta(days=1)).day == 1 and first.month == last.month:
        return f"{first:%B}" + ("" if first.year == said.year else f" {first.year}")
    if whole and (first.month, first.day, last.month, last.day) == (1, 1, 12, 31) and first.year == last.year:
        return str(first.year)
    if whole and first.weekday() == 0 and (last - first).days == 6:
        return f"the week of {day(first, said)}"
    if whole and first.weekday() == 5 and (last - first).days == 1:
        return f"the weekend of {first.day}-{day(last, said)[4:]}"
    return f"{day(first, said)} to {day(last, said)}"


def dates_of(text: str, said: datetime) -> list[dict[str, str]]:
    """The times a message talks about, resolved against when it was said: kept with a recalled item as data."""
    return [{"phrase": s.phrase, "start": s.start.isoformat(), "end": s.end.isoformat()}
            for s in find_spans(text, said)]


def with_dates_in_words(text: str, said: datetime, dates: list[dict[str, str]] | None = None,
                        absolute: bool = False) -> str:
    """The text with each time phrase replaced by the date it meant: "interview Thursday" → "interview on Thu
    10 Dec", "today" → "that day". "Recently" and the like stay: the note's own date says when. `absolute`
    writes every date with its year, "today" included (for a fact, which is read without the note's date)."""
    spans = [Span(datetime.fromisoformat(d["start"]), datetime.fromisoformat(d["end"]), d["phrase"])
             for d in dates] if dates is not None else find_spans(text, said)
    out, written = [], 0
    for span in spans:
        at = text.find(span.phrase, written)
        if at < 0 or re.search(r"\d{4}", span.phrase) or _DATE_AFTER.match(text, at + len(span.phrase)):
            continue  # a date that names its year says it already: "Thursday 10 December 2026"
        words = _in_words(span, said, bool(_PREPOSITION_BEFORE.search(text[:at])), absolute)
        if words is None:
            continue
        out += [text[written:at], words]
        written = at + len(span.phrase)
    return "".join(out) + text[written:]


def _in_words(span: Span, said: datetime, after_preposition: bool, absolute: bool = False) -> str | None:
    phrase = span.phrase.lower()
    if any(w in phrase for w in ("recently", "lately", "earlier")):
        return None  # "recently", as of the note's own date
    if not absolute and span.start.date() == said.date() and span.end - span.start <= timedelta(days=1):
        part = _PARTS.get(span.start.hour) if span.start.time() != time() else None
        return f"that {part or ('night' if 'night' in phrase else 'day')}"
    if any(w in phrase for w in ("christmas", "holidays", "xmas")):
        words = "Christmas" + ("" if span.start.year == said.year and not absolute else f" {span.start.year}")
        own_lead = re.match(r"^(over|at|during|for|on)\s", phrase)
        return f"{own_lead[1]} {words}" if own_lead else words
    words = spoken(span, said.date(), year=absolute)
    preposition = "on" if re.match(r"^[A-Z][a-z]{2} \d", words) else "in"
    lead = re.match(r"^(early|late|mid)\b", phrase)
    if lead:
        words = f"{lead[1]} {words}"
    own = re.match(r"^(for|until|till)\s", phrase)  # kept: "a table for Fri 11 Dec"
    if own:
        return f"{own[1]} {words}"
    return words if after_preposition or words.startswith("the ") else f"{preposition} {words}"


def third_person(text: str) -> str:
    """"My car is a green Skoda" → "Their car is a green Skoda": what the person said, as said of them."""
    def swap(m: re.Match[str]) -> str:
        if m[0] == "US":
            return m[0]  # the country
        new = _SWAPS[" ".join(m[0].lower().replace("’", "'").split())]
        starts = m.start() == 0 or re.search(r"[.!?]\s+$", text[: m.start()]) is not None
        return new[0].upper() + new[1:] if starts else new

    return _SWAP.sub(swap, text)


def message_note(item: dict[str, Any], person: str, now: datetime) -> str:
    """One recalled message as a line of the prompt's note on memories."""
    said = datetime.fromisoformat(str(item["time"])).astimezone()
    text = with_dates_in_words(str(item["text"]), said, item.get("dates"))
    when = f"{day(said.date(), now.date())} ({age(said.date(), now.date())})"
    if item.get("role") == "assistant":
        return f"{when}: you told {person}: {text}"
    told = third_person(text).strip()
    first = re.sub(r"\W+$", "", told.split()[0].lower()) if told else ""
    if first in _COMMON_STARTS or first in STOPWORDS:
        told = told[:1].lower() + told[1:]
    return f"{when}: {person} said {told}"


# Sentence-initial words that are not names: written in lower case after "said".
_COMMON_STARTS = frozenset("""the a an this that these those it its their they they're they've they'll they'd
there here so and but oh well yeah yes no ok okay just today yesterday tomorrow work home we our when what
my i i'm i've also anyway honestly actually still finally some nothing everything something all not""".split())
