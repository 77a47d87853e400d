"""Claims about the person — their relatives, names, places — must come from what they said or what memory
holds. A small model fills a gap with whatever name its prompt holds ("Your brother's name is Ottilie.");
such a sentence is replaced by the question it should have been.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from os1.character.phrases import words

# A dog is often told by its breed: "we adopted a beagle".
BREEDS = ("beagle", "labrador", "retriever", "poodle", "terrier", "spaniel", "collie", "husky", "bulldog",
          "dachshund", "pug", "corgi", "chihuahua", "schnauzer", "greyhound", "whippet")
# Relatives and others whose very existence is a fact about the person, and the words that ground them.
RELATIVES: dict[str, tuple[str, ...]] = {
    "sister": ("sister", "sis"), "brother": ("brother", "bro"), "wife": ("wife", "married"),
    "husband": ("husband", "married"), "partner": ("partner", "wife", "husband", "boyfriend", "girlfriend"),
    "boyfriend": ("boyfriend", "bf", "partner"), "girlfriend": ("girlfriend", "gf", "partner"),
    "ex": ("ex",), "son": ("son", "kid", "child", "boy"), "daughter": ("daughter", "kid", "child", "girl"),
    "kids": ("kid", "child", "children", "son", "daughter", "baby"),
    "children": ("kid", "child", "children", "son", "daughter", "baby"),
    "child": ("kid", "child", "children", "son", "daughter", "baby"), "baby": ("baby", "pregnant"),
    "dog": ("dog", "puppy", "pup", *BREEDS), "cat": ("cat", "kitten", "kitty", "tabby", "siamese"),
    "pet": ("pet", "dog", "cat", "puppy", "kitten", *BREEDS),
    "boss": ("boss", "manager"), "manager": ("manager", "boss"),
    "colleague": ("colleague", "coworker", "co-worker"), "colleagues": ("colleague", "coworker", "co-worker"),
    "roommate": ("roommate", "flatmate", "housemate"), "flatmate": ("flatmate", "roommate", "housemate"),
    "fiance": ("fiance", "fiancé", "engaged"), "fiancee": ("fiancee", "fiancée", "engaged"),
    "fiancé": ("fiance", "fiancé", "engaged"), "fiancée": ("fiancee", "fiancée", "engaged"),
    "grandson": ("grandson", "grandchild"), "granddaughter": ("granddaughter", "grandchild"),
    "niece": ("niece",), "nephew": ("nephew",), "aunt": ("aunt", "auntie"), "uncle": ("uncle",),
    "cousin": ("cousin",), "therapist": ("therapist", "therapy"), "teacher": ("teacher",),
    "neighbour": ("neighbour", "neighbor"), "neighbor": ("neighbour", "neighbor"),
}
# Everyone has or had these: "how's your mum?" invents nothing. A name given to one still must be grounded.
EVERYONE = ("mom", "mum", "mother", "dad", "father", "parents", "family", "friend", "friends", "best friend",
            "grandmother", "grandfather", "grandma", "grandpa", "doctor", "job", "work", "city", "town",
            "company", "car", "name")
_REL = "|".join(sorted((*RELATIVES, *EVERYONE), key=len, reverse=True))

# Phrases that begin such a claim: the rest of their sentence is held back until it can be checked.
HOLD = [
    f"your [little|big|older|younger|baby|late|new] ({'|'.join(sorted((*RELATIVES, *EVERYONE)))}|"
    f"{'|'.join(sorted(w + chr(39) + 's' for w in (*RELATIVES, *EVERYONE)))})",
    "your (name's|names)",
    "you (live|lived|grew up|were born|work|worked|moved|are from|come from|came from|study|studied|went to)",
    "you're from",
    "you [really|must|clearly|obviously|definitely|probably] (like|love|enjoy|adore|hate|prefer)",
    "you (told me|mentioned|said|were telling me)",
    # "I'm not sure what your dog's name is": held, to be checked against what memory holds.
    "(i'm|i am) not sure",
    "i (don't|do not|can't|cannot) (know|remember|recall)",
    # "My dog is called Pickles", answering "what's my dog called?": held until it is said from their side.
    "my [little|big|older|younger|baby|late|new] ("
    + "|".join(sorted(w for w in (*RELATIVES, *EVERYONE) if w != "name")) + ")",
]

_NAME = r"([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)"
_OF_YOURS = re.compile(
    rf"\b[Yy]our\s+(?:(?:little|big|older|younger|baby|late|new)\s+)?({_REL})(?:['’]s\s+name)?"
    rf"(?:\s+(?:is|was|is called|was called|named|called|is named))?,?\s+{_NAME}")
_NAMED_FIRST = re.compile(rf"\b{_NAME},\s+[Yy]our\s+(?:(?:little|big|older|younger|baby|late|new)\s+)?({_REL})\b")
_YOUR_NAME = re.compile(rf"\b[Yy]our\s+name(?:['’]s|\s+is)\s+{_NAME}")
_PLACE = re.compile(
    r"\b[Yy]ou(?:['’]re|\s+are)?\s+(live|lived|grew up|were born|work|worked|moved|are from|come from|came from|"
    r"from|study|studied|went)\b[^.?!]{0,30}?\b(?:in|at|to|from|near)?\s*" + _NAME)
_TOLD = re.compile(r"\b[Yy]ou\s+(?:told me|mentioned|said|were telling me)\b")
_YOUR_REL = re.compile(rf"\byour\s+(?:(?:little|big|older|younger|baby|late|new)\s+)?({_REL})\b", re.IGNORECASE)
_CAPITAL = re.compile(_NAME)
# What a small model invents about someone of theirs it knows only by name: "Your cat is a light brown colour",
# "your sister is 34". Colours and ages are checked; opinions ("your sister is lucky") are not claims of fact.
_COLOURS = ("black", "white", "brown", "grey", "gray", "ginger", "orange", "cream", "golden", "tabby", "tortoiseshell",
            "calico", "tan", "beige", "red", "blonde", "blond", "brunette", "spotted", "striped", "silver", "chocolate")
_ATTRIBUTE = re.compile(rf"\b[Yy]our\s+(?:(?:little|big|older|younger|baby|late|new)\s+)?({_REL})(?:['’]s|\s+is|"
                        r"\s+was|\s+has|\s+turned|\s+will be)\b([^.?!]{0,60})")
_TAGGED = re.compile(r",\s*(?:isn't|aren't|wasn't|doesn't|don't|didn't|right|no)\b[^,]{0,12}\?\s*$")  # a claim, asked
_AGE = re.compile(r"\b(\d{1,3})(?:\s+years?\s+old|\s+now|\s+this year)?\b")
# Capitalised words that name nobody.
_NOT_NAMES = {"i", "i'm", "i've", "i'd", "i'll", "oh", "ok", "okay", "yes", "no", "right", "wait", "hey", "wow",
              "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
              "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december", "christmas", "easter", "god", "english", "os1", "and", "but", "so", "the",
              "that", "what", "how", "is", "it", "you", "your", "she", "he", "they", "we", "my", "do", "does"}


@dataclass(frozen=True)
class Claim:
    kind: str  # "relative" (one never mentioned), "name" (of someone of theirs), "place", "own_name", "colour",
    # "age" (of someone of theirs), "taste" (a like or dislike never told)
    what: str  # the relative, name or place
    relation: str = ""  # whose name it is ("sister"), or how the place is theirs ("live")


def ungrounded(sentence: str, known: str, person: str = "") -> Claim | None:
    """The first claim about the person in `sentence` that `known` (their own words, memory) does not hold.
    `person`: their own name, which is known but is nobody else's ("Your brother is Theodore.")."""
    seen = _seen(known)
    lowered = known.lower()
    asking = sentence.rstrip().endswith("?")  # "What's your dog called?" asks; it claims no dog
    for m in _YOUR_REL.finditer(sentence):
        relation = m.group(1).lower()
        grounds = RELATIVES.get(relation)
        if not asking and grounds is not None and not any(g in seen for g in grounds):
            return Claim("relative", relation)
    for m in _OF_YOURS.finditer(sentence):
        if (claim := _named(m.group(2), lowered, "name", m.group(1).lower(), person)) is not None:
            return claim
    for m in _NAMED_FIRST.finditer(sentence):
        if (claim := _named(m.group(1), lowered, "name", m.group(2).lower(), person)) is not None:
            return claim
    for m in _YOUR_NAME.finditer(sentence):
        if (claim := _named(m.group(1), lowered, "own_name")) is not None:
            return claim
    for m in _PLACE.finditer(sentence):
        if (claim := _named(m.group(2), lowered, "place", m.group(1))) is not None:
            return claim
    if (not asking or _TAGGED.search(sentence)) and (claim := _attribute(sentence, seen)) is not None:
        return claim
    if not asking and (claim := _taste(sentence, seen)) is not None:
        return claim
    if (told := _TOLD.search(sentence)) is not None:
        for m in _CAPITAL.finditer(sentence, told.end()):
            if (claim := _named(m.group(1), lowered, "name")) is not None:
                return claim
    return None


# "You really like spicy food." to someone who never spoke of food: a taste the small model gives them.
_TASTE = re.compile(r"\b[Yy]ou(?:\s+(?:really|must|clearly|obviously|definitely|probably))?\s+"
                    r"(?:like|love|enjoy|adore|hate|prefer)\s+([a-z][\w' -]{2,40}?)"
                    r"(?=\s*[.,!?;]|\s+(?:and|but|so|too)\b|$)")
_TASTE_PLAIN = frozenset({"that", "this", "them", "those", "these", "things", "something", "anything", "everything",
                          "doing", "being", "having", "making", "very", "much", "more", "most", "well", "about"})


def _taste(sentence: str, seen: set[str]) -> Claim | None:
    for m in _TASTE.finditer(sentence):
        telling = [w.text for w in words(m.group(1)) if len(w.text) >= 4 and w.text not in _TASTE_PLAIN]
        if telling and not any(w in seen or w.rstrip("s") in seen for w in telling):
            return Claim("taste", m.group(1).strip())
    return None


def _attribute(sentence: str, seen: set[str]) -> Claim | None:
    for m in _ATTRIBUTE.finditer(sentence):
        relation, said = m.group(1).lower(), m.group(2).lower()
        for colour in _COLOURS:
            if re.search(rf"\b{colour}\b", said) and colour not in seen:
                return Claim("colour", colour, relation)
        if (age := _AGE.search(said)) is not None and age.group(1) not in seen:
            return Claim("age", age.group(1), relation)
    return None


def _named(name: str, known: str, kind: str, relation: str = "", not_of: str = "") -> Claim | None:
    parts = [p for p in re.split(r"\s+", name.strip()) if p.lower().replace("’", "'") not in _NOT_NAMES]
    if not parts:
        return None
    if relation not in ("", "name") and not_of and any(p.lower() == not_of.lower() for p in parts):
        return Claim(kind, " ".join(parts), relation)  # the person's own name given to someone of theirs
    if any(re.search(rf"\b{re.escape(p.lower())}\b", known) for p in parts):
        return None
    return Claim(kind, " ".join(parts), relation)


_NOT_KNOWN = re.compile(rf"\b[Yy]our\s+(?:(?:little|big|older|younger|baby|late|new)\s+)?({_REL})(?:['’]s)?\s+"
                        r"(?:name|is called|called)\b|\bwho\s+your\s+(" + _REL + r")\s+is\b")


_NON_ANSWER = re.compile(r"\b(?:information|don't know|do not know|no way (?:of|to) know|can't know|cannot know|"
                        r"not sure|don't remember|can't remember|don't recall|can't recall)\b", re.IGNORECASE)
_ASKED_ABOUT = re.compile(rf"\bmy\s+(?:(?:little|big|older|younger|baby|late|new)\s+)?({_REL})\b", re.IGNORECASE)


_MY_REL = re.compile(rf"\b([Mm]y)(\s+(?:(?:little|big|older|younger|baby|late|new)\s+)?({_REL})\b)")


def their_side(sentence: str, asked: str, person: str = "") -> str:
    """A sentence about the person's own dog, sister… said from their side: asked "what's my dog called?", a
    small model may answer "My dog is called Pickles." The companion has none of its own to speak of. Nor does
    it talk to them about themselves in the third person, as its notes do ("Theo's sister" is "your sister")."""
    if person:
        sentence = re.sub(rf"\b{re.escape(person)}['’]s\b", "your", sentence)
        sentence = re.sub(r"(^\s*|[.!?]\s+)your\b", lambda m: m.group(1) + "Your", sentence)
    theirs = {m.group(1).lower() for m in _ASKED_ABOUT.finditer(asked)} - {"name"}

    def turn(m: re.Match[str]) -> str:
        if m.group(3).lower() not in theirs:
            return m.group(0)
        return ("Your" if m.group(1) == "My" else "your") + m.group(2)

    return _MY_REL.sub(turn, sentence) if theirs else sentence


def question_in(sentence: str, asked: str = "", known: str = "") -> str | None:
    """The question a dropped non-answer about someone of theirs was ("I don't have any information about your
    aunt's name", or "…enough information" when they asked about their aunt): asked instead, in its own words.
    None when `known` (besides their question) tells of them: then the non-answer was wrong, not the question."""
    m = _NOT_KNOWN.search(sentence)
    if m is not None:
        relation = (m.group(1) or m.group(2)).lower()
    elif _NON_ANSWER.search(sentence) and (m := _ASKED_ABOUT.search(asked)) is not None:
        relation = m.group(1).lower()
    else:
        return None
    if relation == "name" or _tells_of(relation, known.replace(asked, "") if asked else known):
        return None
    return ask_instead(Claim("name", "", relation))


def asks_about_theirs(asked: str) -> bool:
    """Whether their message asks about someone of theirs ("What's my sister called?"): a non-answer to it is
    turned into the question it should have been (`question_in`), which needs the whole sentence."""
    return _ASKED_ABOUT.search(asked) is not None


def unknowing(sentence: str, asked: str, known: str) -> bool:
    """Whether `sentence` says it doesn't know what they asked about someone of theirs ("I'm not sure what your
    dog's name is") while what it knows of them (besides their question) tells of that someone."""
    if not _NON_ANSWER.search(sentence) or (m := _ASKED_ABOUT.search(asked)) is None:
        return False
    relation = m.group(1).lower()
    return relation != "name" and _tells_of(relation, known.replace(asked, "") if asked else known)


def telling_lines(asked: str, known: str, most: int = 4) -> list[str]:
    """The lines of `known` (besides their question) that tell of the someone of theirs `asked` is about: what a
    reply that said it didn't know should have answered from."""
    if (m := _ASKED_ABOUT.search(asked)) is None or m.group(1).lower() == "name":
        return []
    grounds = RELATIVES.get(m.group(1).lower(), (m.group(1).lower(),))
    lines = [line.strip(" -") for line in known.replace(asked, "").splitlines() if line.strip()]
    return [line for line in lines if any(g in _seen(line) for g in grounds) and len(line) < 400][:most]


def _tells_of(relation: str, known: str) -> bool:
    seen = _seen(known)
    return any(g in seen for g in RELATIVES.get(relation, (relation,)))


def _seen(known: str) -> set[str]:
    """The words of `known`, each also without its possessive or plural ("sisters" grounds "sister")."""
    seen = {re.sub(r"'s$", "", w.text) for w in words(known)}
    return seen | {w[:-1] for w in seen if w.endswith("s")}


def ask_instead(claim: Claim) -> str:
    """The question the unfounded sentence should have been."""
    if claim.kind == "relative":
        article = "" if claim.what in ("kids", "children", "colleagues") else \
            ("an " if claim.what[0] in "aeiou" else "a ")
        return f"Do you have {article}{claim.what}? I don't think you've told me."
    if claim.kind == "name" and claim.relation and claim.relation != "name":
        return f"What's your {claim.relation}'s name? I don't think you've told me yet."
    if claim.kind == "colour":
        return f"What colour is your {claim.relation}? I don't think you've told me."
    if claim.kind == "age":
        return f"How old is your {claim.relation}? I don't think you've told me."
    if claim.kind == "taste":
        return f"Do you like {claim.what}? I don't think you've told me."
    if claim.kind == "own_name":
        return "What should I call you? I don't think you've told me your name."
    if claim.kind == "place":
        if claim.relation in ("live", "lived", "moved"):
            return "Where do you live, actually? I don't think you've told me."
        if claim.relation in ("work", "worked"):
            return "Where do you work, actually? I don't think you've told me."
        return "Where are you from, actually? I don't think you've told me."
    return "Who's that, again? I don't think you've told me."
