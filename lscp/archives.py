"""Zip containers (DOCX, XLSX, ODT) are checked by their headers before anything is inflated.

A file whose parts would unpack past `MAX_UNPACKED`, or (past `RATIO_FLOOR`) to more than
`MAX_RATIO` times its packed size, or that has more than `MAX_PARTS` parts, is refused without
reading a byte of its contents. This bounds everything read after it: Python's zipfile never
inflates a part past the size its header declares, and openpyxl reads through zipfile. Used by
uploaded documents (lscp.documents) and spreadsheet imports (lscp.spreadsheets) alike.
"""

from __future__ import annotations

import io
import zipfile

MAX_PARTS = 5_000
MAX_UNPACKED = 100 * 1024 * 1024  # all parts together
MAX_RATIO = 100  # unpacked / packed, over the whole archive ...
RATIO_FLOOR = 10 * 1024 * 1024  # ... once it unpacks to more than this


class ArchiveRefused(ValueError):
    """The archive would unpack to too much; the message says how much, for the person."""


def open_checked(data: bytes) -> zipfile.ZipFile:
    """The archive, its declared sizes checked; zipfile.BadZipFile when it is not a zip at all."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise ArchiveRefused(f"it has {len(parts):,} parts (more than {MAX_PARTS:,})")
    unpacked = sum(part.file_size for part in parts)
    packed = sum(part.compress_size for part in parts)
    if unpacked > MAX_UNPACKED:
        raise ArchiveRefused(f"it would unpack to {unpacked / 2**20:,.0f} MB (more than {MAX_UNPACKED // 2**20} MB)")
    if unpacked > RATIO_FLOOR and unpacked > MAX_RATIO * max(packed, 1):
        raise ArchiveRefused(f"it would unpack to {unpacked // max(packed, 1):,} times its size")
    return archive
