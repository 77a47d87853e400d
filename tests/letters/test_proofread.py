"""Proofreading: each kind of mistake found where it is, measured on the seeded set of 48 letters; suggestions
tracked, accepted or rejected one by one, each accepted one making the letter's next version."""

import pytest

from os1.letters import proofread, review, service, versions
from os1.letters.clients import LettersError
from os1.letters.proofread import check
from os1.testing.letters_seed import CLEAN, score, seeded

from .conftest import Desk

SLIPS = """Dear Chris,

i can not beleive its been fifty years. We went to the the lake and you paddled an canoe, and it was more fun
then I remember. we could of stayed forever. Please be advised that I love you.

Regards,
Lewman"""


def found(text: str, names: tuple[str, ...] = ()) -> list[tuple[str, str, str]]:
    return [(s.kind, s.original, s.replacement) for s in check(text, names)]


def test_each_kind_of_mistake_is_found_with_its_mend() -> None:
    assert found(SLIPS, ("Lewman", "Chris")) == [
        ("grammar", "i", "I"), ("spelling", "beleive", "believe"), ("grammar", "its", "it’s"),
        ("repeated", "the the", "the"), ("grammar", "an", "a"), ("grammar", "w", "W"),
        ("grammar", "could of", "could have"), ("tone", "Please be advised that ", ""),
        ("tone", "Regards,", "With love,")]


def test_names_british_spellings_and_wrapped_lines_are_not_mistakes() -> None:
    text = ("Dear Sofia,\n\nYour favourite grey scarf is at Pimenta's, and the neighbour\nsays it is lovely.\n\n"
            "Love,\nDad")
    assert found(text, ("Pimenta",)) == []


def test_a_clean_letter_gets_no_suggestion() -> None:
    assert [found(letter) for letter in CLEAN] == [[]] * len(CLEAN)


def test_measured_on_the_seeded_set() -> None:
    letters = seeded()
    assert len(letters) >= 40
    scores = {s.kind: s for s in score(letters, lambda t: [(x.kind, x.start, x.end) for x in check(t)])}
    assert all(scores[k].mistakes >= 30 for k in proofread.KINDS)
    for kind in proofread.KINDS:
        assert scores[kind].precision >= 0.95, scores[kind]
    assert scores["spelling"].recall >= 0.95 and scores["repeated"].recall >= 0.95
    assert scores["tone"].recall >= 0.95 and scores["grammar"].recall >= 0.9  # "you're letter" has no rule


async def test_suggestions_are_accepted_or_rejected_one_by_one(desk: Desk) -> None:
    letter = await service.add_written(desk.store, desk.person, SLIPS, "Lewman", "Chris", desk.lewman)
    tracked = await review.proofread_letter(desk.store, desk.person, letter)
    by = {t.suggestion.original: t for t in tracked}
    assert (await versions.get(desk.store, desk.person, letter.id)).text == SLIPS  # nothing changed silently

    _, letter = await review.decide(desk.store, desk.person, by["beleive"].id, accept=True)
    assert letter.latest.number == 2 and "believe" in letter.text and "i can not" in letter.text
    _, letter = await review.decide(desk.store, desk.person, by["Please be advised that "].id, accept=False)
    assert letter.latest.number == 2
    _, letter = await review.decide(desk.store, desk.person, by["the the"].id, accept=True)
    assert letter.latest.number == 3 and "to the lake" in letter.text and "believe" in letter.text
    assert "Please be advised" in letter.text and letter.latest.note.startswith("accepted (repeated)")
    with pytest.raises(LettersError, match="already"):
        await review.decide(desk.store, desk.person, by["the the"].id, accept=True)
    left = await review.suggestions(desk.store, desk.person, letter, status="open")
    assert len(left) == len(tracked) - 3
    assert [v.number for v in await versions.history(desk.store, desk.person, letter)] == [1, 2, 3]


async def test_a_letter_changed_since_it_was_proofread_is_proofread_again(desk: Desk) -> None:
    letter = await service.add_written(desk.store, desk.person, SLIPS, "Lewman", "Chris")
    tracked = await review.proofread_letter(desk.store, desk.person, letter)
    await versions.add_version(desk.store, desk.person, letter, SLIPS.replace("fifty", "fifty-one"), "by hand")
    with pytest.raises(LettersError, match="changed since it was proofread"):
        await review.decide(desk.store, desk.person, tracked[0].id, accept=True)
    other = await desk.store.user("amy")
    with pytest.raises(LookupError):  # nor can anyone else decide on his letter
        await review.decide(desk.store, other, tracked[1].id, accept=True)
