"""What a fact is about, and which older facts a newer one replaces: the newest fact wins.

The model names topics freely ("city", "residence", "home city"; "work", "occupation"), so a topic is first
brought to one key. Some keys hold one value at a time (the slots: where the person lives, their job, their
partner...): a new fact on one replaces the old. A key that names one thing ("race: Lisbon half marathon") is
replaced by a newer fact on the very same key. And a fact that says something is over ("Maria cancelled the
Lisbon race", "Maria quit the choir") replaces the facts on that thing, whatever their key.
"""

from __future__ import annotations

import re
from typing import Protocol

from os1.db.store import STOPWORDS
from os1.memory.facts import normalize_topic

# Slot → the words a model uses for it as a topic.
SLOTS: dict[str, frozenset[str]] = {
    "home city": frozenset("home city town location residence address home address lives living where lives "
                           "current city place of residence home town current home moved move relocation "
                           "relocated neighbourhood neighborhood".split(" ")),
    "job": frozenset("job work occupation career employment employer profession workplace new job current job "
                     "company works working position role".split(" ")),
    "partner": frozenset("partner boyfriend girlfriend husband wife spouse relationship relationship status "
                         "dating marriage fiance fiancee".split(" ")),
    "age": frozenset(["age"]),
    "school": frozenset("school university college studies degree course".split(" ")),
    "car": frozenset("car vehicle".split(" ")),
}
# Said of the person, these put a fact in a slot whatever topic the model chose ("is moving to" is a plan yet).
_SLOT_TEXT = {
    "home city": re.compile(r"\b(?:lives|living|moved|relocated|settled)\s+(?:back\s+)?(?:in|to)\b", re.IGNORECASE),
    "job": re.compile(r"\b(?:works|working|worked)\s+(?:as|at|for)\b|\b(?:new|current)\s+job\b|\bjob\s+(?:as|at)\b"
                      r"|\b(?:hired|employed|laid off|fired|quit (?:her|his|their|the|a) job|started (?:work|a job))\b",
                      re.IGNORECASE),
}
# A fact that says who the partner is, or that there is none.
_PARTNER_TEXT = re.compile(r"\b(?:boyfriend|girlfriend|husband|wife|partner|fianc[eé]e?)(?:['’]s name)?\s+is\s+"
                           r"(?:called\s+|named\s+)?(?-i:[A-Z])|\b(?:is|are|got)\s+(?:dating|married|engaged|divorced|single)\b"
                           r"|\b(?:broke|split)\s+up\b", re.IGNORECASE)
# A fact saying something is over or off.
CHANGE = re.compile(r"\b(?:cancel(?:l?ed|s|ling)?|called off|pulled out|dropped out|withdr[ae]w\w*|no longer|not going|"
                    r"won['’]t|isn['’]t going|aren['’]t going|quit|quits|stopped|stops|gave up|gives up|sold|"
                    r"broke up|split up|moved out|postponed|left|ended|finished with|not doing|skipp(?:ed|ing))\b",
                    re.IGNORECASE)
_NOT_DISTINCTIVE = frozenset("""cancel cancelled canceled cancelling called pulled dropped withdrew withdrawn longer
going quit quits stopped stops gave gives sold broke split moved postponed left ended finished doing skipped
skipping isn aren won anymore because decided due plan plans planned today tonight tomorrow yesterday week weekend
month year early late""".split())


class FactLike(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def topic(self) -> str: ...


def canonical_topic(topic: str, text: str, person: str) -> str:
    """One key for one thing: a slot's own name for any of its words, when the fact is about the person."""
    key = normalize_topic(topic)
    if _PARTNER_TEXT.search(text) and (key in SLOTS["partner"] or key.split(":")[0].strip() in SLOTS["partner"]):
        return "partner"  # who the partner is, not something about them ("Maria's husband Tom is a chef")
    if _about_someone_else(text, person):  # "Amy works at the bank": Amy's job, not the person's
        return key
    if key in SLOTS or CHANGE.search(text):
        return key  # "Maria left her job at Café Lune": the end of that one job, not a new one (see replaces)
    head = key.split(":")[0].strip()
    for slot, words in SLOTS.items():
        if slot != "partner" and (key in words or head in words):
            return slot
    for slot, pattern in _SLOT_TEXT.items():
        if pattern.search(text):
            return slot
    return key


def replaces(new: FactLike, old: FactLike, person: str) -> bool:
    """Whether the newer fact makes the older one no longer true."""
    if new.topic == old.topic and (new.topic in SLOTS or ":" in new.topic and not _many_facts(new.topic)):
        return True
    if not CHANGE.search(new.text) or CHANGE.search(old.text):
        return False
    shared = set(distinctive_words(new.text, person)) & set(distinctive_words(f"{old.topic} {old.text}", person))
    # Two words in common, or a name ("Lisbon", "Café Lune"): "Maria left work early" ends nothing.
    names = {w.lower() for w in re.findall(r"(?<=\s)(?-i:[A-Z])[\w'’]+", new.text)}
    return len(shared) >= 2 or bool(shared & names)


def distinctive_words(text: str, person: str) -> list[str]:
    """The words that name the thing a fact is about: no common words, no verbs of change, not the person."""
    skip = {w.lower() for w in re.findall(r"\w+", person)}
    words = [w.lower().removesuffix("'s") for w in re.findall(r"[\w'’]+", text)]
    return [w for w in dict.fromkeys(words) if len(w) > 3 and w not in STOPWORDS and w not in _NOT_DISTINCTIVE
            and w not in skip and not w.isdigit()]


def _many_facts(key: str) -> bool:
    """A person or an animal ("sister: Ana", "pet: Rex"): many things are true of them at once."""
    return key.split(":")[0].strip() in _BEINGS


_BEINGS = frozenset("""brother sister mum mom mother dad father son daughter husband wife boyfriend girlfriend
partner fiance fiancee friend cousin aunt uncle grandma grandmother gran nan grandpa grandfather niece nephew boss
flatmate roommate housemate neighbour neighbor manager colleague coworker therapist doctor pet dog puppy cat kitten
baby family kid kids child children parent parents""".split()) | {"best friend"}


def _about_someone_else(text: str, person: str) -> bool:
    """"Amy works at the bank" and "Maria's brother moved to Leeds" are about someone else; "Maria moved to
    Leeds" and "Maria's job is in Leeds" are about Maria."""
    words = text.strip().split()
    first = words[0].lower().replace("’", "'") if words else ""
    if first in (person.lower(), "they", "she", "he", "i"):
        return False
    if first == f"{person.lower()}'s" and len(words) > 1:
        after = words[1].lower().strip(",.")
        return after in _BEINGS or words[1][:1].isupper() or f"{after} {words[2].lower()}" in _BEINGS \
            if len(words) > 2 else after in _BEINGS
    return True
