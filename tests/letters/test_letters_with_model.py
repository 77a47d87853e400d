"""Letters written by the real embedded model (temperature and seeds fixed): the 1.5B for the writing itself —
a letter from a brief holds the brief's facts and the client's, names only whom the brief or memory names, is
signed by the sender and 120–400 words; a revision keeps the earlier version; one client's memory never finds
its way into another's letter — and the 0.5B for the plumbing of `os1 letters write`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from os1.cli.main import cli
from os1.config import Settings
from os1.letters import ghostwrite, service, versions
from os1.letters.names import known_words, names_in
from os1.models.embedded import EmbeddedModel

from .conftest import LEWMAN_NOTES, ROBERTO_NOTES, Desk

pytestmark = pytest.mark.model

BRIEF = "Write a birthday letter to Chris from his wife Lewman, about their trip to the lake"


@pytest.fixture
async def writer(default_model_path: Path) -> AsyncIterator[EmbeddedModel]:
    model = EmbeddedModel(default_model_path, label="embedded")
    yield model
    await model.close()


async def test_a_letter_from_a_brief_and_its_revision(desk: Desk, writer: EmbeddedModel) -> None:
    drafted = await service.write(desk.store, desk.person, writer, BRIEF, "Lewman")
    text = drafted.letter.text
    low = text.lower()
    assert text.startswith("Dear Chris,") and text.rstrip().endswith("Lewman"), text
    assert ghostwrite.MIN_WORDS <= drafted.letter.words <= ghostwrite.MAX_WORDS, text
    assert "lake" in low and "birthday" in low, text
    assert any(fact in low for fact in ("canoe", "1974", "dance", "snore", "fifty years", "reeds")), text
    grounds = known_words(BRIEF, LEWMAN_NOTES, "Lewman Chris")
    assert {n for n in names_in(text) if n.lower() not in grounds} == set(), text

    revised = await service.revise(desk.store, desk.person, writer, drafted.letter,
                                   "shorter, and mention the blue canoe")
    assert revised.letter.latest.number == 2 and "canoe" in revised.letter.text.lower(), revised.letter.text
    assert revised.letter.text.rstrip().endswith("Lewman")
    history = await versions.history(desk.store, desk.person, revised.letter)
    assert [v.text for v in history] == [text, revised.letter.text]


async def test_one_clients_memory_never_reaches_anothers_letter(desk: Desk, writer: EmbeddedModel) -> None:
    drafted = await service.write(desk.store, desk.person, writer,
                                  "a letter to Sofia remembering the day we went dancing and the canoe at the lake",
                                  "Roberto")
    text = drafted.letter.text
    assert text.startswith("Dear Sofia,") and text.rstrip().endswith("Roberto"), text
    for fact in ("Chris", "Lewman", "1974", "toes", "reeds", "snore", "fifty years"):  # Lewman's, not his
        assert fact.lower() not in text.lower(), (fact, text)
    grounds = known_words("a letter to Sofia remembering the day we went dancing and the canoe at the lake",
                          ROBERTO_NOTES, "Roberto Sofia")
    assert {n for n in names_in(text) if n.lower() not in grounds} == set(), text


def test_os1_letters_write_runs_on_the_small_model(settings: Settings, small_model_path: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    added = runner.invoke(cli, ["letters", "clients", "add", "Lewman", "--writes-to", "Chris", "--user", "theodore"])
    assert added.exit_code == 0, added.output
    result = runner.invoke(cli, ["letters", "write", "a short thank-you letter to Chris for the flowers",
                                 "--client", "Lewman", "--model", "embedded:small", "--user", "theodore"])
    assert result.exit_code == 0, (result.output, result.exception)
    assert "Letter 1 · To Chris, from Lewman · version 1" in result.output
    assert "Dear Chris," in result.output and result.output.rstrip().endswith("Lewman")
