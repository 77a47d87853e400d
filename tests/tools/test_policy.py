"""The confirmation policy: a change outside OS1 never runs without the person's yes; done actions are logged
and can be undone where the world allows."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import pytest

from os1.config import Settings
from os1.events import Event, TextDelta, ToolCall, ToolResult, TurnEnded
from os1.runtime import Runtime, open_runtime
from os1.testing import ScriptedModel
from os1.tools import Outcome, Toolbox, ToolContext, Undo, audit, policy, tool
from os1.tools.policy import asks_to_undo, gate

Say = Callable[[str], Awaitable[list[Event]]]


@dataclass
class World:
    """Outside OS1, as far as these tests go: notes sent, folders archived."""

    sent: list[tuple[str, str]] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)

    def toolbox(self) -> Toolbox:
        async def describe_note(ctx: ToolContext, args: dict[str, object]) -> str:
            return f"Send a note to {args['to']}: \"{args['text']}\""

        @tool(effect="change", asked_by=r"\bsend\b", describe=describe_note)
        async def send_note(ctx: ToolContext, to: str, text: str) -> Outcome:
            """Send a short note to someone.

            Args:
                to: their address
                text: the note
            """
            self.sent.append((to, text))
            return Outcome(f"Sent the note to {to}.")  # a sent note stays sent: no undo

        @tool(effect="change", asked_by=r"\barchive\b")
        async def archive(ctx: ToolContext, folder: str) -> Outcome:
            """Archive a folder."""
            self.archived.append(folder)
            return Outcome(f"Archived {folder}.", Undo("unarchive", {"folder": folder}))

        @tool(effect="change", asked_by=None)
        async def unarchive(ctx: ToolContext, folder: str) -> str:
            """Bring an archived folder back."""
            self.archived.remove(folder)
            return f"{folder} is back where it was."

        @tool(effect="read", asked_by=r"\bnotes?\b")
        async def list_notes(ctx: ToolContext) -> str:
            """List the notes sent."""
            return "\n".join(text for _, text in self.sent) or "none"

        return Toolbox([send_note, archive, unarchive, list_notes])


@pytest.fixture
def world(companion_runtime: Runtime) -> World:
    w = World()
    companion_runtime.use_tools(w.toolbox())
    return w


def text_of(events: list[Event]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def calls(events: list[Event]) -> list[ToolCall]:
    return [e for e in events if isinstance(e, ToolCall)]


SEND = {"action": "call", "tool": "send_note", "arguments": {"to": "amy@example.com", "text": "Running late"}}


async def propose_note(say: Say, scripted: ScriptedModel) -> list[Event]:
    scripted.enqueue_json(SEND)
    return await say("send Amy a note that I'm running late")


async def test_a_change_is_proposed_with_its_exact_details_and_runs_only_after_yes(
        say: Say, scripted: ScriptedModel, world: World, companion_runtime: Runtime) -> None:
    events = await propose_note(say, scripted)
    assert calls(events) == [] and world.sent == []
    asked = text_of(events)
    assert 'Send a note to amy@example.com: "Running late"' in asked and "(yes / no)" in asked
    assert isinstance(events[-1], TurnEnded) and events[-1].text == asked

    events = await say("yes")
    assert [c.name for c in calls(events)] == ["send_note"]
    assert [e.ok for e in events if isinstance(e, ToolResult)] == [True]
    assert world.sent == [("amy@example.com", "Running late")]
    assert text_of(events) == "Sent the note to amy@example.com."
    user = await companion_runtime.store.user("theodore")
    (done,) = await audit.actions(companion_runtime.store, user)
    assert done.tool == "send_note" and done.confirmed and done.arguments == SEND["arguments"]
    assert done.summary.startswith("Send a note to amy@example.com")

    scripted.enqueue("You're welcome.")
    await say("yes")  # nothing is pending any more: an ordinary message
    assert len(world.sent) == 1


async def test_no_drops_the_proposal(say: Say, scripted: ScriptedModel, world: World) -> None:
    await propose_note(say, scripted)
    events = await say("no, don't")
    assert "Nothing was done" in text_of(events) and calls(events) == []
    scripted.enqueue("Okay.")
    await say("yes")
    assert world.sent == []


async def test_an_unrelated_message_drops_the_proposal(say: Say, scripted: ScriptedModel,
                                                       world: World) -> None:
    await propose_note(say, scripted)
    scripted.enqueue("It was lovely, thank you.")
    events = await say("how was your afternoon?")
    assert text_of(events) == "It was lovely, thank you."
    scripted.enqueue("Mm?")
    await say("yes")
    assert world.sent == []


async def test_a_late_yes_does_not_run_it(say: Say, scripted: ScriptedModel, world: World,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    await propose_note(say, scripted)
    monkeypatch.setattr(policy, "PROPOSAL_TTL", -policy.PROPOSAL_TTL)  # any yes is late
    events = await say("yes")
    assert "didn't do it" in text_of(events) and world.sent == []


async def test_a_proposal_survives_a_restart(settings: Settings, say: Say, scripted: ScriptedModel,
                                             world: World, companion_runtime: Runtime) -> None:
    await propose_note(say, scripted)
    await companion_runtime.store.close()
    reopened = await open_runtime(settings, model=scripted)
    companion_runtime.store = reopened.store  # closed by the fixture
    reopened.use_tools(world.toolbox())
    user = await reopened.store.user("theodore")
    conversation = await reopened.store.latest_conversation(user)
    assert conversation is not None
    events = [e async for e in reopened.companion.respond(user, conversation, "yes please")]
    assert calls(events) and world.sent == [("amy@example.com", "Running late")]


async def test_undo_takes_back_the_last_action_where_the_world_allows(
        say: Say, scripted: ScriptedModel, world: World, companion_runtime: Runtime) -> None:
    scripted.enqueue_json({"action": "call", "tool": "archive", "arguments": {"folder": "Receipts"}})
    await say("archive my Receipts folder")
    await say("go ahead")
    assert world.archived == ["Receipts"]

    events = await say("undo that")
    assert [c.name for c in calls(events)] == ["unarchive"] and world.archived == []
    assert text_of(events) == "Undone. Receipts is back where it was."
    user = await companion_runtime.store.user("theodore")
    (action,) = await audit.actions(companion_runtime.store, user)
    assert action.undone_at is not None

    events = await say("undo")
    assert "nothing I did here that I could undo" in text_of(events)


async def test_what_cannot_be_undone_is_said_so(say: Say, scripted: ScriptedModel,
                                                world: World) -> None:
    await propose_note(say, scripted)
    await say("yes")
    events = await say("take it back")
    assert "I can't undo that one" in text_of(events) and len(world.sent) == 1


def test_the_gate() -> None:
    box = World().toolbox()
    send, notes = box.get("send_note"), box.get("list_notes")
    assert gate(notes, "hello") == "run"
    assert gate(send, "what's the weather?") == "refuse"
    assert gate(send, "send it to Amy") == "propose"


@pytest.mark.parametrize(("text", "expected"), [
    ("undo that", True), ("cancel that", True), ("Undo!", True), ("oh no, undo it please", True),
    ("take it back", True), ("cancel my dentist appointment", False), ("undo the knot", False),
])
def test_undo_requests(text: str, expected: bool) -> None:
    assert asks_to_undo(text) is expected
