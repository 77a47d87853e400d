"""Reading a document's text: plain text and code, Markdown, HTML, PDF (pypdf) and Word .docx (python-docx).

What is read is capped (a huge log or a 900-page PDF must not stall a turn or fill the index), and every other
kind of file, or a broken one, is answered with a clear reason instead of an exception from deep in a parser.
Text a reader cannot see in Word (hidden or white runs) is left out: OS1 reads what the document shows.
"""

from __future__ import annotations

import html.parser
import re
from dataclasses import dataclass
from pathlib import Path

from os1.files.folders import FilesError

MAX_TEXT_BYTES = 2_000_000  # of a plain-text file
MAX_DOCUMENT_BYTES = 60_000_000  # a PDF or .docx larger than this is not opened
MAX_PAGES = 300
MAX_CHARS = 400_000  # of text kept from any one document

PLAIN = frozenset("""txt text md markdown rst org tex csv tsv json jsonl yaml yml toml ini cfg conf log srt vtt
py js ts jsx tsx java kt c h cc cpp hpp cs go rs rb php pl swift scala sh bash zsh fish ps1 sql r m lua dart
css scss sass less xml svg bib nfo""".split())
MARKUP = frozenset({"html", "htm", "xhtml"})

KINDS: dict[str, frozenset[str]] = {
    "photo": frozenset("jpg jpeg png gif heic heif webp tif tiff bmp raw cr2 cr3 nef arw dng orf rw2".split()),
    "video": frozenset("mp4 mov avi mkv webm m4v wmv mpg mpeg 3gp".split()),
    "music": frozenset("mp3 m4a flac wav ogg oga aac opus wma aiff aif alac mid midi".split()),
    "archive": frozenset("zip tar gz tgz bz2 xz 7z rar zst lz iso".split()),
    "installer": frozenset("dmg pkg exe msi deb rpm appimage apk flatpakref".split()),
    "spreadsheet": frozenset("xls xlsx xlsm ods numbers csv tsv".split()),
    "presentation": frozenset("ppt pptx odp key".split()),
    "document": frozenset("pdf doc docx odt rtf pages epub txt md markdown rst org tex".split()),
}


@dataclass(frozen=True)
class Document:
    text: str
    title: str  # its own title (metadata or heading), "" when it has none
    note: str = ""  # what was left out: "only the first 300 pages were read"


def extension(path: Path) -> str:
    return path.suffix.lower().lstrip(".")


def kind_of(path: Path) -> str:
    """"photo", "video", "music", "archive", "installer", "spreadsheet", "presentation", "document", "text"
    (code, data, notes of other kinds) or "other"."""
    ext = extension(path)
    if path.name.lower().endswith((".tar.gz", ".tar.bz2", ".tar.xz")):
        return "archive"
    found = next((kind for kind, exts in KINDS.items() if ext in exts), None)
    return found or ("text" if ext in PLAIN or ext in MARKUP else "other")


def readable(path: Path) -> bool:
    ext = extension(path)
    return ext in PLAIN or ext in MARKUP or ext in ("pdf", "docx")


def read_document(path: Path) -> Document:
    """The text of the document at `path` (already checked to be inside an allowed folder)."""
    ext = extension(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FilesError(f"I couldn't open {path.name}: {exc.strerror or exc}.") from None
    if ext in PLAIN or ext in MARKUP:
        doc = _plain(path, size, markup=ext in MARKUP)
    elif ext in ("pdf", "docx"):
        if size > MAX_DOCUMENT_BYTES:
            raise FilesError(f"{path.name} is {size / 1e6:.0f} MB, too large for me to read.")
        doc = _pdf(path) if ext == "pdf" else _docx(path)
    else:
        raise FilesError(_cannot_read(path))
    text = _tidy(doc.text)
    if len(text) > MAX_CHARS:
        return Document(text[:MAX_CHARS], doc.title, doc.note or "only the beginning was read: it is very long")
    return Document(text, doc.title, doc.note)


def _cannot_read(path: Path) -> str:
    ext = extension(path)
    if ext == "doc":
        return f"{path.name} is in the old Word format (.doc), which I can't read; saved as .docx I could."
    kind = kind_of(path)
    what = {"photo": "a photo", "video": "a video", "music": "a music file", "archive": "an archive",
            "installer": "an installer", "spreadsheet": "a spreadsheet", "presentation": "a presentation"}.get(
        kind, f"a .{ext} file" if ext else "a file without a type")
    return (f"{path.name} is {what}; I can only read text, Markdown, PDF and Word (.docx) documents, "
            "though I can find, move and rename it.")


def _plain(path: Path, size: int, markup: bool) -> Document:
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_TEXT_BYTES)
    except OSError as exc:
        raise FilesError(f"I couldn't open {path.name}: {exc.strerror or exc}.") from None
    if b"\x00" in raw[:8192]:
        raise FilesError(f"{path.name} is not text, although its name says so.")
    text = raw.decode("utf-8-sig", errors="replace")
    if markup:
        text, title = _from_html(text)
    else:
        title = _markdown_title(text) if extension(path) in ("md", "markdown") else ""
    return Document(text, title, "only the beginning was read: it is very long" if size > MAX_TEXT_BYTES else "")


def _pdf(path: Path) -> Document:
    from pypdf import PdfReader

    # A parser of files from anywhere can fail in any way on a broken one: every failure means "broken file".
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise FilesError(f"{path.name} is protected by a password, so I can't read it.")
        pages = reader.pages
        texts = [page.extract_text() or "" for page in list(pages)[:MAX_PAGES]]
        count = len(pages)
        meta = reader.metadata
        title = str(meta.title or "") if meta is not None else ""
    except FilesError:
        raise
    except Exception as exc:
        raise FilesError(f"{path.name} seems to be a damaged PDF; I couldn't read it ({type(exc).__name__}).") from None
    text = "\n\n".join(texts)
    if not text.strip():
        note = "it has no text layer (a scan without OCR?)"
        return Document("", _meaningful_title(title), note)
    note = f"only the first {MAX_PAGES} of {count} pages were read" if count > MAX_PAGES else ""
    return Document(text, _meaningful_title(title), note)


def _docx(path: Path) -> Document:
    import docx

    try:
        document = docx.Document(str(path))
        lines = [_visible(p) for p in document.paragraphs]
        title_style = next((_visible(p) for p in document.paragraphs
                            if p.style is not None and (p.style.name or "").startswith(("Title", "Heading"))
                            and _visible(p).strip()), "")
        for table in document.tables:
            for row in table.rows:
                lines.append("\t".join(cell.text for cell in row.cells))
        title = document.core_properties.title or title_style
    except Exception as exc:  # see _pdf: a broken file may fail anywhere inside the parser
        raise FilesError(f"{path.name} seems to be a damaged Word document; I couldn't read it "
                         f"({type(exc).__name__}).") from None
    return Document("\n".join(lines), _meaningful_title(title))


def _visible(paragraph: object) -> str:
    """A paragraph's text without the runs a reader cannot see (hidden, or white on the page)."""
    parts = []
    for run in getattr(paragraph, "runs", []):
        font = run.font
        color = font.color.rgb if font.color is not None and font.color.type is not None else None
        if font.hidden or str(color or "").upper() == "FFFFFF" or (font.size is not None and font.size.pt < 2):
            continue
        parts.append(run.text)
    return "".join(parts)


_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())


class _HTMLText(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        style = (dict(attrs).get("style") or "").replace(" ", "").lower()
        if self._skip or tag in ("script", "style", "template") or "display:none" in style:
            self._skip += 1  # counts open elements inside what is skipped, so it ends where it began
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        if self._skip and tag not in _VOID:
            self._skip -= 1
        self._in_title = False
        if tag in ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.parts.append(data)


def _from_html(text: str) -> tuple[str, str]:
    parser = _HTMLText()
    parser.feed(text)
    return "".join(parser.parts), _meaningful_title(parser.title)


def _markdown_title(text: str) -> str:
    m = re.search(r"^#\s+(.+)$", text[:4000], re.MULTILINE)
    return _meaningful_title(m[1]) if m else ""


_JUNK_TITLE = re.compile(r"^(?:untitled|microsoft word\s*-.*|document\d*|title|\s*)$|\.(?:docx?|pdf|txt)$",
                         re.IGNORECASE)


def _meaningful_title(title: str) -> str:
    title = " ".join(title.split())[:120]
    return "" if _JUNK_TITLE.search(title) else title


def first_line(text: str) -> str:
    """The first line that reads like a heading (used as a title when a document has none)."""
    for line in text.splitlines()[:30]:
        line = " ".join(line.split()).strip(" #*-_=")
        if 4 <= len(line) <= 90 and sum(c.isalpha() for c in line) >= 4:
            return line
    return ""


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    return re.sub(r"\n\s*\n\s*\n+", "\n\n", text).strip()
