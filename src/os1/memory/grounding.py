"""Grounding a reply in memory: what recall found, made ready for the prompt, and what memory does not hold.

Recall always finds something; for a question about the person's own life ("what's my mum called?") that
something may be a neighbour ("we got a puppy named Rex"), and a small model answers with it. So when the
person asks what they told the companion, the thing asked about has to be in what recall found, in what the
companion knows of them, or in this conversation; if it is in none, the prompt says plainly that it was never
told, and the neighbours are left out. A recalled message whose fact has since changed carries the change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from os1.db.store import STOPWORDS, Store, User, telling_words
from os1.memory import facts as factbook
from os1.memory.notes import dates_of
from os1.memory.profile import profile

# A question that asks the companion to remember: about the person's own people, things and life.
_RECALL_QUESTION = re.compile(
    r"\b(?:what|what['’]s|whats|who|who['’]s|where|where['’]s|when|when['’]s|which|how|how['’]s)\b[^?.!]*?"
    r"\b(?:my|our)\b"
    r"|\b(?:what|who|where|when|which|how)\b[^?.!]*?\b(?:do|did|am|was|have|had)\s+(?:i|we)\s+(?:\w+\s+)?"
    r"(?:live|lived|work|worked|do|doing|did|study|studied|drive|play|like|love|hate|have|own|prefer|go|went|"
    r"call|called|name|named|tell|told|say|said|mention|mentioned|move|moved|get|got|start|started)\b"
    r"|\b(?:do you (?:remember|know|recall)|did i (?:tell|mention)|have i (?:told|mentioned)|remind me (?:what|who|"
    r"where|when|of|about))\b", re.IGNORECASE)
# A sentence that only asks: "What's my mum called?", "Do you remember my sister?".
_QUESTION = re.compile(r"^\W*(?:what|what['’]s|who|who['’]s|where|when|which|how|why|do|does|did|is|are|was|were|can|"
                       r"could|would|will|have|has|remember|remind)\b[^.!]*\?\s*$", re.IGNORECASE)
# Questions that ask for an opinion or help, not for a memory.
_NOT_RECALL = re.compile(r"\b(?:should|could you|can you|would you|do you think|what if|recommend|suggest|"
                         r"remind me (?:to|at|in|on|tomorrow|tonight))\b", re.IGNORECASE)
# Words of a question that say it is a question, not what it is about.
_ASKING = frozenset("""what whats who whos where wheres when whens which how hows name names named called call
remember recall mention mentioned again remind kind type sort tell told say said ever exactly doing do did
does live lived living thing things stuff up new much many old since long often usually last first""".split())
# Words that stand for each other in a question and in what was said.
_KIN = [set(group.split()) for group in (
    "mother mom mum mam mommy mummy mama ma parents parent",
    "father dad daddy papa pa parents parent",
    "brother bro brothers sibling siblings",
    "sister sis sisters sibling siblings",
    "partner boyfriend girlfriend husband wife spouse fiance fiancee fiancé fiancée",
    "son daughter kid kids child children baby",
    "grandmother grandma granny nan nana gran grandparents",
    "grandfather grandpa granddad grandad grandparents",
    "pet pets dog dogs puppy pup cat cats kitten "  # a pet is often told by its breed: "we adopted a beagle"
    "beagle labrador retriever poodle terrier spaniel collie husky bulldog dachshund pug corgi chihuahua "
    "schnauzer greyhound whippet tabby siamese",
    "work job career office employer company boss colleague colleagues workplace profession working works "
    "jobs hired",
    "home city town flat apartment house moved move lives live living neighbourhood neighborhood address",
    "car cars drive vehicle",
    "hobby hobbies pastime pastimes",
    "colour color",
    "favourite favorite",
)]
# Subjects too broad to be found by their own word: "what hobby am I doing?" is answered by "pottery classes".
# For these, memory holds nothing only when recall found nothing at all.
_BROAD = frozenset("""work job career home live lives living city town hobby hobbies pastime favourite favorite
colour color plan plans life day week weekend month year news""".split())
# The topic of facts that answer a question about a kind of thing (see topics.py for the slots).
_TOPIC_OF = {"hobby": "hobby", "work": "job", "home": "home city", "pet": "pet", "car": "car", "partner": "partner"}
FACTS_ON_A_KIND = 3
# A slot of facts that answers a question about its group even in other words ("where do I work?" → job).
_SLOT_OF = {"work": "job", "home": "home city", "partner": "partner", "car": "car"}


@dataclass(frozen=True)
class Grounding:
    recalled: list[dict[str, Any]]  # what goes into the prompt, as data: dates resolved, changes noted
    person: str
    unknown: str | None = None  # what a question about the person asked that memory does not hold

    def meta(self) -> dict[str, Any]:
        """What is kept with the message, for its prompt to be rendered the same on every turn."""
        if not self.recalled and self.unknown is None:
            return {}
        note: dict[str, Any] = {"person": self.person}
        if self.unknown is not None:
            note["unknown"] = self.unknown
        return {"recalled": self.recalled, "grounding": note}


def asks_to_recall(text: str) -> bool:
    """Whether a message asks the companion to remember something about the person's life."""
    return bool(_RECALL_QUESTION.search(text)) and not _NOT_RECALL.search(text)


def asked_about(question: str, person: str) -> list[str]:
    """What a question about the person's life asks about: "What's my mother's name?" → ["mother"]."""
    words = [_singular(w) for w in telling_words(question.replace(person, " "))]
    return [w for w in dict.fromkeys(words) if w not in _ASKING and w not in STOPWORDS and not w.isdigit()]


def mentions(text: str, subjects: list[str]) -> bool:
    """Whether text speaks of any of the subjects, in the same or a kindred word ("mum" for "mother")."""
    said = {_singular(w) for w in re.findall(r"\w+", text.lower())}
    return any(_kindred(subject, word) for subject in subjects for word in said)


async def ground(store: Store, user: User, question: str, items: list[dict[str, Any]],
                 conversation_id: int | None = None, before_id: int | None = None) -> Grounding:
    """Recall's items made ready for the prompt, and whether the question asks after something never told."""
    ready = await _with_changes(store, user, [_with_dates(item) for item in items])
    if not asks_to_recall(question):
        return Grounding(ready, user.name)
    subjects = asked_about(question, user.name)
    known = await factbook.facts(store, user, limit=500)
    ready += _facts_on(known, subjects, ready)
    narrow = [s for s in subjects if s not in _BROAD]
    if not subjects or (ready and not narrow) or any(mentions(_told(str(item["text"])), narrow) for item in ready):
        return Grounding(ready, user.name)
    if await _known_otherwise(store, user, known, subjects, conversation_id, before_id):
        return Grounding(ready, user.name)
    return Grounding([], user.name, unknown=" ".join(subjects[:3]))


def _facts_on(known: list[factbook.Fact], subjects: list[str], found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For a question about a kind of thing ("what hobby am I doing these days?"), the facts true now on it,
    newest first, where recall's words missed them ("pottery classes" says no "hobby")."""
    heads = {head for key, head in _TOPIC_OF.items() for s in subjects if _kindred(s, key)}
    have = {(item.get("kind"), item.get("id")) for item in found}
    on = [f for f in known if f.topic.split(":")[0].strip() in heads and ("fact", f.id) not in have]
    return [{"kind": "fact", "id": f.id, "text": f.text, "time": f.created_at, "source_ids": [], "score": 0.0,
             "role": None, "conversation_id": None} for f in on[:FACTS_ON_A_KIND]]


def _with_dates(item: dict[str, Any]) -> dict[str, Any]:
    if item.get("kind") != "message" or "dates" in item:
        return item
    said = datetime.fromisoformat(str(item["time"])).astimezone()
    return {**item, "dates": dates_of(str(item["text"]), said)}


async def _with_changes(store: Store, user: User, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A message whose fact was replaced by a newer one carries the newer one: what is true now."""
    ids = [int(i["id"]) for i in items if i.get("kind") == "message"]
    if not ids:
        return items
    rows = await store.read(
        "SELECT old.source_message_id, new.text, new.created_at, new.id FROM facts old JOIN facts new "
        "ON new.id = old.superseded_by WHERE old.user_id = ? AND old.source_message_id IN "
        "(SELECT value FROM json_each(?)) ORDER BY new.id", (user.id, "[" + ",".join(map(str, ids)) + "]"))
    changed = {int(r[0]): {"id": int(r[3]), "text": str(r[1]), "time": str(r[2])} for r in rows}
    return [{**i, "changed": changed[int(i["id"])]} if i.get("kind") == "message" and int(i["id"]) in changed
            else i for i in items]


async def _known_otherwise(store: Store, user: User, known: list[factbook.Fact], subjects: list[str],
                           conversation_id: int | None, before_id: int | None) -> bool:
    """Whether the subject is in what the companion knows of the person, or said in this conversation."""
    slots = {_SLOT_OF[key] for key in _SLOT_OF for s in subjects if _kindred(s, key)}
    if any(f.topic in slots or mentions(f"{f.topic} {f.text}", subjects) for f in known):
        return True
    if any(mentions(text, subjects) for text in (await profile(store, user)).values()):
        return True
    if conversation_id is None:
        return False
    rows = await store.read("SELECT content FROM messages WHERE conversation_id = ? AND id < ? AND role = 'user' "
                            "ORDER BY id DESC LIMIT 200", (conversation_id, before_id or 2**62))
    return any(mentions(_told(str(r[0])), subjects) for r in rows)


def _told(text: str) -> str:
    """What a message tells, its questions left out: having asked "what's my mum called?" tells nothing."""
    return " ".join(s for s in re.split(r"(?<=[.!?])\s+", text) if not _QUESTION.match(s))


def _singular(word: str) -> str:
    word = word.replace("’", "'").removesuffix("'s")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _kindred(a: str, b: str) -> bool:
    if a == b or (min(len(a), len(b)) > 4 and (a.startswith(b) or b.startswith(a))):
        return True
    return any(a in group and b in group for group in _KIN)
