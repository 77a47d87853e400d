from os1.voice.turns import FRAME_MS, Decision, TurnDetector, TurnPolicy, Words, judge_words, sounds_finished


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


def paused(detector: TurnDetector, words: str, voice: float | None) -> list[Decision]:
    """A second of speech, a pause transcribed as `words` and heard by the audio model as `voice`; then the
    decisions over 2 s of silence, frame by frame."""
    feed(detector, 0.9, 1000)
    assert feed(detector, 0.0, 160) == [Decision.TRANSCRIBE]
    decisions = [detector.heard(words)]
    if voice is not None:
        decisions.append(detector.sounded(voice, detector.pauses))
    return [d for d in decisions if d is not Decision.NOTHING] + feed(detector, 0.0, 2000)


def silence_at_end(policy: TurnPolicy, words: str, voice: float | None, hears_voice: bool = True) -> float:
    detector = TurnDetector(policy, hears_voice=hears_voice)
    assert paused(detector, words, voice) == [Decision.ENDED]
    return detector.silence_ms


def test_finished_words_in_an_unfinished_voice_wait_longer() -> None:
    policy = TurnPolicy()
    quick = silence_at_end(policy, "We went to the beach.", 0.9)
    doubtful = silence_at_end(policy, "We went to the beach.", 0.1)
    assert quick < policy.unsure_ms <= doubtful < policy.unfinished_ms


def test_trailing_words_wait_however_finished_the_voice_sounds() -> None:
    policy = TurnPolicy()
    for words in ("My sister called and", "The thing is, um", "I went to the"):
        assert silence_at_end(policy, words, 0.99) >= policy.unfinished_ms


def test_a_number_read_out_waits_unless_the_voice_sounds_done() -> None:
    policy = TurnPolicy()
    assert judge_words("My number is 555 12") is Words.UNSURE
    assert judge_words("What is 2 plus 2?") is Words.FINISHED
    assert judge_words("The meeting is at three.") is Words.UNSURE
    assert silence_at_end(policy, "My number is 555 12", 0.1) >= policy.unfinished_ms
    assert policy.unsure_ms <= silence_at_end(policy, "My number is 555 12", 0.9) < policy.unfinished_ms


def test_the_voice_verdict_is_waited_for_and_a_stale_one_ignored() -> None:
    detector = TurnDetector(hears_voice=True)
    feed(detector, 0.9, 1000)
    feed(detector, 0.0, 160)
    assert detector.heard("What should I cook tonight?") is Decision.NOTHING
    assert feed(detector, 0.0, 400) == []  # finished words, but the voice has not been heard yet
    assert detector.sounded(0.9, detector.pauses - 1) is Decision.NOTHING  # an earlier pause's verdict
    assert detector.sounded(0.9, detector.pauses) is Decision.ENDED


def test_without_an_audio_model_the_words_judge_alone() -> None:
    policy = TurnPolicy()
    assert silence_at_end(policy, "What should I cook tonight?", None, hears_voice=False) < policy.unsure_ms


def test_an_opener_and_a_word_or_two_is_a_start() -> None:
    assert not sounds_finished("So yesterday.")
    assert not sounds_finished("Honestly.")
    assert not sounds_finished("Well, last week.")
    assert not sounds_finished("So yes, today.")  # "So yesterday", as Whisper heard it once
    assert sounds_finished("So, yes.")
    assert sounds_finished("So yesterday I finally finished the book.")
    assert sounds_finished("Well, thanks.")
    assert sounds_finished("So what do you think?")


def test_a_list_without_its_and_may_go_on() -> None:
    assert judge_words("I need eggs, milk.") is Words.UNSURE
    assert judge_words("I need eggs, milk and bread.") is Words.FINISHED
    assert judge_words("Well, thanks.") is Words.FINISHED
    assert judge_words("Can I bring eggs, milk?") is Words.FINISHED


def test_a_hanging_modal_or_think_waits_a_little_but_a_question_does_not() -> None:
    assert judge_words("I was wondering if you could.") is Words.UNSURE
    assert judge_words("I really think.") is Words.UNSURE
    assert judge_words("What do you think?") is Words.FINISHED
