"""The reminder tools: "wake me at 7", "remind me on Thursday to call my sister", "in 20 minutes remind me to take
the pasta off"; listed, cancelled, quiet hours set.

Setting one changes only the person's own OS1, so it runs without a yes, but it is echoed with the time it was
understood as, and "cancel that" takes it back.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from os1.db import state
from os1.db.store import telling_words
from os1.reminders.book import Reminder, add_reminder, quiet_hours, reminders, set_cancelled, set_quiet_hours
from os1.reminders.clock import QuietHours, read_clock, resolve_when, say_when, split_time
from os1.tools.registry import Outcome, ToolContext, ToolError, Undo, tool

WAKE = re.compile(r"\b(?:wake|alarm)\b", re.IGNORECASE)
# The words with which a person asks for each tool (see registry.py: a change needs its words in their message).
# "Remind me what her name was" is a question, not a reminder to set.
ASKS_TO_SET = (r"\bremind (?:me|us)\b(?!,? (?:what|who|whom|whose|where|how|why|which|whether|if|when)\b)|"
               # "set an alarm for 6", but not "I set an alarm yesterday"
               r"(?<!\bI )(?<!\bI've )(?<!\bwe )(?<!\bhad )\b(?:set|add|make|create|put in) (?:up )?"
               r"(?:a |an |the |my |another )?(?:reminder|alarm)s?\b|"
               r"\bwake (?:me|us)\b|\balarm (?:for|at|to)\b|\b(?:alert|ping|nudge) me\b|\bdon'?t let me forget\b|"
               r"\bmake sure I (?:don'?t forget|remember)\b")
ASKS_ABOUT = (r"\b(?:what|which|when|list|show|tell me|read|any|all|how many|upcoming|pending|waiting)\b[^.?!]*"
              r"\b(?:reminders?|alarms?)\b|\b(?:reminders?|alarms?)\b[^.!]*\?")
ASKS_TO_CANCEL = (r"\b(?:cancel|delete|remove|drop|clear|turn off|switch off|unset|call off|stop)\b[^.?!]*"
                  r"\b(?:reminders?|alarms?)\b|\b(?:reminders?|alarms?)\b[^.?!]*\b(?:cancel|delete|remove|off)\b")
ASKS_FOR_QUIET = r"\bquiet hours?\b|\bdo not disturb\b|\bdon'?t disturb\b"


# -- the tools ---------------------------------------------------------------------------------------------

async def _describe_setting(ctx: ToolContext, args: dict[str, Any]) -> str:
    due, text, alarm = _understand(ctx, args["when"], args["text"])
    return f"Set {'an alarm' if alarm else 'a reminder'} for {say_when(due, ctx.now())}{': ' + text if text else ''}"


@tool(effect="change", confirm=False, asked_by=ASKS_TO_SET, describe=_describe_setting,
      examples=["make sure I remember to call the vet on Monday", "wake me at 6"])
async def set_reminder(ctx: ToolContext, when: str, text: str) -> Outcome:
    """Set a reminder or an alarm: at that time OS1 tells the person, in chat or by voice.

    Args:
        when: when, copied from the person's own words ("tomorrow at 9", "in 20 minutes", "on Thursday", "tonight")
        text: what to remind them of, in a few words ("call my sister"); "" for a plain alarm
    """
    due, text, alarm = _understand(ctx, when, text)
    reminder = await add_reminder(ctx.store, ctx.person, text, due, alarm)
    said = f"{'Alarm' if alarm else 'Reminder'} set for {say_when(due, ctx.now())}{': ' + text if text else ''}."
    quiet = await quiet_hours(ctx.store, ctx.person)
    if quiet is not None and not alarm and quiet.holds(due.astimezone(ctx.now().tzinfo)):
        later = quiet.release(due.astimezone(ctx.now().tzinfo))
        said += f" That's in your quiet hours ({quiet}), so I'll tell you at {later:%H:%M}."
    return Outcome(said, Undo("cancel_reminders", {"ids": [reminder.id]}))


@tool(effect="read", asked_by=ASKS_ABOUT)
async def list_reminders(ctx: ToolContext) -> Outcome:
    """List the person's reminders and alarms that have not gone off yet."""
    found = await reminders(ctx.store, ctx.person)
    if not found:
        return Outcome("No reminders or alarms are waiting.", said_as_is=True)
    now = ctx.now()
    lines = [f"{i}. {say_when(r.due_at, now)}: {'alarm' if r.alarm else 'reminder'}{' — ' + r.text if r.text else ''}"
             for i, r in enumerate(found, 1)]
    return Outcome("Waiting:\n" + "\n".join(lines), said_as_is=True)


@tool(effect="change", confirm=False, asked_by=ASKS_TO_CANCEL,
      examples=["cancel the dentist reminder"])
async def cancel_reminder(ctx: ToolContext, which: str) -> Outcome:
    """Cancel reminders or alarms that have not gone off yet.

    Args:
        which: which one, in the person's words ("the pasta", "my 7am alarm", "all"), or its number in the list
    """
    chosen = _choose(await reminders(ctx.store, ctx.person), which, ctx.now())
    changed = await set_cancelled(ctx.store, ctx.person, [r.id for r in chosen], cancelled=True)
    undo = Undo("restore_reminders", {"ids": [r.id for r in changed]})
    return Outcome(f"Cancelled {_listed(changed, ctx.now())}.", undo)


@tool(effect="change", confirm=False, asked_by=ASKS_FOR_QUIET)
async def change_quiet_hours(ctx: ToolContext, start: str, end: str) -> Outcome:
    """Set the person's quiet hours: reminders that fall in them wait until they end (alarms still ring).

    Args:
        start: when quiet hours begin ("22:00", "10pm"), or "off" to have none
        end: when they end ("07:00", "7am")
    """
    before = await ctx.store.get_state(ctx.person, state.QUIET_HOURS.key()) or ""
    undo = Undo("restore_quiet_hours", {"value": before})
    if start.strip().lower() in ("off", "none", ""):
        await set_quiet_hours(ctx.store, ctx.person, None)
        return Outcome("Quiet hours are off: reminders come whenever they are due.", undo)
    try:
        hours = QuietHours.parse(f"{start} - {end}")
    except ValueError as exc:
        raise ToolError(str(exc)) from None
    await set_quiet_hours(ctx.store, ctx.person, hours)
    return Outcome(f"Quiet hours set to {hours}: reminders due then will wait until {hours.end:%H:%M}.", undo)


# Undo steps: run by OS1 on "undo that", never offered to the model.

@tool(effect="change", confirm=False, asked_by=None)
async def cancel_reminders(ctx: ToolContext, ids: list[int]) -> str:
    """Cancel the reminders with these ids."""
    changed = await set_cancelled(ctx.store, ctx.person, ids, cancelled=True)
    if not changed:
        return "It had already gone off or been cancelled."
    return f"Cancelled {_listed(changed, ctx.now())}."


@tool(effect="change", confirm=False, asked_by=None)
async def restore_reminders(ctx: ToolContext, ids: list[int]) -> str:
    """Bring back cancelled reminders that have not gone off."""
    changed = await set_cancelled(ctx.store, ctx.person, ids, cancelled=False)
    if not changed:
        return "There was nothing left to bring back: it has gone off or was never cancelled."
    return f"Brought back {_listed(changed, ctx.now())}."


def _listed(found: list[Reminder], now: datetime) -> str:
    """"the reminder for today at 14:23 — take the pasta off; the alarm for …"."""
    return "; ".join(f"the {'alarm' if r.alarm else 'reminder'} for {say_when(r.due_at, now)}"
                     f"{' — ' + r.text if r.text else ''}" for r in found)


@tool(effect="change", confirm=False, asked_by=None)
async def restore_quiet_hours(ctx: ToolContext, value: str) -> str:
    """Put the quiet hours back as they were."""
    await set_quiet_hours(ctx.store, ctx.person, QuietHours.parse(value) if value else None)
    return f"Quiet hours are back to {QuietHours.parse(value)}." if value else "Quiet hours are off again."


REMINDER_TOOLS = (set_reminder, list_reminders, cancel_reminder, change_quiet_hours, cancel_reminders,
                  restore_reminders, restore_quiet_hours)


# -- understanding a request --------------------------------------------------------------------------------

_WHAT = re.compile(r"\b(?:remind (?:me|us)|reminder|don'?t let me forget|alert me|ping me|nudge me)\b.*?"
                   r"\b(?:to|about|that)\s+(?P<what>.+)$", re.IGNORECASE)


def _understand(ctx: ToolContext, when: str, text: str) -> tuple[datetime, str, bool]:
    """(due, what, alarm), grounded in the person's own message: a small model copies times and errands from
    earlier in the conversation or from its instructions, so what they said now wins over what it wrote, and
    whether it is an alarm ("wake me", "alarm") is read from their words alone."""
    now, request = ctx.now(), ctx.request
    alarm = bool(WAKE.search(request))
    due = _due(when, request, now, alarm)
    if due is None:
        raise ToolError(f"I couldn't tell when you mean{f' by {when!r}' if when.strip() else ''}. "
                        "Say a day or a time, like \"tomorrow at 9\" or \"in 20 minutes\".")
    if due <= now:
        raise ToolError(f"{say_when(due, now).capitalize()} has already passed. When should it be instead?")
    written, own = _errand(text, due, now, alarm), _errand(_from_request(request), due, now, alarm)
    if written and _said(written, request):
        text = written
    elif telling_words(own) and own.lower() not in _VAGUE:
        text = own
    else:  # "remind me about that tomorrow": what "that" is comes from earlier, which only the model saw
        text = "" if alarm else written
    if alarm and _JUST_WAKE.fullmatch(text):
        text = ""  # "Alarm set for 06:30: wake me up" says it twice
    if not text and not alarm:
        raise ToolError("What should I remind you of?")
    return due, text, alarm


def _due(when: str, request: str, now: datetime, alarm: bool) -> datetime | None:
    """The model's `when` if the person said it; else the time their message names; else (their message
    naming none, as in "remind me about that tomorrow"… said earlier) the model's `when`."""
    if when.strip() and when.strip().lower() in request.lower():
        due = resolve_when(when, now, alarm)
        if due is not None:
            return due
    return resolve_when(request, now, alarm) or resolve_when(when, now, alarm)


def _errand(text: str, due: datetime, now: datetime, alarm: bool) -> str:
    """What is to be done, less the due time said again inside it ("call my sister tomorrow at 9"); a different
    time stays, as part of the errand ("dentist at 10", reminded at 9)."""
    text = _tidy(text)
    rest, said = split_time(text, now)
    return rest if said and resolve_when(said, now, alarm) == due else text


def _said(written: str, request: str) -> bool:
    """Whether most of the telling words of `written` are in the person's message."""
    words, said = set(telling_words(written)), set(telling_words(request))
    return bool(words) and len(words & said) * 2 >= len(words)


def _from_request(request: str) -> str:
    m = _WHAT.search(request)
    return m["what"] if m else ""


def _tidy(text: str) -> str:
    """"to call my sister." → "call my sister"."""
    text = re.sub(r"^(?:to|about|that)\s+", "", text.strip(), flags=re.IGNORECASE)
    return text.strip(" .,!;:").strip()


def _choose(found: list[Reminder], which: str, now: datetime) -> list[Reminder]:
    """The reminders `which` names: "all", a number in the list, "alarm", a clock time, or words of the text."""
    if not found:
        raise ToolError("No reminders or alarms are waiting, so there is nothing to cancel.")
    words = which.strip().lower()
    if re.fullmatch(r"(?:all|everything|every one|all of them|all (?:my )?(?:reminders|alarms))", words):
        return found
    number = re.fullmatch(r"#?(\d+)", words)
    if number:
        index = int(number[1])
        if 1 <= index <= len(found):
            return [found[index - 1]]
        raise ToolError(f"There is no number {index}: {len(found)} waiting.")
    pool = [r for r in found if r.alarm] if re.search(r"\balarms?\b", words) else found
    clock = read_clock(words)
    if clock is not None:
        pool = [r for r in pool if (r.due_at.astimezone(now.tzinfo).hour % 12, r.due_at.minute)
                == (clock.hour % 12, clock.minute)]
    # Numbers were read as the clock time above; "reminder", "alarm" only say what kind of thing is meant.
    wanted = {w for w in telling_words(words) if not any(c.isdigit() for c in w)} - _KIND_WORDS
    if wanted:
        scored = [(len(wanted & set(telling_words(r.text))), r) for r in pool]
        top = max((score for score, _ in scored), default=0)
        best = [r for score, r in scored if score == top and score > 0]
    else:
        best = pool
    if len(best) == 1:
        return best
    if not best:
        raise ToolError(f"I couldn't find a waiting reminder that matches {which!r}.")
    listed = "; ".join(f"{say_when(r.due_at, now)} — {r.text or 'alarm'}" for r in best)
    raise ToolError(f"Several match {which!r}: {listed}. Which one?")


_JUST_WAKE = re.compile(r"(?:(?:wake|get) (?:me |us )?up|wake (?:me|us)|(?:an? |the )?alarm|wake-?up(?: call)?)[.!]*",
                        re.IGNORECASE)
_VAGUE = {"it", "that", "this", "them", "those", "these"}
_KIND_WORDS = {"reminder", "reminders", "alarm", "alarms", "cancel", "pm", "am"}
