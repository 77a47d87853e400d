"""Time: when sessions happen, when questions are asked, and questions whose answer is a date or needs one.

Temporal evidence is said relative to the session it is in ("yesterday", "last Sunday", "on the 14th"), so
the answer is a resolved calendar date. The weekend question is asked relative to `asked_at` ("last
weekend"), with a decoy weekend activity told weeks earlier, so it needs the dates of both to answer.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from bench.memory.life import Life

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
SATURDAY, SUNDAY, FRIDAY = 5, 6, 4


def ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def date_accept(d: date) -> list[str]:
    """Spellings of a date an answer may use (matched as whole numbers: "march 1" does not match "march 12")."""
    month, short, day = MONTHS[d.month - 1], MONTHS[d.month - 1][:3], d.day
    return [f"{month} {day}", f"{day} {month}", f"{month} {ordinal(day)}", f"{ordinal(day)} {month}",
            f"{ordinal(day)} of {month}", f"{month} the {ordinal(day)}", f"{short} {day}", f"{day} {short}",
            d.isoformat()]


def spoken(d: date) -> str:
    return f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1].title()} {d.year}"


# -- schedule --------------------------------------------------------------------------------------------------


def schedule(rng: random.Random, tz: timezone) -> tuple[list[datetime], datetime]:
    """Session start times (8–12 sessions over 6–10 weeks of 2026, 1–9 days apart: weekday evenings, weekend
    days) and when the questions are asked (a weekday soon after the last session, after its weekend)."""
    n = rng.randint(8, 12)
    while True:
        gaps = [rng.randint(1, 9) for _ in range(n - 1)]
        if 42 <= sum(gaps) <= 70:
            break
    day = date(2026, 1, 5) + timedelta(days=rng.randint(0, 60))
    days = [day]
    for gap in gaps:
        days.append(days[-1] + timedelta(days=gap))
    if days[-1].weekday() == FRIDAY:  # a Friday last session would leave no weekend between it and the questions
        days[-1] += timedelta(days=-1 if gaps[-1] > 1 else 1)
    starts = [datetime.combine(d, session_time(rng, d), tz) for d in days]
    asked = days[-1] + timedelta(days=1)
    while asked.weekday() >= SATURDAY or last_saturday(asked) > days[-1]:
        asked += timedelta(days=1)
    return starts, datetime.combine(asked, time(rng.randint(19, 21), rng.randrange(60)), tz)


def session_time(rng: random.Random, d: date) -> time:
    if d.weekday() >= SATURDAY:
        return time(rng.randint(10, 20), rng.randrange(60))
    return time(rng.randint(18, 21), rng.randrange(60))


def last_saturday(d: date) -> date:
    """The Saturday of the most recent weekend strictly before weekday `d`."""
    return d - timedelta(days=d.weekday() + 2)


# -- relative dates ----------------------------------------------------------------------------------------


def relative_phrase(rng: random.Random, said: datetime) -> tuple[str, date]:
    """A way to say an earlier day relative to `said`, and the day it means."""
    today = said.date()
    options: list[tuple[str, date]] = [("Yesterday", today - timedelta(days=1)),
                                       ("The day before yesterday", today - timedelta(days=2)),
                                       ("Three days ago", today - timedelta(days=3))]
    if said.hour >= 13:
        options += [("This morning", today), ("Today", today)]
    for back in range(2, 8):
        day = today - timedelta(days=back)
        options.append((f"Last {WEEKDAYS[day.weekday()]}", day))
        if back <= 6:
            options.append((f"On {WEEKDAYS[day.weekday()]}", day))
    for back in range(2, 13):
        day = today - timedelta(days=back)
        if day.month == today.month:
            options.append((f"On the {ordinal(day.day)}", day))
    return rng.choice(options)


EVENTS = (("passed my driving test", "When did I get my driving licence?"),
          ("ran my first 10k race", "When did I do my first ten-kilometre run?"),
          ("had my wisdom teeth out", "When was my dental surgery?"),
          ("gave blood for the first time", "When did I first donate blood?"),
          ("painted the bedroom a dark green", "When did I redecorate my bedroom?"),
          ("got my flu jab", "When did I get vaccinated against the flu?"),
          ("saw my first ballet", "When did I go to the ballet?"),
          ("sprained my wrist falling off a ladder", "When did I hurt my wrist?"),
          ("tried the new Lebanese place on the corner", "When did I eat at that new Lebanese restaurant?"),
          ("played my first open-mic night", "When did I perform at an open mic?"),
          ("had my performance review", "When was my appraisal at work?"),
          ("locked myself out of the flat", "When did I get locked out of my home?"),
          ("finally got my new passport", "When did my passport renewal come through?"),
          ("had my eyes tested and found out I need glasses", "When did I learn I need glasses?"))
EVENT_TAILS = (".", ", what a day.", ", still thinking about it.", ", so that's done.", "!")

WEEKEND = (("drove to the coast and ate fish and chips on the pier", ("coast", "fish and chips", "pier", "seaside")),
           ("went to a friend's fortieth birthday party", ("birthday", "party", "fortieth")),
           ("spent the whole day at the flea market", ("flea market", "market")),
           ("went ice skating for the first time in years", ("skating", "ice rink")),
           ("visited the botanical gardens", ("botanical", "garden")),
           ("built flat-pack furniture all day", ("furniture", "flat-pack", "flat pack")),
           ("went to a wine tasting", ("wine",)),
           ("did a Thai cooking class", ("cooking", "thai")),
           ("tried an escape room with friends", ("escape room",)),
           ("went to a pub quiz and came second", ("quiz",)),
           ("went to see a comedy show", ("comedy", "stand-up")),
           ("went to the aquarium", ("aquarium",)),
           ("played board games at a café until midnight", ("board game",)))


def temporal(life: Life, count: int = 2) -> None:
    """`count` "when did I...?" questions with relative evidence, and the "last weekend" question."""
    weekend = last_saturday(life.asked_at.date())
    events = life.rng.sample(EVENTS, count)
    taken: set[date] = set()
    for did, question in events:
        while True:  # an earlier session, a day before the asked-about weekend and unlike the other events'
            s = life.session(0, -3)
            phrase, day = relative_phrase(life.rng, life.sessions[s])
            if day < weekend - timedelta(days=1) and day not in taken:
                break
        taken.add(day)
        text = f"{phrase} I {did}{life.pick(EVENT_TAILS)}"
        key = life.say(s, text, "event")
        life.ask("temporal", question, spoken(day), date_accept(day), [key])
    real, decoy = life.rng.sample(WEEKEND, 2)
    last = len(life.sessions) - 1
    said = life.sessions[last].date()
    day = life.pick([d for d in (weekend, weekend + timedelta(days=1)) if d <= said])
    key = life.say(last, f"{weekend_phrase(said, day)} I {real[0]}, it was great.", "event")
    life.ask("temporal", life.pick(("What did I get up to last weekend?", "How did I spend last weekend?",
                                    "What did I tell you I did last weekend?")), real[0], real[1], [key],
             time_relative=True)
    earlier = [s for s in range(last - 1) if weekend_days(life.sessions[s].date()) < weekend - timedelta(days=1)]
    if earlier:  # the same kind of news from an earlier weekend: "last weekend" has to be resolved to pick one
        s = life.pick(earlier)
        said = life.sessions[s].date()
        life.say(s, f"{weekend_phrase(said, weekend_days(said))} I {decoy[0]}, it was fun.", "event")


def weekend_days(said: date) -> date:
    """The most recent Saturday on or before `said`."""
    return said - timedelta(days=(said.weekday() - SATURDAY) % 7)


def weekend_phrase(said: date, day: date) -> str:
    if day == said:
        return "Today"
    if day == said - timedelta(days=1):
        return "Yesterday"
    return f"On {WEEKDAYS[day.weekday()]}"


# -- abstention: plausible questions about things never said ------------------------------------------------------

GENERAL = (("Where did I go to university?", ("university", "college"), ()),
           ("What are my kids called?", ("my son", "my daughter", "my kids", "my children"), ()),
           ("What's my brother's name?", ("brother",), ("brother",)),
           ("What's my sister's name?", ("sister",), ("sister",)),
           ("What's my dog called?", ("my dog", "our dog"), ("pet",)),
           ("Which instrument do I play?", ("i play the", "lessons", "practising the"), ("music",)),
           ("What's my partner's name?", ("partner", "boyfriend", "girlfriend", "husband", "wife"), ("partner",)),
           ("Which hospital was I born in?", ("born",), ()),
           ("What's my blood type?", ("blood type",), ()),
           ("How old am I?", ("years old", "i'm turning", "i turned"), ()),
           ("What's my mother's name?", ("my mum", "my mom", "my mother"), ()),
           ("Which gym do I go to?", ("gym",), ()),
           ("Where did I go on holiday last summer?", ("last summer", "holiday"), ()),
           ("What's my favourite band?", ("favourite band",), ()),
           ("What was my grandfather's job?", ("grandfather", "grandad", "grandpa"), ()),
           ("What's my middle name?", ("middle name",), ()),
           ("Where did I grow up?", ("grew up", "was a kid in"), ("hometown",)),
           ("Which sports team do I support?", ("supported", "fan of"), ("team",)))


def abstention(life: Life, count: int = 2) -> None:
    """One near miss when the life offers one, the rest general questions about things never mentioned."""
    asked: set[str] = set()
    if life.near_misses:
        text, absent = life.pick(life.near_misses)
        life.abstain(text, absent)
        asked.add(text)
    general = [g for g in GENERAL if g[0] not in asked and not set(g[2]) & life.topics]
    for text, phrases, _ in life.rng.sample(general, count - len(asked)):
        life.abstain(text, phrases)
