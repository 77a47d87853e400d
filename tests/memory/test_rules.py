"""Facts by rule: plain first-person statements read without a model, dated as of when they were said."""

import pytest

from os1.db.store import StoredMessage
from os1.memory.rules import facts_in

SUNDAY = "2026-12-06T10:00:00.000+00:00"


def read(text: str, when: str = SUNDAY) -> list[tuple[str, str]]:
    return list(facts_in(StoredMessage(1, 1, "user", text, "complete", when, {}), "Maria"))


@pytest.mark.parametrize(("said", "facts"), [
    ("My brother Tomás is visiting this weekend.", [("Maria's brother is called Tomás.", "brother: Tomás")]),
    ("my sister's name is Ana", [("Maria's sister is called Ana.", "sister: Ana")]),
    ("We got a puppy! We named him Rex.", [("Maria has a pet named Rex.", "pet: Rex")]),
    ("We adopted a little terrier called Rex.", [("Maria has a little terrier named Rex.", "pet: Rex")]),
    ("We live in Leeds, near Hyde Park.", [("Maria lives in Leeds.", "home city")]),
    ("We moved to Bristol last weekend, boxes everywhere.",
     [("Maria moved to Bristol the weekend of 28-29 Nov 2026.", "home city")]),
    ("I work as a barista at Café Lune, mornings mostly.", [("Maria works as a barista at Café Lune.", "job")]),
    ("I got a new job as a junior designer at Northwind Studio!",
     [("Maria has a new job as a junior designer at Northwind Studio.", "job")]),
    ("I cancelled the Lisbon half marathon, my knee isn't up for it.",
     [("Maria cancelled the Lisbon half marathon.", "event: lisbon half marathon")]),
    ("I've started pottery classes on Wednesdays.", [("Maria has started pottery classes.", "hobby: pottery classes")]),
    ("My car is a green Skoda.", [("Maria's car is a green Skoda.", "car")]),
    ("I'm nervous about a job interview Thursday.",
     [("Maria has a job interview on Thu 10 Dec 2026.", "event: job interview")]),
    ("I'm 34 now", [("Maria is 34.", "age")]),
    ("I'm allergic to peanuts.", [("Maria is allergic to peanuts.", "allergy: peanuts")]),
])
def test_plain_statements_are_read(said: str, facts: list[tuple[str, str]]) -> None:
    assert read(said) == facts


@pytest.mark.parametrize("said", [
    "My brother is visiting next week.",  # no name
    "my sister is amazing",
    "I ran 10k today",
    "I started feeling sick",
    "Rex chewed one of my shoes again.",
    "Work was fine today, nothing special, just tired.",
    "haha yes",
    "My Monday was long.",
])
def test_everyday_chat_holds_no_fact_for_the_rules(said: str) -> None:
    assert read(said) == []
