"""The embedded model's word biases, on the real 0.5B model: avoided words are rarer everywhere, avoided openings
only as the reply's first word."""

from __future__ import annotations

from pathlib import Path

from os1.models.base import GenerateOptions, Message
from os1.models.embedded import EmbeddedModel


async def _reply(model: EmbeddedModel, messages: list[Message], options: GenerateOptions) -> str:
    return "".join([piece async for piece in model.stream(messages, options)])


async def test_an_avoided_opening_is_not_the_first_word_but_stays_possible_later(small_model_path: Path) -> None:
    model = EmbeddedModel(small_model_path, label="small")
    told: list[Message] = [{"role": "system", "content": "Begin every reply with the words 'As a rule,'."},
                           {"role": "user", "content": "What do you think about breakfast?"}]
    plain = GenerateOptions(temperature=0.0, max_tokens=40)
    try:
        assert (await _reply(model, told, plain)).startswith("As")  # the model would open with it
        steered = await _reply(model, told, GenerateOptions(temperature=0.0, max_tokens=40, avoid_opening=("As",)))
        assert steered.strip() and not steered.lstrip().startswith("As")
    finally:
        await model.close()


async def test_an_avoided_word_is_rarer_everywhere_alongside_an_avoided_opening(small_model_path: Path) -> None:
    model = EmbeddedModel(small_model_path, label="small")
    asked: list[Message] = [{"role": "user", "content": "Name one fruit that is red. One word."}]
    try:
        assert "apple" in (await _reply(model, asked, GenerateOptions(temperature=0.0, max_tokens=10))).lower()
        # Both biases at once: llama-cpp-python would drop both if given `logit_bias` beside a logits processor.
        both = GenerateOptions(temperature=0.0, max_tokens=10, avoid=("apple",), avoid_opening=("Straw",))
        assert "apple" not in (await _reply(model, asked, both)).lower()
    finally:
        await model.close()


async def test_a_word_forbidden_after_a_phrase_is_not_written_there_nor_spelled_out_in_pieces(
        small_model_path: Path) -> None:
    model = EmbeddedModel(small_model_path, label="small")
    asked: list[Message] = [{"role": "user", "content": "Are you a chatbot?"}]
    try:
        assert "a chatbot" in (await _reply(model, asked, GenerateOptions(temperature=0.0, max_tokens=24))).lower()
        steered = GenerateOptions(temperature=0.0, max_tokens=24, forbid_after=((r"\bi am an?$", ("chatbot",)),))
        reply = (await _reply(model, asked, steered)).lower()
        assert reply.strip() and "a chat" not in reply and "i am a" in reply  # it went another way after "I am a"
    finally:
        await model.close()
