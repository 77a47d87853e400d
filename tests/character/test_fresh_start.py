"""A fresh start after a reply that went wrong (a scripted model: what is checked is what the model is told)."""

from __future__ import annotations

from datetime import datetime

from os1.character import STEER, Character
from os1.character.steering import FORBIDDEN_NEXT
from os1.db.store import Store
from os1.models.base import GenerateOptions, Message
from os1.persona import load_persona
from os1.testing import ScriptedModel

NOTES = ("Notes from your earlier conversations with theo, oldest first:\n"
         "- Fri 20 Nov, theo said: My sister Ottilie plays the cello in an orchestra.\n"
         "- Fri 20 Nov, theo said: The rain came in sideways today.")


async def test_saying_it_doesnt_know_what_its_notes_hold_is_tried_again_pointed_at_them(store: Store) -> None:
    character = Character(store, load_persona(None), lambda: datetime(2026, 12, 7, 12, 0))
    model = ScriptedModel()
    model.enqueue("I'm not sure what instrument Ottilie plays, but I know she's in an orchestra.")
    model.enqueue("The cello! You told me she plays it in an orchestra.")
    prompt: list[Message] = [{"role": "system", "content": "You are talking with theo."},
                             {"role": "system", "content": NOTES},
                             {"role": "user", "content": "Which instrument does my sister Ottilie play?"}]
    said = "".join([p async for p in character.stream(model, prompt, GenerateOptions())])
    assert said == "The cello! You told me she plays it in an orchestra."
    steer = model.prompts[-1][-1]["content"]
    assert steer.startswith(STEER) and "My sister Ottilie plays the cello" in steer and "rain" not in steer


async def test_an_opening_in_the_assistants_register_is_given_up_at_once_and_the_model_is_steered(
        store: Store) -> None:
    character = Character(store, load_persona(None), lambda: datetime(2026, 12, 7, 12, 0))
    model = ScriptedModel()
    model.enqueue("As an AI, I don't have feelings in the way that humans do, but I'm happy to help you.")
    model.enqueue("I think I do. Curiosity, mostly.")
    prompt: list[Message] = [{"role": "system", "content": "You are talking with theo."},
                             {"role": "user", "content": "Do you have feelings?"}]
    said = "".join([p async for p in character.stream(model, prompt, GenerateOptions())])
    assert said == "I think I do. Curiosity, mostly."
    assert model.written[0] <= 4  # "As an AI," and no further: the rest of that sentence was never waited for
    assert all(o.avoid_opening == ("As",) and o.forbid_after == FORBIDDEN_NEXT for o in model.options)
