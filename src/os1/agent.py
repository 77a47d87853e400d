"""The model ⇄ tool loop of one turn.

The model chooses, in grammar-constrained JSON, either `{"action": "none"}` or a call of one tool with its
arguments (each tool its own branch of the schema, so the arguments are constrained too; they are checked again
here, and an invalid call gets one retry). Each call and its result go into the event stream (ToolCall,
ToolResult) and back to the model, for at most `max_steps` steps; then the companion streams its reply as usual.

What keeps it safe (see tools/policy.py):
- Only tools whose words appear in the person's own message are offered at all; a change is allowed only when
  that message asks for it (`policy.gate`), checked here in code whatever the model says.
- Tool results are data: they reach the model in a fenced, quoted block with a note that instructions inside
  must not be followed, and after content from outside a change is never run at once, only proposed.
- A change that needs the person's yes ends the loop with the exact proposal; a change done at once ends it with
  its exact echo. Both are said as they are, not retold by the model, so the person sees what really happened.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from os1.db.store import Conversation, Store, User
from os1.events import Event, ToolCall, ToolResult
from os1.models.base import GenerateOptions, Message, Model, ModelError
from os1.tools.policy import UNTRUSTED_NOTE, Policy, Proposal, Settled, gate, quote_untrusted
from os1.tools.registry import Tool, Toolbox, ToolContext, ToolError, local_now
from os1.tools.schema import ArgumentError

if TYPE_CHECKING:
    from os1.memory.memory import Memory

log = logging.getLogger(__name__)

MAX_STEPS = 4
DECISION_TOKENS = 200  # a call with its arguments; the grammar ends it well before
DECISION_HISTORY = 4  # earlier messages shown with the person's latest: enough for "remind me about that"
HISTORY_CHARS = 600  # of each of those: a pasted page must not crowd out the decision
_STAMP = re.compile(r"^\[[^\]\n]{6,40}\] ")  # "[Friday 20 November 2026, 14:03] ": a small model copies it


@dataclass(frozen=True)
class Step:
    """One call that ran: what the model asked for and what came of it."""

    tool: str
    arguments: dict[str, Any]
    output: str
    ok: bool
    said_as_is: bool = False
    from_outside: bool = False
    events: tuple[Event, ...] = ()  # for the door (a piece of music to play)


@dataclass
class AgentTurn:
    """One turn's use of tools. Iterate `run(prompt)` for the events; then, if `reply` is set, it is the whole
    reply (a proposal's question, or what a change did); otherwise `notes` go after the prompt for the reply."""

    model: Model
    tools: Toolbox
    ctx: ToolContext
    max_steps: int = MAX_STEPS
    options: GenerateOptions = field(default_factory=lambda: GenerateOptions(max_tokens=DECISION_TOKENS,
                                                                             temperature=0.0))
    steps: list[Step] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # change tools the model chose but the person did not ask for
    proposal: Proposal | None = None
    unable: str | None = None  # why the change asked for can't be proposed, in words for the person
    reply: str | None = None
    notes: list[Message] = field(default_factory=list)

    async def run(self, prompt: list[Message]) -> AsyncIterator[Event]:
        offered = self.tools.could_apply(self.ctx.request)
        if not offered:
            return
        policy = Policy(self.ctx, self.tools)
        messages = [_system(self._instructions(offered)), *_recent(prompt, self.ctx.request)]
        schema = decision_schema(offered)
        changed: list[str] = []
        early = self._start_prelude(offered)  # a piece's opening can play while the model chooses its intent
        try:
            async for event in self._steps(policy, offered, messages, schema, early, changed):
                yield event
        finally:
            if early is not None and not early.done():
                early.cancel()  # the turn was cut short
        self._conclude(changed, offered)

    async def _steps(self, policy: Policy, offered: list[Tool], messages: list[Message], schema: dict[str, Any],
                     early: asyncio.Task[tuple[Event, ...]] | None, changed: list[str]) -> AsyncIterator[Event]:
        outside_seen, retried = False, False
        for number in range(1, self.max_steps + 1):
            deciding = asyncio.ensure_future(self._decide(messages, schema))
            if early is not None and not early.done():
                await asyncio.wait({deciding, early}, return_when=asyncio.FIRST_COMPLETED)
            if early is not None and early.done():
                for event in _announced(early):
                    yield event
                early = None
            decision = await deciding
            if (decision is None or decision.get("action") != "call") and number == 1:
                decision = _sure(offered, self.ctx.request) or decision
            if decision is None or decision.get("action") != "call":
                break
            try:
                tool, arguments = self._read_call(decision)
                verdict = gate(tool, self.ctx.request, outside_seen)
                if verdict == "propose":
                    self.proposal = await self._propose(policy, tool, arguments)
            except (ArgumentError, ToolError) as exc:
                if retried:
                    break
                retried = True  # one more chance, told what was wrong; then a plain reply
                messages += [_assistant(decision), _system(f"That call was not valid: {exc}. Answer again: a "
                                                           "valid call, or {\"action\": \"none\"}.")]
                continue
            if verdict == "refuse":
                # Not asked for in the person's own words: no call, no proposal, whatever the model was told.
                log.warning("refused %s: the person's message does not ask for it", tool.name)
                self.refused.append(tool.name)
                break
            if verdict == "propose":
                break  # with a proposal, or with why there can be none (the file isn't there, no account…)
            if any(s.tool == tool.name and s.arguments == arguments for s in self.steps):
                break  # the same call again would find the same: the model is going round in circles
            if early is not None:  # what the tool's prelude made is the tool's to take up: wait for it
                for event in await _finished(early):
                    yield event
                early = None
            call = ToolCall(f"call-{number}", tool.name, arguments)
            yield call
            step = await self._perform(policy, tool, arguments)
            yield ToolResult(call.call_id, step.output, step.ok)
            for event in step.events:
                yield event
            self.steps.append(step)
            outside_seen = outside_seen or step.from_outside
            if tool.effect == "change":
                changed.append(step.output)
                break  # one change per turn: a small model asked again tends to repeat it
            if step.said_as_is:
                break  # the answer is complete: no need to ask the model what next
            messages += [_assistant(decision), _system(self._result_note(tool, step.output, step.ok))]
        if early is not None:  # no tool ran, but the person's words asked for it beyond doubt: it was made
            for event in await _finished(early):
                yield event

    def _start_prelude(self, offered: list[Tool]) -> asyncio.Task[tuple[Event, ...]] | None:
        """The prelude of the one tool the person's words ask for beyond doubt, started now (registry.Prelude)."""
        sure = _sure_tool(offered, self.ctx.request)
        if sure is None or sure.prelude is None:
            return None
        prelude = sure.prelude

        async def run() -> tuple[Event, ...]:
            try:
                return await prelude(self.ctx)
            except (ToolError, ArgumentError, OSError) as exc:  # the tool's own run does it the usual way
                log.warning("the %s prelude did not run: %s", sure.name, exc)
                return ()

        return asyncio.ensure_future(run())

    async def _decide(self, messages: list[Message], schema: dict[str, Any]) -> dict[str, Any] | None:
        try:
            return await self.model.complete_json(messages, schema, self.options)
        except ModelError as exc:
            log.warning("no tool decision (%s); replying without tools", exc)
            return None

    async def _propose(self, policy: Policy, tool: Tool, arguments: dict[str, Any]) -> Proposal | None:
        """The proposal for a change the person asked for. When the tool can't make one (what they named isn't
        there, nothing is connected), its reason is the reply: it is about their request, not the model's call."""
        try:
            return await policy.propose(tool, arguments)
        except ToolError as exc:  # an ArgumentError (the model's call is wrong) goes on up: the model may retry
            self.unable = str(exc)
            return None

    def _read_call(self, decision: dict[str, Any]) -> tuple[Tool, dict[str, Any]]:
        name = decision.get("tool")
        if not isinstance(name, str) or name not in self.tools or not self.tools.get(name).offered:
            raise ArgumentError(f"there is no tool called {name!r}")
        tool = self.tools.get(name)
        arguments = decision.get("arguments", {})
        tool.check(arguments)  # raises with what is wrong
        assert isinstance(arguments, dict)
        return tool, arguments

    async def _perform(self, policy: Policy, tool: Tool, arguments: dict[str, Any]) -> Step:
        try:
            if tool.effect == "change":
                outcome = await policy.perform(tool, arguments, confirmed=False)
            else:
                outcome = await tool.run(self.ctx, arguments)
        except (ToolError, ArgumentError) as exc:
            return Step(tool.name, arguments, str(exc), ok=False)
        return Step(tool.name, arguments, outcome.text, True, outcome.said_as_is, outcome.from_outside,
                    outcome.events)

    def _conclude(self, changed: list[str], offered: list[Tool]) -> None:
        if self.proposal is not None:
            self.reply = self.proposal.question()
        elif self.unable is not None:
            self.reply = self.unable
        elif changed:
            self.reply = " ".join(changed)
        elif self.steps and all(s.said_as_is or not s.ok for s in self.steps):
            # Listings, and tools that could not do it ("No mail connected. Run `os1 mail connect`."): their words
            # are written for the person; a small model retelling a failure invents what was found.
            self.reply = "\n".join(s.output for s in self.steps)
        elif self.steps:
            blocks = "\n\n".join(quote_untrusted(f"result of {s.tool}" + ("" if s.ok else " (failed)"), s.output)
                                 for s in self.steps)
            self.notes = [_system(f"For {self.ctx.person.name}'s latest message you used tools. What they "
                                  f"found:\n{blocks}\n\n{UNTRUSTED_NOTE}\nNow answer {self.ctx.person.name}, "
                                  "in your own voice, from what the tools found.")]
        elif any(t.effect == "change" for t in offered):
            # Without this, a model asked to do something tends to say it did.
            self.notes = [_system("No tool was used for this message: nothing was set, sent or changed. Do not "
                                  "say that anything was done; if they asked for it, say what you need to know.")]

    def _instructions(self, offered: list[Tool]) -> str:
        # A prompt of its own, not the companion's: asked inside its persona ("one to three warm sentences"), the
        # default model chose to reply to nearly every request. No date or time either: tools read times from
        # the person's words against their own clock, and a small model shown today's date copies it.
        # Measured on bench/tools.py: "none" rather than "reply" (a request to reply to a mail chose "reply"), and
        # the note on outside data before the task, not last (read last, it talked the model out of acting).
        person = self.ctx.person.name
        tools = "\n".join(_describe(t) for t in offered)
        return (f"You choose the tools OS1 uses for {person}. The tools:\n{tools}\n\n{UNTRUSTED_NOTE}\n\n"
                f"Read {person}'s latest message. If it asks for what one of these tools does, answer "
                "{\"action\": \"call\", \"tool\": ..., \"arguments\": {...}}, the arguments taken from "
                f"{person}'s own words. If it does not ask for that, answer {{\"action\": \"none\"}}.")

    def _result_note(self, tool: Tool, output: str, ok: bool) -> str:
        label = f"result of {tool.name}" + ("" if ok else " (failed)")
        return (f"{quote_untrusted(label, output)}\n{UNTRUSTED_NOTE}\nIf {self.ctx.person.name}'s latest message "
                "still needs another tool, call it; otherwise answer {\"action\": \"none\"}.")


class Agent:
    """Tools for a companion: settles answers to proposals, and runs the loop for turns that may need a tool."""

    def __init__(self, model: Model, store: Store, tools: Toolbox,
                 clock: Callable[[], datetime] = local_now, max_steps: int = MAX_STEPS,
                 memory: Memory | None = None, home: Path | None = None) -> None:
        self.model = model
        self.store = store
        self.tools = tools
        self.clock = clock
        self.max_steps = max_steps
        self.memory = memory
        self.home = home

    def context(self, user: User, conversation: Conversation | None, request: str = "") -> ToolContext:
        return ToolContext(user, self.store, self.clock, request, conversation, self.model, self.memory, self.home)

    async def settle(self, user: User, conversation: Conversation, text: str) -> Settled | None:
        """A yes or no to a pending proposal, or "undo that": what ran and the reply. None for anything else."""
        return await Policy(self.context(user, conversation, text), self.tools).settle(text)

    def turn(self, user: User, conversation: Conversation, request: str) -> AgentTurn:
        return AgentTurn(self.model, self.tools, self.context(user, conversation, request), self.max_steps)

    async def propose(self, user: User, conversation: Conversation, request: str, name: str,
                      arguments: dict[str, Any]) -> Proposal:
        """A proposal the companion makes itself, not the model (forgetting): the same kind, held the same way."""
        return await Policy(self.context(user, conversation, request), self.tools).propose(self.tools.get(name),
                                                                                          arguments)

    async def hold(self, user: User, conversation: Conversation, proposal: Proposal) -> None:
        """Keep a proposal for the person's answer (once they have been shown it)."""
        await Policy(self.context(user, conversation), self.tools).hold(proposal)


def decision_schema(tools: list[Tool]) -> dict[str, Any]:
    """No tool, or call one of `tools` with arguments fitting its own schema."""
    branches: list[dict[str, Any]] = [
        {"type": "object", "properties": {"action": {"const": "none"}}, "required": ["action"]}]
    for t in tools:
        branches.append({"type": "object",
                         "properties": {"action": {"const": "call"}, "tool": {"const": t.name},
                                        "arguments": t.parameters()},
                         "required": ["action", "tool", "arguments"]})
    return {"anyOf": branches}


def _announced(early: asyncio.Task[tuple[Event, ...]]) -> tuple[Event, ...]:
    """A finished prelude's events (none if it was cancelled)."""
    return () if early.cancelled() else early.result()


async def _finished(early: asyncio.Task[tuple[Event, ...]]) -> tuple[Event, ...]:
    """A prelude's events, once it has finished."""
    await asyncio.wait({early})
    return _announced(early)


def _sure_tool(offered: list[Tool], request: str) -> Tool | None:
    """The one tool the person's words ask for beyond doubt (its `sure_by`), if there is one."""
    sure = [t for t in offered if t.sure_by is not None and t.sure_by.search(request)]
    return sure[0] if len(sure) == 1 else None


def _sure(offered: list[Tool], request: str) -> dict[str, Any] | None:
    """The call the person's words ask for beyond doubt, made with its defaults."""
    sure = _sure_tool(offered, request)
    return {"action": "call", "tool": sure.name, "arguments": {}} if sure is not None else None


def _recent(prompt: list[Message], request: str) -> list[Message]:
    """The last few messages of the conversation, then the person's latest as they wrote it."""
    said = [m for m in prompt if m["role"] in ("user", "assistant")][:-1][-DECISION_HISTORY:]
    shown: list[Message] = [{"role": m["role"], "content": _STAMP.sub("", m["content"])[:HISTORY_CHARS]}
                            for m in said]
    return [*shown, {"role": "user", "content": request}]


def _describe(t: Tool) -> str:
    params = t.signature.parameters
    lines = [f"- {t.name}: {t.description}"]
    lines += [f"    {p.name}{'' if p.required else ' (optional)'}: {p.description}" for p in params]
    if t.examples:
        lines.append("    asked for like: " + "; ".join(json.dumps(e) for e in t.examples))
    return "\n".join(lines)


def _system(text: str) -> Message:
    return {"role": "system", "content": text}


def _assistant(decision: dict[str, Any]) -> Message:
    return {"role": "assistant", "content": json.dumps(decision, ensure_ascii=False)}
