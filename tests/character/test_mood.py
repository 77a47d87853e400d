"""The companion's mood: moved by what happens, kept between turns, fading back to rest."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from os1.character.mood import Mood, describe, moved, note, strength_now

NOW = datetime(2026, 11, 20, 21, 0, tzinfo=timezone(timedelta(hours=1)))


def test_ordinary_talk_leaves_it_at_rest() -> None:
    mood = moved(None, "Not much, just making tea.", "theodore", NOW)
    assert mood.at_rest and mood.feeling == "curious"


def test_a_hard_confession_moves_it_and_small_talk_does_not_undo_that() -> None:
    mood = moved(None, "My ex-wife wants me to sign the papers. I don't know how I feel.", "theodore", NOW)
    assert mood.feeling == "tender" and "sign the papers" in mood.cause
    later = NOW
    for text in ("Anyway.", "What did you do today?", "I might make some pasta."):
        later += timedelta(minutes=3)
        mood = moved(mood, text, "theodore", later)
    assert mood.feeling == "tender"  # three small remarks later, still with them
    assert "theodore" in note(mood, "theodore")


def test_good_news_outweighs_a_tired_day() -> None:
    mood = moved(None, "Long day.", "theodore", NOW)
    assert mood.feeling == "protective"
    mood = moved(mood, "But I got the job!", "theodore", NOW + timedelta(minutes=1))
    assert mood.feeling == "delighted"


def test_days_apart_are_felt_and_feelings_fade() -> None:
    mood = moved(None, "I'm so happy, we won the match", "theodore", NOW)
    assert strength_now(mood, NOW + timedelta(days=1)) < mood.strength
    back = moved(mood, "Hi.", "theodore", NOW + timedelta(days=4))
    assert back.feeling == "missed" and "4 days" in back.cause
    assert describe(back, NOW + timedelta(days=4)).startswith("I feel glad you're back; I missed you, because we")


def test_a_mood_survives_being_stored() -> None:
    mood = moved(None, "My dog died this morning.", "amy", NOW)
    assert Mood.from_json(mood.to_json()) == mood
    assert Mood.from_json("not json") is None


def test_a_question_about_the_companion_is_not_news_of_the_person() -> None:
    mood = moved(None, "Do you ever get lonely when nobody is talking to you?", "nadia", NOW)
    assert mood.feeling == "wondering"
    assert moved(None, "I get so lonely at night.", "nadia", NOW).feeling == "tender"
