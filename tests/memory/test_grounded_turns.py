"""What a turn calls up from memory, as the model reads it (scripted model, real store and embedder): dated
notes about the person in the third person, and a plain "never told" where memory holds nothing."""

from os1.events import Event, Recalled, TurnEnded
from os1.runtime import Runtime
from os1.testing import ScriptedModel


async def turn(rt: Runtime, text: str, new: bool = False) -> list[Event]:
    user = await rt.store.user("theodore")
    conv = (None if new else await rt.store.latest_conversation(user)) or await rt.store.new_conversation(user)
    return [e async for e in rt.companion.respond(user, conv, text)]


async def test_a_recalled_message_is_a_dated_note_about_the_person_not_their_own_words(
        runtime: Runtime, scripted: ScriptedModel) -> None:
    scripted.enqueue("A green Skoda, nice.")
    await turn(runtime, "My car is a green Skoda, I got it last Tuesday.")
    scripted.enqueue("Green!")
    events = await turn(runtime, "What colour is my car?", new=True)
    assert any(isinstance(e, Recalled) for e in events)
    note = scripted.prompts[-1][-2]
    assert note["role"] == "system"
    assert "theodore said their car is a green Skoda, they got it on " in note["content"]
    assert "My car" not in note["content"] and "[20" not in note["content"] and "(today)" in note["content"]
    scripted.enqueue("Sure.")
    await turn(runtime, "Thanks, and how are you?")
    assert scripted.prompts[-1][: len(scripted.prompts[-2])] == scripted.prompts[-2]  # rendered the same again


async def test_a_never_told_parent_gets_a_plain_never_told_not_a_neighbour(
        runtime: Runtime, scripted: ScriptedModel) -> None:
    scripted.enqueue("A puppy!")
    await turn(runtime, "We got a puppy last week and named him Rex.")
    asked = len(scripted.prompts)
    events = await turn(runtime, "What's my mother's name?", new=True)
    assert not any(isinstance(e, Recalled) for e in events)
    # Known before the model starts, the honest answer is said at once: the model is not asked.
    (ended,) = [e for e in events if isinstance(e, TurnEnded)]
    assert len(scripted.prompts) == asked
    assert "told me about your mother" in ended.text and "Rex" not in ended.text
    # The next turn's prompt shows the question with its plain note, and not the neighbouring memory.
    scripted.enqueue("Tell me about her.")
    await turn(runtime, "Her name is Ruth.")
    prompt = scripted.prompts[-1]
    asked_at = next(i for i, m in enumerate(prompt) if m["content"].endswith("What's my mother's name?"))
    note = prompt[asked_at - 1]
    assert note["role"] == "system" and "never told you" in note["content"] and "mother" in note["content"]
    assert not any("Rex" in m["content"] for m in prompt[asked_at - 1:asked_at + 2])  # the note, question, answer


async def test_what_was_told_is_not_called_never_told(runtime: Runtime, scripted: ScriptedModel) -> None:
    scripted.enqueue("Ottilie, lovely.")
    await turn(runtime, "My sister is called Ottilie and she plays the cello.")
    scripted.enqueue("Ottilie!")
    await turn(runtime, "What's my sister called?", new=True)
    note = scripted.prompts[-1][-2]
    assert "Ottilie" in note["content"] and "never told" not in note["content"]
