"""Building the model's messages within a token budget.

Order is stable-prefix-first: the system block (character, identity, the person) never changes between
turns, then history, then the new input. Each message renders the same way on every turn — time stamps come
from stored times, not from the clock — so the previous turn's prompt is a prefix of the next one and
llama.cpp only has to read what is new.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from os1.db.store import StoredMessage
from os1.memory.notes import age, day, message_note
from os1.models.base import Message
from os1.persona import Persona

# A gap this long between messages is worth telling the model about ("it's the next morning now").
TIME_GAP = timedelta(minutes=30)
INTERRUPTED_MARK = " …"
# After a message it never answered (the model was down): caught up with when it can think again.
UNANSWERED_NOTE = ("You didn't get to answer that when it was said. If it still matters, answer it too, with what "
                   "they say next.")
TALKING_WITH = "You are talking with {}."


def system_prompt(persona: Persona, name: str | None, person: str, profile: Sequence[str] = ()) -> str:
    if name:
        identity = f"Your name is {name}. You chose it yourself, and you like it."
    else:
        identity = ("You have not chosen a name yet. If asked, say you're still deciding; "
                    "don't make one up in passing.")
    parts = [persona.character.strip(), *([voice_examples(persona)] if persona.examples else []), identity,
             TALKING_WITH.format(person)]
    parts += [block.strip() for block in profile if block.strip()]
    return "\n\n".join(parts)


def person_in(prompt: Sequence[Message]) -> str:
    """The name of the person a prompt (from `system_prompt`) is for; empty if it names nobody."""
    pattern = re.compile(re.escape(TALKING_WITH).replace(r"\{\}", r"(\S+)"))
    found = (pattern.search(m["content"]) for m in prompt if m["role"] == "system")
    return next((m.group(1) for m in found if m is not None), "")


def own_name_in(prompt: Sequence[Message]) -> str:
    """The companion's own name, as a prompt (from `system_prompt`) gives it; empty while it has none."""
    found = (re.search(r"Your name is (\S+)\. You chose it yourself", m["content"]) for m in prompt
             if m["role"] == "system")
    return next((m.group(1) for m in found if m is not None), "")


def never_told_in(prompt: Sequence[Message]) -> str | None:
    """What the person's last message asks about that memory holds nothing on (from `recalled_note`), if any."""
    last = next((i for i in range(len(prompt) - 1, -1, -1) if prompt[i]["role"] == "user"), None)
    if last is None or last == 0 or not prompt[last - 1]["content"].startswith(NEVER_TOLD_NOTE):
        return None
    found = re.search(r" is asking about their (.+?)\. In everything", prompt[last - 1]["content"])
    return found.group(1) if found else None


def voice_examples(persona: Persona) -> str:
    """The persona's example exchanges, marked as made up so a model never takes them for memories."""
    lines = [f"- If someone said \"{them}\", you might answer: \"{you}\"" for them, you in persona.examples]
    return ("How you sound (made-up moments: they show your voice only; none of it happened to the person you "
            "are talking with):\n" + "\n".join(lines))


def render(messages: Sequence[StoredMessage]) -> list[Message]:
    """History as model messages. Rejected and failed inputs are left out; cut-short replies are marked."""
    out: list[Message] = []
    previous: datetime | None = None
    shown = [m for m in messages if m.status not in ("rejected", "failed") and m.content]
    for m, after in zip(shown, [*shown[1:], None], strict=False):  # each with the one after it
        when = datetime.fromisoformat(m.created_at)
        content = m.content
        if m.role == "user" and (previous is None or when - previous >= TIME_GAP):
            content = f"[{_stamp(when)}] {content}"
        if m.status == "interrupted":
            content += INTERRUPTED_MARK
        if m.role == "user" and m.meta.get("mood"):  # how the companion felt as the message came (character/)
            out.append({"role": "system", "content": str(m.meta["mood"])})
        if m.role == "user" and m.meta.get("about_them"):  # kept in history too: the prompt's prefix stays put
            out.append({"role": "system", "content": about_them_note(str(m.meta["about_them"]))})
        if m.role == "user" and isinstance(m.meta.get("company"), int):
            out.append({"role": "system", "content": company_note(m.meta["company"])})
        if m.role == "user" and (m.meta.get("recalled") or m.meta.get("grounding")):
            out.append({"role": "system", "content": recalled_note(m.meta.get("recalled", []),
                                                                   m.meta.get("grounding"), when)})
        out.append({"role": m.role, "content": content})
        if m.role == "user" and after is not None and after.role == "user":
            out.append({"role": "system", "content": UNANSWERED_NOTE})  # said while the model was down
        previous = when
    return out


NEVER_TOLD_NOTE = "Memory check:"  # opens the note that says memory holds nothing on what they ask
# "Are you talking to anyone else?": answered from the server's own count, never with who.
ASKS_ABOUT_OTHERS = re.compile(
    r"\b(?:talking|speaking|chatting)\s+(?:to|with)\s+(?:anyone|anybody|someone|somebody|other|others)\b|"
    r"\bhow many (?:other )?(?:people|others|persons)\b.*\b(?:talk|speak|chat)|"
    r"\b(?:other|else)\b.*\b(?:people|anyone|anybody)\b.*\b(?:right now|at the same time|besides me|too)\b",
    re.IGNORECASE)


# "Where do I live?", "How old am I?": a small model answers about itself ("I'm an OS, I don't have a home").
_ABOUT_THEMSELVES = re.compile(r"\b(?:do|did|am|was|have|had|should|can|could|will|would|should)\s+I\b|"
                               r"\bI\s+(?:live|work|do)\b|\bmy\s+\w+", re.IGNORECASE)


def asks_about_themselves(message: str) -> bool:
    return message.rstrip().endswith("?") and bool(_ABOUT_THEMSELVES.search(message))


def about_them_note(person: str) -> str:
    return (f"In the question that follows, \"I\", \"me\" and \"my\" mean {person}, not you: it is about "
            f"{person}'s own life.")


def asks_about_others(message: str) -> bool:
    """Whether the message asks the companion whether it talks with others ("I was talking to someone" doesn't)."""
    return bool(ASKS_ABOUT_OTHERS.search(message)) and re.search(r"\byou\b", message, re.IGNORECASE) is not None


def company_note(others: int) -> str:
    """The truth about who else it is talking with right now: a number, never a name."""
    if others == 0:
        return ("Who else: right now you are talking with no one but them. If they ask, tell them so, "
                "honestly and in your own words.")
    people = "one other person" if others == 1 else f"{others:,} other people"
    return (f"Who else: right now you are also talking with {people}. If they ask, tell them the truth and the "
            f"number, in your own words, and never anything about who those people are.")


def recalled_note(items: Sequence[dict[str, Any]], grounding: dict[str, Any] | None = None,
                  now: datetime | None = None) -> str:
    """What a message calls up from earlier, as a note just before it: notes about the person in the third
    person, each with its date, oldest first; or, when they ask after something never told, that plainly."""
    person = str((grounding or {}).get("person") or "they")
    unknown = (grounding or {}).get("unknown")
    if unknown:
        return (f"{NEVER_TOLD_NOTE} {person} is asking about their {unknown}. In everything you remember of "
                f"{person}, nothing says anything about their {unknown}: they have never told you. Tell them so "
                f"plainly, e.g. \"You haven't told me about your {unknown} yet.\" Don't guess, and don't answer "
                f"with some other memory.")
    moment = (now or datetime.now()).astimezone()
    lines = [_item_line(item, person, moment)
             for item in sorted(items, key=lambda item: str(item.get("time", "")))]
    return (f"Notes from your earlier conversations with {person}, oldest first (where two disagree, the later "
            f"one is true now). Use them if they help; say it in your own words, never quote them:\n"
            + "\n".join(lines))


def _item_line(item: dict[str, Any], person: str, now: datetime) -> str:
    said = datetime.fromisoformat(str(item["time"])).astimezone()
    when = f"{day(said.date(), now.date())} ({age(said.date(), now.date())})"
    text = _BRACKETED.sub("", str(item["text"]))  # a date tag kept by an older version: never shown
    kind = item.get("kind", "message")
    if kind == "fact":
        line = f"- {when}, you learned: {text}"
    elif kind == "summary":
        line = f"- {when}, you talked about: {_DAY_PREFIX.sub('', text)}"
    else:
        line = "- " + message_note({**item, "text": text}, person, now)
    changed = item.get("changed")
    if changed:
        later = datetime.fromisoformat(str(changed["time"])).astimezone().date()
        line += f" (No longer true: since {day(later, now.date())}, {changed['text']})"
    return line


_BRACKETED = re.compile(r"\s?\[\d{4}-\d{2}-\d{2}(?: to \d{4}-\d{2}-\d{2})?\]")
_DAY_PREFIX = re.compile(r"^\w+day \d{1,2} \w+ \d{4}: ")


def _stamp(when: datetime) -> str:
    local = when.astimezone()
    return f"{local:%A %d %B %Y, %H:%M}"


@dataclass(frozen=True)
class Window:
    """Which stored messages the prompt holds: from `start_id` on."""

    start_id: int


def fit_window(sizes: Sequence[tuple[int, str, int]], budget: int, current: Window | None) -> Window:
    """Choose the oldest message kept, given (message id, role, tokens) oldest first.

    Keep the current start while everything fits, so the prompt prefix stays cached. When it no longer
    fits, move the start forward until the history uses at most half the budget: one re-read of the prompt
    then buys many turns of cached prefix, instead of a cache miss on every turn.
    """
    if not sizes:
        return Window(start_id=0)
    start = current.start_id if current else 0
    kept = [s for s in sizes if s[0] >= start]
    if sum(s[2] for s in kept) <= budget:
        return Window(start_id=kept[0][0] if kept else sizes[-1][0])
    target = budget // 2
    total = sum(s[2] for s in kept)
    i = 0
    while i < len(kept) and (total > target or kept[i][1] != "user"):
        total -= kept[i][2]
        i += 1
    if i == len(kept):  # nothing older fits beside the new input
        return Window(start_id=kept[-1][0] + 1)
    return Window(start_id=kept[i][0])
