"""Asked about someone of theirs that memory has never heard of ("What's my sister called?"), there is one honest
answer: they haven't said. It is known before the model starts (the memory check in the prompt says so), so it
is said at once, in the companion's voice, instead of waiting for a small model to write "I'm sorry, but I don't
have any information about your sister", which the guard would drop and start again.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

from os1.character.grounding import RELATIVES

# The people and animals of a life, by the word a question names them with (not "work" or "favourite food":
# those are left to the model, told by the memory check that nothing was said).
_PEOPLE = frozenset(RELATIVES) | frozenset(
    "mom mum mother dad father parents grandmother grandfather grandma grandpa nan granny grandad granddad "
    "stepmother stepfather stepmom stepmum stepdad godmother godfather doctor".split())
_HER = frozenset("sister wife girlfriend daughter mother mom mum aunt niece grandmother grandma nan granny "
                 "fiancee fiancée granddaughter stepmother stepmom stepmum godmother".split())
_HIM = frozenset("brother husband boyfriend son father dad uncle nephew grandfather grandpa grandad granddad "
                 "fiance fiancé grandson stepfather stepdad godfather".split())
_ASKS_NAME = re.compile(r"\b(?:name|names|named|called|call|who)\b", re.IGNORECASE)
_ONE_QUESTION = re.compile(r"^[^.!?]*\?\s*$")
_STAMP = re.compile(r"^\s*\[[^\]\n]{0,60}\]\s*")  # the time a message came after a gap, as history shows it

_NAME_SAYINGS = (
    "I don't think you've told me about your {who} yet. What's {their} name?",
    "You haven't told me about your {who} yet. What's {their} name?",
)
_OTHER_SAYINGS = (
    "You haven't told me about your {who} yet. I'd love to hear about {them}.",
    "I don't think you've told me about your {who} yet. Tell me about {them}?",
)


def untold_answer(unknown: str | None, asked: str, before: Sequence[str] = ()) -> str | None:
    """What to say at once when `asked` is only a question about someone of theirs (`unknown`, from the memory
    check) that they never told of; None when the model should answer (anything else in the message, or a
    subject that isn't someone). Of the ways to say it, the first not among its own recent replies."""
    asked = _STAMP.sub("", asked).strip()
    if not unknown or unknown not in _PEOPLE or not _ONE_QUESTION.match(asked):
        return None
    them, their = ("her", "her") if unknown in _HER else ("him", "his") if unknown in _HIM else ("them", "their")
    sayings = _NAME_SAYINGS if _ASKS_NAME.search(asked) else _OTHER_SAYINGS
    start = zlib.crc32(asked.lower().encode())
    said = set(before)
    options = [sayings[(start + i) % len(sayings)].format(who=unknown, them=them, their=their)
               for i in range(len(sayings))]
    return next((o for o in options if o not in said), options[0])
