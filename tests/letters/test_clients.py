"""Clients and their memories: added, told about (in words or from a file), shown and forgotten; one client's
memory never shows in another's, nor in the person's own facts."""

from pathlib import Path

import pytest

from os1.db.store import NotFound
from os1.letters import clients, service, versions
from os1.letters.clients import LettersError
from os1.memory.facts import add_fact

from .conftest import Desk


async def test_each_client_has_a_memory_of_their_own(desk: Desk) -> None:
    lewman = [n.text for n in await clients.notes(desk.store, desk.person, desk.lewman)]
    roberto = [n.text for n in await clients.notes(desk.store, desk.person, desk.roberto)]
    assert len(lewman) == 4 and lewman[0] == "Lewman has been married to Chris for fifty years."
    assert len(roberto) == 2
    assert not any("Sofia" in n for n in lewman) and not any("canoe" in n for n in roberto)
    facts = await desk.store.read("SELECT count(*) FROM facts WHERE user_id = ?", (desk.person.id,))
    assert facts[0][0] == 0  # the person's own memory learned nothing of theirs


async def test_another_person_never_sees_these_clients(desk: Desk) -> None:
    other = await desk.store.user("amy")
    assert await clients.all_of(desk.store, other) == []
    with pytest.raises(LettersError):
        await clients.find(desk.store, other, "Lewman")
    await clients.add(desk.store, other, "Lewman")  # her own client of the same name is hers alone
    assert await clients.notes(desk.store, other, await clients.find(desk.store, other, "lewman")) == []


async def test_names_are_found_by_first_name_and_kept_unique(desk: Desk) -> None:
    assert (await clients.find(desk.store, desk.person, "lewman")).id == desk.lewman.id
    with pytest.raises(LettersError, match="(?i)already have a client called Lewman"):
        await clients.add(desk.store, desk.person, "lewman")
    with pytest.raises(LettersError, match="Your clients: Lewman, Roberto"):
        await clients.find(desk.store, desk.person, "Maria")
    assert await clients.named_in(desk.store, desk.person, "a letter for Roberto's daughter") == desk.roberto


async def test_told_twice_is_kept_once_and_a_file_is_read_by_paragraph(desk: Desk, tmp_path: Path) -> None:
    again = await clients.tell(desk.store, desk.person, desk.lewman, "Chris snores, and Lewman teases him about it.")
    assert again == []
    notes_file = tmp_path / "roberto.md"
    notes_file.write_text("- Sofia's cat is called Pimenta.\n- Roberto calls Sofia every Sunday.\n", "utf-8")
    added = await clients.tell(desk.store, desk.person, desk.roberto, clients.read_file(notes_file), "file")
    assert [n.text for n in added] == ["Sofia's cat is called Pimenta.", "Roberto calls Sofia every Sunday."]


async def test_forgetting_a_note_and_a_client_with_their_letters(desk: Desk) -> None:
    notes = await clients.notes(desk.store, desk.person, desk.lewman)
    await clients.forget_note(desk.store, desk.person, desk.lewman, notes[-1].id)
    assert len(await clients.notes(desk.store, desk.person, desk.lewman)) == 3
    with pytest.raises(NotFound):  # a note of Lewman's cannot be forgotten through Roberto
        await clients.forget_note(desk.store, desk.person, desk.roberto, notes[0].id)
    letter = await service.add_written(desk.store, desk.person, "Dear Chris,\n\nHello.\n\nLewman", "Lewman", "Chris",
                                       desk.lewman)
    await add_fact(desk.store, desk.person, "Theodore writes letters for a living", "work")
    assert await clients.forget(desk.store, desk.person, desk.lewman) == 1
    with pytest.raises(NotFound):
        await versions.get(desk.store, desk.person, letter.id)
    rows = await desk.store.read("SELECT count(*) FROM letter_client_notes WHERE client_id = ?", (desk.lewman.id,))
    assert rows[0][0] == 0
    assert (await desk.store.read("SELECT count(*) FROM facts", ()))[0][0] == 1  # his own memory stays
    assert len(await clients.notes(desk.store, desk.person, desk.roberto)) == 2
