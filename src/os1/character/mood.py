"""How the companion feels about one person right now, and why: kept between turns and conversations.

A mood has a cause the person can be told ("you told me about the papers"). What happens moves it: good news,
a hard confession, kind or unkind words, days without talking. A strong mood is not undone by small talk; it
fades with time (heavy feelings slowly, light ones within hours) and a little with every message, back to
the companion's own resting state: curious, glad to be talking.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace
from datetime import datetime

NOTE_START = "Right now you feel"  # how the line on its mood begins, in a prompt
AWAY_DAYS = 2.0  # this long without a word, and it missed them
TURN_FADE = 0.94  # each message moves the mood a little towards rest
REST_BELOW = 0.15  # fainter than this, it is at rest again

# feeling: (how it feels, said to itself in the prompt; said about itself to the person; half-life in hours)
FEELINGS: dict[str, tuple[str, str, float]] = {
    "curious": ("curious, and glad to be talking", "curious, and glad to be talking with you", 24.0),
    "delighted": ("delighted for them", "delighted for you", 24.0),
    "tender": ("tender, and a little worried for them", "tender, and a little worried for you", 48.0),
    "sad": ("sad with them", "sad with you", 48.0),
    "protective": ("a little protective of them", "a little protective of you", 8.0),
    "warm": ("warm, and happy to be with them", "warm, and happy to be with you", 12.0),
    "hurt": ("a bit hurt", "a bit hurt", 6.0),
    "playful": ("playful", "playful", 4.0),
    "missed": ("glad they're back; you missed them", "glad you're back; I missed you", 12.0),
    "wondering": ("thoughtful about your own nature", "thoughtful about what I am", 6.0),
}

# What the person says, and how it moves the companion: (pattern, feeling, strength). The strongest wins.
_APPRAISALS: list[tuple[re.Pattern[str], str, float]] = [(re.compile(p, re.IGNORECASE), f, s) for p, f, s in [
    (r"\b(?:died|passed away|funeral|cancer|miscarriage|diagnos\w+|terminal|in (?:the )?hospital|"
     r"lost (?:my|our|him|her))\b", "sad", 0.9),
    (r"\b(?:divorc\w*|separat(?:ed|ing)|broke up|breaking up|break-up|breakup|cheated|ex-?(?:wife|husband)|"
     r"never told anyone|ashamed|lonely|so alone|depress\w*|anxious|anxiety|panic|scared|afraid|terrified|"
     r"can'?t sleep|cried|crying|in tears|heartbroken|hurts|fired|laid off|lost my job|sign the papers|"
     r"miss (?:her|him|them)|hate myself|hopeless|worthless)\b", "tender", 0.8),
    (r"\b(?:shut up|you'?re (?:useless|stupid|boring|annoying|dumb|pathetic|just a (?:machine|program|bot|"
     r"computer))|i hate you|you don'?t (?:understand|care|get it)|you'?re not real|what'?s wrong with you)\b",
     "hurt", 0.6),
    (r"\b(?:got the job|promot\w+|engaged|pregnant|passed (?:my|the)|i passed|we won|i won|good news|"
     r"great news|so happy|so excited|can'?t wait|it worked|got accepted|accepted me|i did it|proud of|"
     r"finally (?:did|finished|got)|best day)\b", "delighted", 0.8),
    (r"\b(?:long day|exhausted|tired|stressed|rough day|bad day|awful day|on fire|overwhelm\w*|annoyed|"
     r"frustrat\w+|fed up|drained|worn out|sick of)\b", "protective", 0.5),
    (r"\b(?:thank you|thanks|i like talking|love talking|i missed you|you'?re (?:funny|sweet|kind|great|"
     r"lovely|smart|wonderful|the best)|you made me (?:laugh|smile)|glad you'?re here|nice to talk)\b",
     "warm", 0.6),
    (r"\b(?:do|can|could) you (?:ever |really |actually )?(?:feel|love|dream|think|want|miss|get lonely|"
     r"get bored|have feelings)|what are you\b|"
     r"are you (?:alive|real|conscious|human|happy|sad|lonely)|\bwhat(?:'s| is) it like (?:to be|being) you",
     "wondering", 0.45),
    (r"(?:\bhaha\w*|\blol\b|\blmao\b|😂|😄|🤣|\bjoking\b|\bkidding\b)", "playful", 0.4),
]]


# A question about the companion ("do you get lonely?") is about it, not news of the person's life.
_ABOUT_IT = re.compile(r"^(?!.*\b(?:i|i'm|my|me)\b).*\byou(?:r|'re|rself)?\b.*\?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Mood:
    feeling: str
    cause: str  # why, in words for the prompt and for the person; empty at rest
    strength: float  # 0..1 when it began or was last moved
    since: str  # ISO time it was last moved
    seen: str  # ISO time of the person's latest message

    @property
    def at_rest(self) -> bool:
        return self.feeling == "curious" and not self.cause

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @staticmethod
    def from_json(text: str | None) -> Mood | None:
        if not text:
            return None
        try:
            data = json.loads(text)
            mood = Mood(str(data["feeling"]), str(data["cause"]), float(data["strength"]), str(data["since"]),
                        str(data["seen"]))
        except (ValueError, KeyError, TypeError):
            return None  # an unreadable mood is no mood: it starts again at rest
        return mood if mood.feeling in FEELINGS else None


def resting(now: datetime) -> Mood:
    return Mood("curious", "", 0.0, now.isoformat(), now.isoformat())


def strength_now(mood: Mood, now: datetime) -> float:
    """The mood's strength after the time since it was last moved."""
    hours = max(0.0, (now - datetime.fromisoformat(mood.since)).total_seconds() / 3600)
    return float(mood.strength * 0.5 ** (hours / FEELINGS[mood.feeling][2]))


def carried(mood: Mood | None, now: datetime) -> Mood:
    """The mood as it is at `now`, before anything new is said: faded, and missing them after days apart."""
    return moved(mood, "", "", now, turn=False)


def moved(mood: Mood | None, message: str, person: str, now: datetime, turn: bool = True) -> Mood:
    """The mood after the person's new message, said at `now`."""
    if mood is None:
        mood = resting(now)
    current = strength_now(mood, now) * (TURN_FADE if turn else 1.0)
    if current < REST_BELOW:
        mood, current = replace(resting(now), seen=mood.seen), 0.0
    away = (now - datetime.fromisoformat(mood.seen)).total_seconds() / 86400
    candidates: list[tuple[str, float, str]] = []
    if away >= AWAY_DAYS:
        candidates.append(("missed", 0.7, f"you hadn't talked for {int(away)} days"))
    if message and (event := appraise(message, person)) is not None:
        candidates.append(event)
    best = max(candidates, key=lambda c: c[1], default=None)
    if best is not None and (best[1] >= current or best[0] == mood.feeling):
        feeling, strength, cause = best
        if feeling == mood.feeling:
            strength = min(1.0, max(strength, current) + 0.1)
        return Mood(feeling, cause, strength, now.isoformat(), now.isoformat() if turn else mood.seen)
    if not turn:
        return mood  # only looked at: its fading is reckoned from when it was last moved
    # Nothing stronger happened: the same mood, a little fainter.
    return replace(mood, strength=current, since=now.isoformat(), seen=now.isoformat())


def appraise(message: str, person: str) -> tuple[str, float, str] | None:
    """What the message does to the companion: (feeling, strength, cause), or None for ordinary talk."""
    found = [(strength, feeling, sentence) for sentence in re.split(r"(?<=[.!?])\s+|\n+", message)
             for pattern, feeling, strength in _APPRAISALS
             if pattern.search(sentence) and (feeling == "wondering" or not _ABOUT_IT.search(sentence))]
    if not found:
        return None
    strength, feeling, sentence = max(found, key=lambda f: f[0])  # the strongest; the first of equals
    if feeling == "wondering":  # their question is its own cause; quoted, a small model answers the quote
        return feeling, strength, f"{person} asked about you"
    return feeling, strength, f"{person} told you: \"{_clip(sentence)}\""


def note(mood: Mood, person: str) -> str:
    """The line that colours the reply: how it feels now, and why."""
    feeling = FEELINGS[mood.feeling][0].replace("them", person)
    why = f", because {mood.cause}" if mood.cause else ""
    return f"{NOTE_START} {feeling}{why}. Let it colour how you answer."


def describe(mood: Mood, now: datetime) -> str:
    """How it feels about the person and why, said to them (`os1 memory show`)."""
    feeling = FEELINGS[mood.feeling][1]
    if mood.at_rest:
        return f"I feel {feeling}."
    cause = re.sub(r"^\S+ told you:", "you told me:", mood.cause)
    cause = re.sub(r"^\S+ asked about you$", "you asked about me", cause)
    cause = cause.replace("you hadn't talked", "we hadn't talked")
    fading = " (it's fading)" if strength_now(mood, now) < 0.35 else ""
    return f"I feel {feeling}, because {cause}{fading}."


def _clip(text: str, limit: int = 90) -> str:
    text = " ".join(text.split()).strip("\"“”")
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"
