"""The Runtime: everything a door needs, built once from settings and passed in explicitly."""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from os1.companion import Companion
from os1.config import Settings
from os1.memory.embeddings import load_embedder
from os1.memory.memory import Memory
from os1.memory.store import Store
from os1.models.base import Model
from os1.models.packaged import Progress
from os1.models.resolve import resolve_model
from os1.persona import load_persona


@dataclass
class Runtime:
    settings: Settings
    store: Store
    model: Model
    companion: Companion

    async def close(self) -> None:
        await self.model.close()
        await self.store.close()


def user_name(settings: Settings) -> str:
    """The person OS1 is talking with: `--user`, then OS1_USER, then the login name."""
    if settings.user:
        return settings.user
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "friend"


async def open_runtime(settings: Settings, progress: Progress | None = None,
                       model: Model | None = None) -> Runtime:
    """Open the store and the model named in the settings (or use the model given, as tests do)."""
    persona = load_persona(settings.persona)
    model = model or resolve_model(settings.model, settings, progress)
    store = await Store.open(settings.db_path)
    memory = open_memory(settings, store)
    return Runtime(settings, store, model, Companion(settings, store, model, persona, memory))


def open_memory(settings: Settings, store: Store) -> Memory:
    """The person's memory over this store, finding things by meaning with the configured embedder."""
    return Memory(store, None if settings.embedder == "none" else load_embedder(settings.embedder))
