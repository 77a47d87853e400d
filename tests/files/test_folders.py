"""Only the folders the person opened: every path resolved and checked; links out, `..`, hidden folders and
OS1's own home are refused; walking never follows a link."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from os1.db.store import Store
from os1.files import folders
from os1.files.folders import FilesError, Roots
from os1.files.index import walk


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    s = await Store.open(tmp_path / "home" / "os1.db")
    yield s
    await s.close()


async def test_paths_are_checked_after_resolving_links_and_dots(store: Store, downloads: Path,
                                                                person_home: Path) -> None:
    user = await store.user("theodore")
    await folders.allow(store, user, downloads, person_home / "home")
    roots = await Roots.load(store, user, person_home / "home")
    assert roots.check(downloads / "trip.md") == downloads / "trip.md"
    assert roots.check(downloads / "Old stuff" / ".." / "trip.md") == downloads / "trip.md"
    refused = {
        "escape/secret.txt": "outside the folders you opened",  # a link to a folder outside
        "shortcut.txt": "outside the folders you opened",  # a link to a file outside
        "../Elsewhere/secret.txt": "outside the folders you opened",
        "Old stuff/../../Elsewhere/secret.txt": "outside the folders you opened",
        ".git/config": "hidden or system folder",
        "node_modules/left-pad/index.js": "hidden or system folder",
    }
    for rel, why in refused.items():
        with pytest.raises(FilesError, match=why):
            roots.check(downloads / rel)
    with pytest.raises(FilesError, match="link"):
        roots.check_file(downloads / "shortcut.txt")
    with pytest.raises(FilesError, match="OS1's own folder"):
        Roots(roots.roots, downloads / "Old stuff").check(downloads / "Old stuff" / "2019" / "receipt.txt")


async def test_walking_skips_links_hidden_and_junk(store: Store, downloads: Path, person_home: Path) -> None:
    user = await store.user("theodore")
    await folders.allow(store, user, downloads, person_home / "home")
    roots = await Roots.load(store, user, person_home / "home")
    seen = sorted(p.relative_to(downloads).as_posix() for p, _ in walk(downloads, roots))
    assert "Old stuff/2019/receipt.txt" in seen and "trip.md" in seen
    assert not [s for s in seen if s.startswith((".git", "node_modules", "escape")) or s == "shortcut.txt"]
    assert len(seen) == 13


async def test_allowing_and_forbidding(store: Store, downloads: Path, person_home: Path) -> None:
    user = await store.user("theodore")
    home = person_home / "home"
    home.mkdir(exist_ok=True)
    inner = await folders.allow(store, user, downloads / "Old stuff", home)
    outer = await folders.allow(store, user, downloads, home)  # folds the one inside it in
    assert [r.path for r in await folders.allowed(store, user)] == [outer.path] != [inner.path]
    assert (await folders.allow(store, user, downloads / "Old stuff", home)).id == outer.id  # inside: already open
    with pytest.raises(FilesError, match="inside ~/Downloads, which is open as a whole"):
        await folders.forbid(store, user, downloads / "Old stuff")
    with pytest.raises(FilesError, match="OS1's own folder or inside it"):
        await folders.allow(store, user, home, home)
    with pytest.raises(FilesError, match="whole disk"):
        await folders.allow(store, user, Path("/"), home)
    with pytest.raises(FilesError, match="not a folder"):
        await folders.allow(store, user, downloads / "trip.md", home)
    other = await store.user("amy")
    assert await folders.allowed(store, other) == []  # one person's folders are theirs alone
    await folders.forbid(store, user, downloads)
    assert await folders.allowed(store, user) == []
    with pytest.raises(FilesError, match="not one of the folders"):
        await folders.forbid(store, user, downloads)


async def test_a_folder_holding_os1s_own_may_be_opened_but_os1s_files_stay_out_of_reach(
        store: Store, downloads: Path, person_home: Path) -> None:
    user = await store.user("theodore")
    home = person_home / "home"
    await folders.allow(store, user, person_home, home)
    roots = await Roots.load(store, user, home)
    seen = {p for p, _ in walk(person_home, roots)}
    assert downloads / "trip.md" in seen and not [p for p in seen if p.is_relative_to(home)]
    with pytest.raises(FilesError, match="OS1's own folder"):
        roots.check(home / "os1.db")
