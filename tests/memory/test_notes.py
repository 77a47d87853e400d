"""Recalled memories as notes: third person, dates in words, relative times resolved as of when they were said."""

from datetime import UTC, datetime

import pytest

from os1.memory.notes import age, dates_of, message_note, third_person, with_dates_in_words

SAID = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)  # Sunday 6 December 2026
LATER = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "told"),
    [
        ("My car is a green Skoda.", "Their car is a green Skoda."),
        ("I'm tired and I was late.", "They're tired and they were late."),
        ("We got a puppy, he's ours now and he loves us.", "They got a puppy, he's theirs now and he loves them."),
        ("Honestly I've had enough of myself.", "Honestly they've had enough of themselves."),
        ("We flew to the US.", "They flew to the US."),
        ("Did I tell you? You remind me of my dad.", "Did they tell you? You remind them of their dad."),
    ],
)
def test_the_persons_words_are_told_in_the_third_person(text: str, told: str) -> None:
    assert third_person(text) == told


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("I'm nervous about a job interview Thursday.", "I'm nervous about a job interview on Thu 10 Dec."),
        ("Work was fine today, nothing special.", "Work was fine that day, nothing special."),
        ("I went running this morning", "I went running that morning"),
        ("I saw Amy last Tuesday", "I saw Amy on Tue 1 Dec"),
        ("I've been sick since Monday", "I've been sick since Mon 30 Nov"),
        ("We moved here last month", "We moved here in November"),
        ("I ran a 10k two weeks ago", "I ran a 10k the week of Mon 16 Nov"),
        ("I booked a table for Friday", "I booked a table for Fri 11 Dec"),
        ("We spent Christmas with my mum", "We spent Christmas 2025 with my mum"),
        ("I've been painting lately", "I've been painting lately"),
        ("We married on 3 May 2025", "We married on 3 May 2025"),
    ],
)
def test_times_said_relatively_are_written_as_the_dates_they_meant(text: str, written: str) -> None:
    assert with_dates_in_words(text, SAID) == written
    assert "[" not in written


def test_dates_are_kept_as_data_and_read_back_the_same() -> None:
    text = "Interview Thursday, dentist next week."
    dates = dates_of(text, SAID)
    assert [(d["phrase"], d["start"][:10]) for d in dates] == [("Thursday", "2026-12-10"), ("next week", "2026-12-07")]
    assert with_dates_in_words(text, SAID, dates) == with_dates_in_words(text, SAID)


def test_a_recalled_message_is_a_dated_note_about_the_person() -> None:
    item = {"kind": "message", "text": "Oh, my car! It's a green Skoda.", "time": SAID.isoformat(), "role": "user"}
    assert message_note(item, "Maria", LATER) == "Sun 6 Dec (3 days ago): Maria said oh, their car! It's a green Skoda."
    item = {"kind": "message", "text": "I'm nervous about a job interview Thursday.", "time": SAID.isoformat(),
            "role": "user"}
    assert message_note(item, "Maria", LATER) == (
        "Sun 6 Dec (3 days ago): Maria said they're nervous about a job interview on Thu 10 Dec.")


@pytest.mark.parametrize(
    ("days", "words"), [(0, "today"), (1, "yesterday"), (5, "5 days ago"), (9, "1 week ago"), (20, "2 weeks ago"),
                        (75, "2 months ago"), (800, "2 years ago"), (-2, "in 2 days")])
def test_how_long_ago(days: int, words: str) -> None:
    from datetime import date, timedelta

    now = date(2026, 12, 6)
    assert age(now - timedelta(days=days), now) == words


def test_a_facts_dates_are_written_with_their_year_today_included() -> None:
    assert with_dates_in_words("Maria moved to Bristol last weekend", SAID, absolute=True) == (
        "Maria moved to Bristol the weekend of 28-29 Nov 2026")
    assert with_dates_in_words("work was fine today", SAID, absolute=True) == "work was fine on Sun 6 Dec 2026"
    text = "Maria has a dentist appointment on Thursday 10 December 2026."
    assert with_dates_in_words(text, SAID, absolute=True) == text  # the weekday of a date that is written out
