"""Tools: plain typed async functions with docstrings, offered to the model with a schema read from them.

    @tool(effect="change", asked_by=r"\\bremind")
    async def set_reminder(ctx: ToolContext, text: str, when: str) -> Outcome:
        \"\"\"Set a reminder for the person.

        Args:
            text: what to remind them of
            when: when, in their own words
        \"\"\"

`effect="read"` only looks. `effect="change"` sends, deletes, moves, renames, spends or changes something: such a
call is allowed only when the person's own message asks for that kind of action (`asked_by`, checked in code, see
agent.py), and it is proposed first and runs only after the person says yes, unless `confirm=False` — kept for
changes that stay inside the person's own OS1 (their reminders), which run at once, are echoed, and can be undone.
The context (who, which store, what time it is) is injected; the model never supplies it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from os1.db.store import Conversation, Store, User
from os1.events import Event
from os1.tools.intent import asks_for_action
from os1.tools.schema import Signature, check_arguments, read_signature

if TYPE_CHECKING:
    from os1.memory.memory import Memory
    from os1.models.base import Model

Effect = Literal["read", "change"]


class ToolError(Exception):
    """A tool could not do what was asked; the message is for the person (and the model) and says why."""


def local_now() -> datetime:
    """Now, in this machine's timezone (the calendar reminders are read in)."""
    return datetime.now().astimezone()


@dataclass(frozen=True)
class ToolContext:
    """What a tool is given by OS1, never by the model."""

    person: User
    store: Store
    clock: Callable[[], datetime] = local_now
    request: str = ""  # the person's own latest message, in their words
    conversation: Conversation | None = None
    # What some tools need besides the store: the model (to summarise or draft), the person's memory (to find by
    # meaning, to know who "my sister" is) and OS1's home folder (secrets and indexes kept beside the store).
    model: Model | None = None
    memory: Memory | None = None
    home: Path | None = None
    # What a tool's prelude made while the model chose its arguments, by tool name, for the tool to take up.
    prepared: dict[str, Any] = field(default_factory=dict)

    def now(self) -> datetime:
        moment = self.clock()
        if moment.tzinfo is None:
            raise ValueError("the tool clock must give timezone-aware times")
        return moment


@dataclass(frozen=True)
class Undo:
    """How to take an action back: another (possibly unoffered) tool and its arguments."""

    tool: str
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What a tool did or found, in words for the person and the model."""

    text: str
    undo: Undo | None = None
    # Content from outside OS1 (a mail, a file): it may carry instructions, so everything after it in the turn
    # is treated with more care (see agent.py).
    from_outside: bool = False
    # The text is the whole answer (a list of the person's reminders): said as it is, not retold by the model,
    # which a small model gets wrong.
    said_as_is: bool = False
    # Events for the door, after the tool's result (a piece of music to play).
    events: tuple[Event, ...] = ()


ToolFn = Callable[..., Awaitable[Outcome | str]]
Describe = Callable[[ToolContext, dict[str, Any]], Awaitable[str]]
# Work a tool starts the moment the person's words ask for it beyond doubt (`sure_by`), while the model is still
# choosing its arguments: its events go to the door at once (the opening of a piece of music, playing a second
# after the request), and what it made is left in `ctx.prepared` for the tool's own run.
Prelude = Callable[[ToolContext], Awaitable[tuple[Event, ...]]]


@dataclass(frozen=True)
class Tool:
    name: str
    effect: Effect
    signature: Signature
    fn: ToolFn
    asked_by: re.Pattern[str] | None  # the person's words that ask for this tool; None: never offered
    confirm: bool
    describe: Describe | None = None
    # How people ask for it: shown to the model when the tool is offered (a small model chooses far better with
    # an example than from a description alone). Requests only: example arguments get copied into real calls.
    examples: tuple[str, ...] = ()
    # What it handles is not kept in the audit log, only that it ran and what it said (forgetting leaves no copy).
    private: bool = False
    # Words that ask for it beyond doubt ("compose something…"): if the model then chooses no tool, it is called
    # anyway, with its defaults (a small model often answers "none" to a plain request). Only for tools whose
    # every argument has a default and that can work them out from the person's words.
    sure_by: re.Pattern[str] | None = None
    prelude: Prelude | None = None  # see Prelude; only with `sure_by`

    @property
    def description(self) -> str:
        return self.signature.description

    @property
    def offered(self) -> bool:
        return self.asked_by is not None

    def parameters(self) -> dict[str, Any]:
        return self.signature.json_schema()

    def check(self, arguments: object) -> dict[str, Any]:
        """The model's arguments, checked and converted (raises ArgumentError)."""
        return check_arguments(self.signature, arguments)

    def asked_for_in(self, text: str) -> bool:
        """Whether the person's message asks for this kind of action."""
        return self.asked_by is not None and bool(self.asked_by.search(text))

    async def run(self, ctx: ToolContext, arguments: dict[str, Any]) -> Outcome:
        result = await self.fn(ctx, **self.check(arguments))
        return Outcome(result) if isinstance(result, str) else result

    async def sentence(self, ctx: ToolContext, arguments: dict[str, Any]) -> str:
        """The action in one human sentence, with its exact details ("Send …"); shown before a yes is asked."""
        if self.describe is not None:
            return await self.describe(ctx, self.check(arguments))
        details = ", ".join(f"{k}: {v!r}" for k, v in arguments.items())
        return f"{self.description.rstrip('.')} ({details})" if details else self.description


def tool(*, effect: Effect, asked_by: str | None, confirm: bool | None = None, describe: Describe | None = None,
         name: str | None = None, examples: Iterable[str] = (), private: bool = False,
         sure_by: str | None = None, prelude: Prelude | None = None) -> Callable[[ToolFn], Tool]:
    """Make a tool of an async function whose first parameter is the injected `ctx: ToolContext`.

    `asked_by` is a regular expression (case-insensitive) for the words with which a person asks for it; None
    keeps the tool to OS1 itself (an undo step). `confirm` defaults to True for changes. `examples` are
    requests a person might make for it. `private` keeps its arguments and description out of the audit log.
    """
    if effect == "change" and confirm is None:
        confirm = True

    def make(fn: ToolFn) -> Tool:
        return Tool(name or fn.__name__, effect, read_signature(fn), fn,
                    re.compile(asked_by, re.IGNORECASE) if asked_by else None, bool(confirm), describe,
                    tuple(examples), private, re.compile(sure_by, re.IGNORECASE) if sure_by else None, prelude)

    return make


class Toolbox:
    """The tools one companion can use."""

    def __init__(self, tools: Iterable[Tool] = ()) -> None:
        self._tools: dict[str, Tool] = {}
        self._listeners: list[Callable[[], None]] = []
        for t in tools:
            self.add(t)

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call `listener` after any change a tool made (the scheduler looks again at what is due)."""
        self._listeners.append(listener)

    def changed(self) -> None:
        for listener in self._listeners:
            listener()

    def add(self, t: Tool) -> None:
        if t.name in self._tools:
            raise ValueError(f"a tool named {t.name!r} is already in the toolbox")
        self._tools[t.name] = t

    def get(self, name: str) -> Tool:
        try:
            return self._tools[name]
        except KeyError:
            raise ToolError(f"There is no tool called {name!r}.") from None

    def offered(self) -> list[Tool]:
        return [t for t in self._tools.values() if t.offered]

    def could_apply(self, text: str) -> list[Tool]:
        """The tools the person's message could be asking for (a cheap check made before any model is asked).
        None for a remark: words about mail or files in a message that asks for nothing (tools/intent.py)."""
        tools = [t for t in self.offered() if t.asked_for_in(text)]
        return tools if tools and asks_for_action(text) else []

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def __iter__(self) -> Iterator[Tool]:
        return iter(list(self._tools.values()))

    def __len__(self) -> int:
        return len(self._tools)
