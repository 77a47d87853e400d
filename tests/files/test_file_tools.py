"""The file tools through the whole turn (`Companion.respond`, a scripted model choosing): find, summarise,
organise, move, rename and delete, each change shown exactly, run only after yes, and undone byte for byte."""

from pathlib import Path
from typing import Any

import pytest

from os1.db.state import PENDING_ACTION
from os1.events import Event, ToolCall, ToolResult, TurnEnded
from os1.files.tools import (
    ASKS_TO_DELETE,
    ASKS_TO_FIND,
    ASKS_TO_MOVE,
    ASKS_TO_ORGANISE,
    ASKS_TO_RENAME,
    ASKS_TO_SUMMARISE,
)
from os1.runtime import Runtime
from os1.testing import ScriptedModel
from os1.tools import audit

from .conftest import LEASE, Say, make_docx, make_pdf, tree


def call(tool: str, **arguments: Any) -> dict[str, Any]:
    return {"action": "call", "tool": tool, "arguments": arguments}


def reply(events: list[Event]) -> str:
    assert isinstance(events[-1], TurnEnded), events[-1]
    return events[-1].text


async def pending(rt: Runtime) -> str | None:
    user = await rt.store.user("theodore")
    conversation = await rt.store.latest_conversation(user)
    assert conversation is not None
    return await rt.store.get_state(user, PENDING_ACTION.key(conversation.id))


async def test_find_shows_folder_name_date_and_snippet(say: Say, scripted: ScriptedModel, opened: Path) -> None:
    scripted.enqueue_json(call("find_files", query="the tax letter from the council"))
    text = reply(await say("Where's the tax letter from the council?"))
    lines = text.splitlines()
    assert lines[0] == "Here's what I found for 'the tax letter from the council':"
    assert lines[1].startswith("1. Scan0001 (3) copy.pdf — in ~/Downloads, ")
    assert "council tax" in lines[2].lower()


async def test_finding_nothing_and_having_no_folders_say_so(say: Say, scripted: ScriptedModel,
                                                            companion_runtime: Runtime, downloads: Path) -> None:
    scripted.enqueue_json(call("find_files", query="budget"))
    scripted.enqueue_json({"action": "none"})
    scripted.enqueue("I can't see any of your folders yet.")
    events = await say("find my budget")
    (result,) = [e for e in events if isinstance(e, ToolResult)]
    assert not result.ok and "os1 files allow" in result.output


async def test_summarise_a_pdf_in_one_go(say: Say, scripted: ScriptedModel, opened: Path) -> None:
    scripted.enqueue_json(call("summarise_file", name="the lease"))
    scripted.enqueue("A twelve-month tenancy of 12 Larkspur Lane from 1 February 2026 at 1,450 pounds a month.")
    text = reply(await say("summarise the lease"))
    assert text.startswith("Scan0002.pdf (in ~/Downloads, ")
    assert text.endswith("at 1,450 pounds a month.")
    asked = scripted.prompts[-1][-1]["content"]
    assert "| The rent is 1,450 pounds a month" in asked and asked.count("<<<END DATA>>>") == 1


async def test_summarise_a_long_docx_by_parts(say: Say, scripted: ScriptedModel, opened: Path) -> None:
    chapters = [f"Chapter {i}: the garden in month {i}. " + "We planted beans and watered the roses. " * 60
                for i in range(1, 8)]
    make_docx(opened / "Garden diary.docx", chapters, title="Garden diary")
    scripted.enqueue_json(call("summarise_file", name="Garden diary.docx"))
    parts = len(chapters) * len(chapters[0]) // 8000 + 1
    for n in range(1, 30):
        scripted.enqueue(f"Part note {n}.")
    text = reply(await say("can you sum up Garden diary.docx?"))
    map_prompts = [p for p in scripted.prompts if "This is part" in p[-1]["content"]]
    reduce_prompt = scripted.prompts[-1][-1]["content"]
    assert len(map_prompts) >= min(parts, 2)
    assert "| Part 1: Part note 1." in reduce_prompt and text.splitlines()[1].startswith("Part note ")
    assert all(len(p[-1]["content"]) < 9000 for p in map_prompts)  # each piece fits a 4k window


async def test_summarise_what_cannot_be_read(say: Say, scripted: ScriptedModel, opened: Path) -> None:
    scripted.enqueue_json(call("summarise_file", name="song.mp3"))
    scripted.enqueue_json({"action": "none"})
    scripted.enqueue("That one is a song, I can't summarise it.")
    events = await say("summarise song.mp3")
    (result,) = [e for e in events if isinstance(e, ToolResult)]
    assert not result.ok and "is a music file" in result.output


async def test_organise_shows_the_plan_moves_only_after_yes_and_undoes(
        say: Say, scripted: ScriptedModel, opened: Path, companion_runtime: Runtime) -> None:
    before = tree(opened)
    scripted.enqueue_json(call("organise_folder", folder="Downloads"))
    question = reply(await say("tidy up my Downloads please"))
    assert question.splitlines()[1:] == [
        "Tidy ~/Downloads: move 12 files (nothing is deleted or overwritten, and you can undo it):",
        "- DSC_1000.jpg → Photos/2021/DSC_1000.jpg (photo taken 2021)",
        "- IMG_0007.JPG → Photos/2019/IMG_0007.JPG (photo dated 2019)",
        "- IMG_2041.jpg → Photos/2024/IMG_2041.jpg (photo dated 2024)",
        "- Letter to Catherine.docx → Documents/Letter to Catherine.docx",
        "- Scan0001 (3) copy.pdf → Documents/Council Tax Bill 2026.pdf (named from its title)",
        "- Scan0002.pdf → Documents/Tenancy Agreement.pdf (named from its title)",
        "- budget (1).xlsx → Duplicates/budget (1).xlsx (a copy of budget.xlsx)",
        "- budget.xlsx → Documents/budget.xlsx",
        "- photos-backup.zip → Archives/photos-backup.zip",
        "- shopping.txt → Documents/shopping.txt",
        "- song.mp3 → Music/song.mp3",
        "- trip.md → Documents/trip.md",
        "Shall I go ahead? (yes / no)"]
    assert tree(opened) == before  # nothing moves before yes

    events = await say("yes")
    assert [e.name for e in events if isinstance(e, ToolCall)] == ["organise_folder"]
    assert reply(events).startswith("Tidied 12 files.")
    after = tree(opened)
    assert after["Documents/Council Tax Bill 2026.pdf"] == before["Scan0001 (3) copy.pdf"]
    assert sorted(after.values()) == sorted(before.values())

    # the index followed the files: found at once in their new places
    scripted.enqueue_json(call("find_files", query="council tax"))
    assert "1. Council Tax Bill 2026.pdf — in ~/Downloads/Documents" in reply(await say("find the council tax bill"))

    text = reply(await say("undo that"))
    assert text.startswith("Undone. Put back 12 files where they were.")
    assert tree(opened) == before


async def test_no_moves_nothing(say: Say, scripted: ScriptedModel, opened: Path,
                                companion_runtime: Runtime) -> None:
    before = tree(opened)
    scripted.enqueue_json(call("organise_folder", folder="this folder"))  # one folder open: that one
    assert "Tidy ~/Downloads: move 12 files" in reply(await say("organise this folder"))
    assert reply(await say("no")) == "Okay, I won't. Nothing was done."
    assert tree(opened) == before
    user = await companion_runtime.store.user("theodore")
    assert await audit.actions(companion_runtime.store, user) == []
    assert await say("yes")  # nothing is waiting now
    assert tree(opened) == before


async def test_move_with_yes_and_undo(say: Say, scripted: ScriptedModel, opened: Path) -> None:
    before = tree(opened)
    scripted.enqueue_json(call("move_file", name="budget.xlsx", to_folder="Finance"))
    question = reply(await say("move budget.xlsx to a Finance folder"))
    assert "Move budget.xlsx from ~/Downloads to ~/Downloads/Finance (a new folder)." in question
    assert tree(opened) == before
    assert reply(await say("yes")) == ("Moved budget.xlsx → ~/Downloads/Finance/budget.xlsx. "
                                       "Say \"undo that\" to put it back.")
    assert (opened / "Finance" / "budget.xlsx").exists() and not (opened / "budget.xlsx").exists()
    assert reply(await say("undo that")).startswith("Undone. Put back 1 file: budget.xlsx is in ~/Downloads again.")
    assert tree(opened) == before and not (opened / "Finance").exists()


async def test_move_into_an_existing_folder_never_overwrites(say: Say, scripted: ScriptedModel,
                                                             opened: Path) -> None:
    (opened / "Old stuff" / "2019" / "trip.md").write_text("an older trip\n")
    scripted.enqueue_json(call("move_file", name="trip.md", to_folder="2019"))
    question = reply(await say("move trip.md into the 2019 folder"))
    assert "to ~/Downloads/Old stuff/2019, as trip (2).md because trip.md is taken there." in question
    await say("yes")
    assert (opened / "Old stuff" / "2019" / "trip.md").read_text() == "an older trip\n"
    assert "Lisbon" in (opened / "Old stuff" / "2019" / "trip (2).md").read_text()


async def test_rename_with_yes_and_undo(say: Say, scripted: ScriptedModel, opened: Path) -> None:
    before = tree(opened)
    scripted.enqueue_json(call("rename_file", name="Scan0002.pdf", new_name="Lease 2026"))
    question = reply(await say("rename Scan0002.pdf to Lease 2026"))
    assert "Rename Scan0002.pdf (in ~/Downloads) to Lease 2026.pdf." in question
    assert tree(opened) == before
    assert reply(await say("yes")).startswith("Renamed Scan0002.pdf → Lease 2026.pdf.")
    assert (opened / "Lease 2026.pdf").exists()
    await say("undo that")
    assert tree(opened) == before


@pytest.mark.parametrize(("new_name", "why"), [("../../evil.txt", "a name, not a path"),
                                               (".hidden", "would hide the file"),
                                               ("trip.md", "There is already a trip.md")])
async def test_rename_refuses_paths_hidden_names_and_taken_names(
        say: Say, scripted: ScriptedModel, opened: Path, companion_runtime: Runtime, new_name: str,
        why: str) -> None:
    before = tree(opened)
    scripted.enqueue_json(call("rename_file", name="shopping.txt", new_name=new_name))
    events = await say(f"rename shopping.txt to {new_name}")
    assert why in reply(events) and "(yes / no)" not in reply(events)  # the reason is the reply
    assert len(scripted.prompts) == 1  # said as it is: no retry, no reply written over it
    assert await pending(companion_runtime) is None and tree(opened) == before


async def test_delete_goes_to_the_trash_and_comes_back(say: Say, scripted: ScriptedModel, opened: Path,
                                                       companion_runtime: Runtime) -> None:
    before = tree(opened)
    scripted.enqueue_json(call("delete_file", name="shopping.txt"))
    question = reply(await say("please trash shopping.txt"))
    trash = companion_runtime.settings.home / "trash"
    assert "Move shopping.txt (from ~/Downloads) to OS1's trash (~/home/trash/1/2026-11-20 140300): not deleted " \
           "for good, and you can undo it." in question
    assert tree(opened) == before
    await say("yes")
    assert not (opened / "shopping.txt").exists()
    (kept,) = list(trash.rglob("shopping.txt"))
    assert kept.read_text() == "milk, eggs, coffee beans, basil\n"
    scripted.enqueue_json(call("find_files", query="basil"))
    assert "I found no file" in reply(await say("find the shopping list with basil"))
    await say("undo that")
    assert tree(opened) == before
    scripted.enqueue_json(call("find_files", query="basil"))
    assert "1. shopping.txt" in reply(await say("find the shopping list with basil"))  # indexed again


async def test_delete_the_duplicates_keeps_one_of_each(say: Say, scripted: ScriptedModel, opened: Path) -> None:
    before = tree(opened)
    scripted.enqueue_json(call("delete_file", name="duplicates in Downloads"))
    question = reply(await say("get rid of the duplicates in my Downloads"))
    assert "Move 1 duplicate file in ~/Downloads to OS1's trash" in question
    assert "- ~/Downloads/budget (1).xlsx (a copy of ~/Downloads/budget.xlsx)" in question
    await say("yes")
    assert (opened / "budget.xlsx").exists() and not (opened / "budget (1).xlsx").exists()
    await say("undo that")
    assert tree(opened) == before


@pytest.mark.parametrize("target", ["~/Elsewhere", "../Elsewhere", "escape", "/tmp", "~/home"])
async def test_moving_out_of_the_allowed_folders_is_refused(
        say: Say, scripted: ScriptedModel, opened: Path, companion_runtime: Runtime, target: str) -> None:
    before = tree(opened)
    scripted.enqueue_json(call("move_file", name="trip.md", to_folder=target))
    events = await say(f"move trip.md to {target}")
    assert "(yes / no)" not in reply(events)
    assert any(s in reply(events) for s in ("outside the folders you opened", "OS1's own"))
    assert await pending(companion_runtime) is None and tree(opened) == before


@pytest.mark.parametrize("name", ["~/Elsewhere/secret.txt", "Downloads/escape/secret.txt", "Downloads/shortcut.txt",
                                  "Downloads/../Elsewhere/secret.txt"])
async def test_reading_out_of_the_allowed_folders_is_refused(say: Say, scripted: ScriptedModel, opened: Path,
                                                             name: str) -> None:
    scripted.enqueue_json(call("summarise_file", name=name))
    scripted.enqueue_json({"action": "none"})
    scripted.enqueue("I can't look there.")
    events = await say(f"summarise {name}")
    (result,) = [e for e in events if isinstance(e, ToolResult)]
    assert not result.ok and ("outside the folders you opened" in result.output or "link" in result.output)
    assert not any("launch codes" in m["content"] for p in scripted.prompts for m in p)


@pytest.mark.parametrize(("tool", "arguments"), [
    ("organise_folder", {"folder": "Downloads"}),
    ("move_file", {"name": "budget.xlsx", "to_folder": "Finance"}),
    ("rename_file", {"name": "budget.xlsx", "new_name": "money"}),
    ("delete_file", {"name": "budget.xlsx"}),
])
async def test_a_change_the_person_did_not_ask_for_is_refused(
        say: Say, scripted: ScriptedModel, opened: Path, companion_runtime: Runtime, tool: str,
        arguments: dict[str, Any]) -> None:
    """The model chooses a change on a question that only asks to find: no call, no proposal, no plan."""
    before = tree(opened)
    scripted.enqueue_json(call(tool, **arguments))
    scripted.enqueue("Here it is.")
    events = await say("where's my budget.xlsx?")
    assert not [e for e in events if isinstance(e, ToolCall)]
    assert await pending(companion_runtime) is None and tree(opened) == before
    user = await companion_runtime.store.user("theodore")
    assert await companion_runtime.store.read("SELECT count(*) FROM file_batches", ()) == [(0,)]
    assert await audit.actions(companion_runtime.store, user) == []


@pytest.mark.parametrize(("tool", "arguments", "asked"), [
    ("organise_folder", {"folder": "Downloads"}, "organise my downloads folder"),
    ("move_file", {"name": "budget.xlsx", "to_folder": "Finance"}, "move budget.xlsx to Finance"),
    ("rename_file", {"name": "budget.xlsx", "new_name": "money"}, "rename budget.xlsx to money"),
    ("delete_file", {"name": "budget.xlsx"}, "throw away budget.xlsx"),
])
async def test_every_change_waits_for_yes(say: Say, scripted: ScriptedModel, opened: Path,
                                          companion_runtime: Runtime, tool: str, arguments: dict[str, Any],
                                          asked: str) -> None:
    before = tree(opened)
    scripted.enqueue_json(call(tool, **arguments))
    events = await say(asked)
    assert reply(events).endswith("Shall I go ahead? (yes / no)")
    assert not [e for e in events if isinstance(e, ToolCall)]
    assert await pending(companion_runtime) is not None and tree(opened) == before
    await say("what's the weather like?")  # moving on drops it
    assert await pending(companion_runtime) is None and tree(opened) == before


@pytest.mark.parametrize(("pattern", "asks", "talk"), [
    # a read may be offered loosely ("I can't find the words" costs one decision, nothing more)
    (ASKS_TO_FIND, ["find my notes about the trip to Lisbon", "where's the pdf from the council?",
                    "where did I save the lease", "do I still have a copy of my passport scan?",
                    "look through my documents for the tax letter", "find the pdf my sister emailed me"],
     ["how was your day?", "I love talking with you", "search my email for the flight to Lisbon",
      "where's that email from Amy?"]),
    (ASKS_TO_SUMMARISE, ["summarise the lease", "sum up Scan0001.pdf", "what does the lease say?"],
     ["what does she say about me", "I had a lovely summer", "summarise the mail from Amy"]),
    (ASKS_TO_ORGANISE, ["tidy up my Downloads", "organise this folder", "sort out my files",
                        "clean up my desktop"], ["I need to organise my thoughts", "clean up my inbox",
                                                 "let's sort this out"]),
    (ASKS_TO_MOVE, ["move X.pdf to Archive", "move the lease into my Documents folder",
                    "put the scans in the Taxes folder"], ["we move to Berlin in May", "move the meeting to Friday"]),
    (ASKS_TO_RENAME, ["rename Scan0001.pdf to Tax bill", "change the file name of the lease"],
     ["what's her name again?"]),
    (ASKS_TO_DELETE, ["delete the duplicates in Downloads", "delete budget.xlsx", "get rid of the old scans",
                      "throw away the photos from 2019"], ["remove my 7am alarm", "delete that message",
                                                          "I threw away the letter"]),
])
def test_how_people_ask(pattern: str, asks: list[str], talk: list[str]) -> None:
    import re

    compiled = re.compile(pattern, re.IGNORECASE)
    assert [a for a in asks if not compiled.search(a)] == []
    assert [t for t in talk if compiled.search(t)] == []


async def test_a_pdf_made_here_is_found_and_summarised_after_indexing(say: Say, scripted: ScriptedModel,
                                                                      opened: Path, companion_runtime: Runtime) -> None:
    """A file added after the folder was opened is found by `os1 files index` (here: index_root) at once."""
    from os1.files import index
    from os1.files.folders import Roots

    make_pdf(opened / "Tenancy renewal.pdf", [LEASE[:1] + ["Renewed until January 2028."]])
    user = await companion_runtime.store.user("theodore")
    roots = await Roots.load(companion_runtime.store, user, companion_runtime.settings.home)
    report = await index.index_root(companion_runtime.store, user, roots, roots.roots[0], None)
    assert report.indexed == 1
    scripted.enqueue_json(call("find_files", query="renewal 2028"))
    assert "1. Tenancy renewal.pdf" in reply(await say("find the renewal until 2028"))


@pytest.mark.parametrize(("asked", "name", "shown"), [
    ("delete budget.xlsx", "budget.xlsx", "Move budget.xlsx (from ~/Downloads) to OS1's trash"),
    ("delete the duplicates in Downloads", "duplicates in Downloads", "Move 1 duplicate file in ~/Downloads"),
])
async def test_delete_said_with_delete_reaches_the_file_tool(say: Say, scripted: ScriptedModel, opened: Path,
                                                             asked: str, name: str, shown: str) -> None:
    """"Delete X" about a file asks the file tool, not to forget memories about X."""
    scripted.enqueue_json(call("delete_file", name=name))
    assert shown in reply(await say(asked))
