"""Writes for the documents register: a document added or renamed, its versions added and
changed, a version sent for the partners' sign-off, signed by each signing member, published
with its next review date (a clock: lscp/deadlines, governance/clocks.py).

The same rules as every service: permission first (governance/permissions.py), ValidationError
keyed by the input's name, StateError for a step in the wrong state (the reason from
`version_refusal`, which the pages ask too), StaleVersion for a change made from an old read, the
activity log, the clocks and the emails (through the outbox) in the same transaction.

Who signs is the partnership's (partners/signing.py): each current signing member once per
version, by a person in that member's seat at the level set for the document's kind. Changing a
version after signatures were given withdraws them, with the reason, and tells those who signed.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.models import DocumentKind, DocumentSignature, DocumentVersion, GovernanceDocument, VersionStatus
from governance.permissions import GovernanceDocumentPolicy as Policy
from governance.selectors import active_signatures, missing_signers, signable_for, signer_emails
from lscp import activity, deadlines, documents, outbox
from lscp.checks import Errors, format_date
from lscp.outbox.messages import link, message
from lscp.recipients import Recipients
from lscp.states import StateError, check_version
from lscp.tenancy import TenantContext
from partners import signing

DOCUMENT_FIELDS = ["kind", "title", "description"]
VERSION_FIELDS = ["number", "summary", "link", "next_review_on"]
IN_PROGRESS = (VersionStatus.DRAFT, VersionStatus.AWAITING_SIGN_OFF, VersionStatus.SIGNED)


def _send(ctx: TenantContext, template: str, *, key: str, to: list[str], about, **context) -> None:
    if not to:
        return
    subject, body = message(template, partnership=ctx.partnership, **context)
    outbox.enqueue(partnership=ctx.partnership, key=key, to=to, subject=subject, body=body, about=about)


def _name(ctx: TenantContext) -> str:
    return ctx.user.get_full_name() or str(ctx.user)


# ----------------------------------------------------------------------------------------------
# Why a step cannot be taken now (asked by the pages before they show a form, and by the services)


def version_refusal(version: DocumentVersion, *, step: str) -> str | None:
    """Why this step cannot be taken on this version now, or None if it can.
    Steps: change, send_for_sign_off, sign, publish."""
    status = version.status
    if status == VersionStatus.PUBLISHED:
        if step == "change":
            return f"Version {version.number} is published: add a new version to change the document"
        return f"Version {version.number} is already published"
    what = signable_for(version)
    if step == "send_for_sign_off":
        if what is None:
            return f"{version.document.get_kind_display()} documents need no sign-off: publish the draft"
        if status != VersionStatus.DRAFT:
            return f"Version {version.number} has already been sent for sign-off"
    if step == "sign":
        if what is None:
            return f"{version.document.get_kind_display()} documents are not signed by the partners"
        if status == VersionStatus.DRAFT:
            return f"Version {version.number} has not been sent for sign-off yet"
    if step == "publish" and what is not None:
        if status == VersionStatus.DRAFT:
            return f"Version {version.number} must be signed by the safeguarding partners before it is published"
        missing = missing_signers(version)
        if missing:
            names = ", ".join(str(member.organisation) for member in missing)
            return (
                f"Version {version.number} cannot be published until every partner has signed it: waiting for {names}"
            )
    return None


def _refuse(reason: str | None) -> None:
    if reason:
        raise StateError(reason)


def _locked(ctx: TenantContext, record, expected_version: int | None, *, what: str):
    locked = type(record).objects.for_partnership(ctx.partnership).select_for_update().get(pk=record.pk)
    check_version(locked, expected_version, what=what)
    return locked


# ----------------------------------------------------------------------------------------------
# Documents


def _check_document(values: dict) -> dict:
    errors = Errors()
    kind = values.get("kind")
    if kind not in DocumentKind.values:
        errors.add("kind", "Choose what kind of document it is")
    title = errors.text("title", values.get("title"), name="The title", max_length=200)
    description = errors.text(
        "description", values.get("description"), name="The description", max_length=5000, required=False
    )
    errors.raise_if_any()
    return {"kind": kind, "title": title, "description": description}


@transaction.atomic
def document_add(
    ctx: TenantContext, *, kind: str, title: str, description: str = "", annual_report=None
) -> GovernanceDocument:
    """Add a document to the register (its versions are added after)."""
    Policy.require(ctx, "manage")
    values = _check_document({"kind": kind, "title": title, "description": description})
    if annual_report is not None and kind != DocumentKind.YEARLY_REPORT:
        raise ValidationError({"kind": ["Only a yearly report is written as the partnership's yearly report"]})
    document = GovernanceDocument.objects.for_partnership(ctx.partnership).create(
        partnership=ctx.partnership, annual_report=annual_report, **values
    )
    activity.record(
        ctx, event="governance_document.added", obj=document, changes=activity.created(document, DOCUMENT_FIELDS)
    )
    return document


@transaction.atomic
def document_save(
    ctx: TenantContext, document: GovernanceDocument, *, expected_version: int | None = None, **values
) -> GovernanceDocument:
    """Change a document's title or description (its kind stays: its versions were signed as one)."""
    Policy.require(ctx, "manage", document)
    document = _locked(ctx, document, expected_version, what="The document")
    given = {name: values[name] for name in ("title", "description") if name in values}
    checked = _check_document({"kind": document.kind, **{k: getattr(document, k) for k in DOCUMENT_FIELDS}, **given})
    changes = activity.assign(document, checked, DOCUMENT_FIELDS)
    if not changes:
        return document
    document.bump_version()
    document.save()
    activity.record(ctx, event="governance_document.saved", obj=document, changes=changes)
    return document


# ----------------------------------------------------------------------------------------------
# Versions


def _check_version(ctx, document, values: dict, *, version: DocumentVersion | None) -> dict:
    errors = Errors()
    number = errors.text("number", values.get("number"), name="The version number", max_length=20)
    summary = errors.text(
        "summary", values.get("summary"), name="The summary of changes", max_length=5000, required=False
    )
    link_ = (values.get("link") or "").strip()
    if len(link_) > 500:
        errors.add("link", "The link must be 500 characters or fewer")
    elif link_ and not link_.startswith(("https://", "http://")):
        errors.add("link", "Enter the link as a web address, starting https://")
    review = errors.date_not_in_past(
        "next_review_on", values.get("next_review_on"), name="The next review date", required=False
    )
    if number and "number" not in errors:
        taken = DocumentVersion.objects.for_partnership(ctx.partnership).filter(document=document, number=number)
        if version is not None:
            taken = taken.exclude(pk=version.pk)
        if taken.exists():
            errors.add("number", f"{document.title} already has a version {number}")
    errors.raise_if_any()
    return {"number": number, "summary": summary, "link": link_, "next_review_on": review}


def _attach(ctx, version: DocumentVersion, upload) -> None:
    upload, content, kind = upload if isinstance(upload, tuple) else (upload, None, None)
    version.file = documents.attach(
        ctx,
        about=version,
        upload=upload,
        content=content,
        kind=kind,
        title=f"{version.document.title}, version {version.number}",
    )


@transaction.atomic
def version_add(
    ctx: TenantContext,
    document: GovernanceDocument,
    *,
    number: str,
    summary: str = "",
    upload=None,
    link: str = "",
    next_review_on: dt.date | None = None,
) -> DocumentVersion:
    """Add a draft version: its number, what changed, and the file (`upload`: an uploaded file,
    or (upload, bytes, kind) already checked by lscp.documents) or a link. One version of a
    document is in progress at a time."""
    Policy.require(ctx, "manage", document)
    document = _locked(ctx, document, None, what="The document")
    in_progress = (
        DocumentVersion.objects.for_partnership(ctx.partnership)
        .filter(document=document, status__in=IN_PROGRESS)
        .first()
    )
    if in_progress is not None:
        raise StateError(
            f"Version {in_progress.number} of {document.title} is still in progress: change it, or publish it first"
        )
    values = _check_version(
        ctx,
        document,
        {"number": number, "summary": summary, "link": link, "next_review_on": next_review_on},
        version=None,
    )
    version = DocumentVersion.objects.for_partnership(ctx.partnership).create(
        partnership=ctx.partnership, document=document, version=1, **values
    )
    if upload is not None:
        _attach(ctx, version, upload)
        version.save(update_fields=["file"])
    activity.record(
        ctx,
        event="document_version.added",
        obj=version,
        changes={
            **activity.created(version, VERSION_FIELDS),
            "file": {"old": None, "new": version.file.original_name if version.file else None},
        },
    )
    return version


def _withdraw(ctx: TenantContext, version: DocumentVersion, *, reason: str) -> None:
    """Withdraw the signatures given on this version (kept, with the reason), tell those who signed."""
    given = active_signatures(version)
    if not given:
        return
    now = timezone.now()
    DocumentSignature.objects.for_partnership(ctx.partnership).filter(pk__in=[s.pk for s in given]).update(
        withdrawn_at=now, withdrawn_reason=reason[:300]
    )
    if version.status == VersionStatus.SIGNED:
        version.status = VersionStatus.AWAITING_SIGN_OFF
    activity.record(
        ctx,
        event="document_version.signatures_withdrawn",
        obj=version,
        changes={
            "withdrawn": {"old": [str(s.member) for s in given], "new": None},
            "reason": {"old": None, "new": reason},
        },
    )
    _send(
        ctx,
        "document_signatures_withdrawn",
        key=f"document-version:{version.pk}:withdrawn:{version.version}",
        to=sorted({s.person.email for s in given if s.person.email}),
        about=version,
        version=version,
        reason=reason,
        link=link("document-version-sign", ctx.partnership.slug, version.pk),
    )


@transaction.atomic
def version_save(
    ctx: TenantContext, version: DocumentVersion, *, expected_version: int | None = None, upload=None, **values
) -> DocumentVersion:
    """Change a version not yet published: its number, summary, link, next review date, or its
    file (a new upload replaces it). Once signed, a change withdraws the signatures given."""
    Policy.require(ctx, "manage", version)
    version = _locked(ctx, version, expected_version, what="The version")
    _refuse(version_refusal(version, step="change"))
    current = {name: getattr(version, name) for name in VERSION_FIELDS}
    checked = _check_version(ctx, version.document, {**current, **values}, version=version)
    old_file = version.file.original_name if version.file else None
    changes = activity.assign(version, checked, VERSION_FIELDS)
    if upload is not None:
        _attach(ctx, version, upload)
        changes["file"] = {"old": old_file, "new": version.file.original_name}
    if not changes:
        return version
    version.bump_version()
    _withdraw(ctx, version, reason=f"Version {version.number} was changed by {_name(ctx)}")
    version.save()
    activity.record(ctx, event="document_version.saved", obj=version, changes=changes)
    return version


@transaction.atomic
def send_for_sign_off(
    ctx: TenantContext, version: DocumentVersion, *, expected_version: int | None = None
) -> DocumentVersion:
    """Ask the signing members' seat holders to sign a draft: it needs its file, link or report."""
    Policy.require(ctx, "manage", version)
    version = _locked(ctx, version, expected_version, what="The version")
    _refuse(version_refusal(version, step="send_for_sign_off"))
    if not (version.file_id or version.link or version.document.annual_report_id):
        raise ValidationError({"file": ["Upload the document, or give its link, before sending it for sign-off"]})
    what = signable_for(version)
    version.status = VersionStatus.AWAITING_SIGN_OFF
    version.sent_for_sign_off_at = timezone.now()
    version.bump_version()
    version.save(update_fields=["status", "sent_for_sign_off_at", "version"])
    activity.record(
        ctx,
        event="document_version.sent_for_sign_off",
        obj=version,
        changes={"status": {"old": VersionStatus.DRAFT, "new": version.status}},
    )
    _send(
        ctx,
        "document_sign_off_requested",
        key=f"document-version:{version.pk}:sign-off:{version.version}",
        to=signer_emails(ctx.partnership, what),
        about=version,
        version=version,
        level=signing.level_for(ctx.partnership, what),
        link=link("document-version-sign", ctx.partnership.slug, version.pk),
    )
    return version


@transaction.atomic
def sign(ctx: TenantContext, version: DocumentVersion, *, expected_version: int | None = None) -> DocumentSignature:
    """The signature of the acting person's member, from their seat, on the version as they read
    it (`expected_version`: a version changed since is refused, never signed unread). Once every
    signing member has signed, the version is signed and may be published."""
    Policy.require(ctx, "sign", version)  # a seat at the level this kind is signed at
    version = _locked(ctx, version, expected_version, what="The version")
    _refuse(version_refusal(version, step="sign"))
    seat = signing.seat_of(ctx)
    if seat.member.pk not in {m.pk for m in signing.signing_members(ctx.partnership)}:
        raise ValidationError({"__all__": [f"{seat.member} is not one of the partners who sign"]})
    earlier = next((s for s in active_signatures(version) if s.member_id == seat.member.pk), None)
    if earlier is not None:
        when = format_date(timezone.localtime(earlier.at).date())
        raise StateError(
            f"{seat.member} has already signed version {version.number} ({earlier.person.get_full_name()}, {when})"
        )
    try:
        with transaction.atomic():
            signature = DocumentSignature.objects.for_partnership(ctx.partnership).create(
                partnership=ctx.partnership,
                document_version=version,
                member=seat.member,
                person=ctx.user,
                seat=seat,
                level=seat.level,
                job_title=ctx.membership.job_title if ctx.membership else "",
                signed_version=version.version,
                at=timezone.now(),
            )
    except IntegrityError:  # a colleague in the same member's seat signed at the same moment
        raise StateError(f"{seat.member} has already signed version {version.number}") from None
    activity.record(
        ctx,
        event="document_version.signed",
        obj=version,
        changes={"partner": {"old": None, "new": str(seat.member)}, "seat": {"old": None, "new": seat.level}},
    )
    all_signed = not missing_signers(version)
    if all_signed:
        version.status = VersionStatus.SIGNED
        version.save(update_fields=["status"])
        activity.record(
            ctx,
            event="document_version.signed_by_all",
            obj=version,
            changes={"status": {"old": VersionStatus.AWAITING_SIGN_OFF, "new": VersionStatus.SIGNED}},
        )
    _send(
        ctx,
        "document_signed",
        key=f"document-version:{version.pk}:signature:{signature.pk}",
        to=Recipients(ctx.partnership).business_unit(),
        about=version,
        version=version,
        member=seat.member,
        all_signed=all_signed,
        link=link("governance-document-detail", ctx.partnership.slug, version.document_id),
    )
    return signature


@transaction.atomic
def publish(
    ctx: TenantContext,
    version: DocumentVersion,
    *,
    published_on: dt.date | None,
    next_review_on: dt.date | None,
    expected_version: int | None = None,
) -> DocumentVersion:
    """Publish a version: signed by every signing member (unless the partnership's signing
    settings ask no more), with its publication date and next review date (by default the one
    planned on the version). The review clock starts;
    the version it replaces is superseded, which meets that version's review clock."""
    Policy.require(ctx, "manage", version)
    version = _locked(ctx, version, expected_version, what="The version")
    _refuse(version_refusal(version, step="publish"))
    next_review_on = next_review_on or version.next_review_on  # the one planned when the version was added
    errors = Errors()
    errors.date_not_in_future("published_on", published_on, name="The publication date")
    errors.required("next_review_on", next_review_on, name="The next review date")
    if published_on and next_review_on and next_review_on <= published_on:
        errors.add("next_review_on", "The next review date must be after the publication date")
    if not (version.file_id or version.link or version.document.annual_report_id):
        errors.add("published_on", "Upload the document, or give its link, before publishing it")
    errors.raise_if_any()
    earlier = list(
        DocumentVersion.objects.for_partnership(ctx.partnership)
        .select_for_update()
        .filter(document_id=version.document_id, status=VersionStatus.PUBLISHED, superseded_on__isnull=True)
    )
    if any(old.published_on and old.published_on > published_on for old in earlier):
        raise ValidationError({"published_on": ["The publication date must be on or after the current version's"]})
    old_status = version.status
    version.status = VersionStatus.PUBLISHED
    version.published_on, version.next_review_on = published_on, next_review_on
    version.bump_version()
    version.save()
    activity.record(
        ctx,
        event="document_version.published",
        obj=version,
        changes={
            "status": {"old": old_status, "new": version.status},
            "published_on": {"old": None, "new": published_on.isoformat()},
            "next_review_on": {"old": None, "new": next_review_on.isoformat()},
        },
    )
    for old in earlier:
        old.superseded_on = published_on
        old.save(update_fields=["superseded_on"])
        activity.record(
            ctx,
            event="document_version.superseded",
            obj=old,
            changes={"superseded_on": {"old": None, "new": published_on.isoformat()}},
        )
        deadlines.refresh(old)
    deadlines.refresh(version)
    return version


# ----------------------------------------------------------------------------------------------
# The yearly report in the register


@transaction.atomic
def yearly_report_register(ctx: TenantContext, report) -> GovernanceDocument:
    """Put a yearly report (audits/annual_report) in the register, with a first draft version,
    ready to be sent for the partners' sign-off. Asked twice, it answers the same entry."""
    Policy.require(ctx, "manage")
    existing = GovernanceDocument.objects.for_partnership(ctx.partnership).filter(annual_report=report).first()
    if existing is not None:
        return existing
    document = document_add(ctx, kind=DocumentKind.YEARLY_REPORT, title=report.title, annual_report=report)
    version_add(ctx, document, number="1", summary="First version")
    return document


def yearly_report_refusal(report) -> str | None:
    """Why a yearly report's text cannot be changed now: its register entry's last version is
    published and no new version is in progress."""
    document = GovernanceDocument.objects.for_partnership(report.partnership).filter(annual_report=report).first()
    if document is None:
        return None
    versions = DocumentVersion.objects.for_partnership(report.partnership).filter(document=document)
    if versions.filter(status__in=IN_PROGRESS).exists() or not versions.exists():
        return None
    return "This yearly report is published: add a new version in the documents register before changing it"


def yearly_report_changed(ctx: TenantContext, report) -> None:
    """The report's text changed: the signatures given on its version in progress are withdrawn."""
    version = (
        DocumentVersion.objects.for_partnership(ctx.partnership)
        .select_for_update()
        .filter(document__annual_report=report, status__in=IN_PROGRESS)
        .first()
    )
    if version is None:
        return
    version.bump_version()
    _withdraw(ctx, version, reason=f"The yearly report was changed by {_name(ctx)}")
    version.save(update_fields=["status", "version"])
