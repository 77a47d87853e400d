"""The index and search: by name, by the words inside, by meaning (the real MiniLM embedder); re-indexing reads
only what changed; whatever is found is still there and inside an allowed folder."""

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from os1.db.store import Store
from os1.files import folders, index, search
from os1.files.folders import Roots
from os1.memory.embeddings import Embedder, load_embedder

from .conftest import open_folder


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return load_embedder("minilm")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    s = await Store.open(tmp_path / "home" / "os1.db")
    yield s
    await s.close()


async def found(store: Store, home: Path, embedder: Embedder | None, query: str) -> list[search.Hit]:
    user = await store.user("theodore")
    return await search.find(store, user, await Roots.load(store, user, home), embedder, query)


@pytest.mark.parametrize(("query", "best", "by"), [
    ("budget.xlsx", "budget.xlsx", "name"),
    ("the tax letter from the council", "Scan0001 (3) copy.pdf", "words"),
    ("my notes about the trip to Lisbon", "trip.md", "words"),
    ("rent for the flat", "Scan0002.pdf", "words"),
    ("holiday in Portugal", "trip.md", "meaning"),  # not one of these words is in it
    ("what I wrote to my wife before the divorce", "Letter to Catherine.docx", "meaning"),
])
async def test_search_by_name_words_and_meaning(store: Store, downloads: Path, person_home: Path,
                                                embedder: Embedder, query: str, best: str, by: str) -> None:
    user = await store.user("theodore")
    await open_folder(store, user, downloads, person_home / "home", embedder)
    hits = await found(store, person_home / "home", embedder, query)
    assert hits and hits[0].file.name == best, [(h.file.name, h.signals) for h in hits]
    assert by in hits[0].signals
    assert all(h.file.path.is_relative_to(downloads) for h in hits)


async def test_snippets_show_the_words_found(store: Store, downloads: Path, person_home: Path) -> None:
    user = await store.user("theodore")
    await open_folder(store, user, downloads, person_home / "home")
    (hit,) = [h for h in await found(store, person_home / "home", None, "instalments") if "Scan0001" in h.file.name]
    assert "instalments" in hit.snippet
    assert hit.file.title == "Council Tax Bill 2026"


async def test_indexing_again_reads_only_what_changed(store: Store, downloads: Path, person_home: Path) -> None:
    user = await store.user("theodore")
    first = await open_folder(store, user, downloads, person_home / "home")
    assert (first.seen, first.indexed, first.unchanged) == (13, 13, 0)
    roots = await Roots.load(store, user, person_home / "home")
    (root,) = roots.roots
    (downloads / "trip.md").write_text("Notes on Porto: port wine cellars in Gaia.\n")
    os.utime(downloads / "trip.md", ns=(1, 1))  # a different time, whatever the clock's resolution
    (downloads / "shopping.txt").unlink()
    (downloads / "new.txt").write_text("A brand new note about kites.\n")
    again = await index.index_root(store, user, roots, root, None)
    assert (again.seen, again.indexed, again.unchanged, again.removed) == (13, 2, 11, 1)
    assert [h.file.name for h in await found(store, person_home / "home", None, "kites")] == ["new.txt"]
    assert [h.file.name for h in await found(store, person_home / "home", None, "Gaia port")] == ["trip.md"]
    assert await found(store, person_home / "home", None, "Lisbon Alfama") == []
    assert await found(store, person_home / "home", None, "basil coffee") == []


async def test_forbidding_drops_the_index_and_nothing_is_found(store: Store, downloads: Path,
                                                               person_home: Path) -> None:
    user = await store.user("theodore")
    await open_folder(store, user, downloads, person_home / "home")
    await folders.forbid(store, user, downloads)
    assert await store.read("SELECT count(*) FROM files", ()) == [(0,)]
    assert await store.read("SELECT count(*) FROM file_chunks", ()) == [(0,)]
    assert await store.read("SELECT count(*) FROM file_chunks_fts WHERE file_chunks_fts MATCH 'council'", ()) == [(0,)]
    assert await found(store, person_home / "home", None, "council tax") == []


async def test_a_name_resolves_to_one_file_or_a_question(store: Store, downloads: Path, person_home: Path) -> None:
    user = await store.user("theodore")
    await open_folder(store, user, downloads, person_home / "home")
    roots = await Roots.load(store, user, person_home / "home")
    assert (await search.resolve(store, user, roots, None, "BUDGET.xlsx")).path == downloads / "budget.xlsx"
    assert (await search.resolve(store, user, roots, None, "trip")).name == "trip.md"
    assert (await search.resolve(store, user, roots, None, "Old stuff/2019/receipt.txt")).name == "receipt.txt"
    (downloads / "Old stuff" / "trip.md").write_text("another trip\n")
    await index.index_root(store, user, roots, roots.roots[0], None)
    with pytest.raises(folders.FilesError, match=r"There are 2 files called 'trip.md'.*Which one"):
        await search.resolve(store, user, roots, None, "trip.md")
    with pytest.raises(folders.FilesError, match="outside the folders you opened"):
        await search.resolve(store, user, roots, None, "~/Elsewhere/secret.txt")
    with pytest.raises(folders.FilesError, match="outside the folders you opened"):
        await search.resolve(store, user, roots, None, "Downloads/../Elsewhere/secret.txt")
    with pytest.raises(folders.FilesError, match="link"):
        await search.resolve(store, user, roots, None, "Downloads/shortcut.txt")
    with pytest.raises(folders.FilesError, match="couldn't find a file matching 'zebra'"):
        await search.resolve(store, user, roots, None, "zebra")


async def test_one_persons_files_are_not_anothers(store: Store, downloads: Path, person_home: Path,
                                                  tmp_path: Path) -> None:
    theodore, amy = await store.user("theodore"), await store.user("amy")
    await open_folder(store, theodore, downloads, person_home / "home")
    own = tmp_path / "Amy"
    own.mkdir()
    (own / "plans.txt").write_text("Plans for the council garden.\n")
    await open_folder(store, amy, own, person_home / "home")
    amy_roots = await Roots.load(store, amy, person_home / "home")
    hits = await search.find(store, amy, amy_roots, None, "council tax")
    assert [h.file.name for h in hits] == ["plans.txt"]
    with pytest.raises(folders.FilesError, match="outside the folders you opened"):
        await search.resolve(store, amy, amy_roots, None, str(downloads / "trip.md"))
