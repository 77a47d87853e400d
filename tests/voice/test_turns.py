from os1.voice.turns import FRAME_MS, Decision, TurnDetector, TurnPolicy, sounds_finished


def feed(detector: TurnDetector, probability: float, ms: float) -> list[Decision]:
    return [d for d in (detector.frame(probability) for _ in range(round(ms / FRAME_MS))) if d is not Decision.NOTHING]


def test_a_click_is_not_speech_but_a_word_is() -> None:
    detector = TurnDetector()
    assert feed(detector, 0.9, 64) == [] and not detector.speaking
    assert feed(detector, 0.0, 100) == []
    assert feed(detector, 0.9, 200) == [Decision.STARTED]


def test_a_finished_sentence_ends_the_turn_soon() -> None:
    detector = TurnDetector()
    feed(detector, 0.9, 1000)
    assert feed(detector, 0.0, 224) == [Decision.TRANSCRIBE]
    assert detector.heard("What did I tell you about my sister?") is Decision.NOTHING  # only ~220 ms of silence
    ended = feed(detector, 0.0, 300)
    assert ended == [Decision.ENDED]
    assert detector.silence_ms <= TurnPolicy().finished_ms + FRAME_MS


def test_a_pause_mid_sentence_waits_for_more() -> None:
    detector = TurnDetector()
    feed(detector, 0.9, 800)
    assert feed(detector, 0.0, 224) == [Decision.TRANSCRIBE]
    assert detector.heard("I was thinking that maybe we could go to the") is Decision.NOTHING
    assert feed(detector, 0.0, 800) == []  # 1 s of silence: still their turn
    assert feed(detector, 0.9, 500) == [Decision.PEEK]  # and they go on (a second of speech: a look at the words)
    assert detector.speaking
    assert feed(detector, 0.0, 224) == [Decision.TRANSCRIBE]
    assert detector.heard("I was thinking that maybe we could go to the beach.") is Decision.NOTHING
    assert feed(detector, 0.0, 300) == [Decision.ENDED]


def test_silence_ends_an_unfinished_turn_in_the_end() -> None:
    detector = TurnDetector()
    feed(detector, 0.9, 500)
    feed(detector, 0.0, 224)
    detector.heard("and then")
    assert feed(detector, 0.0, TurnPolicy().unfinished_ms) == [Decision.ENDED]


def test_a_late_transcript_of_a_pause_they_spoke_after_is_ignored() -> None:
    detector = TurnDetector()
    feed(detector, 0.9, 500)
    feed(detector, 0.0, 224)
    feed(detector, 0.9, 300)  # they went on before the transcript came back
    assert detector.heard("Hello there.") is Decision.NOTHING
    assert feed(detector, 0.0, 300) == [Decision.TRANSCRIBE]  # the new pause is transcribed anew; no end yet


def test_every_second_of_speech_is_a_look_at_the_words_so_far() -> None:
    detector = TurnDetector()
    assert feed(detector, 0.9, 3200) == [Decision.STARTED, Decision.PEEK, Decision.PEEK, Decision.PEEK]
    assert feed(detector, 0.0, 600) == [Decision.TRANSCRIBE]  # silence is not speech: no peek
    assert feed(detector, 0.9, 900) == [Decision.PEEK]  # the count goes on across the pause: 0.2 s + 0.8 s


def test_peeking_can_be_turned_off() -> None:
    detector = TurnDetector(TurnPolicy(peek_ms=None))
    assert feed(detector, 0.9, 3200) == [Decision.STARTED]


def test_what_sounds_finished() -> None:
    assert sounds_finished("Can you remind me to call my sister?")
    assert sounds_finished("That's all.")
    assert sounds_finished("I moved to Berlin")
    assert sounds_finished("If it rains, we stay home.") and sounds_finished("When is my dentist appointment?")
    assert sounds_finished("Can you remind me what my sister's name is?")
    assert not sounds_finished("Can you remind me to?")
    for unfinished in ("I went to the", "and", "So I was thinking, um", "It was really...", "because", "my", "",
                       "If it rains on Saturday.", "When I get home."):
        assert not sounds_finished(unfinished), unfinished
