"""Whether a message asks for something to be done, or only talks.

A tool is offered when the person's words name what it does (`asked_by`), but words about letters, mail or files
are in plenty of remarks: "I write letters for other people, for a living" asks for nothing, and answering it
with "Your mail isn't connected yet" is answering someone who wasn't talking to you. A message asks when one of
its clauses is a request: an imperative ("find…", "send it"), a question about their things ("any new mail?"),
or a wish put to the companion ("can you…", "I need to find…"). A statement about the world or themselves
("I write…", "my sister sent…", "Amy says…") is a remark, and so is a question about opinions or the
companion itself ("do you think people write fewer letters now?").
"""

from __future__ import annotations

import re

_FILLER = re.compile(r"^(?:(?:hey|hi|ok|okay|so|oh|um+|uh+|well|alright|all right|right|and|also|now|then|listen|"
                     r"yeah|yes|no|nope|actually|honestly|by the way|btw|anyway|hmm+|ah|sorry|look|wait|see)"
                     r"\b[\s,!-]*)+", re.IGNORECASE)
_ASKING = re.compile(
    r"^(?:please|pls|can (?:you|u)|could (?:you|u)|would (?:you|u)|will (?:you|u)|would you mind|do me a favou?r|"
    r"(?:i (?:want|need|would like|would love)|i'?d (?:like|love)) you to|help me|let'?s|let me|"
    r"(?:i (?:want|wanna|need|would like|have|must|gotta|'ve got)|i'?d like) to|i (?:want|need) (?:my|the|a|an|all)|"
    r"i'?m (?:looking|searching) for|i am (?:looking|searching) for|i can'?t find|i cannot find|i lost|"
    r"don'?t let me|make sure|go ahead|time to)\b", re.IGNORECASE)
_ANYWHERE = re.compile(r"\b(?:please|for me|(?:can|could|would|will) (?:you|u) (?!(?:ever|really|even|still|"
                       r"think|feel|imagine|believe|remember|like|love|tell if|see yourself)\b)\w+|"
                       r"if you (?:could|can|would))\b", re.IGNORECASE)
# Questions that are conversation, not errands: about opinions, feelings, the companion itself.
_CHAT_QUESTION = re.compile(
    r"^(?:do you|did you ever|have you ever|would you rather|are you|were you|what do you|what did you think|"
    r"how do you|how are you|how was your|what'?s it like|what is it like|what'?s your|what is your|"
    r"don'?t you|can you (?:feel|imagine|believe|remember)|is it (?:weird|strange|normal|bad|wrong|ok|okay|silly|"
    r"odd|funny)|isn'?t it|why do (?:people|we|i)|why does|why is|why are|who do you|which do you)\b",
    re.IGNORECASE)
_QUESTION_START = re.compile(
    r"^(?:what|what'?s|whats|where|where'?s|which|who|who'?s|when|how|any|anything|is|are|was|were|do|does|did|"
    r"have|has|had|can|could|should|shall|got|am)\b", re.IGNORECASE)
_SUBJECT = re.compile(
    r"^(?:i|i'?m|im|i'?ve|ive|i'?d|i'?ll|we|we'?re|we'?ve|we'?d|my|our|he|he'?s|she|she'?s|they|they'?re|it|it'?s|"
    r"its|that|that'?s|this|there|there'?s|his|her|their|people|everyone|everybody|nobody|someone|somebody|"
    r"nothing|everything|most|some|a|an|the|these|those|you'?re|you are|you were|you said|you know)\b",
    re.IGNORECASE)
# A name, then a verb said of it ("Amy says", "Paul sent me"): someone else did something, a remark.
_SOMEONE_DID = re.compile(r"^[A-Z][a-z]+(?:'s)? (?:\w+ly )?(?:[a-z]+(?:s|ed)|said|sent|wrote|told|got|went|"
                          r"made|is|was|has|had|did|does|thinks|thought|says|keeps|kept|loves|hates|wants)\b")
# "Letters are my whole job": a few words, then a verb of being or happening.
_STATEMENT = re.compile(r"^(?:[\w'-]+\s+){1,3}(?:is|are|was|were|has been|have been|feels?|seems?|looks?|came|"
                        r"comes?|went|goes|keeps?|kept|piles? up|never|always|used to)\b", re.IGNORECASE)
# Verbs a request starts with ("tidy it up", "send it"): after a remark in the same message, still a request.
_DO = re.compile(
    r"^(?:(?:e-?mail|mail|message|text)(?= (?:it|this|that|them|him|her|me|my|the|(?-i:[A-Z])|\S+@))|"
    r"find|search|look|check|read|open|show|tell|give|get|fetch|bring|send|write|"
    r"reply|respond|answer|draft|forward|archive|delete|trash|bin|remove|throw|move|rename|tidy|clean|organi[sz]e|"
    r"sort(?! of)|summari[sz]e|sum|remind|wake|set|cancel|turn|switch|nudge|go|pull|dig|file|put|make|list|clear|add|"
    r"save|note|book|schedule|unset|change|triage|declutter|sift|prioriti[sz]e|deal|mark|flag|copy|erase|"
    r"discard|locate|track|update|undo|stop|start)\b", re.IGNORECASE)
_CLAUSES = re.compile(r"[.!?;\n]+|,|\s[-—–]\s|\b(?:but|so|and then)\b", re.IGNORECASE)


def asks_for_action(text: str) -> bool:
    """Whether the message asks for something to be done (or looked up) for the person: one of its clauses
    asks, or none of them is a statement (a bare "in 20 minutes remind me…", "the second one")."""
    kinds = [_kind(clause) for clause in _clauses(text)]
    return "asks" in kinds or "says" not in kinds


def _clauses(text: str) -> list[str]:
    parts = (_FILLER.sub("", part.strip()).strip() for part in _CLAUSES.split(text))
    return [p for p in parts if p]


def _kind(clause: str) -> str:
    """"asks", "says" (a statement, or a question that is only conversation), or "" (a fragment: "for a
    living", "years ago")."""
    if _ASKING.search(clause) or _ANYWHERE.search(clause) or _DO.search(clause):
        return "asks"
    if _CHAT_QUESTION.search(clause):
        return "says"
    if _QUESTION_START.search(clause):
        return "asks"
    if _SUBJECT.search(clause) or _SOMEONE_DID.search(clause) or _STATEMENT.search(clause):
        return "says"
    return ""
