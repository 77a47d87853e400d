"""Yes and no, as a person answers a question OS1 asked ("shall I forget…?", "shall I send it?")."""

from __future__ import annotations

import re

_YES = re.compile(r"^\s*(?:yes|yeah|yep|yup|sure|ok(?:ay)?|please do|do it|go ahead|confirm|"
                  r"forget (?:it|them|that)|delete (?:it|them))\b"
                  r"(?:[\s,.!]+(?:please|do it|go ahead|thanks?))*[\s.!]*$",
                  re.IGNORECASE)
_NO = re.compile(r"^\s*(?:no|nope|nah|don't|do not|keep (?:it|them)|cancel|never ?mind|wait)\b", re.IGNORECASE)


def declines(text: str) -> bool:
    """Whether a reply to a question OS1 asked says no."""
    return bool(_NO.match(text))


def confirms(text: str) -> bool:
    """Whether a reply to a question OS1 asked says yes."""
    return bool(_YES.match(text))
