"""Which messages the person means: "number 2", "the newsletters", "what can go", "Amy's mail", "all of them".

What OS1 last showed (a numbered listing, a triage plan, a draft) is kept per conversation in the companion's
state, by Message-ID (UIDs change when a message moves; Message-IDs don't), so the next message can point at it.
A change is proposed with the exact messages it will touch, and those are frozen with the proposal: a yes acts
on exactly what the person saw, even if new mail came in meanwhile.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from os1.db import state
from os1.mail.parse import Mail
from os1.mail.triage import Sorted, Triage
from os1.tools.registry import ToolContext

FRESH_FOR = timedelta(hours=12)  # "the second one" a day later may be about another listing
FROZEN_FOR = timedelta(minutes=31)  # a proposal lives 30 minutes (tools/policy.py)

_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
             "ninth": 9, "tenth": 10}
_NUMBERS = re.compile(r"(?<![\w#@.-])#?(\d{1,3})(?![\w@.-])|\b(" + "|".join(_ORDINALS) + r"|last)\b", re.IGNORECASE)
_ALL_SHOWN = re.compile(r"^\W*(?:all\s+(?:of\s+)?)?(?:them|those|these|those ones|these ones|it|that|this|that one|"
                        r"this one|all|everything|all of it|the lot)\W*$", re.IGNORECASE)
# Words that name a group from the triage: (kind, reason or "" for the whole group)
GROUPS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"\bnewsletters?\b|\bdigests?\b", re.I), "can_go", "newsletter"),
    (re.compile(r"\bpromo(?:tion)?s?\b|\bads?\b|\badverts?\b|\bmarketing\b|\boffers?\b|\bdeals?\b|\bsales?\b",
                re.I), "can_go", "promotion"),
    (re.compile(r"\bnotifications?\b|\balerts?\b|\bautomated\b", re.I), "can_go", "notification"),
    (re.compile(r"\bcan go\b|\bspam\b|\bjunk\b|\bclutter\b|\bbulk\b|\bcrap\b|\bunimportant\b|\bnoise\b|"
                r"\bclean (?:up|out)\b", re.I), "can_go", ""),
    (re.compile(r"\bfunny\b|\bworth keeping\b", re.I), "keep", ""),
]


@dataclass(frozen=True)
class Ref:
    """A message pointed at: how to find it again, and how to name it to the person."""

    message_id: str
    uid: int
    folder: str
    sender: str
    subject: str
    reason: str = ""

    @classmethod
    def of(cls, m: Mail, reason: str = "") -> Ref:
        return cls(m.message_id, m.uid, m.folder, m.who, m.subject, reason)

    def line(self) -> str:
        return f"{self.sender} — {self.subject or '(no subject)'}"


@dataclass(frozen=True)
class Draft:
    to: str
    subject: str
    body: str
    in_reply_to: str = ""
    references: str = ""


def _key(kind: state.StateKey, ctx: ToolContext, *more: str) -> str:
    return kind.key(ctx.conversation.id if ctx.conversation else 0, *more)


async def _put(ctx: ToolContext, key: str, value: Any) -> None:
    await ctx.store.set_state(ctx.person, key, json.dumps({"at": time.time(), "value": value}, ensure_ascii=False))


async def _get(ctx: ToolContext, key: str, fresh_for: timedelta = FRESH_FOR) -> tuple[float, Any] | None:
    raw = await ctx.store.get_state(ctx.person, key)
    if not raw:
        return None
    kept = json.loads(raw)
    if time.time() - kept["at"] > fresh_for.total_seconds():
        return None
    return kept["at"], kept["value"]


async def remember_listing(ctx: ToolContext, mails: list[Mail]) -> None:
    await _put(ctx, _key(state.MAIL_LISTING, ctx), [asdict(Ref.of(m)) for m in mails])


async def remember_plan(ctx: ToolContext, sorted_inbox: Triage) -> None:
    await _put(ctx, _key(state.MAIL_TRIAGE, ctx), {k: [asdict(Ref.of(s.mail, s.reason)) for s in sorted_inbox.of(k)]
                                      for k in ("matters", "keep", "can_go", "other")})


async def remember_draft(ctx: ToolContext, draft: Draft) -> None:
    await _put(ctx, _key(state.MAIL_DRAFT, ctx), asdict(draft))


async def held_draft(ctx: ToolContext) -> Draft | None:
    kept = await _get(ctx, _key(state.MAIL_DRAFT, ctx))
    return Draft(**kept[1]) if kept else None


async def freeze(ctx: ToolContext, tool: str, which: str, refs: list[Ref]) -> None:
    await _put(ctx, _key(state.MAIL_FROZEN, ctx, tool), {"which": which, "refs": [asdict(r) for r in refs]})


async def frozen(ctx: ToolContext, tool: str, which: str) -> list[Ref] | None:
    """The messages a proposal showed, if it was for these same words (and is taken: it is used once)."""
    key = _key(state.MAIL_FROZEN, ctx, tool)
    kept = await _get(ctx, key, FROZEN_FOR)
    await ctx.store.delete_state(ctx.person, key)
    if kept is None or kept[1]["which"] != which:
        return None
    return [Ref(**r) for r in kept[1]["refs"]]


async def shown(ctx: ToolContext) -> tuple[float, list[Ref]]:
    kept = await _get(ctx, _key(state.MAIL_LISTING, ctx))
    return (kept[0], [Ref(**r) for r in kept[1]]) if kept else (0.0, [])


async def planned(ctx: ToolContext) -> tuple[float, dict[str, list[Ref]]]:
    kept = await _get(ctx, _key(state.MAIL_TRIAGE, ctx))
    return (kept[0], {k: [Ref(**r) for r in v] for k, v in kept[1].items()}) if kept else (0.0, {})


def numbers_in(which: str, count: int) -> list[int] | None:
    """1-based positions named in `which` ("2", "#3", "the second", "1 and 4", "the last"), or None if none."""
    found = []
    for m in _NUMBERS.finditer(which):
        if m[1]:
            found.append(int(m[1]))
        elif m[2].lower() == "last":
            found.append(count)
        else:
            found.append(_ORDINALS[m[2].lower()])
    return found or None


def group_in(which: str) -> tuple[str, str] | None:
    """The triage group the words name ("the newsletters" → can_go/newsletter), or None."""
    for pattern, kind, reason in GROUPS:
        if pattern.search(which):
            return kind, reason
    return None


def pick_group(plan: dict[str, list[Ref]], kind: str, reason: str) -> list[Ref]:
    return [r for r in plan.get(kind, []) if not reason or r.reason == reason]


def points_at_shown(which: str) -> bool:
    return bool(_ALL_SHOWN.match(which))


def plan_refs(sorted_inbox: Triage, kind: str, reason: str) -> list[Ref]:
    picked: list[Sorted] = [s for s in sorted_inbox.of(kind) if not reason or s.reason == reason]  # type: ignore[arg-type]
    return [Ref.of(s.mail, s.reason) for s in picked]


def now_utc() -> datetime:
    return datetime.now(UTC)
