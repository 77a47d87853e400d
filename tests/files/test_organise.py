"""The tidy plan for a messy folder (made without touching anything), and the journal that applies and undoes it
without ever overwriting or losing a file."""

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from os1.db.store import Store
from os1.files import moves
from os1.files.organise import describe_plan, duplicates, plan_tidy

from .conftest import make_pdf, tree


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    s = await Store.open(tmp_path / "home" / "os1.db")
    yield s
    await s.close()


def test_the_plan_for_a_messy_downloads(downloads: Path) -> None:
    before = tree(downloads)
    plan = {m.src.relative_to(downloads).as_posix(): (m.dst.relative_to(downloads).as_posix(), m.why)
            for m in plan_tidy(downloads)}
    assert plan == {
        "DSC_1000.jpg": ("Photos/2021/DSC_1000.jpg", "photo taken 2021"),  # EXIF wins over the file's date
        "IMG_0007.JPG": ("Photos/2019/IMG_0007.JPG", "photo dated 2019"),
        "IMG_2041.jpg": ("Photos/2024/IMG_2041.jpg", "photo dated 2024"),
        "Letter to Catherine.docx": ("Documents/Letter to Catherine.docx", ""),
        "Scan0001 (3) copy.pdf": ("Documents/Council Tax Bill 2026.pdf", "named from its title"),
        "Scan0002.pdf": ("Documents/Tenancy Agreement.pdf", "named from its title"),
        "budget (1).xlsx": ("Duplicates/budget (1).xlsx", "a copy of budget.xlsx"),
        "budget.xlsx": ("Documents/budget.xlsx", ""),
        "photos-backup.zip": ("Archives/photos-backup.zip", ""),
        "shopping.txt": ("Documents/shopping.txt", ""),
        "song.mp3": ("Music/song.mp3", ""),
        "trip.md": ("Documents/trip.md", ""),
    }
    assert tree(downloads) == before  # planning touches nothing


def test_a_plan_never_lands_on_an_existing_name_and_leaves_subfolders_alone(tmp_path: Path) -> None:
    d = tmp_path / "Desk"
    (d / "Documents").mkdir(parents=True)
    (d / "Documents" / "notes.txt").write_text("old notes\n")
    (d / "notes.txt").write_text("new notes\n")
    (d / "notes (2).txt").write_text("newer notes\n")
    (d / "report copy.pdf").write_bytes(make_pdf(tmp_path / "r.pdf", [["Quarterly report"]]).read_bytes())
    plan = {m.src.name: m.dst.relative_to(d).as_posix() for m in plan_tidy(d)}
    assert plan == {"notes (2).txt": "Documents/notes (2).txt", "notes.txt": "Documents/notes (3).txt",
                    "report copy.pdf": "Documents/report.pdf"}
    tidy = tmp_path / "Tidy"
    (tidy / "Photos").mkdir(parents=True)
    assert plan_tidy(tidy) == []


def test_tidying_a_folder_named_for_its_kind_makes_no_folder_inside_itself(tmp_path: Path) -> None:
    docs = tmp_path / "Documents"
    docs.mkdir()
    (docs / "a.txt").write_text("a\n")
    assert plan_tidy(docs) == []


def test_duplicates_keep_the_original(tmp_path: Path) -> None:
    for name in ("a.txt", "a (1).txt", "a copy.txt", "b.txt"):
        (tmp_path / name).write_text("same\n" if name != "b.txt" else "different\n")
    assert [(c.name, o.name) for c, o in duplicates(sorted(tmp_path.iterdir()))] == [
        ("a (1).txt", "a.txt"), ("a copy.txt", "a.txt")]


def test_a_big_plan_is_shown_as_a_summary_and_its_first_moves(tmp_path: Path) -> None:
    d = tmp_path / "Camera"
    d.mkdir()
    for i in range(30):
        (d / f"IMG_{i:04d}.jpg").write_bytes(b"\xff\xd8" + bytes([i]) * 50 + b"\xff\xd9")
        os.utime(d / f"IMG_{i:04d}.jpg", (1_600_000_000, 1_600_000_000))
    for i in range(5):
        (d / f"memo{i}.txt").write_text(f"memo {i}\n")
    sentence = describe_plan(d, plan_tidy(d))
    lines = sentence.splitlines()
    assert lines[0].endswith("move 35 files (nothing is deleted or overwritten, and you can undo it):")
    assert lines[1:3] == ["- 30 into Photos", "- 5 into Documents"]
    assert lines[3] == "The first 12:" and lines[4] == "- IMG_0000.jpg → Photos/2020/IMG_0000.jpg (photo dated 2020)"
    assert lines[-1] == "… and 23 more like these."


async def test_apply_then_undo_restores_every_byte(store: Store, downloads: Path) -> None:
    user = await store.user("theodore")
    before = tree(downloads)
    planned = plan_tidy(downloads)
    batch_id = await moves.save_plan(store, user, "organise_folder", {"folder": "x"}, planned, "…")
    plan = await moves.shown_plan(store, user, "organise_folder", {"folder": "x"})
    assert plan.id == batch_id and len(plan.moves) == len(planned)
    applied = await moves.apply(store, user, plan)
    assert len(applied.moved) == 12 and not applied.skipped
    with pytest.raises(moves.FilesError, match="done already"):
        await moves.apply(store, user, plan)  # a second yes (another door) does it once
    after = tree(downloads)
    assert sorted(after.values()) == sorted(before.values())  # every byte is still there, somewhere
    assert after["Documents/Council Tax Bill 2026.pdf"] == before["Scan0001 (3) copy.pdf"]
    undone = await moves.undo(store, user, await moves.batch(store, user, batch_id))
    assert len(undone.moved) == 12 and not undone.skipped
    assert tree(downloads) == before
    assert not (downloads / "Photos").exists() and not (downloads / "Documents").exists()  # made, so removed
    with pytest.raises(moves.FilesError, match="already undone"):
        await moves.undo(store, user, await moves.batch(store, user, batch_id))


async def test_undo_leaves_what_changed_since_and_says_so(store: Store, downloads: Path) -> None:
    user = await store.user("theodore")
    await moves.save_plan(store, user, "organise_folder", {}, plan_tidy(downloads), "…")
    plan = await moves.shown_plan(store, user, "organise_folder", {})
    await moves.apply(store, user, plan)
    (downloads / "Documents" / "shopping.txt").write_text("milk, eggs, coffee beans, basil, bread\n")
    (downloads / "trip.md").write_text("a new trip.md where the old one was\n")
    undone = await moves.undo(store, user, await moves.batch(store, user, plan.id))
    assert len(undone.moved) == 10
    assert sorted(why for _, why in undone.skipped) == ["shopping.txt was changed since",
                                                       f"something new is at {downloads / 'trip.md'}".replace(
                                                           str(Path.home()), "~")]
    assert (downloads / "Documents" / "shopping.txt").exists() and (downloads / "Documents" / "trip.md").exists()
    assert (downloads / "trip.md").read_text().startswith("a new trip.md")


async def test_a_plan_skips_a_file_changed_after_it_was_shown(store: Store, downloads: Path) -> None:
    user = await store.user("theodore")
    await moves.save_plan(store, user, "organise_folder", {}, plan_tidy(downloads), "…")
    (downloads / "song.mp3").write_bytes(b"ID3 changed")
    (downloads / "Archives").mkdir()
    (downloads / "Archives" / "photos-backup.zip").write_text("got there first\n")
    applied = await moves.apply(store, user, await moves.shown_plan(store, user, "organise_folder", {}))
    assert sorted(why for _, why in applied.skipped) == ["something called photos-backup.zip appeared there meanwhile",
                                                        "song.mp3 was changed since"]
    assert (downloads / "song.mp3").exists() and (downloads / "photos-backup.zip").exists()
    assert (downloads / "Archives" / "photos-backup.zip").read_text() == "got there first\n"


def test_move_file_never_replaces(tmp_path: Path) -> None:
    (tmp_path / "a").write_text("a")
    (tmp_path / "b").write_text("b")
    with pytest.raises(FileExistsError):
        moves.move_file(tmp_path / "a", tmp_path / "b")
    assert (tmp_path / "a").read_text() == "a" and (tmp_path / "b").read_text() == "b"
    assert moves.free_name(tmp_path / "a") == tmp_path / "a (2)"
