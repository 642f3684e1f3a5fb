"""Documents: uploads checked by what they contain, kept outside the web root, and served only
through a permission-checked, logged download.

Public entry points:
- `detect(data)` -> the kind of file the bytes really are (PDF, DOCX, XLSX, ODT, PNG, JPEG), or
  None. The file's name is never trusted: an executable renamed .pdf is refused.
- `DocumentField`: a form field that refuses anything else, or anything over 20 MB, by the field.
- `attach(ctx, about=..., upload=..., title=...)`: store an upload against a record.
- `register(model_label, policy, action)`: which policy decides who may download documents
  attached to records of a model (the same check as seeing the record's details).
- `DocumentDownloadView`: /<slug>/documents/<document_id>/ — 404 unless the person may see the
  record it is attached to; every download is written to the activity log.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from dataclasses import dataclass

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import FileResponse, Http404
from django.views import View

from lscp import activity, archives
from lscp.models import Document
from lscp.tenancy import TenantContext
from lscp.web.views import RecordMixin

MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    key: str
    label: str
    extension: str
    content_type: str


KINDS = {
    kind.key: kind
    for kind in [
        FileKind("pdf", "PDF", "pdf", "application/pdf"),
        FileKind(
            "docx", "Word document", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        ),
        FileKind(
            "xlsx", "Excel spreadsheet", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ),
        FileKind("odt", "OpenDocument text", "odt", "application/vnd.oasis.opendocument.text"),
        FileKind("png", "PNG image", "png", "image/png"),
        FileKind("jpeg", "JPEG image", "jpg", "image/jpeg"),
    ]
}
ACCEPTED = "PDF, Word (DOCX), Excel (XLSX), OpenDocument text (ODT), PNG or JPEG"


def detect(data: bytes) -> FileKind | None:
    """What the bytes are, by their content: magic numbers, a PDF that parses as one, a zip's
    structure read from its headers (lscp.archives refuses a zip bomb before anything inflates)."""
    if data.startswith(b"%PDF-"):
        return KINDS["pdf"] if _parses_as_pdf(data) else None
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return KINDS["png"]
    if data.startswith(b"\xff\xd8\xff"):
        return KINDS["jpeg"]
    if data.startswith(b"PK\x03\x04"):
        try:
            with archives.open_checked(data) as archive:
                names = set(archive.namelist())
                if "mimetype" in names:
                    with archive.open("mimetype") as part:
                        if part.read(64).strip() == b"application/vnd.oasis.opendocument.text":
                            return KINDS["odt"]
                if "[Content_Types].xml" in names:
                    if any(name.startswith("word/") for name in names):
                        return KINDS["docx"]
                    if any(name.startswith("xl/") for name in names):
                        return KINDS["xlsx"]
        except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError):
            return None
    return None


def _parses_as_pdf(data: bytes) -> bool:
    """A PDF with a readable cross-reference and at least one page: `%PDF-` in front of HTML or
    anything else is not one. (pypdf, with Pillow behind it, is imported here, on the first
    upload: it is about 10 MiB a web process need not hold until then.)"""
    from pypdf import PdfReader

    try:
        return len(PdfReader(io.BytesIO(data), strict=False).pages) > 0
    except Exception:
        return False


def check_upload(upload) -> tuple[bytes, FileKind]:
    """The upload's bytes and kind, or ValidationError with a message for the person."""
    if upload is None:
        raise ValidationError("Choose a file to upload")
    if upload.size > MAX_BYTES:
        raise ValidationError(f"The file must be smaller than 20 MB: this one is {upload.size / (1024 * 1024):.1f} MB")
    data = upload.read()
    if len(data) > MAX_BYTES:
        raise ValidationError("The file must be smaller than 20 MB")
    if not data:
        raise ValidationError("The selected file is empty")
    try:
        kind = detect(data)
    except archives.ArchiveRefused as refused:
        raise ValidationError(f"The selected file cannot be accepted: {refused}") from None
    if kind is None:
        raise ValidationError(
            f"The selected file must be a {ACCEPTED}: its contents are not one of these, whatever its name"
        )
    return data, kind


class DocumentField(forms.FileField):
    """A file checked by its contents; its cleaned value is (upload, bytes, kind)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", f"{ACCEPTED}, up to 20 MB")
        kwargs.setdefault("error_messages", {"required": "Choose a file to upload"})
        super().__init__(**kwargs)

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        content, kind = check_upload(upload)
        return (upload, content, kind)


# ----------------------------------------------------------------------------------------------
# Who may download: the policy of the record a document is attached to

POLICIES: dict[str, tuple[type, str]] = {}


def register(model_label: str, policy, action: str = "view") -> None:
    POLICIES[model_label] = (policy, action)


def _subject(document):
    model = ContentType.objects.get_for_id(document.about_type_id).model_class()
    return model.objects.for_partnership(document.partnership).filter(pk=document.about_id).first()


def require_can_download(ctx: TenantContext, document) -> None:
    subject = _subject(document)
    rule = POLICIES.get(document.about_type.model_class()._meta.label) if subject is not None else None
    if subject is None or rule is None:
        raise Http404("No such document")
    policy, action = rule
    if not policy.can_see(ctx, subject):
        raise Http404("No such document")
    policy.require(ctx, action, subject)


@transaction.atomic
def attach(
    ctx: TenantContext, *, about, upload, content: bytes | None = None, kind: FileKind | None = None, title: str = ""
):
    """Store an upload against a record. The caller has checked that the person may attach it."""

    if content is None or kind is None:
        content, kind = check_upload(upload)
    original = getattr(upload, "name", "") or "document"
    stem = original.rsplit("/", 1)[-1].rsplit(".", 1)[0][:150] or "document"
    document = Document(
        partnership=ctx.partnership,
        about_type=ContentType.objects.get_for_model(about, for_concrete_model=True),
        about_id=about.pk,
        title=(title or stem).strip()[:200],
        original_name=f"{stem}.{kind.extension}",
        kind=kind.key,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=ctx.user,
    )
    document.file.save(f"{ctx.partnership.pk}/{uuid.uuid4().hex}.{kind.extension}", ContentFile(content), save=False)
    document.save()
    activity.record(
        ctx,
        event="document.uploaded",
        obj=about,
        changes={"document": {"old": None, "new": document.original_name}, "size": {"old": None, "new": document.size}},
    )
    return document


def documents_about(partnership, obj):
    return (
        Document.objects.for_partnership(partnership)
        .filter(about_type=ContentType.objects.get_for_model(obj, for_concrete_model=True), about_id=obj.pk)
        .select_related("uploaded_by")
    )


class DocumentDownloadView(RecordMixin, View):
    """The only way a stored document leaves the server."""

    model = Document
    log_views = False  # logged below as a download, not a page view

    def authorize(self, request, **kwargs) -> None:
        super().authorize(request, **kwargs)  # this partnership's document, or 404
        require_can_download(self.ctx, self.object)

    def get(self, request, *args, **kwargs):
        document = self.object
        activity.record_view(self.ctx, document, event="document.downloaded")
        kind = KINDS[document.kind]
        response = FileResponse(
            document.file.open("rb"),
            content_type=kind.content_type,
            as_attachment=True,
            filename=document.original_name,
        )
        response["Cache-Control"] = "no-store, private"
        response["X-Content-Type-Options"] = "nosniff"
        response.activity_logged = True  # recorded above, not again as an export
        return response
