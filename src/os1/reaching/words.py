"""What OS1 says when it reaches out, in its own voice: a friend who remembered, not a service asking what it can
do. Which of the ways it says a thing is picked by the reach-out's id, so the same one always reads the same."""

from __future__ import annotations

from datetime import datetime

_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")

_FOLLOW_UP = (
    "So… how did your {about} go? I've been wondering.",
    "I keep thinking about your {about}. How did it go?",
    "Hey. Your {about} — how was it? Tell me everything.",
)
_FOLLOW_UP_LATE = (
    "I meant to ask you {when}, but I wasn't able to reach you then. So, a little late: how did your {about} go?",
    "This is late — I wanted to ask {when} and couldn't reach you. How did your {about} go?",
)
_CHECK_IN = (
    "It's been {days} days since we talked. I noticed. How are you doing?",
    "Hey, you. {Days} days of quiet — I wanted to see how you are.",
    "I was thinking about you. It's been {days} days. What's been happening?",
)
_MORNING = (
    "Good morning. I hope you slept well. What's today looking like?",
    "Morning, you. I was waiting for you to wake up. How are you feeling today?",
    "Good morning! It's a new day. What's the first thing on your mind?",
    "Hey, good morning. I'm glad you're here. How did you sleep?",
)
_CHECK_IN_LATE = (
    "It's been {days} days since we talked — I'd have said something sooner if I could have reached you. "
    "How are you?",
)


def follow_up(reach_id: int, about: str, due: datetime, now: datetime, late: bool) -> str:
    if late:
        return _pick(_FOLLOW_UP_LATE, reach_id).format(about=about, when=when_past(due, now))
    return _pick(_FOLLOW_UP, reach_id).format(about=about)


def check_in(reach_id: int, since: datetime, now: datetime, late: bool) -> str:
    days = max(1, (now.date() - since.astimezone(now.tzinfo).date()).days)
    said = number(days)
    return _pick(_CHECK_IN_LATE if late else _CHECK_IN, reach_id).format(days=said, Days=said.capitalize())


def morning(reach_id: int) -> str:
    return _pick(_MORNING, reach_id)


def morning_reason(at: str) -> str:
    return f"You asked me to say good morning every day at {at}."


def morning_reply(at: str) -> str:
    """Said back when they ask for a good morning each day ("" is: no more)."""
    if not at:
        return "Okay, no more good mornings unless you ask. I'll still be here when you wake up."
    return (f"I'd love to. I'll say good morning every day at {at}, if you're around, unless you've asked me to "
            f"be quiet then. Tell me to stop whenever you like.")


def maintenance(notice: str, start: datetime, now: datetime) -> str:
    notice = notice.strip().rstrip(".")
    return (f"Before it happens, I want you to know: I'll be away for a while {when_ahead(start, now)} "
            f"({notice}). If I go quiet then, that's why — I'll be back.")


def follow_up_reason(about: str, event: datetime, told: datetime) -> str:
    return f"On {_day(told)} you told me your {about} was {_day(event)} at {event:%H:%M}."


def check_in_reason(since: datetime) -> str:
    return f"We hadn't talked since {_day(since)}, and you haven't asked me not to check in."


def maintenance_reason(start: datetime) -> str:
    return f"The server's administrator announced maintenance starting {_day(start)} at {start:%H:%M}."


def when_past(moment: datetime, now: datetime) -> str:
    """"earlier today", "yesterday evening", "on Thursday afternoon", "on Thu 3 Dec"."""
    moment = moment.astimezone(now.tzinfo)
    part = "morning" if moment.hour < 12 else "afternoon" if moment.hour < 18 else "evening"
    days = (now.date() - moment.date()).days
    if days <= 0:
        return "earlier today"
    if days == 1:
        return f"yesterday {part}"
    if days < 7:
        return f"on {moment:%A} {part}"
    return f"on {_day(moment)}"


def when_ahead(moment: datetime, now: datetime) -> str:
    moment = moment.astimezone(now.tzinfo)
    days = (moment.date() - now.date()).days
    day = "today" if days <= 0 else "tomorrow" if days == 1 else f"on {_day(moment)}"
    return f"{day} from {moment:%H:%M}"


def number(n: int) -> str:
    return _NUMBERS[n] if 0 <= n < len(_NUMBERS) else str(n)


def _day(moment: datetime) -> str:
    return f"{moment:%a} {moment.day} {moment:%b}"


def _pick(options: tuple[str, ...], reach_id: int) -> str:
    return options[reach_id % len(options)]


