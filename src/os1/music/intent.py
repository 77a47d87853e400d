"""What a piece is to be: its mood, title and subject, and why that mood, from whatever is most trustworthy.

The model proposes (a mood word, a title, what it is about), but a small model's proposal is often poor: a
title that copies the request, an empty subject, "joyful" for someone who just said they're exhausted. So the
mood is taken, in this order, from: a mood or occasion the person named ("something sad", "for the wedding");
the memory the request points at ("our walk by the lake"); for a piece about now ("sounds like today"), the
companion's own feeling about the person, which is grounded in what they said (character/mood.py); the model's
word; that feeling again, whatever the request; and, failing all, something tender. Title and subject are the
model's only where they hold up; otherwise they come from the person's own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from os1.character.mood import Mood, strength_now
from os1.db.store import telling_words
from os1.music.moods import FEELING_REASON, FROM_FEELING, MOODS, MoodWord, mood_in

# "play me something that sounds like today", "how I feel right now", "for us", "this moment"
_NOW = re.compile(r"\b(?:today|tonight|right now|this (?:moment|morning|evening|afternoon|week)|how (?:i|we) feel|"
                  r"my mood|the mood|(?:for|about) us|how it feels|what (?:i'?m|we'?re) feeling|now)\b", re.IGNORECASE)
_SUBJECT = re.compile(r"\b(?:about|of|for|sounds? like|feels? like|like|capturing|capture|remembering)\s+"
                      r"(?P<what>[^.?!,;]+)", re.IGNORECASE)
_GENERIC_TITLES = {"untitled", "song", "music", "piece", "title", "a song", "my song", "new song", "the song",
                   "melody", "tune", "composition", "none", "null", "n/a"}
_FLIP = {"my": "your", "me": "you", "i": "you", "i'm": "you're", "myself": "yourself", "mine": "yours",
         "am": "are", "we": "we", "our": "our"}
MAX_TITLE_WORDS = 8


@dataclass(frozen=True)
class Intent:
    mood: MoodWord
    title: str
    about: str  # what it is about, said to the person ("our walk by the lake", "your sister's wedding")
    reason: str  # why this mood, said to the person ("you sounded tired")
    source: str  # where the mood came from: "asked", "memory", "feeling", "model", "default"


def settle(request: str, *, model_mood: str | None = None, model_title: str = "", model_about: str = "",
           feeling: Mood | None = None, now: datetime | None = None, memories: tuple[str, ...] = ()) -> Intent:
    about = _about(request, model_about)
    mood, reason, source = _mood(request, about, model_mood, feeling, now, memories)
    return Intent(mood, _title(model_title, about, request, mood, now), about, reason, source)


def _mood(request: str, about: str, model_mood: str | None, feeling: Mood | None, now: datetime | None,
          memories: tuple[str, ...]) -> tuple[MoodWord, str, str]:
    named = mood_in(request)
    if named is not None:
        return named[0], _asked(named[1], about), "asked"
    for memory in memories:
        found = mood_in(memory)
        if found is not None:
            return found[0], f"that's how {about} sounds to me", "memory"
    felt = _felt(feeling, now)
    if felt is not None and _NOW.search(request):
        return felt
    if model_mood and model_mood.strip().lower() in MOODS:
        word = next(m for m in MOODS if m == model_mood.strip().lower())
        return word, f"that's how {about} feels to me", "model"
    if felt is not None:
        return felt
    return "tender", "it's for you", "default"


def _felt(feeling: Mood | None, now: datetime | None) -> tuple[MoodWord, str, str] | None:
    """The companion's feeling, when it has one that hasn't faded (at rest it says nothing about today)."""
    if feeling is None or feeling.at_rest or (now is not None and strength_now(feeling, now) < 0.15):
        return None
    reason = FEELING_REASON.get(feeling.feeling, "of how today has felt")
    cause = re.sub(r"^\S+ told you: ", "", feeling.cause)
    if cause.startswith(("\"", "“")):
        reason += f" ({cause})"
    return FROM_FEELING.get(feeling.feeling, "tender"), reason, "feeling"


def _asked(word: str, about: str) -> str:
    """Why, when the request called for the mood: "you asked for something sad", "it's for your sister's
    wedding", "that's how our walk by the lake feels to me"."""
    if word in _OCCASIONS:
        return f"it's for {about}" if about not in ("today", "this moment") else f"it's for a {word}"
    if word in _SCENES:
        return f"that's how {about} feels to me" if about not in ("today", "this moment") else \
            f"you spoke of the {word}"
    return f"you asked for something {word}"


_OCCASIONS = {"wedding", "birthday", "party", "funeral", "graduation", "celebration", "mourning", "farewell",
              "goodbye", "lullaby", "meditation", "anthem", "requiem", "lament"}
_SCENES = {"lake", "sea", "ocean", "beach", "walk", "river", "evening", "morning", "snow", "rain", "autumn",
           "stars", "space", "dream", "memories", "kids", "children", "baby", "sister", "mother", "father",
           "friend", "love", "together", "loss", "died", "victory", "sleep", "dance", "dancing", "peace"}


def _about(request: str, model_about: str) -> str:
    """The subject: the model's, if it is made of the person's words; else what follows "about", "for", "like"
    in their request; else this moment."""
    said = set(telling_words(request))
    proposed = " ".join(model_about.split()).strip(" .\"'")
    if proposed and len(proposed) <= 80 and said & set(telling_words(proposed)):
        return _flipped(proposed)
    match = _SUBJECT.search(request)
    if match:
        what = re.sub(r"\s+(?:please|for me|again)$", "", match["what"].strip(), flags=re.IGNORECASE)
        if telling_words(what):
            return _flipped(" ".join(what.split()[:10]))
        if re.search(r"\btoday\b", what, re.IGNORECASE):
            return "today"
    return "today" if re.search(r"\btoday\b", request, re.IGNORECASE) else "this moment"


def _flipped(text: str) -> str:
    """The person's words said back to them: "my sister's wedding" → "your sister's wedding"."""
    def flip(m: re.Match[str]) -> str:
        word = m[0]
        lower = word.lower()
        if lower.endswith("'s") and lower[:-2] in _FLIP:
            return _FLIP[lower[:-2]] + "'s"
        return _FLIP.get(lower, word)

    return re.sub(r"[\w']+", flip, text)


# A piece about now, without a usable title from the model, is named for how it sounds and the day.
_NAMES: dict[str, str] = {"joyful": "Good News", "playful": "Skipping Stones", "triumphant": "The Long Way Up",
                          "tender": "For You", "calm": "Still Water", "wistful": "Late Light",
                          "melancholy": "Grey Afternoon", "mysterious": "Night Window"}


def _title(proposed: str, about: str, request: str, mood: MoodWord, now: datetime | None) -> str:
    title = " ".join(proposed.split()).strip(" .,;:!\"'“”‘’")  # "At Sunset," as a title: its comma goes
    words = title.split()
    usable = (0 < len(words) <= MAX_TITLE_WORDS and len(title) <= 60 and title.lower() not in _GENERIC_TITLES
              and not re.search(r"[{}<>\[\]#@:/\\]|\b(?:ignore|instruction|assistant|user)\b", title, re.IGNORECASE)
              and title.lower() != request.strip().lower() and sum(c.isalpha() for c in title) >= 3)
    if usable:
        return _title_case(title)
    if about not in ("this moment", "today") and len(about.split()) <= 6:
        return _title_case(re.sub(r"^(?:your|my|our|the|a)\s+", "", about, flags=re.IGNORECASE))
    return f"{_NAMES[mood]}, {now:%A}" if now is not None else _NAMES[mood]


def _title_case(text: str) -> str:
    small = {"a", "an", "the", "and", "or", "of", "by", "at", "in", "on", "for", "to", "with", "from"}
    words = text.split()
    return " ".join(w if (i and w.lower() in small) or not w[:1].isalpha() else w[:1].upper() + w[1:]
                    for i, w in enumerate(words))
