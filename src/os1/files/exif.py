"""When a photo was taken, from its EXIF data (JPEG), read by hand: only two tags are needed, not an imaging
library. A photo without EXIF is dated by its file's modification time instead."""

from __future__ import annotations

import struct
from datetime import datetime
from pathlib import Path

_DATE_TAGS = (0x9003, 0x9004, 0x0132)  # DateTimeOriginal, DateTimeDigitized, DateTime
_EXIF_IFD = 0x8769


def taken_at(path: Path) -> datetime | None:
    """The moment the photo says it was taken, or None when it does not say (or is no JPEG)."""
    try:
        with path.open("rb") as f:
            head = f.read(128 * 1024)
    except OSError:
        return None
    try:
        return _from_jpeg(head)
    except (struct.error, ValueError, IndexError):
        return None  # a damaged header says nothing about the date


def _from_jpeg(data: bytes) -> datetime | None:
    if data[:2] != b"\xff\xd8":
        return None
    at = 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker, length = data[at + 1], struct.unpack(">H", data[at + 2:at + 4])[0]
        if marker == 0xE1 and data[at + 4:at + 10] == b"Exif\x00\x00":
            return _from_tiff(data[at + 10:at + 2 + length])
        if marker == 0xDA:  # the image data starts: no EXIF before it
            return None
        at += 2 + length
    return None


def _from_tiff(tiff: bytes) -> datetime | None:
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None:
        return None
    found: dict[int, str] = {}
    ifd = struct.unpack(order + "I", tiff[4:8])[0]
    for _ in range(2):  # IFD0, then the EXIF sub-IFD it points to
        exif_ifd = None
        count = struct.unpack(order + "H", tiff[ifd:ifd + 2])[0]
        for n in range(count):
            entry = tiff[ifd + 2 + 12 * n:ifd + 14 + 12 * n]
            tag, kind, size, value = struct.unpack(order + "HHII", entry)
            if tag == _EXIF_IFD:
                exif_ifd = value
            elif tag in _DATE_TAGS and kind == 2 and size >= 19:
                found[tag] = tiff[value:value + 19].decode("ascii", "replace")
        if exif_ifd is None:
            break
        ifd = exif_ifd
    for tag in _DATE_TAGS:
        if tag in found:
            try:
                return datetime.strptime(found[tag], "%Y:%m:%d %H:%M:%S")
            except ValueError:
                continue
    return None
