"""Memory requests said in conversation: "what do you know about me?", "forget what I told you about my ex"."""

import pytest

from os1.db.store import Conversation, StoredMessage, User
from os1.events import Event, Recalled, TextDelta, TurnEnded
from os1.memory.facts import Fact, add_fact, facts
from os1.memory.requests import MemoryRequest, memory_request
from os1.runtime import Runtime
from os1.testing import ScriptedModel
from os1.text.answers import confirms
from os1.tools import audit


async def turn(rt: Runtime, text: str) -> list[Event]:
    user = await rt.store.user("theodore")
    conv = await rt.store.latest_conversation(user) or await rt.store.new_conversation(user)
    return [e async for e in rt.companion.respond(user, conv, text)]


def reply(events: list[Event]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def recalled(events: list[Event]) -> list[dict[str, object]]:
    return [item for e in events if isinstance(e, Recalled) for item in e.items]


async def seeded(rt: Runtime) -> tuple[User, Conversation, StoredMessage, Fact, Fact]:
    """Theodore told the companion about his ex and his sister; facts were learned from both."""
    theo = await rt.store.user("theodore")
    conv = await rt.store.new_conversation(theo)
    ex = await rt.store.append(conv, "user", "My ex Catherine kept all my records.")
    await rt.store.append(conv, "assistant", "That must sting.")
    sister = await rt.store.append(conv, "user", "My sister Ottilie plays the cello.")
    await rt.store.append(conv, "assistant", "How lovely.")
    ex_fact, _ = await add_fact(rt.store, theo, "Theodore's ex Catherine kept his records.", "ex: Catherine",
                                source_message_id=ex.id)
    sister_fact, _ = await add_fact(rt.store, theo, "Theodore's sister Ottilie plays the cello.", "sister: Ottilie",
                                    source_message_id=sister.id)
    return theo, conv, ex, ex_fact, sister_fact


async def contents(rt: Runtime, conv: Conversation) -> list[str]:
    return [m.content for m in await rt.store.messages(conv)]


async def test_what_do_you_know_about_me_lists_every_fact(runtime: Runtime, scripted: ScriptedModel) -> None:
    _, _, _, ex_fact, sister_fact = await seeded(runtime)
    events = await turn(runtime, "What do you know about me?")
    assert {item["text"] for item in recalled(events)} == {ex_fact.text, sister_fact.text}
    assert {item["kind"] for item in recalled(events)} == {"fact"}
    said = reply(events)
    assert ex_fact.text in said and sister_fact.text in said and "forget" in said
    assert scripted.prompts == []  # the true list, straight from memory: no model retelling it


async def test_what_do_you_know_with_nothing_known_says_so(runtime: Runtime, scripted: ScriptedModel) -> None:
    events = await turn(runtime, "so what do you remember about me?")
    assert "don't know anything about you yet" in reply(events) and recalled(events) == []


async def test_forget_lists_what_it_would_forget_and_asks_first(runtime: Runtime, scripted: ScriptedModel) -> None:
    theo, conv, ex, ex_fact, _ = await seeded(runtime)
    events = await turn(runtime, "forget what I told you about my ex")
    said = reply(events)
    assert ex.content in said and ex_fact.text in said and "Ottilie" not in said
    assert said.endswith("Shall I forget all 2 for good? (yes / no)")
    assert {(i["kind"], i["id"]) for i in recalled(events)} == {("message", ex.id), ("fact", ex_fact.id)}
    assert scripted.prompts == []  # recognised by pattern: no model was asked
    assert ex.content in await contents(runtime, conv)  # nothing deleted yet
    assert ex_fact.id in {f.id for f in await facts(runtime.store, theo)}


async def test_yes_forgets_the_items_and_the_exchange_about_them(runtime: Runtime, scripted: ScriptedModel) -> None:
    theo, conv, ex, ex_fact, sister_fact = await seeded(runtime)
    await turn(runtime, "What do you know about me?")  # its reply lists the ex fact too
    await turn(runtime, "forget what I told you about my ex")
    events = await turn(runtime, "yes")
    assert reply(events) == "Done. It's gone for good: 3 things forgotten."
    assert await contents(runtime, conv) == [
        "That must sting.", "My sister Ottilie plays the cello.", "How lovely.", "What do you know about me?",
        "Done. It's gone for good: 3 things forgotten."]
    assert [f.id for f in await facts(runtime.store, theo, include_superseded=True)] == [sister_fact.id]
    scripted.enqueue("Once upon a time.")
    await turn(runtime, "Tell me a story.")
    prompt = "\n".join(m["content"] for m in scripted.prompts[-1])
    assert "Catherine" not in prompt and "Ottilie" in prompt


async def test_forgetting_is_an_action_logged_without_what_was_forgotten(runtime: Runtime,
                                                                            scripted: ScriptedModel) -> None:
    theo, conv, _, _, _ = await seeded(runtime)
    await turn(runtime, "Please forget about Catherine.")
    events = await turn(runtime, "yes")
    assert reply(events).startswith("Done.")
    [action] = await audit.actions(runtime.store, theo)
    assert action.tool == "forget_memory" and action.confirmed and action.arguments == {}
    assert "Catherine" not in action.summary + action.result  # the log keeps no copy of what went
    assert "Catherine" not in "".join(await contents(runtime, conv))
    assert reply(await turn(runtime, "undo that")).startswith("I can't undo that one")


async def test_no_keeps_everything(runtime: Runtime, scripted: ScriptedModel) -> None:
    theo, conv, ex, ex_fact, _ = await seeded(runtime)
    await turn(runtime, "Please forget about Catherine.")
    events = await turn(runtime, "no")
    assert reply(events) == "Okay, I won't. Nothing was done."
    assert ex.content in await contents(runtime, conv)
    assert ex_fact.id in {f.id for f in await facts(runtime.store, theo)}
    scripted.enqueue("Of course.")
    assert reply(await turn(runtime, "yes")) == "Of course."  # no longer waiting for an answer: a normal turn
    assert ex.content in await contents(runtime, conv)


async def test_forget_with_nothing_to_forget_says_so(runtime: Runtime, scripted: ScriptedModel) -> None:
    _, conv, _, _, _ = await seeded(runtime)
    before = await contents(runtime, conv)
    events = await turn(runtime, "forget about my zeppelin collection")
    assert reply(events) == "I looked, and I don't have anything about \"my zeppelin collection\" to forget."
    assert await contents(runtime, conv) == [*before, "forget about my zeppelin collection", reply(events)]
    scripted.enqueue("Sure thing.")
    assert reply(await turn(runtime, "yes")) == "Sure thing."  # nothing was pending
    assert isinstance((await turn(runtime, "ok"))[-1], TurnEnded)


@pytest.mark.parametrize(("text", "expected"), [
    ("What do you know about me?", MemoryRequest("show")),
    ("okay, what do you remember about me", MemoryRequest("show")),
    ("What have you learned about me so far?", MemoryRequest("show")),
    ("How much do you remember about me?", MemoryRequest("show")),
    ("forget what I told you about my ex", MemoryRequest("forget", "my ex")),
    ("Please forget about Catherine.", MemoryRequest("forget", "Catherine")),
    ("Can you forget everything I told you about my job, please?", MemoryRequest("forget", "my job")),
    ("delete that I mentioned the divorce", MemoryRequest("forget", "the divorce")),
    ("erase my memories of Lisbon", MemoryRequest("forget", "Lisbon")),
    ("Forget my ex.", MemoryRequest("forget", "my ex")),
    ("I always forget my keys", None),
    ("I forget things all the time", None),
    ("Don't forget my birthday!", None),
    ("forget it", None),
    ("forget about it", None),
    ("What do you know about Paris?", None),
    ("I wonder what do you know about me", None),
    # acting on things in the world is a tool's work, not forgetting
    ("delete my 7am alarm", None),
    ("delete the spam", None),
    ("delete what can go", None),
    ("delete all the promotions from Shoe Palace", None),
    ("delete the messages from the gym", None),
    ("delete the file old-cv-draft.docx", None),
    ("delete Scan0001 (3).pdf", None),
    ("delete the photos from the beach trip", None),
    ("delete the messages I sent about my ex", MemoryRequest("forget", "the messages I sent about my ex")),
])
def test_memory_requests_are_recognised(text: str, expected: MemoryRequest | None) -> None:
    assert memory_request(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("yes", True), ("Yes, please.", True), ("yeah do it", True), ("sure!", True), ("go ahead", True),
    ("please do", True), ("yes, go ahead", True), ("ok", True),
    ("no", False), ("nope", False), ("not yet", False), ("yes but not the fact", False),
    ("yesterday was fun", False), ("", False),
])
def test_confirms_only_a_plain_yes(text: str, expected: bool) -> None:
    assert confirms(text) is expected
