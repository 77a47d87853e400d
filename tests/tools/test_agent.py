"""The agent loop with a scripted model: when it runs at all, what the stream shows, what goes back to the model."""

import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from os1.agent import MAX_STEPS, AgentTurn
from os1.capabilities import default_toolbox
from os1.db.state import PENDING_ACTION
from os1.db.store import Store, User
from os1.events import Event, TextDelta, ToolCall, ToolResult, TurnEnded
from os1.models.openai_compat import OpenAICompatModel
from os1.reminders.book import reminders
from os1.runtime import Runtime
from os1.testing import FixedClock, ScriptedModel
from os1.tools import Toolbox, ToolContext, ToolError, tool
from os1.tools.policy import UNTRUSTED_NOTE

Say = Callable[[str], Awaitable[list[Event]]]


@tool(effect="read", asked_by=r"\bweather\b")
async def weather(ctx: ToolContext, city: str) -> str:
    """The weather in a city now.

    Args:
        city: the city's name
    """
    return {"Paris": "Sunny, 21°C", "Oslo": "Snow, -3°C"}.get(city, f"No weather known for {city}.")


@pytest.fixture
def tools(companion_runtime: Runtime) -> Toolbox:
    box = default_toolbox()
    box.add(weather)
    companion_runtime.use_tools(box)
    return box


def call(name: str, **arguments: Any) -> dict[str, Any]:
    return {"action": "call", "tool": name, "arguments": arguments}


REPLY = {"action": "none"}


def of(kind: type, events: list[Event]) -> list[Any]:
    return [e for e in events if isinstance(e, kind)]


async def test_ordinary_chat_never_waits_on_a_tool_decision(say: Say, scripted: ScriptedModel, tools: Toolbox) -> None:
    scripted.enqueue("I'm well, thank you.")
    events = await say("How are you today?")
    assert len(scripted.prompts) == 1  # the reply only: no complete_json was asked
    assert of(ToolCall, events) == [] and "".join(e.text for e in of(TextDelta, events)) == "I'm well, thank you."


async def test_a_read_tools_result_is_shown_and_given_back_as_data(say: Say, scripted: ScriptedModel,
                                                                   tools: Toolbox) -> None:
    scripted.enqueue_json(call("weather", city="Paris"))
    scripted.enqueue_json(REPLY)
    scripted.enqueue("Sunny in Paris: 21 degrees.")
    events = await say("What's the weather in Paris?")
    (made,) = of(ToolCall, events)
    (result,) = of(ToolResult, events)
    assert (made.name, made.arguments) == ("weather", {"city": "Paris"})
    assert (result.call_id, result.output, result.ok) == (made.call_id, "Sunny, 21°C", True)
    assert events.index(made) < events.index(result) < events.index(of(TextDelta, events)[0])
    decide_again, final = scripted.prompts[1], scripted.prompts[2]
    assert "<<<DATA result of weather>>>\n| Sunny, 21°C\n<<<END DATA>>>" in decide_again[-1]["content"]
    assert final[-1]["role"] == "system" and "| Sunny, 21°C" in final[-1]["content"]
    assert UNTRUSTED_NOTE in final[-1]["content"]
    assert isinstance(events[-1], TurnEnded) and events[-1].text == "Sunny in Paris: 21 degrees."


async def test_the_decision_prompt_is_its_own(say: Say, scripted: ScriptedModel, tools: Toolbox) -> None:
    """The tools, the last few messages and the latest as written: not the persona, not today's date."""
    scripted.enqueue("Hello!")
    await say("hi there")
    scripted.enqueue_json(REPLY)
    scripted.enqueue("…")
    await say("Is there weather in Oslo?")
    decide = scripted.prompts[1]
    assert decide[0]["role"] == "system" and decide[0]["content"].startswith("You choose the tools OS1 uses")
    assert "- weather: The weather in a city now.\n    city: the city's name" in decide[0]["content"]
    assert "set_reminder" not in decide[0]["content"]  # only tools the message could be asking for are offered
    assert [(m["role"], m["content"]) for m in decide[1:]] == [
        ("user", "hi there"), ("assistant", "Hello!"), ("user", "Is there weather in Oslo?")]
    assert "2026" not in json.dumps(decide)  # shown today's date, a small model copies it into its arguments


async def test_invalid_arguments_get_one_retry(say: Say, scripted: ScriptedModel, tools: Toolbox) -> None:
    scripted.enqueue_json(call("weather", town="Paris"))
    scripted.enqueue_json(call("weather", city="Paris"))
    scripted.enqueue_json(REPLY)
    scripted.enqueue("Sunny.")
    events = await say("weather in Paris?")
    assert [c.arguments for c in of(ToolCall, events)] == [{"city": "Paris"}]
    retry = scripted.prompts[1][-1]["content"]
    assert "That call was not valid: unknown argument(s) town" in retry


async def test_invalid_twice_is_a_plain_reply(say: Say, scripted: ScriptedModel, tools: Toolbox) -> None:
    scripted.enqueue_json(call("weather", town="Paris"))
    scripted.enqueue_json(call("forecast", city="Paris"))
    scripted.enqueue("I'm not sure, sorry.")
    events = await say("weather in Paris?")
    assert of(ToolCall, events) == []
    assert events[-1] == TurnEnded(events[-1].message_id, "I'm not sure, sorry.", timings=events[-1].timings)


async def test_no_decision_from_the_model_is_a_plain_reply(say: Say, scripted: ScriptedModel,
                                                           tools: Toolbox) -> None:
    scripted.enqueue("Let me think.")  # no JSON queued: complete_json fails
    events = await say("what's the weather like?")
    assert of(ToolCall, events) == [] and isinstance(events[-1], TurnEnded)


async def test_at_most_max_steps_calls(say: Say, scripted: ScriptedModel, tools: Toolbox) -> None:
    for city in ("Oslo", "Paris", "Rome", "Lima", "Kyiv"):
        scripted.enqueue_json(call("weather", city=city))
    scripted.enqueue("Cold here and there.")
    events = await say("weather, weather, weather")
    assert len(of(ToolCall, events)) == MAX_STEPS
    assert len(scripted.json_replies) == 1  # never asked for a fifth step


async def test_the_same_call_twice_ends_the_loop(say: Say, scripted: ScriptedModel, tools: Toolbox) -> None:
    scripted.enqueue_json(call("weather", city="Oslo"))
    scripted.enqueue_json(call("weather", city="Oslo"))
    scripted.enqueue("Snowing in Oslo.")
    events = await say("weather in Oslo?")
    assert len(of(ToolCall, events)) == 1 and events[-1].text == "Snowing in Oslo."


async def test_a_request_the_model_did_not_act_on_is_not_claimed_done(say: Say, scripted: ScriptedModel,
                                                                      tools: Toolbox) -> None:
    scripted.enqueue_json(REPLY)
    scripted.enqueue("When should I remind you?")
    await say("remind me to water the plants")
    note = scripted.prompts[-1][-1]
    assert note["role"] == "system" and "nothing was set, sent or changed" in note["content"]


async def test_a_change_done_at_once_is_echoed_exactly(say: Say, scripted: ScriptedModel, tools: Toolbox,
                                                       companion_runtime: Runtime) -> None:
    scripted.enqueue_json(call("set_reminder", when="in 20 minutes", text="take the pasta off"))
    events = await say("in 20 minutes remind me to take the pasta off")
    (result,) = of(ToolResult, events)
    reply = "Reminder set for today at 14:23 (in 20 minutes): take the pasta off."
    assert result.output == reply and events[-1].text == reply
    assert len(scripted.prompts) == 1  # said as it is: no model retelling it
    user = await companion_runtime.store.user("theodore")
    assert [r.text for r in await reminders(companion_runtime.store, user)] == ["take the pasta off"]


async def test_the_loop_works_over_the_openai_compatible_backend(store: Store, clock: FixedClock) -> None:
    """The decision travels as a JSON schema in response_format; the call comes back as the message content."""
    sent: list[dict[str, Any]] = []

    def server(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        decision = call("set_reminder", when="tomorrow at 9", text="call my sister")
        return httpx.Response(200, json={"choices": [{"message": {"content": json.dumps(decision)}}]})

    model = OpenAICompatModel("any", "http://model.invalid/v1", transport=httpx.MockTransport(server))
    user: User = await store.user("theodore")
    ctx = ToolContext(user, store, clock, "remind me tomorrow at 9 to call my sister")
    turn = AgentTurn(model, default_toolbox(), ctx)
    events = [e async for e in turn.run([{"role": "user", "content": ctx.request}])]
    await model.close()
    assert [type(e) for e in events] == [ToolCall, ToolResult]
    schema = sent[0]["response_format"]["json_schema"]["schema"]
    assert {b["properties"].get("tool", {}).get("const") for b in schema["anyOf"]} >= {"set_reminder"}
    assert turn.reply == "Reminder set for tomorrow, Sat 21 Nov, at 09:00: call my sister."


async def _no_such_parcel(ctx: ToolContext, args: dict[str, Any]) -> str:
    raise ToolError(f"I can't find a parcel called {args['parcel']!r}; which one do you mean?")


@tool(effect="change", asked_by=r"\bparcel\b", describe=_no_such_parcel)
async def return_parcel(ctx: ToolContext, parcel: str) -> str:
    """Send a parcel back.

    Args:
        parcel: which parcel
    """
    raise AssertionError("never runs: there is nothing to propose")


async def test_a_change_that_cannot_be_proposed_says_why_and_holds_nothing(say: Say, scripted: ScriptedModel,
                                                                         tools: Toolbox,
                                                                         companion_runtime: Runtime) -> None:
    tools.add(return_parcel)
    scripted.enqueue_json(call("return_parcel", parcel="the blue one"))
    events = await say("return the blue parcel")
    (ended,) = of(TurnEnded, events)
    assert ended.text == "I can't find a parcel called 'the blue one'; which one do you mean?"
    assert len(scripted.prompts) == 1  # no retry, no reply written over it
    user = await companion_runtime.store.user("theodore")
    conversation = await companion_runtime.store.latest_conversation(user)
    assert conversation is not None
    assert await companion_runtime.store.get_state(user, PENDING_ACTION.key(conversation.id)) is None


async def test_a_tool_that_could_not_do_it_says_why_in_its_own_words(say: Say, scripted: ScriptedModel,
                                                                     tools: Toolbox) -> None:
    scripted.enqueue_json(call("check_mail"))  # no mail connected
    scripted.enqueue_json(REPLY)
    events = await say("any new mail?")
    (result,) = of(ToolResult, events)
    assert not result.ok
    (ended,) = of(TurnEnded, events)
    assert ended.text == "Your mail isn't connected yet. Run `os1 mail connect` and I can read and sort it."
    assert len(scripted.prompts) == 2  # two decisions (the call, then none); no reply was asked to retell it
