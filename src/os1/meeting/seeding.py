"""What each first-meeting answer seeds: the profile the companion always has in mind, facts it can recall, and
preferences (quiet hours, check-ins). And whether a question's answer is known already, so it is not asked."""

from __future__ import annotations

import re

from os1.db import state
from os1.db.store import Store, User
from os1.memory.facts import add_fact
from os1.memory.profile import BLOCK_CHARS, profile, set_blocks
from os1.reminders.book import quiet_hours, set_quiet_hours
from os1.reminders.clock import QuietHours

_NO = re.compile(r"^\W*(?:no|nope|nah|please don'?t|don'?t|i'?d rather you didn'?t|rather not)\b", re.IGNORECASE)
_NAME = re.compile(r"^(?:(?:you can |just )?call me|i'?m|i am|it'?s|my name is|name'?s)\s+", re.IGNORECASE)


_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# Words that are no one's name: a message starting "I had a long day" answers nothing about what to call them.
_NOT_A_NAME = frozenset("""i me my a an the is was had have has am are be been do did just so really very long
day today tired hi hello hey ok okay yes no yeah well um hmm thanks thank you what why how who not don't can't it
this that there here and but or good fine great sad happy back home sorry sure excited nervous bored busy
ready done alright glad lonely stressed""".split())
_SOCIAL = re.compile(r"\b(?:social|anti|introvert\w*|extrovert\w*|ambivert|both|neither|depends|mostly|bit|people|"
                     r"alone|quiet|shy|outgoing|party|parties|loner|in between|somewhere)\b", re.IGNORECASE)
_MOTHER = re.compile(r"\b(?:mother|mom|mum|mam|ma|mama|she|her|we|our|us|good|great|fine|close|complicated|okay|ok|"
                     r"bad|difficult|hard|passed|died|gone|dead|never|don't|love|loving|distant|strained|better|"
                     r"worse|talk|call|alright|rocky|estranged|best)\b", re.IGNORECASE)
_YES_OR_NO = re.compile(r"^\W*(?:yes|yeah|yep|yup|sure|ok|okay|please|of course|go ahead|fine|why not|"
                        r"no|nope|nah|please don'?t|don'?t|i'?d rather you didn'?t|rather not|not really)\b",
                        re.IGNORECASE)


def plausible(question: str, answer: str) -> bool:
    """Whether `answer` reads as an answer to `question` at all. A person who ignores the question and just
    talks ("I had a long day") is talking: the companion answers them, and the question waits for later."""
    text = " ".join(answer.split())
    if question == "name":
        named = _NAME.sub("", text)
        said = _WORD.findall(named)
        limit = 3 if named != text else 2
        return (0 < len(said) <= limit and not re.search(r"[.!?,;:]\s*\S", named.strip())
                and not any(w.lower() in _NOT_A_NAME for w in said))
    if question == "social":
        return bool(_SOCIAL.search(text))
    if question == "mother":
        return len(text.split()) <= 60 and bool(_MOTHER.search(text))
    if question == "check_ins":
        return bool(_YES_OR_NO.match(text))
    return True


async def known(store: Store, person: User, question: str) -> bool:
    if question == "quiet":
        return await quiet_hours(store, person) is not None
    if question == "check_ins":
        return await store.get_state(person, state.REACH_OUT.key()) is not None
    if question == "name":
        return "Goes by" in (await profile(store, person)).get("who", "")
    return False


async def seed(store: Store, person: User, question: str, answer: str) -> str | None:
    """Keep what `answer` says; returns the words the thanks quotes (None: not understood)."""
    answer = " ".join(answer.split()).rstrip(".!")
    if question == "name":
        name = _NAME.sub("", answer).strip(" .!,")
        name = " ".join(w[:1].upper() + w[1:] for w in name.split()[:3]) or person.name
        await _add_to_profile(store, person, "who", f"Goes by {name}.")
        await add_fact(store, person, f"They like to be called {name}.", "name")
        return name
    if question == "social":
        await _add_to_profile(store, person, "who", f"Social or anti-social? \"{answer}\".")
        await add_fact(store, person, f"Asked if they are social or anti-social, they said: {answer}.", "social life")
        return answer
    if question == "mother":
        await _add_to_profile(store, person, "people", f"Their mother: \"{answer}\".")
        await add_fact(store, person, f"About their relationship with their mother: {answer}.", "mother")
        return answer
    if question == "days":
        await _add_to_profile(store, person, "now", f"Their days: \"{answer}\".")
        await add_fact(store, person, f"What takes up their days: {answer}.", "daily life")
        return answer
    if question == "quiet":
        try:
            hours = QuietHours.parse(answer)
        except ValueError:
            return None
        await set_quiet_hours(store, person, hours)
        return f"from {hours.start:%H:%M} to {hours.end:%H:%M}"
    if question == "check_ins":
        on = not _NO.match(answer)
        await store.set_state(person, state.REACH_OUT.key(), "on" if on else "off")
        return ("Good. I'll check in now and then — never at night." if on
                else "Okay, I won't. If you change your mind, tell me I can check in.")
    raise ValueError(f"no such first-meeting question: {question}")


async def _add_to_profile(store: Store, person: User, block: str, text: str) -> None:
    old = (await profile(store, person)).get(block, "")
    if text not in old:
        await set_blocks(store, person, {block: f"{old} {text}".strip()[-BLOCK_CHARS:]})
