"""Someone of theirs that memory has never heard of: the honest answer is said at once, without the model."""

from __future__ import annotations

import pytest

from os1.character.untold import untold_answer


@pytest.mark.parametrize(("unknown", "asked", "said"), [
    ("sister", "What's my sister called?", "told me about your sister yet. What's her name?"),
    ("brother", "[Mon 7 Dec, 10:02] Who is my brother?", "told me about your brother yet. What's his name?"),
    ("dog", "What's my dog's name again?", "told me about your dog yet. What's their name?"),
    ("mother", "How old is my mother?", "told me about your mother yet."),
])
def test_a_question_about_someone_never_told_of_is_answered_at_once(unknown: str, asked: str, said: str) -> None:
    answer = untold_answer(unknown, asked)
    assert answer is not None and said in answer and "sorry" not in answer.lower()


@pytest.mark.parametrize(("unknown", "asked"), [
    (None, "What's my sister called?"),  # memory knows of her: the model answers from its notes
    ("favourite food", "What's my favourite food?"),  # not someone: the model answers, told nothing was said
    ("sister", "I had a fight with her. What's my sister like, do you think?"),  # more than the question
])
def test_anything_else_is_left_to_the_model(unknown: str | None, asked: str) -> None:
    assert untold_answer(unknown, asked) is None


def test_asked_again_it_is_said_another_way() -> None:
    first = untold_answer("sister", "What's my sister called?")
    assert first is not None
    again = untold_answer("sister", "What's my sister called?", before=(first,))
    assert again is not None and again != first and "sister" in again
