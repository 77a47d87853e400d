"""Leaving for good, asked in conversation ("I want to leave you", "delete my account"): recognised by pattern, so
it works the same with any model, and answered with what would happen and a yes-or-no question. It is a proposal
like any other action (tools/policy.py): held once asked, dropped by "no" or by talking of something else, and
after a yes the door takes the person through it, since only a door can hand over the archive (the terminal and
`os1 talk` at once; the web app on its Settings page; API clients are told where)."""

from __future__ import annotations

import re

from os1.tools.registry import Outcome, ToolContext, tool

_ME = r"(?:me(?!\s+(?:from|off|on|in|out|up|a|an|the|some)\b)|me\s+from\s+(?:here|os1|you|your\s+\w+)|myself)"
_ALL_OF_ME = (r"(?:my (?:os1 )?account|my profile|(?:all )?(?:of )?my data|everything (?:about|of) me|all about me|"
              r"(?:everything|all) (?:that )?you (?:know|have|keep|kept|remember|stored?) (?:about|of) me)")
_LEAVE = re.compile(
    r"\b(?:"
    rf"(?:delete|erase|wipe|remove|destroy)\s+(?:{_ME}|{_ALL_OF_ME})|"
    rf"forget\s+(?:{_ME}|{_ALL_OF_ME}|who i am)|"
    r"(?:close|cancel|end)\s+my (?:os1 )?account|"
    r"i(?:'m| am) leaving (?:you|os1)(?=\s+for good|\s+forever|\s*[.!]*\s*$)|"
    r"i(?: really)?(?:'d like| would like| want| wanna| need| have decided|'ve decided| decided| am going|'m going)"
    r"(?: to)? (?:leave|quit|stop using|delete|uninstall|say goodbye to) (?:you|os1)\b|"
    r"i(?:'m| am| will| have to| need to| want to)? (?:leaving|leave|going|go|saying goodbye|say goodbye) "
    r"(?:to you )?for good\b|"
    r"(?:this is|it's time (?:for|to say)) (?:our |a )?goodbye for good\b"
    r")", re.IGNORECASE)


def asks_to_leave(text: str) -> bool:
    """Whether the person asks to leave OS1 for good (or for everything of theirs to be deleted)."""
    return bool(_LEAVE.search(re.sub(r"[’‘]", "'", text)))


QUESTION = ("If you want to leave for good, this is how it goes: first I hand you everything I keep of you, as one "
            "archive (our conversations, what I know of you and my journal, your letters and music, and the log of "
            "what I did), so nothing of yours is lost. Then I say goodbye. Then all of it is deleted from here, for "
            "good, and you get the proof. The archive can be brought back into an OS1 one day. (If you'd rather "
            "stay and have me forget one thing, tell me what: \"forget what I said about…\".)\n"
            "Do you want to go ahead? (yes / no)")
# Where a door cannot hand over an archive (an API client): where the person can finish it themselves.
ELSEWHERE = ("To finish, open OS1's web app, go to Settings and choose \"Leave OS1 for good\", or run `os1 farewell` "
             "on the computer where OS1 runs: your archive comes to you there, and nothing is deleted before.")
AGREED = "All right. Then let's do it properly: your archive first, so nothing of yours is lost, and then my goodbye."


async def _question(ctx: ToolContext, arguments: dict[str, object]) -> str:
    return QUESTION


@tool(effect="change", asked_by=None, confirm=True, describe=_question, private=True)
async def leave_for_good(ctx: ToolContext) -> Outcome:
    """Leave OS1 for good: the person's yes, after which their door hands over the archive, says goodbye and
    deletes everything of theirs (os1.farewell)."""
    return Outcome(AGREED, said_as_is=True)
