"""One person's life as the benchmark sees it: the turns planted in their sessions and the questions about them.

A `Life` is filled by fact templates (facts.py, timeline.py). A template says something in one or more
sessions (`say`, which returns a key for the planted turn) and asks about it (`ask`, with those keys as
evidence); dataset.py later weaves the planted turns into small talk and turns keys into message ids.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

T = TypeVar("T")

# The companion's reply to a planted turn. Deliberately generic: it never repeats the fact, so the person's own
# message is the one place the answer lives.
REPLIES = {
    "news": ("Oh, that's wonderful news!", "That's big! How do you feel about it?", "I love hearing that.",
             "Wow, congratulations!", "What a lovely thing to share.", "That's exciting!"),
    "fact": ("Thanks for telling me that.", "I didn't know that about you.", "That's good to know.",
             "Oh, interesting! Tell me more some time.", "I'll keep that in mind.", "Huh, I like that."),
    "hard": ("Oh no, I'm sorry.", "That sounds hard. How are you holding up?", "That's rough.",
             "Ugh. I hope it gets easier."),
    "event": ("How was it?", "That sounds like quite a day!", "Oh nice, how did it feel?",
              "I'm glad you told me about it.", "What was that like?"),
}

ABSTAIN_ACCEPT = ["don't know", "do not know", "not sure", "didn't tell", "did not tell", "haven't told",
                  "have not told", "never mentioned", "never told", "no idea", "don't have", "not mentioned",
                  "didn't mention", "haven't mentioned", "you haven't", "no information", "not aware",
                  "no record", "unknown", "can't recall", "don't recall"]


@dataclass(frozen=True)
class Plant:
    key: str
    session: int
    text: str
    reply: str


@dataclass
class Draft:
    """A question before its evidence keys become message ids."""

    kind: str
    text: str
    answer: str
    accept: list[str]
    evidence: list[str]
    stale: list[str] = field(default_factory=list)
    time_relative: bool = False
    absent: list[str] = field(default_factory=list)


@dataclass
class Life:
    rng: random.Random
    first_name: str
    sessions: list[datetime]  # when each session starts, in the person's timezone
    asked_at: datetime
    topics: set[str] = field(default_factory=set)
    plants: list[Plant] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)
    near_misses: list[tuple[str, list[str]]] = field(default_factory=list)  # (question, phrases never said)
    _used: set[str] = field(default_factory=set)

    def pick(self, options: Sequence[T]) -> T:
        return self.rng.choice(options)

    def unique(self, options: Sequence[str]) -> str:
        """A value not yet used in this life (names, cities, companies...), so no two facts share one."""
        free = [o for o in options if o not in self._used and o != self.first_name]
        value = self.rng.choice(free)
        self._used.add(value)
        return value

    def session(self, lo: int = 0, hi: int | None = None) -> int:
        """A session index in lo..hi (inclusive; negative hi counts from the end)."""
        last = len(self.sessions) - 1
        hi = last if hi is None else (hi if hi >= 0 else last + 1 + hi)
        return self.rng.randint(max(0, lo), max(0, min(hi, last)))

    def say(self, session: int, text: str, tone: str = "fact") -> str:
        key = f"p{len(self.plants)}"
        self.plants.append(Plant(key, session, text, self.pick(REPLIES[tone])))
        return key

    def ask(self, kind: str, text: str, answer: str, accept: Sequence[str], evidence: Sequence[str],
            stale: Sequence[str] = (), time_relative: bool = False) -> None:
        self.drafts.append(Draft(kind, text, answer, [a.lower() for a in accept], list(evidence),
                                 [s.lower() for s in stale], time_relative))

    def abstain(self, text: str, absent: Sequence[str]) -> None:
        self.drafts.append(Draft("abstention", text, "unknown", list(ABSTAIN_ACCEPT), [],
                                 absent=[a.lower() for a in absent]))

    def near_miss(self, text: str, absent: Sequence[str] = ()) -> None:
        """A question close to something said but never answered by it (asked about a brother, told of a
        sister); `absent` are phrases the transcript must not contain."""
        self.near_misses.append((text, list(absent)))


def pronouns(gender: str) -> dict[str, str]:
    if gender == "f":
        return {"they": "she", "them": "her", "their": "her", "They": "She", "is": "is"}
    return {"they": "he", "them": "him", "their": "his", "They": "He", "is": "is"}
