"""Time words in what a person says ("last Tuesday", "three weeks ago", "over the holidays"), resolved to dates.

Everything is relative to a timezone-aware ``now``, and the calendar is the one of ``now``'s own tzinfo.
The ambiguous cases are decided once, here, so that memory, recall and the tests agree:

- Weeks run Monday to Sunday; a weekend is Saturday and Sunday. "last weekend" (also "this past weekend") is the
  one before this week's, even on a Saturday or Sunday. "the weekend" is the current one on a Saturday or Sunday,
  otherwise the previous one (the coming one in a future sentence).
- "last/next <weekday>": the nearest such day strictly before/after today. "this <weekday>": that day of this week.
- Tense, decided per clause (a comma or "and" before a new subject starts one): a clause is about the future
  when it says will, 'll, shall, won't, going to, gonna, next or tomorrow, or when the phrase follows "for",
  "until" or "till" ("a table for Friday"), or a month follows something booked ("signed up for the half
  marathon in March", "got tickets for a gig in May"). Else it is about the past when it has a past form of a verb
  ("was", "went", "I moved"), "ago", "yesterday", "last" or a present perfect ("have been"). Else it is about
  the future when it looks ahead in the present tense: "I'm nervous about the interview Thursday", "I have yoga
  Monday", "we're seeing Amy on Friday", "I've got an exam in May", "can't wait for Christmas". Else the
  sentence decides, by the same words ("Job interview Thursday, wish me luck!"); with none it is the past.
  About the past, a bare weekday ("Monday", "on Monday") is the nearest one strictly before today, a month
  without a year ("in May", "May 3") the most recent one, the current month or today included, and "Christmas"
  or "the holidays" (December 24-26) the most recent one begun. About the future, each is the nearest ahead.
- "N days ago" / "in N days": that one day. "N weeks ago" / "in N weeks": the Monday-Sunday week N weeks away,
  except that one week ("a week ago", "in a week") is the three days around the day seven days away.
  "N months/years ago" and "in N months/years": the whole calendar month or year. "a" = 1, "a couple (of)" = 2,
  "a few" = 3, and the words one to twelve.
- "recently"/"lately": the 14 days before today, and today. "earlier today/this week/month/year": from its
  start until now. Morning is 05-12, afternoon 12-18, evening, night and tonight 18-24.
- A month name needs a word before it ("in May", "last May"), a day or a year, so "May I ask" is no date;
  a lowercase "may" or "march" also needs more than a day before it ("these 2 may help").
- Absolute dates are those that name their year (2026-05-03, 3 May 2025); ``annotate`` leaves them as written.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

_MONTHS = "january february march april may june july august september october november december".split()
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_NUMBERS = {
    word: n for n, word in enumerate("one two three four five six seven eight nine ten eleven twelve".split(), 1)
}
_NUMBERS |= {"a": 1, "an": 1, "a couple": 2, "a couple of": 2, "a few": 3}
_NUMBER = r"\d{1,3}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True))  # longest first: "a couple of" before "a"
_SHIFTS = {"last": -1, "this past": -1, "this": 0, "next": 1, "this coming": 1}
_MODES = {-1: "last", 0: "this", 1: "next"}
_QUALIFIER = "this past|this coming|this|last|next"
_DAY_WORDS = {"yesterday": -1, "last": -1, "today": 0, "this": 0, "tonight": 0, "tomorrow": 1}
_PARTS = {"morning": (5, 12), "afternoon": (12, 18), "evening": (18, 24), "night": (18, 24), "tonight": (18, 24)}
_FUTURE = re.compile(r"\b(?:will|shall|won['’]t|going to|gonna|next|tomorrow)\b|['’]ll\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?\n]")
# A clause ends at a sentence's end, a semicolon, or a comma or conjunction that a new subject follows: "I went
# running, and I have an interview Thursday" holds two tenses.
_CLAUSE_END = re.compile(r"[.!?;\n]|(?:,|\b(?:and|but|so|because|though|although|while|whereas)\b)\s*"
                         r"(?=(?:i|i['’]m|i['’]ve|i['’]ll|we|he|she|they|you|it|my|our|there)\b)", re.IGNORECASE)
# Said of the past: a past form of a verb, "ago", "yesterday", a present perfect ("have been").
_PAST = re.compile(
    r"\b(?:was|were|wasn['’]t|weren['’]t|did|didn['’]t|had|hadn['’]t|went|came|saw|met|got|took|made|ran|ate|"
    r"told|said|felt|found|gave|left|bought|thought|spent|won|lost|began|drove|flew|wrote|heard|kept|slept|sat|"
    r"brought|caught|paid|sold|sent|built|broke|chose|drank|forgot|knew|rode|sang|spoke|swam|threw|woke|wore|"
    r"became|ago|yesterday|last)\b"
    r"|\b(?:i|we|you|he|she|they|it)\s+(?:\w+ly\s+)?\w{2,}ed\b"
    r"|(?:\b(?:have|has)|['’]ve)\s+(?:\w+ly\s+)?(?:been|had|done|seen|gone|\w{2,}ed)\b", re.IGNORECASE)
_PRESENT_GOT = re.compile(r"(?:\b(?:have|has)|['’]ve)\s+got\b", re.IGNORECASE)  # "I've got an exam": now
# Said of what is ahead, in the present tense: "I'm nervous about the interview Thursday", "I have yoga Monday",
# "we're seeing Amy on Friday".
_AHEAD = re.compile(
    r"\b(?:am|are|is|['’]m|['’]re|['’]s)\s+(?:(?:i|we|you|he|she|they|it)\s+)?(?:\w+ly\s+)?(?:\w{2,}ing|nervous|excited|worried|anxious|scared|"
    r"stressed|ready|due|off|booked|scheduled|set)\b"
    r"|\b(?:have|has|need|needs|want|wants|hope|hopes|plan|plans|can['’]t wait|cannot wait|looking forward|"
    r"coming up|upcoming|nervous|excited|worried|anxious|dreading|wish me luck|fingers crossed)\b", re.IGNORECASE)
_BOOKED = re.compile(r"\b(?:signed up|registered|booked|entered|enrolled|tickets?|invited)\b", re.IGNORECASE)
_AHEAD_OF = re.compile(r"\b(?:for|until|till)\s+$", re.IGNORECASE)  # "booked a table for Friday"
_YEAR = re.compile(r"\b\d{4}\b")

Range = tuple[datetime, datetime]


@dataclass(frozen=True)
class Span:
    """A stretch of time a phrase refers to: ``start`` inclusive, ``end`` exclusive, both timezone-aware."""

    start: datetime
    end: datetime
    phrase: str

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def label(self) -> str:
        """E.g. "2026-11-17" for (part of) one day, "November 2026" for a month, "2026" for a year, else "A to B"."""
        first, last = self.start.date(), (self.end - timedelta(microseconds=1)).date()
        if first == last:
            return first.isoformat()
        whole_days = self.start.time() == time() and self.end.time() == time()
        if whole_days and first.day == 1 and self.end.date() == _first_of_month(first.year, first.month, 1):
            return f"{_MONTHS[first.month - 1].title()} {first.year}"
        if whole_days and (first.month, first.day) == (1, 1) and self.end.date() == date(first.year + 1, 1, 1):
            return str(first.year)
        return f"{first.isoformat()} to {last.isoformat()}"


def find_spans(text: str, now: datetime, future: bool | None = None) -> list[Span]:
    """Every time expression in text resolved against now, in order of appearance.

    `future` decides the tense instead of the sentence's own words: a request ("remind me on Thursday") is
    about the future although it says no "will".
    """
    return [hit.span for hit in _scan(text, now, future)]


def query_span(text: str, now: datetime) -> Span | None:
    """The time a question is about ("what did we talk about last weekend?" → last weekend), or None.

    With several, the narrowest wins (the first of equals): "on Monday, last week" asks about the Monday.
    """
    spans = find_spans(text, now)
    return min(spans, key=lambda span: span.end - span.start) if spans else None


def annotate(text: str, now: datetime) -> str:
    """The text with each resolved relative expression followed by its date in brackets.

    "I saw Amy last Tuesday" → "I saw Amy last Tuesday [2026-11-17]". Dates that name their year are left as
    they are, and an expression already followed by its bracket is not marked twice.
    """
    parts, written = [], 0
    for hit in _scan(text, now):
        note = f" [{hit.span.label()}]"
        end = hit.end + 2 if text[hit.end : hit.end + 2].lower() in ("'s", "’s") else hit.end  # after "today's"
        if _YEAR.search(hit.span.phrase) or text.startswith(note, end):
            continue
        parts += [text[written:end], note]
        written = end
    return "".join(parts) + text[written:]


@dataclass(frozen=True)
class _Context:
    now: datetime
    future: bool

    @property
    def today(self) -> date:
        return self.now.date()

    def at(self, day: date, hour: int = 0) -> datetime:
        return datetime.combine(day + timedelta(days=hour // 24), time(hour % 24), tzinfo=self.now.tzinfo)

    def days(self, first: date, count: int = 1) -> Range:
        return self.at(first), self.at(first + timedelta(days=count))


@dataclass(frozen=True)
class _Hit:
    span: Span
    end: int


Resolver = Callable[[re.Match[str], _Context], Range | None]
_RULES: list[tuple[re.Pattern[str], Resolver]] = []


def _rule(pattern: str) -> Callable[[Resolver], Resolver]:
    """Register a resolver for a pattern; a space in the pattern stands for any run of whitespace."""
    regex = re.compile(r"(?<!\w)(?:" + pattern.replace(" ", r"\s+") + r")(?!\w)", re.IGNORECASE)

    def register(resolve: Resolver) -> Resolver:
        _RULES.append((regex, resolve))
        return resolve

    return register


def _scan(text: str, now: datetime, future: bool | None = None) -> list[_Hit]:
    """Matches of every rule; where they overlap the earliest wins, then the longest, then the earlier rule."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    found = [(m, resolve, order) for order, (regex, resolve) in enumerate(_RULES) for m in regex.finditer(text)]
    found.sort(key=lambda item: (item[0].start(), -item[0].end(), item[2]))
    hits: list[_Hit] = []
    for m, resolve, _ in found:
        if hits and m.start() < hits[-1].end:
            continue
        try:
            tense = _is_future(text, m.start(), m.end()) if future is None else future
            resolved = resolve(m, _Context(now, tense))
        except (ValueError, OverflowError):  # a date that does not exist, such as 2026-02-30
            resolved = None
        if resolved is not None:
            hits.append(_Hit(Span(*resolved, phrase=m[0]), m.end()))
    return hits


def _is_future(text: str, start: int, end: int) -> bool:
    """The tense of the clause around text[start:end]: its own words first, then its sentence's."""
    clause = _PRESENT_GOT.sub(" have ", _around(text, start, end, _CLAUSE_END))
    if _FUTURE.search(clause) or _AHEAD_OF.search(text[max(0, start - 8) : start]):
        return True
    if _BOOKED.search(clause) and text[start:end].lower().startswith("in "):
        return True  # "I signed up for the half marathon in March": the race's March, not the signing's
    if _PAST.search(clause):
        return False
    sentence = _PRESENT_GOT.sub(" have ", _around(text, start, end, _SENTENCE_END))
    return bool(_AHEAD.search(clause) or _FUTURE.search(sentence)
                or (_AHEAD.search(sentence) and not _PAST.search(sentence)))


def _around(text: str, start: int, end: int, boundary: re.Pattern[str]) -> str:
    left = max((m.end() for m in boundary.finditer(text, 0, start)), default=0)
    right = boundary.search(text, end)
    return text[left : right.start() if right else len(text)]


def _norm(words: str | None) -> str:
    return " ".join((words or "").lower().split())


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _first_of_month(year: int, month: int, shift: int = 0) -> date:
    shifted_year, month_index = divmod(year * 12 + month - 1 + shift, 12)
    return date(shifted_year, month_index + 1, 1)


def _unit(ctx: _Context, unit: str, shift: int) -> Range:
    """The calendar week, weekend, month or year ``shift`` of them away from the current one."""
    today = ctx.today
    if unit == "week":
        return ctx.days(_monday(today) + timedelta(weeks=shift), 7)
    if unit == "weekend":
        return ctx.days(_monday(today) + timedelta(days=5, weeks=shift), 2)
    if unit == "month":
        return _month(ctx, today.year, today.month, shift)
    return ctx.at(date(today.year + shift, 1, 1)), ctx.at(date(today.year + shift + 1, 1, 1))


def _month(ctx: _Context, year: int, month: int, shift: int = 0) -> Range:
    return ctx.at(_first_of_month(year, month, shift)), ctx.at(_first_of_month(year, month, shift + 1))


def _year_for(today: date, month: int, day: int | None, mode: str) -> int | None:
    """The year of the month (and day) nearest today in the mode: past/future include today, last/next do not."""
    if mode == "this":
        return today.year
    key, ref = (month, day or 0), (today.month, today.day if day else 0)
    this_year = {"past": key <= ref, "last": key < ref, "future": key >= ref, "next": key > ref}[mode]
    step = -1 if mode in ("past", "last") else 1
    for year in range(today.year if this_year else today.year + step, today.year + 9 * step, step):
        if day is None or _exists(year, month, day):
            return year
    return None  # only a day that no year has, such as February 30


def _exists(year: int, month: int, day: int) -> bool:
    return 1 <= day <= calendar.monthrange(year, month)[1]


@_rule("the day before yesterday|the day after tomorrow")
def _two_days_away(m: re.Match[str], ctx: _Context) -> Range:
    return ctx.days(ctx.today + timedelta(days=2 if _norm(m[0]).endswith("tomorrow") else -2))


@_rule("yesterday|today|tomorrow")
def _named_day(m: re.Match[str], ctx: _Context) -> Range:
    return ctx.days(ctx.today + timedelta(days=_DAY_WORDS[_norm(m[0])]))


@_rule("(?:this|today|yesterday|tomorrow) (?:morning|afternoon|evening)|(?:last|tomorrow) night|tonight")
def _part_of_day(m: re.Match[str], ctx: _Context) -> Range:
    words = _norm(m[0]).split()
    day = ctx.today + timedelta(days=_DAY_WORDS[words[0]])
    start, end = _PARTS[words[-1]]
    return ctx.at(day, start), ctx.at(day, end)


@_rule("earlier (today|this week|this month|this year)")
def _earlier(m: re.Match[str], ctx: _Context) -> Range:
    unit = _norm(m[1]).split()[-1]
    start = ctx.at(ctx.today) if unit == "today" else _unit(ctx, unit, 0)[0]
    return start, ctx.now


@_rule(f"({_QUALIFIER}) (week|weekend|month|year)")
def _qualified_unit(m: re.Match[str], ctx: _Context) -> Range:
    return _unit(ctx, m[2].lower(), _SHIFTS[_norm(m[1])])


@_rule("the weekend")
def _the_weekend(m: re.Match[str], ctx: _Context) -> Range:
    return _unit(ctx, "weekend", 0 if ctx.today.weekday() >= 5 or ctx.future else -1)


@_rule(f"(?:({_QUALIFIER}) |on )?({'|'.join(_WEEKDAYS)})")
def _weekday(m: re.Match[str], ctx: _Context) -> Range:
    target, qualifier, today = _WEEKDAYS.index(m[2].lower()), _norm(m[1]), ctx.today
    if qualifier == "this":
        return ctx.days(_monday(today) + timedelta(days=target))
    if _SHIFTS[qualifier] > 0 if qualifier else ctx.future:
        return ctx.days(today + timedelta(days=(target - today.weekday() - 1) % 7 + 1))
    return ctx.days(today - timedelta(days=(today.weekday() - target - 1) % 7 + 1))


@_rule(f"({_NUMBER}) (day|week|month|year)s? ago|in ({_NUMBER}) (day|week|month|year)s?")
def _counted(m: re.Match[str], ctx: _Context) -> Range:
    shift, unit = (-_count(m[1]), m[2].lower()) if m[1] else (_count(m[3]), m[4].lower())
    if unit == "day":
        return ctx.days(ctx.today + timedelta(days=shift))
    if unit == "week" and abs(shift) == 1:
        return ctx.days(ctx.today + timedelta(days=7 * shift - 1), 3)
    return _unit(ctx, unit, shift)


def _count(words: str) -> int:
    return int(words) if words.isdigit() else _NUMBERS[_norm(words)]


@_rule("recently|lately")
def _recently(m: re.Match[str], ctx: _Context) -> Range:
    return ctx.days(ctx.today - timedelta(days=14), 15)


@_rule(r"(\d{4})-(\d{2})-(\d{2})")
def _iso_date(m: re.Match[str], ctx: _Context) -> Range:
    return ctx.days(date(int(m[1]), int(m[2]), int(m[3])))


@_rule(
    rf"(?:(?P<qual>in|on|during|early|late|mid|{_QUALIFIER}) )?"
    r"(?:(?:the )?(?P<d1>\d{1,2})(?P<suffix>st|nd|rd|th)?(?P<of> of)? )?"
    r"(?P<month>" + "|".join(_MONTHS) + r")(?: (?:the )?(?P<d2>\d{1,2})(?:st|nd|rd|th)?)?(?:,? (?P<year>\d{4}))?"
)
def _month_date(m: re.Match[str], ctx: _Context) -> Range | None:
    word, day = m["month"], int(m["d1"] or m["d2"] or 0) or None
    if not (m["qual"] or day or m["year"]):
        return None  # "May I ask": a verb, not a month
    clear = m["qual"] or m["year"] or m["d2"] or m["suffix"] or m["of"]
    if word in ("may", "march") and not clear:
        return None  # "these 2 may help"
    month = _MONTHS.index(word.lower()) + 1
    year = int(m["year"]) if m["year"] else _year_for(ctx.today, month, day, _mode(m["qual"], ctx))
    if year is None:
        return None
    return _month(ctx, year, month) if day is None else ctx.days(date(year, month, day))


@_rule(f"(?:(?:over|at|during|for|on) )?(?:(?P<qual>{_QUALIFIER}) )?(?:the holidays|christmas(?: day| eve)?|xmas)")
def _christmas(m: re.Match[str], ctx: _Context) -> Range | None:
    year = _year_for(ctx.today, 12, 24, _mode(m["qual"], ctx))
    return None if year is None else ctx.days(date(year, 12, 24), 3)


def _mode(qualifier: str | None, ctx: _Context) -> str:
    """How _year_for picks a year: by the qualifier ("last May") or else by the sentence's tense ("in May")."""
    if qualifier and _norm(qualifier) in _SHIFTS:
        return _MODES[_SHIFTS[_norm(qualifier)]]
    return "future" if ctx.future else "past"


@_rule(r"on the (\d{1,2})(?:st|nd|rd|th)(?!\s+(?:of\s+)?(?:" + "|".join(m[:3] for m in _MONTHS) + "))")
def _day_of_month(m: re.Match[str], ctx: _Context) -> Range | None:
    """"On the 11th": the nearest 11th in the sentence's tense (this month's, or the one before or after)."""
    day, today = int(m[1]), ctx.today
    if not 1 <= day <= 31:
        return None
    step = 1 if ctx.future else -1
    year, month = today.year, today.month
    if (day < today.day) if ctx.future else (day > today.day):
        first = _first_of_month(year, month, step)
        year, month = first.year, first.month
    for _ in range(3):  # the 31st: the nearest month that has one
        if _exists(year, month, day):
            return ctx.days(date(year, month, day))
        first = _first_of_month(year, month, step)
        year, month = first.year, first.month
    return None
