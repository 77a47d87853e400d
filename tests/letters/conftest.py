"""The letters tests: a person with two clients whose memories must never meet, and letters to work on."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from os1.db.store import Store, User
from os1.letters import clients
from os1.letters.clients import Client

LEWMAN_NOTES = """Lewman has been married to Chris for fifty years.

They met at a dance in 1974, and Chris stepped on her toes twice.

Every summer they go to the lake, where Chris paddles their blue canoe past the reeds.

Chris snores, and Lewman teases him about it."""
ROBERTO_NOTES = """Roberto's daughter Sofia studies architecture in Lisbon.

Roberto taught Sofia to ride a bicycle in Parque Grande when she was six."""


@dataclass
class Desk:
    store: Store
    person: User
    lewman: Client
    roberto: Client


@pytest.fixture
async def desk(store: Store) -> Desk:
    person = await store.user("theodore")
    lewman = await clients.add(store, person, "Lewman", "Chris, her husband")
    roberto = await clients.add(store, person, "Roberto", "Sofia, his daughter")
    await clients.tell(store, person, lewman, LEWMAN_NOTES)
    await clients.tell(store, person, roberto, ROBERTO_NOTES)
    return Desk(store, person, lewman, roberto)
