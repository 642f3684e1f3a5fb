"""Reads of the documents register: the documents with their current version, one document's
versions with their signatures, what a version still needs, who is asked to sign, and the home
page's "waiting for your signature"."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse

from governance.models import DocumentKind, DocumentSignature, DocumentVersion, GovernanceDocument, VersionStatus
from lscp.recipients import Recipients
from lscp.tenancy import TenantContext
from partners import signing
from partners.models import Member

# What the partners sign for each kind of document (partners.signing.Signable); "other" documents
# are published by the business unit without the partners' signatures.
SIGNABLE = {
    DocumentKind.ARRANGEMENTS: signing.Signable.ARRANGEMENTS,
    DocumentKind.THRESHOLD_DOCUMENT: signing.Signable.THRESHOLD_DOCUMENT,
    DocumentKind.YEARLY_REPORT: signing.Signable.YEARLY_REPORT,
}


def signable_for(record: GovernanceDocument | DocumentVersion) -> str | None:
    """What signing a version of this document is (a Signable), or None: no signatures needed."""
    document = record.document if isinstance(record, DocumentVersion) else record
    return SIGNABLE.get(document.kind)


def documents(ctx: TenantContext):
    """The register, each document with its versions (newest first) to name the current one."""
    return GovernanceDocument.objects.for_partnership(ctx.partnership).prefetch_related(
        Prefetch(
            "versions",
            queryset=DocumentVersion.objects.for_partnership(ctx.partnership).order_by("-created_at", "-id"),
            to_attr="versions_newest_first",
        )
    )


def _versions(document: GovernanceDocument):
    return (
        DocumentVersion.objects.for_partnership(document.partnership)
        .filter(document=document)
        .order_by("-created_at", "-id")
    )


def current_version(document: GovernanceDocument) -> DocumentVersion | None:
    """The version in force: the latest published one."""
    versions = getattr(document, "versions_newest_first", None)
    if versions is None:
        versions = list(_versions(document))
    return next((v for v in versions if v.status == VersionStatus.PUBLISHED and v.superseded_on is None), None)


def latest_version(document: GovernanceDocument) -> DocumentVersion | None:
    versions = getattr(document, "versions_newest_first", None)
    if versions is None:
        versions = list(_versions(document))
    return versions[0] if versions else None


def versions_of(ctx: TenantContext, document: GovernanceDocument) -> list[DocumentVersion]:
    """The document's versions, newest first, each with its signatures (withdrawn ones too) and file."""
    signatures = DocumentSignature.objects.for_partnership(ctx.partnership).select_related(
        "member__organisation", "person"
    )
    return list(
        DocumentVersion.objects.for_partnership(ctx.partnership)
        .filter(document=document)
        .select_related("file")
        .prefetch_related(Prefetch("signatures", queryset=signatures, to_attr="all_signatures"))
        .order_by("-created_at", "-id")
    )


def active_signatures(version: DocumentVersion) -> list[DocumentSignature]:
    return list(
        DocumentSignature.objects.for_partnership(version.partnership)
        .filter(document_version=version, withdrawn_at__isnull=True)
        .select_related("member__organisation", "person")
        .order_by("at", "id")
    )


def missing_signers(version: DocumentVersion) -> list[Member]:
    """The signing members who have not signed this version (none: it may be published). Who
    must sign, and at which level, is the partnership's (partners.signing)."""
    what = signable_for(version)
    if what is None:
        return []
    signed = {s.member_id for s in active_signatures(version)}
    return signing.missing_members(version.partnership, what, signed)


@dataclass(frozen=True)
class SignOffState:
    what: str | None  # the Signable, or None when no signatures are needed
    level: str | None  # "lsp" | "dsp"
    signatures: list[DocumentSignature]
    missing: list[Member]


def sign_off_state(version: DocumentVersion) -> SignOffState:
    what = signable_for(version)
    if what is None:
        return SignOffState(None, None, [], [])
    signatures = active_signatures(version)
    signed = {s.member_id for s in signatures}
    return SignOffState(
        what,
        signing.level_for(version.partnership, what),
        signatures,
        signing.missing_members(version.partnership, what, signed),
    )


def signer_emails(partnership, what: str) -> list[str]:
    """The emails of the people in the current seats at the level this is signed at."""
    return sorted(set(Recipients(partnership).signers(signing.level_for(partnership, what))))


def home_signatures(ctx: TenantContext) -> dict | None:
    """Versions waiting for the signature of this person's seat."""
    seat = signing.seat_of(ctx)
    if seat is None:
        return None
    waiting = (
        DocumentVersion.objects.for_partnership(ctx.partnership)
        .filter(status=VersionStatus.AWAITING_SIGN_OFF, document__kind__in=list(SIGNABLE))
        .exclude(
            pk__in=DocumentSignature.objects.for_partnership(ctx.partnership)
            .filter(member=seat.member, withdrawn_at__isnull=True)
            .values("document_version_id")
        )
        .select_related("document")
        .order_by("sent_for_sign_off_at", "id")
    )
    tasks = [
        {
            "label": f"Sign {version}",
            "url": reverse("document-version-sign", args=[ctx.partnership.slug, version.pk]),
            "due": None,
            "status": "open",
        }
        for version in waiting[:50]
        if signing.may_sign(ctx, signable_for(version))
    ]
    return {"title": "Documents waiting for your signature", "tasks": tasks}


@dataclass(frozen=True)
class YearlyReportSignOff:
    """A yearly report's place in the register: its entry, the version that counts (the one being
    signed, else the one published), and that version's signatures and missing signers."""

    document: GovernanceDocument | None
    version: DocumentVersion | None
    state: SignOffState | None


def yearly_report_sign_off(ctx: TenantContext, report) -> YearlyReportSignOff:
    document = GovernanceDocument.objects.for_partnership(ctx.partnership).filter(annual_report=report).first()
    if document is None:
        return YearlyReportSignOff(None, None, None)
    version = latest_version(document)
    return YearlyReportSignOff(document, version, sign_off_state(version) if version else None)
