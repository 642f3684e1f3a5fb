"""The audit programme: the partnership's priorities, and the audits planned against them each
quarter (multi-agency case audits, deep dives, questionnaires...), with their findings."""

from __future__ import annotations

from django.db import models

from audits.quarters import quarter_label
from lscp.states import Versioned
from lscp.tenancy import TenantOwned


class Priority(TenantOwned):
    """One of the partnership's priorities, which audits and indicators are planned against."""

    url_kwarg = "priority_id"

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "name"], name="priority_name_once")]

    def __str__(self) -> str:
        return self.name


class AuditKind(models.TextChoices):
    MULTI_AGENCY_CASE = "multi_agency_case", "Multi-agency case audit"
    SINGLE_AGENCY = "single_agency", "Single-agency audit received from a partner"
    DEEP_DIVE = "deep_dive", "Deep dive"
    PRACTITIONER_QUESTIONNAIRE = "practitioner_questionnaire", "Practitioner questionnaire"
    FAMILY_QUESTIONNAIRE = "family_questionnaire", "Children and families questionnaire (you said, we did)"
    QUALITY_CONVERSATION = "quality_conversation", "Quality conversation"
    SCRUTINY_TOPIC = "scrutiny_topic", "Scrutiny topic"


class AuditStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"
    CANCELLED = "cancelled", "Cancelled"


class Audit(Versioned, TenantOwned):
    url_kwarg = "audit_id"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=AuditKind.choices)
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, null=True, blank=True, related_name="audits")
    year_start = models.PositiveSmallIntegerField(help_text="The financial year it is planned in, by its starting year")
    quarter = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12, choices=AuditStatus.choices, default=AuditStatus.PLANNED)
    lead_member = models.ForeignKey(
        "partners.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    participants = models.ManyToManyField("partners.Member", blank=True, related_name="+")
    children_involved = models.BooleanField(default=False)
    families_involved = models.BooleanField(default=False)
    practitioners_involved = models.BooleanField(default=False)
    scope = models.TextField(blank=True)
    findings = models.TextField(blank=True)
    you_said_we_did = models.TextField("you said, we did", blank=True)
    completed_on = models.DateField(null=True, blank=True)
    re_audit_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="re_audits",
        help_text="The earlier audit this one re-audits, to show impact",
    )

    class Meta:
        ordering = ["year_start", "quarter", "title"]
        indexes = [models.Index(fields=["partnership", "year_start", "quarter"], name="audit_quarter")]

    def __str__(self) -> str:
        return self.title

    @property
    def quarter_label(self) -> str:
        return quarter_label(self.year_start, self.quarter)
