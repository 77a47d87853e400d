"""`os1 letters …` as a person runs it: clients told about and shown, a letter brought in, proofread and mended
one suggestion at a time, written out by hand, put in a book; the model-free commands, in one process."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader

from os1.cli.main import cli
from os1.config import Settings

SLIPS = "Dear Chris,\n\nI beleive the lake was the the best week of our year.\n\nRegards,\nLewman\n"


@pytest.fixture
def run(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def letters(runner: CliRunner, *args: str, answers: str | None = None) -> Result:
    result = runner.invoke(cli, ["letters", *args, "--user", "theodore"], input=answers)
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def test_clients_letters_proofreading_and_the_book(run: CliRunner, tmp_path: Path) -> None:
    letters(run, "clients", "add", "Lewman", "--writes-to", "Chris, her husband")
    letters(run, "clients", "add", "Roberto")
    notes = tmp_path / "lewman.md"
    notes.write_text("They met at a dance in 1974.\n\nChris paddles the blue canoe at the lake.\n", "utf-8")
    told = letters(run, "clients", "tell", "Lewman", "--file", str(notes))
    assert "2 new notes on Lewman" in told.output
    letters(run, "clients", "tell", "Roberto", "Sofia studies in Lisbon.")
    shown = letters(run, "clients", "show", "lewman")
    assert "blue canoe" in shown.output and "Lisbon" not in shown.output
    listed = letters(run, "clients", "list")
    assert "Lewman" in listed.output and "Roberto" in listed.output

    mine = tmp_path / "to-chris.txt"
    mine.write_text(SLIPS, "utf-8")
    added = letters(run, "add", str(mine), "--from", "Lewman", "--to", "Chris", "--client", "Lewman")
    assert "Kept as letter 1" in added.output
    proof = letters(run, "proofread", "1", "--list")
    assert "beleive" in proof.output and "repeated" in proof.output and "tone" in proof.output
    assert "os1 letters accept ID" in proof.output
    accepted = letters(run, "accept", "1")  # the first suggestion: the misspelling
    assert "Accepted [1] “beleive” → “believe”" in accepted.output and "version 2" in accepted.output
    letters(run, "reject", "3")
    shown = letters(run, "show", "1")
    assert "I believe the lake was the the best week" in shown.output and "version 2 of 2" in shown.output
    first = letters(run, "show", "1", "--version", "1")
    assert "I beleive" in first.output
    history = letters(run, "show", "1", "--versions")
    assert "brought in" in history.output and "accepted (spelling)" in history.output

    walked = letters(run, "proofread", "1", "--review", answers="a\nr\n")
    assert "Letter 1 is at version 3." in walked.output
    assert "the best week" in letters(run, "show", "1").output

    hand = letters(run, "handwrite", "1", "--hand", "breip")
    pdf, png = (Path(line) for line in hand.output.split())
    assert pdf.name == "letter-1-breip.pdf" and png.suffix == ".png" and png.exists()
    assert "Lewman" in PdfReader(str(tmp_path / pdf)).pages[0].extract_text()
    assert "breip" in run.invoke(cli, ["letters", "hands"]).output

    proposed = letters(run, "book", "propose", "--keep")
    assert "To Chris, from Lewman" in proposed.output and "The book has these 1 letters" in proposed.output
    letters(run, "book", "edit", "--title", "Letters From Your Life", "--author", "Theodore Twombly")
    made = letters(run, "book", "make", "--out", str(tmp_path / "book.pdf"))
    assert made.output.strip().endswith("book.pdf")
    assert len(PdfReader(str(tmp_path / "book.pdf")).outline) == 1

    gone = letters(run, "clients", "forget", "Lewman", answers="y\n")
    assert "Lewman is forgotten, with 1 letter." in gone.output
    assert "No letters yet" in letters(run, "list").output


def test_a_missing_client_is_said_plainly(run: CliRunner) -> None:
    result = run.invoke(cli, ["letters", "clients", "show", "Nobody", "--user", "theodore"])
    assert result.exit_code != 0 and "no clients yet" in str(result.exception)
