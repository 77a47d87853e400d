"""When a reminder is for: "at 7", "tomorrow at 9", "on Thursday", "in 20 minutes", "tonight"; and quiet hours.

Days come from memory/when.py, read in the future tense (a request is about what is to come); clock times and
"in N minutes" are read here. The ambiguous cases are decided once:

- A clock time without am/pm: 7-11 is morning and 1-6 afternoon when a day is named ("tomorrow at 3" is 15:00); a
  part of the day decides ("at 7 in the evening"); an alarm is in the morning ("wake me at 6"); with no day, the
  next 7:00 or 19:00 to come ("at 7", said at 14:00, is 19:00 today).
- A day without a time: 09:00, or its part of the day (morning 09:00, afternoon 15:00, evening 19:00, night 21:00).
- A time already past today, with no day named, is tomorrow; with a day named it is refused (the caller says so).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from os1.text.when import find_spans

DEFAULT_TIME = time(9, 0)
PART_TIMES = {"morning": time(9), "afternoon": time(15), "evening": time(19), "night": time(21), "tonight": time(21)}
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
                 "forty-five": 45, "a couple of": 2, "a couple": 2, "a few": 3}
_UNITS = {"sec": 1, "second": 1, "min": 60, "minute": 60, "hr": 3600, "hour": 3600, "day": 86400, "week": 604800}
_AMOUNT = r"\d+(?:\.\d+)?|" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True))
_RELATIVE = re.compile(rf"\bin\s+(?:(?P<half>half an?)|(?P<n>{_AMOUNT}))\s+(?P<unit>sec(?:ond)?|min(?:ute)?|"
                       rf"hr|hour|day|week)s?\b(?:\s+and\s+a\s+half\b)?", re.IGNORECASE)
_CLOCK = re.compile(r"(?<![\w:.])(?:(?P<at>at|by|for|@)\s*)?(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?\s*"
                    r"(?P<ap>[ap]\.?\s?m\b\.?)?(?P<oc>\s*o['’]?\s?clock\b)?(?![\w:])", re.IGNORECASE)
_NAMED_TIMES = {"noon": time(12), "midday": time(12), "midnight": time(0)}
_NAMED = re.compile(r"\b(noon|midday|midnight)\b", re.IGNORECASE)
_PART = re.compile(r"\b(morning|afternoon|evening|night|tonight)\b", re.IGNORECASE)
_HOLIDAY = re.compile(r"christmas|xmas|holidays", re.IGNORECASE)
_DANGLING = re.compile(r"^(?:at|on|by|in|for|from)\s+|\s+(?:at|on|by|in|for|from)$", re.IGNORECASE)
_IN_PART = re.compile(r"\b(?:in the (?:morning|afternoon|evening)|at night|tonight)\b", re.IGNORECASE)


@dataclass(frozen=True)
class ClockTime:
    hour: int
    minute: int
    certain: bool  # written so that morning or afternoon is clear (am/pm, 24-hour, "07:00", noon)


def resolve_when(phrase: str, now: datetime, alarm: bool = False) -> datetime | None:
    """The moment `phrase` names, after `now` (timezone-aware), or None when it names none.

    A moment in the past (a day named whose time has gone) is returned as it is: the caller says it has passed.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    relative = _relative(phrase)
    if relative is not None:
        return now + relative
    clock, part, day = read_clock(phrase), _part(phrase), _day(phrase, now)
    if clock is None and part is None and day is None:
        return None
    if clock is None:
        at = PART_TIMES[part] if part else DEFAULT_TIME
        if day is not None:
            return _at(day, at, now)
        today = _at(now.date(), at, now)
        return today if today > now else _at(now.date() + timedelta(days=1), at, now)
    hours = _hours(clock, part, alarm, day_named=day is not None)
    if day is not None:
        return _at(day, time(hours[0], clock.minute), now)
    candidates = [_at(now.date() + timedelta(days=d), time(h, clock.minute), now) for d in (0, 1) for h in hours]
    return min(c for c in candidates if c > now)


def read_clock(phrase: str) -> ClockTime | None:
    """The clock time written in `phrase`: "at 7", "7:30", "7pm", "19:00", "9 o'clock", "noon"."""
    named = _NAMED.search(phrase)
    if named:
        t = _NAMED_TIMES[named[1].lower()]
        return ClockTime(t.hour, t.minute, True)
    for m in _CLOCK.finditer(phrase):
        if not (m["at"] or m["m"] or m["ap"] or m["oc"]):
            continue  # a bare number ("2 things") is no time
        hour, minute = int(m["h"]), int(m["m"] or 0)
        if m["ap"]:
            if not 1 <= hour <= 12:
                continue
            hour = hour % 12 + (12 if m["ap"].lower().startswith("p") else 0)
        if hour > 23 or minute > 59:
            continue
        certain = bool(m["ap"]) or hour == 0 or hour >= 13 or m["h"].startswith("0")
        return ClockTime(hour, minute, certain)
    return None


def _hours(clock: ClockTime, part: str | None, alarm: bool, day_named: bool) -> list[int]:
    """The hours of the day an ambiguous clock time may mean, most likely first."""
    h = clock.hour
    if clock.certain or h == 12:
        return [h]
    if part in ("afternoon", "evening", "night", "tonight"):
        return [h + 12]
    if part == "morning" or alarm:
        return [h]
    if day_named:
        return [h + 12] if h <= 6 else [h]
    return [h, h + 12]


def split_time(text: str, now: datetime) -> tuple[str, str]:
    """(`text` less the times at its start or end, those times): "call my sister tomorrow at 9" → ("call my
    sister", "tomorrow at 9"). A time in the middle, or a holiday, is part of what is to be done ("buy a gift
    for Christmas")."""
    text, removed = text.strip(" .,!"), []
    while (edge := _edge_time(text, now)) is not None:
        removed.append((edge[0] > 0, text[edge[0]:edge[1]]))
        text = (text[:edge[0]] + " " + text[edge[1]:]).strip(" .,!")
    # Taken from the end working inwards: put back in reading order.
    times = [t for at_end, t in removed if not at_end] + [t for at_end, t in reversed(removed) if at_end]
    return " ".join(_DANGLING.sub("", text).split()), " ".join(times)


def _edge_time(text: str, now: datetime) -> tuple[int, int] | None:
    found = [(m.start(), m.end()) for p in (_RELATIVE, _NAMED, _IN_PART) for m in p.finditer(text)]
    found += [(m.start(), m.end()) for m in _CLOCK.finditer(text) if m["at"] or m["m"] or m["ap"] or m["oc"]]
    for span in find_spans(text, now, future=True):
        if not _HOLIDAY.search(span.phrase):
            at = text.rfind(span.phrase)
            found.append((at, at + len(span.phrase)))
    return next(((a, b) for a, b in found if a == 0 or b >= len(text.rstrip())), None)


def _relative(phrase: str) -> timedelta | None:
    m = _RELATIVE.search(phrase)
    if m is None:
        return None
    seconds = _UNITS[m["unit"].lower()]
    amount = 0.5 if m["half"] else (float(m["n"]) if m["n"][0].isdigit() else _NUMBER_WORDS[m["n"].lower()])
    if m[0].lower().endswith("and a half"):
        amount += 0.5
    return timedelta(seconds=amount * seconds)


def _part(phrase: str) -> str | None:
    m = _PART.search(phrase)
    return m[1].lower() if m else None


def _day(phrase: str, now: datetime) -> date | None:
    """The day a phrase names ("tomorrow", "on Thursday", "next week": its Monday), read as future."""
    spans = find_spans(phrase, now, future=True)
    return spans[0].start.date() if spans else None


def _at(day: date, at: time, now: datetime) -> datetime:
    naive = datetime.combine(day, at)
    if isinstance(now.tzinfo, timezone) and now.tzname() == datetime.now().astimezone().tzname():
        # A fixed offset taken from this machine's zone: its calendar knows when the clocks change, so a reminder
        # across a change still fires at the wall-clock time asked for.
        return naive.astimezone()
    return naive.replace(tzinfo=now.tzinfo)


def say_when(moment: datetime, now: datetime) -> str:
    """"today at 14:23 (in 20 minutes)", "tomorrow, Fri 28 Nov, at 09:00", "Thu 4 Dec at 09:00"."""
    moment = moment.astimezone(now.tzinfo)
    clock = f"{moment:%H:%M}"
    days = (moment.date() - now.date()).days
    if days == 0:
        minutes = round((moment - now).total_seconds() / 60)
        soon = f" (in {minutes} minute{'s' if minutes != 1 else ''})" if 0 < minutes < 120 else ""
        return f"today at {clock}{soon}"
    label = f"{moment:%a} {moment.day} {moment:%b}"
    return f"tomorrow, {label}, at {clock}" if days == 1 else f"{label} at {clock}"


@dataclass(frozen=True)
class QuietHours:
    """Hours in which nothing but an alarm the person set is delivered (they may wrap past midnight)."""

    start: time
    end: time

    def holds(self, moment: datetime) -> bool:
        t = moment.time()
        if self.start <= self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end

    def release(self, moment: datetime) -> datetime:
        """`moment`, or the end of the quiet hours it falls in (same timezone as `moment`)."""
        if not self.holds(moment):
            return moment
        end = moment.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        return end if end > moment else end + timedelta(days=1)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """"22:00-07:00", "22-7", "10pm to 7am". Raises ValueError with what was not understood."""
        parts = re.split(r"\s*(?:-|–|—|to|until|till)\s*", text.strip(), maxsplit=1, flags=re.IGNORECASE)
        if len(parts) != 2:
            raise ValueError(f"Quiet hours are a start and an end, like 22:00-07:00 (not {text!r}).")
        start, end = (read_clock(p if re.search(r"\D", p) else f"at {p}") for p in parts)
        if start is None or end is None:
            raise ValueError(f"I couldn't read the times in {text!r}; try something like 22:00-07:00.")
        # "10-7": quiet hours start in the evening, so an unmarked start before noon is p.m.
        start_hour = start.hour + 12 if not start.certain and start.hour < 12 else start.hour
        return cls(time(start_hour % 24, start.minute), time(end.hour, end.minute))
