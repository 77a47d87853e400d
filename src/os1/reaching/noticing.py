"""What in a person's message OS1 should come back to: "my interview is Thursday at 10", "I have a dentist
appointment tomorrow at 3". And the switch: "stop checking in on me", "you can check in on me again".

A follow-up is planned only when the time is plainly the thing's time ("my sister is coming on Friday" says when
she comes, not when "sister" happens), in the future, and within MAX_AHEAD.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from os1.reminders.clock import read_clock, resolve_when, split_time

MAX_AHEAD = timedelta(days=60)
AFTER_IT = timedelta(hours=2)  # asked this long after a thing with a clock time: it will be over by then
MAX_WORDS = 5

_SENTENCES = re.compile(r"[.!?;,\n]+|\s+(?:but|and|so|though)\s+(?=I\b|I'|we\b|it\b)", re.IGNORECASE)
# "my interview is Thursday at 10", "our flight's at 7 tomorrow"
_MY = re.compile(r"\b(?:my|our) (?P<about>[a-z][\w'-]*(?: [a-z][\w'-]*){0,4}?)(?: is|'s| are| will be)"
                 r" (?P<when>.+)$", re.IGNORECASE)
# "I have a job interview tomorrow at 3pm", "I've got my exam on Monday"
_HAVE = re.compile(r"\b(?:I have|I've got|I have got|I got|I've|we have|we've got|I'm having|we're having)"
                   r" (?:a|an|my|the|this|our|that) (?P<rest>.+)$", re.IGNORECASE)
# Things that have a time but no "how did it go": "my day is…", "my phone is…".
_NOT_THINGS = re.compile(r"^(?:feeling|time|day|week|life|mind|head|heart|mood|phone|job|house|car|name|email|"
                         r"number|plan|schedule)$", re.IGNORECASE)

OFF = re.compile(r"\b(?:stop|quit|no more|don'?t|do not|never)\b[^.?!]{0,20}\b(?:check(?:ing)?[- ]in|check(?:ing)? "
                 r"up|reach(?:ing)? out|follow(?:ing)?[- ]up|message me first|messaging me first)\b", re.IGNORECASE)
ON = re.compile(r"\b(?:you can|feel free to|please|start|go ahead and|it'?s ok(?:ay)? to)\b[^.?!]{0,20}"
                r"\b(?:check(?:ing)? in|check(?:ing)? up|reach(?:ing)? out|follow(?:ing)? up)\b", re.IGNORECASE)


# "Say good morning to me every day at 7:30", "wish me good morning", "greet me every morning"; and the way out.
_MORNING = re.compile(r"\b(?:say|wish me|tell me|text me|start (?:my|the) day with|wake me(?: up)? with)\b[^.?!]{0,12}"
                      r"\bgood morning\b|\bgreet me (?:every|each|in the) mornings?\b", re.IGNORECASE)
_NO_MORNING = re.compile(r"\b(?:stop|quit|no more|don'?t|do not|never)\b[^.?!]{0,20}\bgood mornings?\b",
                         re.IGNORECASE)
DEFAULT_MORNING = "08:00"


@dataclass(frozen=True)
class Happening:
    about: str  # "interview", "job interview"
    at: datetime  # when it happens (the person's zone)
    ask_at: datetime  # when to ask how it went


def switch(text: str) -> bool | None:
    """False: they asked not to be checked in on; True: they asked for it again; None: neither."""
    if OFF.search(text):
        return False
    if ON.search(text):
        return True
    return None


def morning(text: str) -> str | None:
    """"HH:MM" when they ask to be wished good morning each day (at the time they say, or 08:00); "" when they
    ask for it to stop; None when neither."""
    if _NO_MORNING.search(text):
        return ""
    asked = _MORNING.search(text)
    if asked is None:
        return None
    clock = read_clock(text[asked.start():])
    if clock is None:
        return DEFAULT_MORNING
    return f"{clock.hour:02d}:{clock.minute:02d}" if 4 <= clock.hour < 12 else DEFAULT_MORNING


def happenings(text: str, now: datetime) -> list[Happening]:
    """The things with a time ahead that `text` tells of."""
    found: dict[str, Happening] = {}
    for sentence in _SENTENCES.split(text):
        for about, when in _candidates(sentence.strip(" ,"), now):
            at = resolve_when(when, now)
            about = " ".join(about.lower().split())
            if at is None or not now < at <= now + MAX_AHEAD or not about or len(about.split()) > MAX_WORDS:
                continue
            if _NOT_THINGS.search(about):
                continue
            found.setdefault(about, Happening(about, at, _ask_at(at, when)))
    return list(found.values())


def _candidates(sentence: str, now: datetime) -> list[tuple[str, str]]:
    out = []
    mine = _MY.search(sentence)
    if mine:
        rest, when = split_time(mine["when"], now)
        if when and not rest:  # the whole of what follows is a time
            out.append((mine["about"], when))
    have = _HAVE.search(sentence)
    if have:
        about, when = split_time(have["rest"], now)
        if when:
            out.append((about, when))
    return out


def _ask_at(at: datetime, when: str) -> datetime:
    if read_clock(when) is not None:
        return at + AFTER_IT
    # A day without a time: ask that evening (or, for something in the evening, the next morning).
    if at.hour < 17:
        return at.replace(hour=19, minute=0, second=0, microsecond=0)
    return (at + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)


def mentions(text: str, about: str) -> bool:
    """Whether `text` speaks of `about` (its last word: "the job interview" is spoken of as "the interview")."""
    head = about.split()[-1]
    return re.search(rf"\b{re.escape(head)}s?\b", text, re.IGNORECASE) is not None
