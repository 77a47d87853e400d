"""Facts by rule: the plain statements people make about their lives, read without a model.

An imported year of chat is thousands of messages; on two cores the model reads about one a second, the rules
thousands. They read what people say plainly, in the first person — "my brother is called Tomás", "we moved
to Bristol", "I got a new job at Northwind", "I cancelled the Lisbon half marathon", "I've started pottery
classes", "I have a job interview Thursday" — and write each as a fact in the third person, with its date
resolved against when it was said. What they cannot read stays in the messages, which recall searches anyway.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime

from os1.db.store import StoredMessage
from os1.memory.notes import spoken
from os1.text.when import find_spans

_KIN = ("brother|sister|mum|mom|mother|dad|father|son|daughter|husband|wife|boyfriend|girlfriend|partner|fiancée?"
        "|best friend|friend|cousin|aunt|uncle|grandma|grandmother|gran|nan|grandpa|grandfather|niece|nephew|boss"
        "|flatmate|roommate|housemate|neighbour|neighbor|manager|colleague|coworker|co-worker|therapist|doctor"
        "|dog|puppy|cat|kitten|rabbit|hamster|horse|parrot|baby")
_PETS = "dog|puppy|cat|kitten|rabbit|hamster|horse|parrot|tortoise|fish"
# Names and places are told by their capital letter, whatever the case of the rest of a rule.
_NAME = r"((?-i:[A-Z][a-zà-ÿ]+(?:[-'][A-Z]?[a-zà-ÿ]+)?))"
_PLACE = r"((?-i:[A-Z][\w'-]+(?:\s(?:[A-Z][\w'-]+|de|del|la|upon|le)\b)*))"
_THING = r"((?:the\s)?[\w'-]+(?:\s[\w'-]+){0,5}?)"
_END = r"(?=\s*(?:[.,!?;:)]|\s(?:because|since|but|and|so|with|for|after|before|this|next|last|in|on|at|"
_END += r"yesterday|today|tomorrow|tonight)\b|$))"
_NOT_NAMES = frozenset("""I I'm I've I'll I'd The A An He She It We They You My Our Monday Tuesday Wednesday Thursday
Friday Saturday Sunday January February March April May June July August September October November December
Today Tomorrow Yesterday And But So Oh Yes No Not Just Also Well Anyway Mr Mrs Ms Dr Christmas Easter""".split())
_EVENTS = ("interview|appointment|exam|test|match|race|marathon|half marathon|10k|5k|wedding|party|date|flight"
           "|meeting|surgery|operation|concert|gig|recital|audition|presentation|deadline|trip|holiday|holidays"
           "|vacation|check-up|checkup|scan|viewing|hearing|ceremony|graduation|birthday|conference|tournament")

Rule = Callable[["re.Match[str]", str], tuple[str, str] | None]  # (match, person) → (fact, topic)
_RULES: list[tuple[re.Pattern[str], Rule]] = []


def _rule(pattern: str, flags: int = re.IGNORECASE) -> Callable[[Rule], Rule]:
    regex = re.compile(pattern, flags)

    def register(write: Rule) -> Rule:
        _RULES.append((regex, write))
        return write

    return register


def facts_in(message: StoredMessage, person: str) -> Iterator[tuple[str, str]]:
    """The (fact, topic) pairs the rules read in one of the person's messages, each at most once."""
    said = datetime.fromisoformat(message.created_at).astimezone()
    seen: set[str] = set()
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", message.content):
        for regex, write in _RULES:
            for m in regex.finditer(sentence):
                found = write(m, person)
                if found is None:
                    continue
                fact, topic = found
                fact = _dated(fact, sentence, said)
                if fact not in seen:
                    seen.add(fact)
                    yield fact, topic


def _dated(fact: str, sentence: str, said: datetime) -> str:
    """A fact about a time keeps the time, in words: "… has a job interview on Thursday 10 December 2026."."""
    if not fact.endswith("{when}."):
        return fact
    spans = [s for s in find_spans(sentence, said) if not re.search(r"\d{4}", s.phrase)]
    if not spans:
        return fact.replace(" {when}.", ".")
    words = spoken(spans[0], said.date(), year=True)
    return fact.replace("{when}", words if words.startswith("the ") else f"on {words}" if words[:3].isalpha()
                        and words[3:4] == " " else f"in {words}")


def _name(word: str) -> str | None:
    return None if word in _NOT_NAMES else word


def _kin_word(word: str) -> str:
    return {"mom": "mum", "mother": "mum", "father": "dad"}.get(word.lower(), word.lower())


@_rule(rf"\bmy\s+(?:little\s+|older\s+|younger\s+|big\s+|new\s+)?({_KIN})(?:['’]s\s+name\s+is|\s+is\s+called|\s+is\s+"
       rf"named|\s+called|\s+named|,)?\s+{_NAME}")
def _kin_named(m: re.Match[str], person: str) -> tuple[str, str] | None:
    name = _name(m[2])
    if name is None or m[1][0].isupper():
        return None
    kin = _kin_word(m[1])
    what = f"{person}'s {kin} is called {name}."
    return what, f"{kin}: {name}"


@_rule(rf"\b(?:got|adopted|have|has|rescued|bought)\s+(?:a|an|our|my)?\s*(?:new\s+|little\s+|tiny\s+)?(?:[\w-]+\s+)?"
       rf"({_PETS})\b[^.!?]{{0,40}}?\b(?:named|called)\s+{_NAME}")
def _pet(m: re.Match[str], person: str) -> tuple[str, str] | None:
    name = _name(m[2])
    return None if name is None else (f"{person} has a {m[1].lower()} named {name}.", f"pet: {name}")


@_rule(rf"\b(?:we|I)\s+(?:named|called)\s+(?:him|her|it|them)\s+{_NAME}"
       rf"|\b(?:got|adopted|rescued)\s+(?:a|an)\s+(?:[\w-]+\s+){{0,2}}?(?:named|called)\s+{_NAME}")
def _named_it(m: re.Match[str], person: str) -> tuple[str, str] | None:
    name = _name(m[1] or m[2])
    if name is None:
        return None
    what = re.sub(r"^(?:got|adopted|rescued)\s+|\s+(?:named|called)\s+\S+$", "", m[0]) if m[2] else "pet"
    return (f"{person} has a {what.removeprefix('a ').removeprefix('an ')} named {name}.", f"pet: {name}")


@_rule(rf"\b(?:I|we)(?:['’]ve|\s+have)?\s+(?:just\s+|finally\s+|officially\s+)?(?:moved|relocated)\s+(?:back\s+)?"
       rf"(?:to|into)\s+(?:a\s+[\w\s]+?\s+in\s+)?{_PLACE}")
def _moved(m: re.Match[str], person: str) -> tuple[str, str] | None:
    place = _name(m[1])
    return None if place is None else (f"{person} moved to {place} {{when}}.", "home city")


@_rule(rf"\b(?:I|we)\s+(?:still\s+|now\s+)?live\s+in\s+{_PLACE}|\b(?:I|we)['’]re\s+(?:now\s+)?living\s+in\s+{_PLACE}")
def _lives(m: re.Match[str], person: str) -> tuple[str, str] | None:
    place = _name(m[1] or m[2])
    return None if place is None else (f"{person} lives in {place}.", "home city")


@_rule(rf"\b(?:I['’]m|I\s+am|we['’]re)\s+moving\s+to\s+{_PLACE}")
def _moving(m: re.Match[str], person: str) -> tuple[str, str] | None:
    place = _name(m[1])
    return None if place is None else (f"{person} is moving to {place} {{when}}.", "plan: move")


@_rule(r"\b(?:got|started|accepted|landed|took|start)\s+(?:a|the|my)\s+new\s+job(?:\s+as\s+(?:a|an)\s+([a-z][a-z ]+?))?"
       rf"(?:\s+(?:at|with|for)\s+{_PLACE})?(?=[.,!?;]|\s(?:and|but|so|today|yesterday|on|last|this|next)\b|$)")
def _new_job(m: re.Match[str], person: str) -> tuple[str, str] | None:
    role = f" as a {m[1].strip()}" if m[1] else ""
    where = f" at {m[2]}" if m[2] and _name(m[2]) else ""
    return f"{person} has a new job{role}{where}.", "job"


@_rule(r"\bI\s+(?:work|am\s+working|['’]m\s+working)\s+as\s+(?:a|an)\s+([a-z][a-z ]+?)"
       rf"(?:\s+(?:at|for|in)\s+{_PLACE})?{_END}")
def _works_as(m: re.Match[str], person: str) -> tuple[str, str] | None:
    where = f" at {m[2]}" if m[2] and _name(m[2]) else ""
    return f"{person} works as a {m[1].strip()}{where}.", "job"


@_rule(rf"\bI['’]m\s+(?:their|the)\s+new\s+([a-z][a-z ]+?)(?:\s+at\s+{_PLACE})?{_END}")
def _new_role(m: re.Match[str], person: str) -> tuple[str, str] | None:
    where = f" at {m[2]}" if m[2] and _name(m[2]) else ""
    return f"{person} is the new {m[1].strip()}{where}.", "job"


@_rule(rf"\b(?:handed\s+in|gave|put\s+in)\s+(?:my|her|his|their)\s+notice(?:\s+at\s+{_PLACE})?")
def _notice(m: re.Match[str], person: str) -> tuple[str, str] | None:
    where = f" at {m[1]}" if m[1] and _name(m[1]) else ""
    return f"{person} left their job{where} {{when}}.", f"former job: {m[1] or 'job'}"


@_rule(rf"\bI\s+(?:work|am\s+working|['’]m\s+working)\s+(?:at|for)\s+{_PLACE}")
def _works_at(m: re.Match[str], person: str) -> tuple[str, str] | None:
    where = _name(m[1])
    return None if where is None else (f"{person} works at {where}.", "job")


@_rule(r"\bI\s+(?:quit|left|lost)\s+my\s+job|\bI\s+(?:got|was)\s+(?:laid\s+off|fired|made\s+redundant)")
def _job_over(m: re.Match[str], person: str) -> tuple[str, str] | None:
    return f"{person} {m[0].split(None, 1)[1].replace('my', 'their')} {{when}}.", "job"


@_rule(rf"\bI(?:['’]ve|\s+have)?\s+(?:just\s+)?(?:signed\s+up|registered|entered|enrolled)\s+(?:for|in)\s+{_THING}{_END}")
def _signed_up(m: re.Match[str], person: str) -> tuple[str, str] | None:
    thing = _the(m[1])
    return f"{person} signed up for {thing} {{when}}.", f"event: {_key(thing)}"


@_rule(rf"\bI(?:['’]ve|\s+have)?\s+(?:just\s+|finally\s+)?(?:cancell?ed|called\s+off|pulled\s+out\s+of|dropped\s+out\s+of|"
       rf"withdrew\s+from|quit|gave\s+up(?:\s+on)?|stopped\s+going\s+to)\s+(?:my\s+|the\s+|a\s+|on\s+)?{_THING}{_END}")
def _called_off(m: re.Match[str], person: str) -> tuple[str, str] | None:
    thing = _the(m[1])
    if thing.split()[-1] in ("job", "it", "that", "this", "them"):
        return None  # a job has its own rule; "it" names nothing
    verb = re.sub(r"^(?:I(?:['’]ve|\s+have)?\s+)(?:just\s+|finally\s+)?", "", m[0][: m.start(1) - m.start()]).strip()
    verb = re.sub(r"\s+(?:my|the|a|on)$", "", verb)
    return f"{person} {verb} {thing} {{when}}.", f"event: {_key(thing)}"


@_rule(r"\bI(?:['’]ve|\s+have)?\s+(?:just\s+|recently\s+)?(?:started|took\s+up|taken\s+up|begun|began|joined|am\s+learning|"
       r"['’]m\s+learning|started\s+learning)\s+((?:a\s+|an\s+|the\s+)?(?:[\w-]+\s+){0,2}?(?:class|classes|lessons|club|"
       r"course|choir|team|band|group)|(?:to\s+)?(?:play\s+)?(?:the\s+)?[a-z]+(?:ing)?)\b(?!\s+(?:job|work))")
def _hobby(m: re.Match[str], person: str) -> tuple[str, str] | None:
    thing = m[1].strip()
    if thing.split()[-1].lower() in ("it", "to", "a", "the", "my", "working", "work", "feeling", "getting", "thinking",
                                     "a new", "new", "and", "that", "this"):
        return None
    return f"{person} has started {thing} {{when}}.", f"hobby: {_key(thing)}"


@_rule(r"\bmy\s+car\s+is\s+(?:a|an)\s+([\w -]+?)" + _END + r"|\bI\s+drive\s+(?:a|an)\s+([\w -]+?)" + _END)
def _car(m: re.Match[str], person: str) -> tuple[str, str] | None:
    return f"{person}'s car is a {(m[1] or m[2]).strip()}.", "car"


@_rule(r"\bmy\s+favou?rite\s+([a-z]+(?:\s[a-z]+)?)\s+is\s+([\w' -]+?)" + _END)
def _favourite(m: re.Match[str], person: str) -> tuple[str, str] | None:
    return f"{person}'s favourite {m[1]} is {m[2].strip()}.", f"favourite: {m[1]}"


@_rule(r"\bI['’]?m\s+allergic\s+to\s+([\w -]+?)" + _END + r"|\bI\s+am\s+allergic\s+to\s+([\w -]+?)" + _END)
def _allergy(m: re.Match[str], person: str) -> tuple[str, str] | None:
    what = (m[1] or m[2]).strip()
    return f"{person} is allergic to {what}.", f"allergy: {_key(what)}"


@_rule(r"\bI(?:\s+turned|\s+just\s+turned|\s+am|['’]m)\s+(\d{2})(?:\s+years\s+old|\s+today|\s+now)?\b(?!\s*(?:%|minutes|min|km|"
       r"miles|k\b|hours|days|weeks|kg|pounds|lbs))")
def _age(m: re.Match[str], person: str) -> tuple[str, str] | None:
    return (f"{person} is {m[1]}.", "age") if 12 < int(m[1]) < 100 else None


@_rule(rf"\b(?:I\s+have|I['’]ve\s+got|I\s+got|I['’]m\s+having|got|have|(?:nervous|excited|worried|anxious|stressed)"
       rf"\s+about)\s+(?:a|an|my|the|our)\s+((?:[\w-]+\s+){{0,2}}?(?:{_EVENTS}))\b")
def _event(m: re.Match[str], person: str) -> tuple[str, str] | None:
    what = m[1].strip()
    return f"{person} has {_article(what)} {{when}}.", f"event: {_key(what)}"


def _the(thing: str) -> str:
    thing = thing.strip()
    return thing if thing.lower().startswith(("the ", "a ", "an ", "my ")) else f"the {thing}"


def _article(thing: str) -> str:
    return f"{'an' if thing[0].lower() in 'aeiou' else 'a'} {thing}"


def _key(thing: str) -> str:
    return re.sub(r"^(?:the|a|an|my|their)\s+", "", thing.lower()).strip()
