"""Forgetting, as an action like any other: proposed with the exact list of what would go, done only after the
person's yes (policy.py), through the same pending proposal as sending a mail. It is never offered to the model:
the companion proposes it when the person's words ask to forget (memory/requests.py).

Forgetting must leave no copy of what went: the audit log keeps that something was forgotten and how much, never
the topic or the items (the tool is `private`).
"""

from __future__ import annotations

from typing import Any

from os1.memory.memory import ForgetPlan, Memory
from os1.tools.registry import Outcome, ToolContext, ToolError, tool

SHOWN_ITEMS = 8  # what the question lists before "…and N more"
LOOKBACK = 400  # messages of the conversation searched for the exchange about it


async def plan(ctx: ToolContext, topic: str, exchange: list[int]) -> ForgetPlan:
    """What forgetting `topic` would delete, less the request and question about it (`exchange`), which go
    anyway."""
    memory = _memory(ctx)
    found = await memory.plan_forget(ctx.person, topic)
    return ForgetPlan(found.query, [m for m in found.messages if m.id not in exchange], found.facts,
                      found.summaries)


def question(topic: str, found: ForgetPlan) -> str:
    """The list of what would go, and the question: said before anything is forgotten."""
    items = [*found.messages, *found.facts, *found.summaries]
    shown = "\n".join(f"- {i.text}" for i in items[:SHOWN_ITEMS])
    if len(items) > SHOWN_ITEMS:
        shown += f"\n- …and {len(items) - SHOWN_ITEMS} more"
    return (f"Here's what I have about \"{topic}\":\n{shown}\n"
            f"Shall I forget {'it' if len(items) == 1 else f'all {len(items)}'} for good? (yes / no)")


async def _describe(ctx: ToolContext, arguments: dict[str, Any]) -> str:
    return question(arguments["topic"], await plan(ctx, arguments["topic"], arguments["exchange"]))


@tool(effect="change", asked_by=None, confirm=True, describe=_describe, private=True)
async def forget_memory(ctx: ToolContext, topic: str, exchange: list[int]) -> Outcome:
    """Forget for good everything about a topic, with the conversation about forgetting it.

    Args:
        topic: what the person asked to forget, in their words
        exchange: the ids of the request to forget and of the question that listed what would go
    """
    memory = _memory(ctx)
    if ctx.conversation is None:
        raise ToolError("Forgetting needs the conversation it was asked in.")
    found = await plan(ctx, topic, exchange)
    # The request, the list shown for it and the yes hold the same words: they go too.
    after = max(exchange, default=0)
    said = [m.id for m in await ctx.store.messages(ctx.conversation, limit=LOOKBACK)
            if m.id in exchange or (m.id > after and m.role == "user")]
    gone = await memory.forget(ctx.person, found, also=said)
    return Outcome(f"Done. It's gone for good: {gone} {'thing' if gone == 1 else 'things'} forgotten.",
                   said_as_is=True)


def _memory(ctx: ToolContext) -> Memory:
    if ctx.memory is None:
        raise ToolError("Forgetting needs the person's memory.")
    return ctx.memory


MEMORY_TOOLS = (forget_memory,)
