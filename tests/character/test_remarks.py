"""A remark about letters, mail or files is not a request: no tool is offered for it."""

from __future__ import annotations

import pytest

from os1.capabilities import default_toolbox
from os1.tools.intent import asks_for_action


@pytest.mark.parametrize("text", [
    "I write letters for other people, for a living",
    "My job is mostly email these days.",
    "I got a letter from my mum today.",
    "Letters are my whole job.",
    "I spent the morning sorting files at the office",
    "We used to send each other letters every week",
    "Do you think email killed letters?",
    "Honestly, I hate filing things",
    "Sometimes I read other people's mail for work, it's weird",
])
def test_a_remark_offers_no_tool(text: str) -> None:
    assert not asks_for_action(text)
    assert default_toolbox().could_apply(text) == []


@pytest.mark.parametrize(("text", "tool"), [
    ("any new mail?", "check_mail"),
    ("can you check my mail?", "check_mail"),
    ("ugh, my desk is chaos. tidy up my Downloads folder", "organise_folder"),
    ("I need to find my lease", "find_files"),
    ("i'd like you to draft a reply to Amy", "draft_reply"),
    ("in 20 minutes remind me to take the pasta off", "set_reminder"),
    ("Could you look for the letter from the council?", "search_mail"),
])
def test_a_request_still_offers_its_tool(text: str, tool: str) -> None:
    assert asks_for_action(text)
    assert tool in [t.name for t in default_toolbox().could_apply(text)]
