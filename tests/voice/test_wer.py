"""Word error rate (os1.voice.wer): only real mistakes count."""

from __future__ import annotations

import pytest

from os1.voice.wer import word_error_rate, words


def test_case_punctuation_and_apostrophes_do_not_count() -> None:
    assert word_error_rate("What's my dog called?", "whats my dog called") == 0.0
    assert word_error_rate("A well-known café, isn't it?", "a well known café isnt it") == 0.0


def test_numbers_as_words_or_digits_are_the_same() -> None:
    assert word_error_rate("Call me at four", "Call me at 4.") == 0.0
    assert word_error_rate("twenty minutes", "20 minutes") == 0.0
    assert words("Zero to twenty-one") == ["0", "to", "20", "1"]


@pytest.mark.parametrize(("hypothesis", "expected"), [
    ("call my mother on sunday", 0.0),
    ("call my brother on sunday", 0.2),  # one substitution in five words
    ("call my mother sunday", 0.2),  # one deletion
    ("please call my mother on sunday", 0.2),  # one insertion
    ("", 1.0),
    ("call call call my mother on on sunday sunday", 0.8),  # insertions can pile up
])
def test_substitutions_deletions_and_insertions_each_count_once(hypothesis: str, expected: float) -> None:
    assert word_error_rate("Call my mother on Sunday.", hypothesis) == pytest.approx(expected)


def test_an_empty_reference() -> None:
    assert word_error_rate("", "") == 0.0
    assert word_error_rate("...", "") == 0.0
    assert word_error_rate("", "you") == 1.0
