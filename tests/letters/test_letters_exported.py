"""Letters travel with the person: the export holds every client with what is known of them, and every letter
with all its versions and its proofreading; restored into someone new, the desk is as it was."""

from __future__ import annotations

import json

from os1.letters import clients, review, service, versions
from os1.memory.portable import export_person, restore_person

from .conftest import Desk


async def test_clients_and_letters_are_exported_and_restored_whole(desk: Desk) -> None:
    store, theo = desk.store, desk.person
    letter = await service.add_written(store, theo, "Dear Chris,\n\nI beleive the the lake is waiting.\n\nLewman",
                                       "Lewman", "Chris", desk.lewman)
    tracked = await review.proofread_letter(store, theo, letter)
    spelling = next(t for t in tracked if t.suggestion.original == "beleive")
    await review.decide(store, theo, spelling.id, accept=True)
    await service.add_written(store, theo, "Dear Ma,\n\nThe garden is full of bees.\n\nTheodore", "Theodore", "Ma")

    doc = json.loads(json.dumps(await export_person(store, theo)))  # as written to a file and read back
    assert [c["name"] for c in doc["letter_clients"]] == ["Lewman", "Roberto"]
    assert len(doc["letter_clients"][0]["notes"]) == 4 and len(doc["letters"]) == 2
    assert [v["number"] for v in doc["letters"][0]["versions"]] == [1, 2]

    theo2 = await store.user("theo2")
    counts = await restore_person(store, theo2, doc)
    assert counts["letter_clients"] == 2 and counts["letters"] == 2
    again = await export_person(store, theo2)
    for kept, back in zip(doc["letter_clients"], again["letter_clients"], strict=True):
        assert {**kept, "id": 0} == {**back, "id": 0}
    for kept, back in zip(doc["letters"], again["letters"], strict=True):
        assert kept["client_id"] is None or back["client_id"] != kept["client_id"]  # the new desk's own ids
        assert {**kept, "id": 0, "client_id": 0} == {**back, "id": 0, "client_id": 0}

    # The restored desk works: its letter is the proofread one, and its client's memory is the client's alone.
    lewman = await clients.find(store, theo2, "Lewman")
    (restored,) = await versions.all_of(store, theo2, lewman.id)
    assert "I believe" in restored.latest.text and restored.latest.proofread_of == 1
    assert len(await clients.notes(store, theo2, lewman)) == 4
    assert await clients.notes(store, theo2, await clients.find(store, theo2, "Roberto")) != []
    decided = await review.suggestions(store, theo2, restored, version=1)
    assert {t.suggestion.original: t.status for t in decided}["beleive"] == "accepted"
