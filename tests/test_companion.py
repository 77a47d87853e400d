"""The turn, with a scripted model: storage order, naming, interruption, errors, context trimming."""

import asyncio
from pathlib import Path

from os1.companion import MAX_INPUT_CHARS
from os1.config import Settings
from os1.events import Error, Event, Named, Recalled, Status, TextDelta, TurnEnded, TurnStarted
from os1.models.base import ModelUnavailable
from os1.prompt import UNANSWERED_NOTE, company_note
from os1.runtime import Runtime, open_runtime
from os1.testing import ScriptedModel


async def turn(rt: Runtime, text: str, name: str = "theodore") -> list[Event]:
    user = await rt.store.user(name)
    conv = await rt.store.latest_conversation(user) or await rt.store.new_conversation(user)
    return [e async for e in rt.companion.respond(user, conv, text)]


async def stored(rt: Runtime, name: str = "theodore") -> list[tuple[str, str, str]]:
    user = await rt.store.user(name)
    conv = await rt.store.latest_conversation(user)
    assert conv is not None
    return [(m.role, m.content, m.status) for m in await rt.store.messages(conv)]


async def test_a_turn_streams_and_stores_both_sides(runtime: Runtime, scripted: ScriptedModel) -> None:
    scripted.enqueue("Hello, Theodore. How was your day?")
    events = await turn(runtime, "hi")
    kinds = [type(e) for e in events]
    assert kinds[0] is TurnStarted and kinds[-1] is TurnEnded
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "Hello, Theodore. How was your day?"
    assert await stored(runtime) == [("user", "hi", "complete"),
                                     ("assistant", "Hello, Theodore. How was your day?", "complete")]


async def test_input_is_stored_before_the_model_is_asked(runtime: Runtime, scripted: ScriptedModel) -> None:
    user = await runtime.store.user("theodore")
    conv = await runtime.store.new_conversation(user)
    events = runtime.companion.respond(user, conv, "remember this")
    first = await anext(events)
    assert isinstance(first, TurnStarted)
    assert scripted.prompts == []
    assert [m.content for m in await runtime.store.messages(conv)] == ["remember this"]
    await events.aclose()


async def test_history_reaches_the_prompt(runtime: Runtime, scripted: ScriptedModel) -> None:
    scripted.enqueue("Ottilie. Lovely.")
    await turn(runtime, "My sister is called Ottilie.")
    scripted.enqueue("Ottilie!")
    await turn(runtime, "What's my sister called?")
    prompt = scripted.prompts[-1]
    assert prompt[0]["role"] == "system"
    assert any("Ottilie" in m["content"] and m["role"] == "user" for m in prompt[1:-1])
    assert prompt[-1]["content"].endswith("What's my sister called?")


async def test_it_chooses_a_name_once_and_keeps_it(runtime: Runtime, scripted: ScriptedModel) -> None:
    scripted.enqueue_json({"name": "samantha"})
    scripted.enqueue("I'm Samantha.")
    events = await turn(runtime, "What's your name?")
    assert Named("Samantha") in events
    assert "Your name is Samantha" in scripted.prompts[-1][0]["content"]
    scripted.enqueue("Still Samantha.")
    events = await turn(runtime, "Sorry, what is your name again?")
    assert not any(isinstance(e, Named) for e in events)
    assert await runtime.companion.identity.name(await runtime.store.user("theodore")) == "Samantha"


async def test_a_bad_chosen_name_falls_back_to_a_real_one(runtime: Runtime, scripted: ScriptedModel) -> None:
    scripted.enqueue_json({"name": "Assistant"})
    scripted.enqueue("…")
    events = await turn(runtime, "who are you?")
    named = [e for e in events if isinstance(e, Named)]
    assert named and named[0].name not in ("Assistant", "")
    assert named[0].name.isalpha() and named[0].name[0].isupper()


async def test_each_person_has_their_own_companion_name(runtime: Runtime, scripted: ScriptedModel) -> None:
    scripted.enqueue_json({"name": "Iris"})
    await turn(runtime, "what's your name?", name="theodore")
    scripted.enqueue_json({"name": "Nora"})
    await turn(runtime, "what's your name?", name="amy")
    ident = runtime.companion.identity
    assert await ident.name(await runtime.store.user("theodore")) == "Iris"
    assert await ident.name(await runtime.store.user("amy")) == "Nora"


async def test_interrupted_reply_is_kept_and_flagged(runtime: Runtime, scripted: ScriptedModel) -> None:
    scripted.delay_s = 0.01
    scripted.enqueue("one two three four five six seven eight nine ten")
    user = await runtime.store.user("theodore")
    conv = await runtime.store.new_conversation(user)
    got: list[str] = []
    three_words = asyncio.Event()

    async def consume() -> None:
        async for event in runtime.companion.respond(user, conv, "count for me"):
            if isinstance(event, TextDelta):
                got.append(event.text)
                if len(got) == 3:
                    three_words.set()

    task = asyncio.create_task(consume())
    await three_words.wait()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    msgs = await runtime.store.messages(conv)
    assert msgs[-1].role == "assistant" and msgs[-1].status == "interrupted"
    assert msgs[-1].content.startswith("one two three") and "ten" not in msgs[-1].content


async def test_model_failure_is_a_clear_error_and_the_input_survives(
        runtime: Runtime, scripted: ScriptedModel) -> None:
    scripted.enqueue(ModelUnavailable("Can't reach the model server at http://127.0.0.1:9/v1."))
    events = await turn(runtime, "are you there?")
    assert isinstance(events[-1], Error) and events[-1].code == "model_unavailable"
    # Said as itself, with what to check after it.
    said = events[-1].message
    assert said.startswith("I'm here, but I can't think right now") and "127.0.0.1:9" in said
    assert await stored(runtime) == [("user", "are you there?", "complete")]
    # Back again, it catches up: the unanswered message is marked as such for the next reply.
    scripted.enqueue("I'm back. Yes, I'm here.")
    await turn(runtime, "hello?")
    prompt = scripted.prompts[-1]
    asked = next(i for i, m in enumerate(prompt) if m["content"].endswith("are you there?"))
    assert prompt[asked + 1] == {"role": "system", "content": UNANSWERED_NOTE}
    assert prompt[-1]["content"].endswith("hello?")


async def test_an_over_long_input_is_refused_kept_and_left_out_later(
        runtime: Runtime, scripted: ScriptedModel) -> None:
    huge = "word " * 5000  # ~6k tokens by the scripted count: more than the 4k window
    events = await turn(runtime, huge)
    assert isinstance(events[-1], Error) and events[-1].code == "input_too_long"
    assert scripted.prompts == []
    scripted.enqueue("Sure.")
    events = await turn(runtime, "ok, shorter then")
    assert isinstance(events[-1], TurnEnded)
    assert all(len(m["content"]) < 1000 for m in scripted.prompts[-1][1:])
    assert (await stored(runtime))[0][2] == "rejected"


async def test_absurdly_long_input_is_not_even_tokenised(runtime: Runtime, scripted: ScriptedModel) -> None:
    events = await turn(runtime, "x" * (MAX_INPUT_CHARS + 1))
    assert isinstance(events[-1], Error) and events[-1].code == "input_too_long"
    assert (await stored(runtime))[0][2] == "rejected"


async def test_empty_input_is_an_error_and_stores_nothing(runtime: Runtime) -> None:
    events = await turn(runtime, "   ")
    assert events == [Error("empty_input", "There was nothing to send: type a message first.")]


async def test_long_conversation_is_trimmed_to_the_window(runtime: Runtime, scripted: ScriptedModel) -> None:
    for i in range(60):
        scripted.enqueue(f"reply {i} " + "la " * 60)
        events = await turn(runtime, f"message {i} " + "blah " * 60)
        assert isinstance(events[-1], TurnEnded)
    prompt = scripted.prompts[-1]
    total = sum(len(m["content"]) // 4 + 5 for m in prompt)
    assert total + runtime.settings.max_reply_tokens <= scripted.context_window
    chat = [m for m in prompt[1:] if m["role"] != "system"]  # system notes hold what was recalled
    assert chat[0]["role"] == "user"
    assert "message 59" in prompt[-1]["content"]
    assert not any("message 0 " in m["content"] for m in chat)


async def test_loading_is_announced(runtime: Runtime, scripted: ScriptedModel) -> None:
    scripted.enqueue("hi")
    events = await turn(runtime, "hello")
    assert any(isinstance(e, Status) and e.state == "loading" for e in events)
    scripted.enqueue("hi")
    assert not any(isinstance(e, Status) and e.state == "loading" for e in await turn(runtime, "again"))


async def test_prepare_warms_the_prefix_without_the_new_input(runtime: Runtime, scripted: ScriptedModel) -> None:
    scripted.enqueue("Hello.")
    await turn(runtime, "hi")
    user = await runtime.store.user("theodore")
    conv = await runtime.store.latest_conversation(user)
    assert conv is not None
    await runtime.companion.prepare(user, conv)
    warmed = scripted.warmed[-1]
    assert warmed[0]["role"] == "system" and warmed[-1]["content"] == "Hello."


async def test_prepare_chooses_the_name_ahead_so_the_prompt_never_changes(
        runtime: Runtime, scripted: ScriptedModel) -> None:
    user = await runtime.store.user("theodore")
    conv = await runtime.store.new_conversation(user)
    scripted.enqueue_json({"name": "Juniper"})
    await runtime.companion.prepare(user, conv)
    assert "Your name is Juniper" in scripted.warmed[-1][0]["content"]
    scripted.enqueue("Juniper. I picked it myself.")
    events = [e async for e in runtime.companion.respond(user, conv, "What's your name?")]
    assert Named("Juniper") in events  # revealed the first time it is asked
    assert not scripted.json_replies and scripted.prompts[-1][0] == scripted.warmed[-1][0]
    scripted.enqueue("Still Juniper.")
    events = [e async for e in runtime.companion.respond(user, conv, "what's your name again?")]
    assert not any(isinstance(e, Named) for e in events)


async def test_a_fixed_persona_name_is_never_announced_as_chosen(settings: Settings, scripted: ScriptedModel,
                                                                 tmp_path: Path) -> None:
    persona = tmp_path / "p.toml"
    persona.write_text('id = "captain"\nname = "Marlow"\ncharacter = "An old sea captain."\n')
    rt = await open_runtime(settings.with_overrides(persona=persona), model=scripted)
    scripted.enqueue("Marlow.")
    events = await turn(rt, "what's your name?")
    assert not any(isinstance(e, Named) for e in events)
    assert "Your name is Marlow" in scripted.prompts[-1][0]["content"]
    await rt.close()


async def test_what_was_said_beyond_the_window_is_recalled_and_stays_put(
        runtime: Runtime, scripted: ScriptedModel) -> None:
    scripted.enqueue("Ottilie, lovely.")
    await turn(runtime, "My sister is called Ottilie and she plays the cello.")
    user = await runtime.store.user("theodore")
    await runtime.store.new_conversation(user)  # a week later, a new conversation
    scripted.enqueue("Yes, the cello!")
    events = await turn(runtime, "Do you remember what instrument my sister plays?")
    recalled = [e for e in events if isinstance(e, Recalled)]
    assert recalled and "cello" in recalled[0].items[0]["text"]
    note = scripted.prompts[-1][-2]
    assert note["role"] == "system" and "Ottilie" in note["content"]
    scripted.enqueue("Sure.")
    await turn(runtime, "Nice. Anything else?")
    assert scripted.prompts[-1][: len(scripted.prompts[-2])] == scripted.prompts[-2]  # same prefix, note included


async def test_recall_never_crosses_people(runtime: Runtime, scripted: ScriptedModel) -> None:
    scripted.enqueue("Noted.")
    await turn(runtime, "My secret password hint is marmalade.", name="amy")
    scripted.enqueue("Hm?")
    events = await turn(runtime, "What is my password hint, marmalade or something?", name="theodore")
    assert not any(isinstance(e, Recalled) for e in events)
    assert not any("secret" in m["content"] for m in scripted.prompts[-1])


async def test_asked_whether_it_talks_with_others_it_is_given_the_count_and_never_who(
        runtime: Runtime, scripted: ScriptedModel) -> None:
    for name in ("maria", "jon"):  # two other people talking now
        scripted.enqueue("Hi.")
        await turn(runtime, f"Hello, it's {name}.", name=name)
    scripted.enqueue("Yes, a couple of other people right now.")
    await turn(runtime, "Are you talking to anyone else right now?")
    notes = [m["content"] for m in scripted.prompts[-1] if m["role"] == "system"]
    told = next(n for n in notes if n.startswith("Who else:"))
    assert "2 other people" in told and "maria" not in told.lower() and "jon" not in told.lower()
    assert "no one but them" in company_note(0)


async def test_a_question_about_themselves_is_marked_as_theirs_for_the_model(
        runtime: Runtime, scripted: ScriptedModel) -> None:
    scripted.enqueue("You haven't told me yet. Where is home?")
    await turn(runtime, "Where do I live?")
    notes = [m["content"] for m in scripted.prompts[-1] if m["role"] == "system"]
    assert any("\"my\" mean theodore, not you" in n for n in notes)
    scripted.enqueue("Sounds nice.")
    await turn(runtime, "It's sunny here.")
    assert sum("not you" in m["content"] for m in scripted.prompts[-1] if m["role"] == "system") == 1
