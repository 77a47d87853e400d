"""Letters in conversation, through the same turn as every tool (the model's choice of tool scripted; the real
model's letters are in test_letters_with_model.py): write from a brief, revise, proofread, write out by hand,
and tell OS1 about a client — which goes to the client's memory, never to the person's own."""

from __future__ import annotations

from pathlib import Path

from os1.capabilities import default_toolbox
from os1.events import Event, ToolCall, TurnEnded
from os1.letters import clients, versions
from os1.memory import learn
from os1.runtime import Runtime
from os1.testing import ScriptedModel

from .test_ghostwrite import GOOD


def call(tool: str, **arguments: object) -> dict[str, object]:
    return {"action": "call", "tool": tool, "arguments": arguments}


async def say(rt: Runtime, text: str) -> tuple[list[str], str]:
    person = await rt.store.user("theodore")
    conversation = await rt.store.latest_conversation(person) or await rt.store.new_conversation(person)
    events: list[Event] = [e async for e in rt.companion.respond(person, conversation, text)]
    end = events[-1]
    assert isinstance(end, TurnEnded), events
    return [e.name for e in events if isinstance(e, ToolCall)], end.text


async def test_a_letter_written_revised_proofread_and_handwritten_in_conversation(
        companion_runtime: Runtime, scripted: ScriptedModel) -> None:
    rt = companion_runtime
    person = await rt.store.user("theodore")
    lewman = await clients.add(rt.store, person, "Lewman", "Chris, her husband")
    await clients.tell(rt.store, person, lewman, "Every summer they go to the lake; Chris paddles the blue canoe.")

    scripted.enqueue_json(call("write_letter", brief="birthday letter", client="Lewman"))
    scripted.enqueue(GOOD)
    tools, text = await say(rt, "Write a birthday letter to Chris from his wife Lewman, about their trip to the lake")
    assert tools == ["write_letter"]
    assert text.startswith("Here is the letter to Chris, from Lewman:\n\nDear Chris,")
    assert "(Letter 1, version 1" in text
    brief = (await versions.get(rt.store, person, 1)).brief
    assert brief.startswith("Write a birthday letter to Chris")  # the person's own words, not the model's summary

    scripted.enqueue_json(call("revise_letter", change="warmer"))
    scripted.enqueue(GOOD.replace("Happy birthday, my love.", "Happy birthday, my darling."))
    tools, text = await say(rt, "make it warmer")
    assert tools == ["revise_letter"] and "my darling" in text and "Version 1 is kept." in text

    scripted.enqueue_json(call("proofread_letter"))
    tools, text = await say(rt, "can you proofread the letter?")
    assert tools == ["proofread_letter"] and "letter 1" in text

    scripted.enqueue_json(call("handwrite_letter", hand="dkg"))
    tools, text = await say(rt, "write it out by hand in the dkg hand")
    assert tools == ["handwrite_letter"] and "in the dkg hand" in text
    pdf = Path(text.splitlines()[1].strip())
    assert pdf.name == "letter-1-v2-dkg.pdf" and pdf.with_name("letter-1-v2-dkg-1.png").exists()


async def test_what_is_told_of_a_client_is_theirs_not_the_persons(companion_runtime: Runtime,
                                                                  scripted: ScriptedModel) -> None:
    rt = companion_runtime
    person = await rt.store.user("theodore")
    lewman = await clients.add(rt.store, person, "Lewman", "Chris, her husband")
    scripted.enqueue_json(call("tell_about_client", client="Lewman", facts="honeymoon in Lisbon"))
    tools, text = await say(rt, "Remember for Lewman's letters: she and Chris spent their honeymoon in Lisbon.")
    assert tools == ["tell_about_client"]
    assert text == ("I'll remember that for Lewman's letters (only theirs): she and Chris spent their honeymoon in "
                    "Lisbon.")
    assert [n.text for n in await clients.notes(rt.store, person, lewman)] == [
        "she and Chris spent their honeymoon in Lisbon."]
    told = [m for m in await rt.store.messages_after(person, 0, "user") if "honeymoon" in m.content]
    assert told and told[0].meta.get("kept_apart") is True
    assert learn.batches(told) == []  # the person's memory does not learn it as theirs

    scripted.enqueue_json(call("show_client", client="Lewman"))
    tools, text = await say(rt, "tell me what you know about my client Lewman")
    assert tools == ["show_client"] and "honeymoon in Lisbon" in text


async def test_forgetting_a_client_in_conversation_asks_first(companion_runtime: Runtime,
                                                             scripted: ScriptedModel) -> None:
    rt = companion_runtime
    person = await rt.store.user("theodore")
    lewman = await clients.add(rt.store, person, "Lewman", "Chris, her husband")
    await clients.tell(rt.store, person, lewman, "They met at a dance in 1974.")
    scripted.enqueue_json(call("forget_client", client="Lewman"))
    _, text = await say(rt, "forget my client Lewman")  # a client's memory, not his own: a tool, proposed
    assert "Forget your client Lewman: the 1 thing I know of them and the 0 letters" in text
    assert await clients.all_of(rt.store, person) == [lewman]
    tools, text = await say(rt, "yes")
    assert "Lewman is forgotten" in text and await clients.all_of(rt.store, person) == []


def test_words_about_letters_that_ask_for_nothing_offer_no_tool() -> None:
    tools = default_toolbox()
    for remark in ("I write letters for other people, for a living", "Do you think people write fewer letters now?",
                   "Amy says the book launch went well", "my client was lovely today"):
        assert tools.could_apply(remark) == [], remark
    assert [t.name for t in tools.could_apply("proofread the letter please")] == ["proofread_letter"]
