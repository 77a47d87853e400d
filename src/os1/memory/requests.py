"""Requests about memory itself, said in conversation: "what do you know about me?", "forget what I told you
about my ex" (the yes or no that answers is read by text/answers.py). Recognised by pattern, so they work the same
with any model, and never by a model's whim."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

_POLITE = r"^\s*(?:(?:ok(?:ay)?|hey|so|and|also|um+|please|can you|could you|would you|will you|i want you to|" \
          r"i'd like you to|i need you to)[\s,]+)*"
_SHOW = re.compile(_POLITE + r"(?:tell me )?what (?:do|did|else do) you (?:know|remember|have learned|"
                   r"know or remember) about me\b|^\s*what have you learned about me\b|"
                   r"^\s*(?:please\s+)?tell me (?:everything |all )?(?:what )?you (?:know|remember) about me\b|"
                   r"^\s*how much do you (?:know|remember) about me\b", re.IGNORECASE)
_FORGET = re.compile(_POLITE + r"(?:forget|delete|erase|wipe)\s+(?:(?:about|all about|everything about|"
                     r"everything (?:i|that i) (?:told|said|mentioned)(?: to)?(?: you)? about|"
                     r"what(?:ever)? i (?:told|said|mentioned)(?: to)?(?: you)? about|"
                     r"(?:everything |all )?(?:you know|you remember) about|the (?:stuff|things?) about|"
                     r"that i (?:told you|said|mentioned)(?: that)?|that|my memories of)\s+)?(?P<topic>.+)",
                     re.IGNORECASE)
_VAGUE = {"it", "that", "this", "everything", "all", "them", "me"}
# "Delete my 7am alarm", "delete the spam", "delete old-cv.docx" ask a tool to act on things in the world (a
# reminder, mail, a file), not to forget memories about them.
_THINGS = (r"reminders?|alarms?|e-?mails?|mails?|inbox|newsletters?|promotions?|notifications?|spam|junk|"
           r"messages?(?=\s+from\b)|files?|folders?|documents?|pdfs?|photos?|pictures?|screenshots?|duplicates|downloads")
_WORLDLY = re.compile(r"^(?:(?:my|the|that|this|these|those|all|all my|all the|all of my|all of the|both)\s+)?"
                      rf"(?:[\w:.'-]+\s+){{0,3}}?(?:{_THINGS})(?:$|[\s,.!]+(?:about|for|at|to|on|that|i|you|"
                      r"please|in|from|of|$))|^what can go\b|^[\w ()'-]{1,80}\.[a-z0-9]{1,5}$|"
                      r"^(?:my |the |a )?client\b", re.IGNORECASE)  # a letters client has a memory of their own


@dataclass(frozen=True)
class MemoryRequest:
    kind: Literal["show", "forget"]
    topic: str = ""


def memory_request(text: str) -> MemoryRequest | None:
    """What the person asks of the companion's memory in this message, if anything."""
    if _SHOW.search(text):
        return MemoryRequest("show")
    match = _FORGET.match(text)
    if match:
        topic = match["topic"].strip(" .!?\"'")
        topic = re.sub(r"^(?:about|the fact that|that)\s+", "", topic, flags=re.IGNORECASE)
        topic = re.sub(r"\s*,?\s*(?:please|ok(?:ay)?|thanks?|thank you)$", "", topic, flags=re.IGNORECASE)
        if topic and topic.lower() not in _VAGUE and not _WORLDLY.match(topic):
            return MemoryRequest("forget", topic)
    return None
