"""Who is who in a reply. A small model answering a question about the person often takes the person's place
("Where do I live?" → "I live in a small town…"), answers a question about itself as if it were about them
("What's your favourite music?" → "Your favourite kind of music is jazz."), or says the person's part as its
own ("I haven't told you about your brother yet."). Such a sentence is held until it is whole and turned round
before it is shown; a claim that results ("You live in …") is then checked against memory like any other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from os1.character.phrases import Word

# "I haven't told you about your brother": the person's part. The companion hasn't *heard*.
_TOLD_YOU = re.compile(
    r"\b(haven't|have not|hasn't|never|didn't|did not)\s+(?:told|tell|mentioned|mention)\s+you\b"
    r"(?=\s+(?:about\s+)?(?:your|you|where|what|who|how|when|our|yet|anything)\b|\s*[.!?]|\s*$)")
_HEARD = {"haven't": "haven't heard", "have not": "have not heard", "hasn't": "hasn't heard",
          "never": "never heard", "didn't": "didn't hear", "did not": "did not hear"}
_DENYING = frozenset({"haven't", "hasn't", "never", "didn't"})
_TELLING = frozenset({"told", "tell", "mentioned", "mention"})
# "Where do I live?", "What did I study?": the verbs the person asked about themselves with.
_ASKED_OWN = re.compile(r"\b(?:do|did|should|can|could|will|would)\s+I\s+([a-z]+)\b", re.IGNORECASE)
_GENERAL = frozenset({"do", "have", "be", "know", "think", "say", "mean", "need", "want", "get", "feel", "look"})
_ASKED_ITS_OWN = re.compile(r"\byour\s+(favou?rite)\b", re.IGNORECASE)
_ASKED_AGE = re.compile(r"\bhow old am I\b", re.IGNORECASE)


def _next(ws: Sequence[Word], n: int, partial: bool) -> str | None:
    """The word after the n-th, or None while it is unknown (not yet written, or still being written)."""
    if n + 1 >= len(ws) or (partial and n + 1 == len(ws) - 1):
        return None
    return ws[n + 1].text


@dataclass(frozen=True)
class Perspective:
    """What the person's message asked about whom, and how to turn round a sentence that mixes them up."""

    their_verbs: frozenset[str] = frozenset()  # asked "where do I live?": "live", "lives", "lived"
    its_own: bool = False  # asked "what's your favourite…?"
    their_age: bool = False  # asked "how old am I?": "I'm not sure how old I am" is about them

    @classmethod
    def of(cls, asked: str) -> Perspective:
        verbs = {m.group(1).lower() for m in _ASKED_OWN.finditer(asked)} - _GENERAL
        forms = {form for v in verbs for form in (v, v + "s", v + "d", v + "ed")}
        return cls(frozenset(forms), bool(_ASKED_ITS_OWN.search(asked)), bool(_ASKED_AGE.search(asked)))

    def hold_from(self, ws: Sequence[Word], partial: bool) -> int | None:
        """The first word to hold until its sentence is whole, if any: "I" that may begin "I live" (asked
        "where do I live?"), "Your" that may begin "Your favourite", "haven't" that may go on "told you"."""
        for n, w in enumerate(ws):
            after = _next(ws, n, partial)
            if w.text == "i" and self.their_verbs and (after is None or after in self.their_verbs):
                return n
            if w.text == "your" and self.its_own and (after is None or after.startswith("favo")):
                return n
            if w.text in _DENYING or (w.text in ("have", "did") and after in (None, "not")):
                then = _next(ws, n + 1, partial) if after == "not" else after
                if then is None or then in _TELLING:
                    return n
        return None

    def turn(self, sentence: str) -> str:
        sentence = _TOLD_YOU.sub(lambda m: _HEARD[re.sub(r"\s+", " ", m.group(1))], sentence)
        if self.their_verbs:
            verbs = "|".join(sorted(self.their_verbs, key=len, reverse=True))
            sentence = re.sub(rf"(^\s*|[.!?]\s+)I\s+({verbs})\b", r"\1You \2", sentence)
            sentence = re.sub(rf"([,;]\s+)I\s+({verbs})\b", r"\1you \2", sentence)
        if self.their_age:
            sentence = re.sub(r"\bhow old I am\b", "how old you are", sentence)
        if self.its_own:
            sentence = re.sub(r"\bYour\s+(favou?rite)\b", r"My \1", sentence)
            sentence = re.sub(r"\byour\s+(favou?rite)\b", r"my \1", sentence)
        return sentence
