"""Local child safeguarding practice reviews (DESIGN.md §2 step 6)."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models

from lscp.states import Versioned
from lscp.tenancy import TenantOwned
from partners.models import Signature
from reviews.notifications.models import Notification


class ReviewerKind(models.TextChoices):
    INDEPENDENT = "independent", "Independent reviewer"
    INTERNAL = "internal", "Internal reviewer"


class LcsprStatus(models.TextChoices):
    COMMISSIONED = "commissioned", "Commissioned"
    FINAL_REPORT = "final_report", "Final report received"
    SENT_TO_PANEL = "sent_to_panel", "Sent to the Panel and the DfE"
    PUBLISHED = "published", "Published"
    NOT_PUBLISHED = "not_published", "Decided not to publish"


class Lcspr(TenantOwned, Versioned):
    url_kwarg = "lcspr_id"

    notification = models.OneToOneField(Notification, on_delete=models.CASCADE, related_name="lcspr")
    status = models.CharField(max_length=15, choices=LcsprStatus.choices, default=LcsprStatus.COMMISSIONED)
    decision_date = models.DateField()
    reviewer_name = models.CharField(max_length=200)
    reviewer_kind = models.CharField(max_length=12, choices=ReviewerKind.choices)
    terms_of_reference = models.TextField()
    scope_from = models.DateField()
    scope_to = models.DateField()
    draft_report = models.ForeignKey("lscp.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    draft_report_received_on = models.DateField(null=True, blank=True)
    final_report = models.ForeignKey("lscp.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    final_report_received_on = models.DateField(null=True, blank=True)
    planned_publication_date = models.DateField(null=True, blank=True)
    sent_to_panel_on = models.DateField("sent to the Panel and the DfE", null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    published_url = models.URLField(blank=True)
    not_published_rationale = models.TextField(blank=True)
    improvements_summary = models.TextField(
        blank=True, help_text="What is published instead: information about the improvements being made"
    )
    version = models.PositiveIntegerField(default=1)  # as Versioned's, without its help text (no migration)

    deadlines = GenericRelation("lscp.Deadline", content_type_field="subject_type", object_id_field="subject_id")

    class Meta:
        ordering = ["-decision_date"]

    def __str__(self) -> str:
        return f"LCSPR for {self.notification}"

    @property
    def keep_online_until(self):
        """A published report stays online for at least a year."""
        if self.published_on is None:
            return None
        try:
            return self.published_on.replace(year=self.published_on.year + 1)
        except ValueError:  # 29 February
            return self.published_on.replace(year=self.published_on.year + 1, day=28)


class LcsprMeeting(TenantOwned):
    url_kwarg = "lcspr_meeting_id"

    lcspr = models.ForeignKey(Lcspr, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["lcspr", "date", "id"]

    def __str__(self) -> str:
        return f"Review panel meeting {self.date} ({self.lcspr})"


class LcsprSignOff(Signature):
    """A statutory partner member's signature of the decision on the LCSPR (its commissioning: the
    date, reviewer, terms of reference and period), by the holder of its seat at the policy's level
    (DSPs by default). Changing the decision withdraws the standing signatures."""

    url_kwarg = "lcspr_sign_off_id"

    lcspr = models.ForeignKey(Lcspr, on_delete=models.CASCADE, related_name="sign_offs")

    class Meta:
        ordering = ["lcspr", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["lcspr", "member"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="lcspr_one_signature_per_member",
                violation_error_message="This safeguarding partner has already signed the decision",
            )
        ]

    def __str__(self) -> str:
        return f"Decision on {self.lcspr} signed for {self.member}"
