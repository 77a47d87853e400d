"""The book: OS1 proposes the best letters with reasons, the person edits the choice, and the book is typeset as
a PDF (opened with pypdf, drawn with pdftoppm): a cover, a title page, contents with an entry per letter, one
letter per section, page numbers, fonts embedded."""

from datetime import datetime
from pathlib import Path

from pypdf import PdfReader

from os1.letters import choose, handwriting, publish, service
from os1.letters.versions import Letter

from .conftest import Desk
from .test_handwriting import embedded_fonts

PARAGRAPH = ("We walked to the lake at dawn, and the water was so still that the canoe seemed to hang in the air. "
             "You said nothing for an hour, and it was the best conversation we ever had. ")


def letter_text(n: int, recipient: str, sender: str) -> str:
    body = "\n\n".join([PARAGRAPH * 2] * (1 + n % 3))
    return f"Dear {recipient},\n\n{body}\n\nLetter number {n} of many.\n\nAll my love,\n{sender}"


async def thirty(desk: Desk) -> list[Letter]:
    made = []
    for n in range(30):
        client = desk.lewman if n % 2 else desk.roberto
        sender, recipient = ("Lewman", "Chris") if n % 2 else ("Roberto", "Sofia")
        made.append(await service.add_written(desk.store, desk.person, letter_text(n, recipient, sender), sender,
                                              recipient, client))
    return made


async def test_the_proposal_gives_reasons_and_spreads_across_clients(desk: Desk) -> None:
    await thirty(desk)
    sloppy = await service.add_written(desk.store, desk.person, "Dear Chris,\n\ni beleive its over.\n\nRegards,\n"
                                       "Lewman", "Lewman", "Chris", desk.lewman)
    picks = await choose.propose(desk.store, desk.person, most=10)
    assert len(picks) == 10 and sloppy.id not in [p.letter.id for p in picks]
    assert {p.letter.sender for p in picks} == {"Lewman", "Roberto"}
    assert all(p.reasons for p in picks) and any("full letter" in r for p in picks for r in p.reasons)
    worst = choose.judge(sloppy, 1)
    assert any("slip" in r for r in worst.reasons) and any("cold" in r for r in worst.reasons)


async def test_the_choice_is_edited_and_kept(desk: Desk) -> None:
    made = await thirty(desk)
    chosen = choose.edited(await choose.selection(desk.store, desk.person), add=[made[0].id, made[1].id, made[2].id])
    await choose.keep(desk.store, desk.person, choose.edited(chosen, remove=[made[1].id]))
    kept = await choose.selection(desk.store, desk.person)
    assert kept.letter_ids == [made[0].id, made[2].id] and kept.title == "Letters From Your Life"
    assert kept.author == "Theodore"
    other = await desk.store.user("amy")
    assert (await choose.selection(desk.store, other)).letter_ids == []


async def test_a_thirty_letter_book(desk: Desk, tmp_path: Path) -> None:
    made = await thirty(desk)
    await choose.keep(desk.store, desk.person, choose.Selection("Letters From Your Life", "Theodore Twombly",
                                                                [x.id for x in made]))
    pdf, pages, _ = await publish.make(desk.store, desk.person, tmp_path, datetime(2026, 11, 20, 14, 3))
    reader = PdfReader(str(pdf))
    assert len(reader.pages) == pages >= 2 + 2 + 30  # cover, title page, contents, a section each
    assert reader.metadata is not None and reader.metadata.title == "Letters From Your Life"
    outline = [item.title for item in reader.outline]
    assert len(outline) == 30 and outline[0] == "1. To Sofia, from Roberto" and outline[1] == "2. To Chris, from Lewman"
    assert embedded_fonts(reader) == {"DejaVuSerifBook", "DancingScript"}
    cover = " ".join(reader.pages[0].extract_text().split())
    assert "Letters From Your Life" in cover and "Theodore Twombly" in cover
    contents = " ".join(reader.pages[2].extract_text().split())
    assert "Contents" in contents and "1. To Sofia, from Roberto" in contents
    first = reader.outline[0]
    at = reader.get_destination_page_number(first)
    section = reader.pages[at].extract_text()
    assert "Dear Sofia," in section and "Letter number 0 of many" in reader.pages[at + 1].extract_text() + section
    number = section.strip().splitlines()[-1].strip()
    assert number == str(at + 1 - 2)  # numbered from the contents on, the cover and title page unnumbered
    assert f"{outline[0]} {number}" in contents  # the contents point at that page
    assert len(handwriting.png_files(pdf, dpi=30, last=3)) == 3  # pdftoppm draws its first pages
