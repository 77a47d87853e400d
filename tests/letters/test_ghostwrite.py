"""Ghostwriting's logic, with a scripted model (the real model's letters are in test_letters_with_model.py): who
writes to whom is read from the brief, the model is given this client's memory only, a letter naming someone
nothing grounds is written again and, if every try does, the sentences are cut; the letter always opens with
the salutation and ends signed by the sender; a revision is the next version and the first is kept."""

from os1.letters import ghostwrite, service, versions
from os1.letters.clients import Client
from os1.letters.names import invented, known_words, names_in
from os1.testing import ScriptedModel

from .conftest import Desk

GOOD = ("Dear Chris,\n\nHappy birthday, my love. Fifty years since that dance in 1974, when you stepped on my toes "
        "twice and I laughed so hard I forgot to be embarrassed.\n\nThis summer at the lake you paddled our blue "
        "canoe past the reeds, and I sat on the dock and watched the water close behind you. " * 3
        + "\n\nWith all my love,\nLewman")
INVENTING = GOOD.replace("I sat on the dock", "Margaret and I sat on the dock in Tucson")


def test_the_brief_says_who_writes_to_whom() -> None:
    brief = ghostwrite.read_brief("Write a birthday letter to Chris from his wife Lewman, about the lake", None)
    assert (brief.sender, brief.recipient) == ("Lewman", "Chris")
    client = Client(1, "Roberto Díaz", "Sofia, his daughter", "")
    brief = ghostwrite.read_brief("a letter for her graduation, proud of her", client)
    assert (brief.sender, brief.recipient) == ("Roberto", "Sofia")


def test_names_are_capitalised_words_that_are_not_ordinary_words() -> None:
    text = ("Dear Chris,\n\nHappy birthday! On Monday at Lake Tahoe, Margaret's canoe tipped over. I laughed.\n\n"
            "Love,\nLewman")
    assert names_in(text) == ["Chris", "Tahoe", "Margaret", "Lewman"]
    assert invented(text, known_words("a letter to Chris from Lewman about Tahoe")) == ["Margaret"]


async def test_a_letter_from_this_clients_memory_only(desk: Desk) -> None:
    model = ScriptedModel()
    model.enqueue(f"Sure! Here is the letter:\n\n{GOOD}\n\nNote: feel free to adjust.")
    drafted = await service.write(desk.store, desk.person, model,
                                  "Write a birthday letter to Chris from his wife Lewman, about their trip to the lake")
    prompt = "\n".join(m["content"] for m in model.prompts[-1])
    assert "blue canoe" in prompt and "1974" in prompt
    assert "Sofia" not in prompt and "Lisbon" not in prompt  # Roberto's memory is not hers
    assert drafted.client == desk.lewman and drafted.written.tries == 1
    text = drafted.letter.text
    assert text.startswith("Dear Chris,") and text.endswith("With all my love,\nLewman")
    assert "Note:" not in text and "Here is" not in text
    assert drafted.letter.latest.number == 1 and drafted.letter.latest.note == "written from the brief"


async def test_an_invented_name_is_written_again_then_cut(desk: Desk) -> None:
    model = ScriptedModel()
    model.enqueue(INVENTING)
    model.enqueue(GOOD)
    drafted = await service.write(desk.store, desk.person, model, "a birthday letter to Chris about the lake",
                                  "Lewman")
    assert drafted.written.tries == 2 and drafted.written.invented == []
    assert "Margaret" not in drafted.letter.text

    for _ in range(ghostwrite.TRIES):
        model.enqueue(INVENTING)
    drafted = await service.write(desk.store, desk.person, model, "a birthday letter to Chris about the lake",
                                  "Lewman")
    assert drafted.written.invented == ["Margaret", "Tucson"] and drafted.written.repaired
    assert "Margaret" not in drafted.letter.text and "Tucson" not in drafted.letter.text
    assert "dance in 1974" in drafted.letter.text and drafted.letter.text.endswith("Lewman")
    assert "cut: Margaret, Tucson" in drafted.letter.latest.note


async def test_an_unsigned_letter_is_signed_and_a_long_one_trimmed(desk: Desk) -> None:
    model = ScriptedModel()
    model.enqueue("Happy birthday, Chris. " + "I love you more every year at the lake. " * 60 + "\n\nBest,")
    drafted = await service.write(desk.store, desk.person, model, "a birthday letter to Chris", "Lewman")
    text = drafted.letter.text
    assert text.startswith("Dear Chris,\n\n") and text.endswith("With all my love,\nLewman")
    assert ghostwrite.words(text) <= ghostwrite.MAX_WORDS


async def test_a_revision_is_the_next_version_and_the_first_is_kept(desk: Desk) -> None:
    model = ScriptedModel()
    model.enqueue(GOOD)
    first = (await service.write(desk.store, desk.person, model, "a birthday letter to Chris", "Lewman")).letter
    model.enqueue(GOOD.replace("Happy birthday, my love.", "Happy birthday, my darling, my whole heart."))
    revised = (await service.revise(desk.store, desk.person, model, first, "warmer")).letter
    assert revised.id == first.id and revised.latest.number == 2 and revised.latest.note == "warmer"
    prompt = model.prompts[-1][-1]["content"]
    assert "warmer" in prompt and "Happy birthday, my love." in prompt  # the draft it revises
    history = await versions.history(desk.store, desk.person, revised)
    assert [v.number for v in history] == [1, 2] and history[0].text == first.text
    assert "my whole heart" in history[1].text


async def test_earlier_letters_give_the_voice_and_the_closing(desk: Desk) -> None:
    await service.add_written(desk.store, desk.person, "Dear Chris,\n\nThe lake was grey today.\n\nYours forever,\n"
                              "Lewman", "Lewman", "Chris", desk.lewman)
    model = ScriptedModel()
    model.enqueue(GOOD.replace("\n\nWith all my love,\nLewman", ""))
    drafted = await service.write(desk.store, desk.person, model, "a birthday letter to Chris", "Lewman")
    assert "The lake was grey today." in model.prompts[-1][0]["content"]
    assert drafted.letter.text.endswith("Yours forever,\nLewman")


def test_a_reader_spoken_of_is_noticed_and_a_run_in_closing_set_apart() -> None:
    assert ghostwrite.spoken_of("Dear Chris,\n\nChris was amazing and Chris snores. Chris and I laughed.", "Chris") == 2
    assert ghostwrite.spoken_of("Dear Chris,\n\nYou were amazing, Chris. I love you.", "Chris") == 0
    brief = ghostwrite.Brief("a letter to Chris", "Lewman", "Chris")
    text = ghostwrite.tidy("Dear Chris,\n\nYou are my whole life. With all my love,\n\nLewman", brief, "Love,")
    assert text == "Dear Chris,\n\nYou are my whole life.\n\nWith all my love,\n\nLewman"


def test_the_briefs_occasion_is_always_named() -> None:
    letter = "Dear Chris,\n\nThe lake was lovely.\n\nLove,\nLewman"
    assert ghostwrite.occasion_missed(letter, "a birthday letter to Chris") == "Happy birthday!"
    assert ghostwrite.honour_occasion(letter, "a birthday letter to Chris") == (
        "Dear Chris,\n\nHappy birthday! The lake was lovely.\n\nLove,\nLewman")
    assert ghostwrite.honour_occasion(letter, "a letter to Chris about the lake") == letter
