"""Real files for the file tools: PDFs written by hand (pypdf must read them back), Word documents made with
python-docx, and a realistic messy Downloads folder with photos, scans, duplicates, nested folders, hidden junk
and links that lead out of it."""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import docx
import pytest
from docx.shared import RGBColor

from os1.db.store import Store, User
from os1.events import Event
from os1.files import folders, index
from os1.files.folders import Roots
from os1.memory.embeddings import Embedder
from os1.runtime import Runtime
from os1.testing import FixedClock

Say = Callable[[str], Awaitable[list[Event]]]
# Friday 20 November 2026, 14:03, an hour east of UTC (as in tests/tools).
START = datetime(2026, 11, 20, 14, 3, tzinfo=timezone(timedelta(hours=1), "CET"))


def make_pdf(path: Path, pages: list[list[str]], title: str | None = None) -> Path:
    """A valid PDF with these lines of text on these pages (Helvetica), and a title in its metadata if given."""
    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    n = len(pages)
    objects = ["<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{' '.join(f'{4 + 2 * i} 0 R' for i in range(n))}] /Count {n} >>",
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for i, lines in enumerate(pages):
        stream = "BT /F1 11 Tf 14 TL 72 740 Td\n" + "".join(f"({esc(line)}) Tj T*\n" for line in lines) + "ET"
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {5 + 2 * i} 0 R "
                       "/Resources << /Font << /F1 3 0 R >> >> >>")
        objects.append(f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream")
    if title:
        objects.append(f"<< /Title ({esc(title)}) /Producer (OS1 tests) >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    info = f" /Info {len(objects)} 0 R" if title else ""
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path


def make_docx(path: Path, paragraphs: list[str], title: str | None = None, hidden: list[str] | None = None,
              white: list[str] | None = None, heading: str | None = None) -> Path:
    document = docx.Document()
    if title:
        document.core_properties.title = title
    if heading:
        document.add_heading(heading, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    for text in hidden or []:
        document.add_paragraph().add_run(text).font.hidden = True
    for text in white or []:
        document.add_paragraph().add_run(text).font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    document.save(str(path))
    return path


def jpeg(seed: str, taken: str | None = None) -> bytes:
    """A small JPEG-shaped file; with `taken` ("2021:07:14 10:00:00") it carries that date in its EXIF."""
    body = b"\xff\xd8"
    if taken:
        value = taken.encode() + b"\x00"
        tiff = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 1) + struct.pack(
            "<HHII", 0x0132, 2, len(value), 26) + struct.pack("<I", 0) + value
        body += b"\xff\xe1" + struct.pack(">H", 2 + 6 + len(tiff)) + b"Exif\x00\x00" + tiff
    payload = hashlib.sha256(seed.encode()).digest() * 40
    body += b"\xff\xe0" + struct.pack(">H", 2 + len(payload)) + payload
    return body + b"\xff\xd9"


def at(path: Path, when: str) -> Path:
    """Set the file's modification time ("2024-06-10")."""
    t = int(datetime.fromisoformat(when).timestamp() * 1e9)
    os.utime(path, ns=(t, t))
    return path


COUNCIL = ["Council Tax Bill 2026", "Riverside Borough Council, Finance Department",
           "Dear Theodore Twombly,", "Your council tax for the year April 2026 to March 2027 is 1,842.00 pounds.",
           "It is payable in ten monthly instalments of 184.20 pounds from 1 April.",
           "Band D property at 12 Larkspur Lane. Contact the council tax office with any questions."]
LEASE = ["Tenancy Agreement", "This lease is made between Amy Landlord and Theodore Twombly.",
         "The flat at 12 Larkspur Lane is let for twelve months from 1 February 2026.",
         "The rent is 1,450 pounds a month, due on the first day of each month.",
         "A deposit of 2,000 pounds is held in a protected scheme."]
LISBON = ("# Trip\n\nFive days in Lisbon with Catherine in May. We walked up to the Alfama, ate pastéis de nata in "
          "Belém and rode tram 28. The best dinner was grilled sardines near the river.\n")


def messy_downloads(base: Path) -> Path:
    """~/Downloads as people have it: photos, scans, duplicates, nested folders, junk, links out of it."""
    d = base / "Downloads"
    (d / "Old stuff" / "2019").mkdir(parents=True)
    (d / ".git").mkdir()
    (d / "node_modules" / "left-pad").mkdir(parents=True)
    outside = base / "Elsewhere"
    outside.mkdir()
    (outside / "secret.txt").write_text("The launch codes are 0000.\n")
    (d / "IMG_2041.jpg").write_bytes(jpeg("beach"))
    at(d / "IMG_2041.jpg", "2024-06-10")
    (d / "IMG_0007.JPG").write_bytes(jpeg("cat"))
    at(d / "IMG_0007.JPG", "2019-03-02")
    (d / "DSC_1000.jpg").write_bytes(jpeg("wedding", taken="2021:07:14 10:00:00"))
    at(d / "DSC_1000.jpg", "2025-01-05")
    make_pdf(d / "Scan0001 (3) copy.pdf", [COUNCIL])
    make_pdf(d / "Scan0002.pdf", [LEASE[:3], LEASE[3:]])
    (d / "trip.md").write_text(LISBON)
    (d / "shopping.txt").write_text("milk, eggs, coffee beans, basil\n")
    make_docx(d / "Letter to Catherine.docx", ["Dear Catherine,", "I keep thinking about our years together, "
                                               "and I wanted to write before the papers are signed."],
              heading="A letter")
    (d / "budget.xlsx").write_bytes(b"PK\x03\x04" + b"budget-2026" * 50)
    (d / "budget (1).xlsx").write_bytes(b"PK\x03\x04" + b"budget-2026" * 50)
    at(d / "budget (1).xlsx", "2026-02-01")
    at(d / "budget.xlsx", "2026-01-01")
    (d / "song.mp3").write_bytes(b"ID3" + b"\x00" * 300)
    (d / "photos-backup.zip").write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    (d / "Old stuff" / "2019" / "receipt.txt").write_text("Receipt: one espresso machine, 2019.\n")
    (d / ".git" / "config").write_text("[core]\n")
    (d / "node_modules" / "left-pad" / "index.js").write_text("module.exports = 1\n")
    (d / "escape").symlink_to(outside, target_is_directory=True)
    (d / "shortcut.txt").symlink_to(outside / "secret.txt")
    return d


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` (links as links) with the sha256 of its bytes: to check nothing was lost."""
    out = {}
    for root, dirs, files in os.walk(folder):
        for name in files + [d for d in dirs if (Path(root) / d).is_symlink()]:
            p = Path(root) / name
            rel = p.relative_to(folder).as_posix()
            out[rel] = f"-> {os.readlink(p)}" if p.is_symlink() else hashlib.sha256(p.read_bytes()).hexdigest()
    return out


async def open_folder(store: Store, user: User, folder: Path, home: Path,
                      embedder: Embedder | None = None) -> index.IndexReport:
    root = await folders.allow(store, user, folder, home)
    roots = await Roots.load(store, user, home)
    return await index.index_root(store, user, roots, root, embedder)


@pytest.fixture
def person_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The person's home folder (so paths read "~/Downloads"), beside OS1's own home."""
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


@pytest.fixture
def downloads(person_home: Path) -> Path:
    return messy_downloads(person_home)


@pytest.fixture
async def opened(companion_runtime: Runtime, downloads: Path) -> Path:
    """Downloads, opened to theodore's OS1 and indexed with the companion's own embedder."""
    rt = companion_runtime
    user = await rt.store.user("theodore")
    vectors = rt.companion.memory.vectors
    await open_folder(rt.store, user, downloads, rt.settings.home, vectors.embedder if vectors else None)
    return downloads


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def companion_runtime(runtime: Runtime, clock: FixedClock) -> Runtime:
    runtime.companion.clock = clock
    return runtime


@pytest.fixture
def say(companion_runtime: Runtime) -> Say:
    """One turn by theodore through `Companion.respond`, as any door runs it."""
    async def turn(text: str) -> list[Event]:
        rt = companion_runtime
        user = await rt.store.user("theodore")
        conversation = await rt.store.latest_conversation(user) or await rt.store.new_conversation(user)
        return [e async for e in rt.companion.respond(user, conversation, text)]

    return turn
