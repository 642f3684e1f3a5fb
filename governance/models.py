"""The register of the partnership's published documents (WT2023): the arrangements (with the
plans for independent scrutiny), the threshold document and the yearly report, each with its
versions, the safeguarding partners' signatures on a version, its publication and its next review.

A version moves draft -> awaiting sign-off -> signed -> published, only through
governance/services.py. A signature is one signing member's, given by a person in that member's
seat at the level the partnership sets for the document's kind (partners/signing.py); changing a
version after it was signed withdraws its signatures, with the reason kept on each."""

from __future__ import annotations

from django.db import models

from lscp.states import Versioned
from lscp.tenancy import TenantOwned
from partners.models import Signature


class DocumentKind(models.TextChoices):
    ARRANGEMENTS = "arrangements", "Published safeguarding arrangements"
    THRESHOLD_DOCUMENT = "threshold_document", "Threshold document"
    YEARLY_REPORT = "yearly_report", "Yearly report"
    OTHER = "other", "Other"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
    SIGNED = "signed", "Signed"
    PUBLISHED = "published", "Published"


class GovernanceDocument(Versioned, TenantOwned):
    """One of the partnership's published documents, whatever its version."""

    url_kwarg = "governance_document_id"

    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # A yearly report in the register is the report written in audits/annual_report: its
    # versions are that report as it stood when each was signed and published.
    annual_report = models.OneToOneField(
        "audits.AnnualReport", on_delete=models.PROTECT, null=True, blank=True, related_name="register_entry"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "title", "id"]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(Versioned, TenantOwned):
    """A version of a document: its number, what changed, the file or link, its state, and once
    published, the date it was published and the date it is next reviewed (a clock)."""

    url_kwarg = "document_version_id"

    document = models.ForeignKey(GovernanceDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.CharField(max_length=20, help_text="For example, 1.0 or 2025")
    summary = models.TextField("summary of changes", blank=True)
    file = models.ForeignKey("lscp.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    link = models.URLField(max_length=500, blank=True)
    status = models.CharField(max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    sent_for_sign_off_at = models.DateTimeField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    # The day a later version was published: this version's review clock is met.
    superseded_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"],
                name="document_version_number_unique",
                violation_error_message="This document already has a version with this number",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document.title}, version {self.number}"


class DocumentSignature(Signature):
    """One signing member's signature on a version (partners.models.Signature: who, in which seat
    and at which level, for which member, when, and the version's edit signed). One standing
    signature per member per version; a change to the version withdraws it (kept, with the reason)."""

    url_kwarg = "document_signature_id"

    document_version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="signatures")

    class Meta:
        ordering = ["document_version", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document_version", "member"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_document_signature_per_member",
                violation_error_message="This partner has already signed this version",
            )
        ]

    def __str__(self) -> str:
        return f"Signed by {self.member} for {self.document_version}"
