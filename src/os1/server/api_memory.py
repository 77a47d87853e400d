"""What OS1 remembers of the signed-in person, for them to see, search, and take back. Only ever theirs: every
call names the person, and the memory answers for that person alone."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from os1.db.store import User
from os1.memory.memory import ForgetPlan
from os1.memory.portrait import portrait
from os1.memory.profile import BLOCKS
from os1.memory.recall import MemoryItem
from os1.server import deps
from os1.server.deps import Hub, current_user

router = APIRouter(prefix="/memory")

Person = Annotated[User, Depends(current_user)]
TheHub = Annotated[Hub, Depends(deps.hub)]
FORGET_LIMIT = 1000  # items one request may forget; ask again for more


class Chosen(BaseModel):
    kind: Literal["message", "fact", "summary"]
    id: int = Field(ge=1, le=deps.MAX_ID)


class ForgetRequest(BaseModel):
    query: str = Field(min_length=1, max_length=1000, description="What to forget, in a few words.")
    confirm: bool = Field(False, description="false: only show what would go. true: delete it for good.")
    items: list[Chosen] | None = Field(None, max_length=FORGET_LIMIT, description="With `confirm`: only these "
                                       "of the plan's items go (the rest of what matched stays, and so do the "
                                       "profile's sentences that mention the words). Default: all of them.")


@router.get("")
async def known(person: Person, hub: TheHub) -> dict[str, Any]:
    """What OS1 knows about you now: the profile it keeps and the facts it learned (the companion's own journal
    is its own)."""
    known = (await portrait(hub.runtime.store, person)).as_dict()
    return {"profile": [{"block": block, "label": BLOCKS[block].split(":")[0].capitalize(), "text": text}
                        for block, text in known["profile"].items()],
            "facts": known["facts"]}


@router.get("/search")
async def search(person: Person, hub: TheHub, q: Annotated[str, Query(min_length=1, max_length=1000)],
                 limit: Annotated[int, Query(ge=1, le=100)] = 10) -> dict[str, Any]:
    """Everything you and OS1 said, and everything it learned, that matches `q`: best first."""
    memory = hub.runtime.companion.memory
    found = await memory.recall(person, q, limit=limit, min_similarity=memory.weak_match)
    return {"query": q, "items": [item.as_dict() for item in found]}


@router.post("/forget")
async def forget(body: ForgetRequest, person: Person, hub: TheHub) -> dict[str, Any]:
    """First without `confirm`: what would be deleted. Then with `confirm: true`: delete it for good (messages,
    the facts drawn from them, summaries, index entries), and say how much went."""
    memory = hub.runtime.companion.memory
    plan = await memory.plan_forget(person, body.query, limit=FORGET_LIMIT)
    if not body.confirm:
        return {"query": body.query, "confirmed": False, "count": len(plan), "items": _items(plan)}
    if body.items is not None:
        plan = chosen(plan, {(c.kind, c.id) for c in body.items})
    gone = await memory.forget(person, plan) if len(plan) else 0
    return {"query": body.query, "confirmed": True, "forgotten": gone, "messages": len(plan.messages),
            "facts": len(plan.facts), "summaries": len(plan.summaries)}


def chosen(plan: ForgetPlan, keys: set[tuple[str, int]]) -> ForgetPlan:
    """Only the chosen items of `plan`; no query, so that nothing else is scrubbed for its words."""
    def keep(items: list[MemoryItem]) -> list[MemoryItem]:
        return [i for i in items if (i.kind, i.id) in keys]

    return ForgetPlan("", keep(plan.messages), keep(plan.facts), keep(plan.summaries))


def _items(plan: ForgetPlan) -> list[dict[str, Any]]:
    return [item.as_dict() for item in plan.messages + plan.facts + plan.summaries]
