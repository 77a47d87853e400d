"""What the command modules share: settings from flags, progress bars, opening the runtime or the store."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn, TransferSpeedColumn

from os1.config import ConfigError, Settings, load_settings
from os1.db.store import NotFound, Store, User
from os1.memory.portable import RestoreError
from os1.models.base import ModelError
from os1.models.spec import SpecError
from os1.persona import PersonaError
from os1.runtime import Runtime, open_runtime, user_name

err = Console(stderr=True, highlight=False)
USER_ERRORS = (ConfigError, SpecError, PersonaError, ModelError, NotFound, RestoreError, ValueError)


def settings_from(**overrides: Any) -> Settings:
    return load_settings().with_overrides(**overrides)


@contextmanager
def assembly_progress(quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar for the one-time model assembly (to stderr, so piped output stays clean)."""
    if quiet:
        yield None
        return
    bar = Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                   TransferSpeedColumn(), TimeRemainingColumn(), console=err, transient=True)
    task = None

    def update(done: int, total: int) -> None:
        nonlocal task
        if task is None:
            bar.start()
            task = bar.add_task("Assembling the embedded model (once)", total=total)
        bar.update(task, completed=done)

    try:
        yield update
    finally:
        if task is not None:
            bar.stop()
            err.print("[green]✓[/] Embedded model assembled and verified (sha256).")


def open_with_progress(runner: asyncio.Runner, settings: Settings, quiet: bool = False) -> Runtime:
    with assembly_progress(quiet) as progress:
        return runner.run(open_runtime(settings, progress))


@asynccontextmanager
async def person_store(settings: Settings) -> AsyncIterator[tuple[Store, User]]:
    """The store, opened for the person these settings name, and closed again."""
    store = await Store.open(settings.db_path)
    try:
        yield store, await store.user(user_name(settings))
    finally:
        await store.close()
