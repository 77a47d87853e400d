from os1.voice.phrasing import Phrases, speakable


def stream(text: str, size: int = 3) -> list[str]:
    phrases = Phrases()
    out: list[str] = []
    for i in range(0, len(text), size):
        out += phrases.add(text[i:i + size])
    return out + phrases.finish()


def test_first_phrase_is_cut_early_then_sentences() -> None:
    text = "Oh, that sounds lovely. Lisbon in March is mild, usually around 17 degrees. Bring a light jacket!"
    assert stream(text) == ["Oh, that sounds lovely.", "Lisbon in March is mild, usually around 17 degrees.",
                            "Bring a light jacket!"]
    assert stream("Well, I think you should ask now, before the launch.") == \
        ["Well, I think you should ask", "now, before the launch."]


def test_a_long_first_sentence_without_commas_is_cut_after_a_few_words() -> None:
    out = stream("I really think that you should take the whole week off and go see your sister in Lisbon.")
    assert out[0] == "I really think that you should"
    assert " ".join(out) == "I really think that you should take the whole week off and go see your sister in Lisbon."


def test_a_first_clause_needs_a_few_words() -> None:
    assert stream("Hi, Theodore. How are you?")[0] == "Hi, Theodore."
    assert stream("Sure, let me think about that for a moment. Okay.")[0] == "Sure, let me think about that"
    assert stream("Oh well, that happens. Okay.")[0] == "Oh well,"


def test_markup_and_emoji_are_not_read_aloud() -> None:
    assert speakable("**Great** idea! 🎉 See [the map](http://x.y) `now`") == "Great idea! See now"
    assert stream("# Plan\n- *one* thing. Done.") == ["Plan one thing.", "Done."]
