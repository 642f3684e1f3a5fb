"""Uploads: checked by content, 20 MB at most, stored outside the web root, downloaded only by
those who may see the record, every download logged."""

import io
import zipfile

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from PIL import Image

from lscp import documents
from lscp.models import ActivityEvent, Document
from tests.support.makers_reviews import PDF_BYTES, child, submit

pytestmark = pytest.mark.django_db


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def image_bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format=fmt)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("report.pdf", PDF_BYTES, "pdf"),
        (
            "summary.docx",
            zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
            "docx",
        ),
        ("plan.xlsx", xlsx_bytes(), "xlsx"),
        (
            "notes.odt",
            zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}),
            "odt",
        ),
        ("photo.png", image_bytes("PNG"), "png"),
        ("photo.jpeg", image_bytes("JPEG"), "jpeg"),
        ("named-wrongly.docx", PDF_BYTES, "pdf"),  # the content decides, and the stored name follows it
    ],
)
def test_accepted_kinds_are_recognised_by_content(name, data, kind):
    assert documents.detect(data).key == kind
    content, found = documents.check_upload(SimpleUploadedFile(name, data))
    assert found.key == kind and content == data


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00 an executable renamed .pdf", "its contents are not one of these"),
        ("archive.docx", zip_bytes({"evil.exe": b"MZ"}), "its contents are not one of these"),
        ("empty.pdf", b"", "The selected file is empty"),
        ("big.pdf", PDF_BYTES + b"0" * (21 * 1024 * 1024), "smaller than 20 MB"),
    ],
)
def test_anything_else_is_refused_with_a_reason(name, data, message):
    with pytest.raises(ValidationError, match=message):
        documents.check_upload(SimpleUploadedFile(name, data))


def test_stored_outside_the_web_root_and_downloaded_only_by_those_who_may_see_the_record(world_a, as_user):
    notification = submit(world_a, children=[child(known_to=[world_a.members["agency"]])])
    document = documents.attach(
        world_a.ctx(),
        about=notification,
        upload=SimpleUploadedFile("../../etc/passwd.docx", PDF_BYTES),
        title="Chronology",
    )
    path = document.file.path
    assert path.startswith(str(settings.MEDIA_ROOT)) and not path.startswith(str(settings.BASE_DIR / "static"))
    assert document.original_name == "passwd.pdf"
    url = reverse("document-download", args=[world_a.slug, document.pk])
    for who, status in [("business", 200), ("agency", 200), ("council", 200), ("scrutineer", 403)]:
        response = as_user(world_a.people[who]).get(url)
        assert response.status_code == status, who
        if status == 200:
            assert b"".join(response.streaming_content) == PDF_BYTES
            assert response["Content-Type"] == "application/pdf"
            assert 'attachment; filename="passwd.pdf"' in response["Content-Disposition"]
    downloads = ActivityEvent.objects.for_partnership(world_a.partnership).filter(
        event="document.downloaded", object_id=str(document.pk)
    )
    assert downloads.count() == 3
    # An agency lead whose organisation is not involved: the same 404 as a missing document.
    unrelated = submit(world_a, children=[child(known_to=[])])
    hidden = documents.attach(world_a.ctx(), about=unrelated, upload=SimpleUploadedFile("x.pdf", PDF_BYTES))
    assert (
        as_user(world_a.people["agency"]).get(reverse("document-download", args=[world_a.slug, hidden.pk])).status_code
        == 404
    )


def test_no_url_serves_the_media_folder(world_a, as_user):
    document = world_a.objects[Document]
    client = as_user(world_a.people["business"])
    for url in (f"/media/{document.file.name}", f"/static/../var/media/{document.file.name}", f"/{document.file.name}"):
        assert client.get(url).status_code == 404


# ----------------------------------------------------------------------------------------------
# Bombs: refused by the zip's headers, before anything is inflated (issue 12, finding 6)


def zeros_zip(entries: dict[str, int], small: dict[str, bytes] | None = None) -> bytes:
    """A zip whose parts are `n` zero bytes each (deflated to about a thousandth), plus small parts."""
    buffer = io.BytesIO()
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in (small or {}).items():
            archive.writestr(name, content)
        for name, size in entries.items():
            with archive.open(name, "w", force_zip64=True) as part:
                for _ in range(size // len(chunk)):
                    part.write(chunk)
    return buffer.getvalue()


def bounded(call):
    """Run `call`; return (what it raised or returned, peak bytes allocated, seconds)."""
    import time
    import tracemalloc

    tracemalloc.start()
    started = time.perf_counter()
    try:
        outcome = call()
    except Exception as error:
        outcome = error
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return outcome, peak, seconds


MB = 1024 * 1024
BOMBS = {
    # 120 MB of zeros in the very part detect() reads to tell an ODT
    "notes.odt": lambda: zeros_zip({"mimetype": 120 * MB}),
    "summary.docx": lambda: zeros_zip({"word/document.xml": 110 * MB}, {"[Content_Types].xml": b"<Types/>"}),
}


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_a_zip_bomb_is_refused_by_its_headers_in_bounded_memory_and_time(name):
    data = BOMBS[name]()
    assert len(data) < 1024 * 1024  # a small upload ...
    outcome, peak, seconds = bounded(lambda: documents.check_upload(SimpleUploadedFile(name, data)))
    assert isinstance(outcome, ValidationError) and "would unpack to" in outcome.messages[0]
    assert peak < 5 * 1024 * 1024 + 2 * len(data), f"{peak:,} bytes allocated"  # ... never inflated
    assert seconds < 1, f"{seconds:.2f} s"


def test_a_highly_compressed_zip_is_refused_even_under_the_size_cap():
    # 20 MB in about 20 KB: under 100 MB, but a thousand times its size.
    data = zeros_zip({"word/document.xml": 20 * MB}, {"[Content_Types].xml": b"<Types/>"})
    with pytest.raises(ValidationError, match="times its size"):
        documents.check_upload(SimpleUploadedFile("summary.docx", data))


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>",
        b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",  # a header and no document
    ],
)
def test_a_pdf_must_parse_as_a_pdf(data):
    with pytest.raises(ValidationError, match="its contents are not one of these"):
        documents.check_upload(SimpleUploadedFile("report.pdf", data))


def test_a_spreadsheet_bomb_is_refused_before_openpyxl_reads_it():
    """A workbook whose shared strings would unpack to 110 MB: refused by its headers."""
    from lscp import spreadsheets

    data = zeros_zip(
        {"xl/sharedStrings.xml": 110 * MB},
        {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"},
    )
    columns = [spreadsheets.Column("Name", "name", spreadsheets.parse_text)]
    outcome, peak, seconds = bounded(lambda: spreadsheets.read_xlsx(data, columns))
    assert isinstance(outcome, spreadsheets.SpreadsheetError) and "would unpack to" in str(outcome)
    assert peak < 5 * 1024 * 1024 + 2 * len(data) and seconds < 1, (peak, seconds)
