"""How the partnership knows whether it works: its audit programme, the Section 11 / 175
self-assessments with moderation, the multi-agency dataset of quarterly indicators, and the
challenge log. (The activity log, the security trail, is lscp.ActivityEvent: a different thing.)"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models

from lscp.tenancy import TenantOwned

# The financial years (by their starting year) that audits, the dataset and annual reports hold.
FINANCIAL_YEARS = range(2000, 2101)


def quarter_dates(year_start: int, quarter: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a quarter of the financial year starting April `year_start`."""
    first_month = 4 + (quarter - 1) * 3
    year = year_start + (first_month - 1) // 12
    month = (first_month - 1) % 12 + 1
    start = dt.date(year, month, 1)
    end_month = month + 2
    end = dt.date(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)
    end = (end.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return start, end


def quarter_label(year_start: int, quarter: int) -> str:
    start, end = quarter_dates(year_start, quarter)
    return f"Q{quarter} {year_start}-{str(year_start + 1)[-2:]} ({start:%b}–{end:%b %Y})"


def quarter_of(day: dt.date) -> tuple[int, int]:
    year_start = day.year if day.month >= 4 else day.year - 1
    return year_start, (day.month - 4) % 12 // 3 + 1


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


class Audit(TenantOwned):
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
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["year_start", "quarter", "title"]
        indexes = [models.Index(fields=["partnership", "year_start", "quarter"], name="audit_quarter")]

    def __str__(self) -> str:
        return self.title

    @property
    def quarter_label(self) -> str:
        return quarter_label(self.year_start, self.quarter)


# ----------------------------------------------------------------------------------------------
# Section 11 (agencies) and Section 175/157 (schools) self-assessments


class Framework(models.TextChoices):
    SECTION_11 = "s11", "Section 11 (Children Act 2004)"
    SECTION_175 = "s175", "Section 175/157 (Education Act 2002)"


class Standard(TenantOwned):
    """A standard of the partnership's framework, which the business unit can edit. Each cycle
    keeps its own copy, so editing the framework never changes a past cycle."""

    url_kwarg = "standard_id"

    framework = models.CharField(max_length=5, choices=Framework.choices)
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "framework", "number"], name="standard_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Cycle(TenantOwned):
    """A round of self-assessments: organisations grade themselves against the standards by a date."""

    url_kwarg = "cycle_id"

    name = models.CharField(max_length=200)
    framework = models.CharField(max_length=5, choices=Framework.choices)
    opens_on = models.DateField()
    due_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "name"]

    def __str__(self) -> str:
        return self.name


class CycleStandard(TenantOwned):
    url_kwarg = "cycle_standard_id"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="standards")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["cycle", "number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class ReturnStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    DRAFT = "draft", "Draft saved"
    SUBMITTED = "submitted", "Submitted"
    MODERATED = "moderated", "Moderated"


class Grade(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class SelfAssessment(TenantOwned):
    """One organisation's return in a cycle."""

    url_kwarg = "self_assessment_id"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="returns")
    member = models.ForeignKey("partners.Member", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=ReturnStatus.choices, default=ReturnStatus.NOT_STARTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_on = models.DateField(null=True, blank=True)
    # Recorded by the business unit from a return the organisation sent in (a school's, by email),
    # `submitted_on` being the date it was received.
    recorded_for_organisation = models.BooleanField(default=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moderated_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    deadlines = GenericRelation("lscp.Deadline", content_type_field="subject_type", object_id_field="subject_id")

    class Meta:
        ordering = ["cycle", "member__organisation__name"]
        constraints = [models.UniqueConstraint(fields=["cycle", "member"], name="one_return_per_organisation")]

    def __str__(self) -> str:
        return f"{self.member}: {self.cycle}"


class Moderation(models.TextChoices):
    AGREED = "agreed", "Agreed"
    CHALLENGED = "challenged", "Challenged"


class StandardGrade(TenantOwned):
    url_kwarg = "standard_grade_id"

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="grades")
    standard = models.ForeignKey(CycleStandard, on_delete=models.CASCADE, related_name="+")
    grade = models.CharField(max_length=5, choices=Grade.choices, blank=True)
    evidence = models.TextField(blank=True)
    improvement_actions = models.TextField(blank=True)
    moderation = models.CharField(max_length=10, choices=Moderation.choices, blank=True)
    moderation_comment = models.TextField(blank=True)
    agreed_grade = models.CharField(max_length=5, choices=Grade.choices, blank=True)

    class Meta:
        ordering = ["assessment", "standard__number"]
        constraints = [models.UniqueConstraint(fields=["assessment", "standard"], name="one_grade_per_standard")]

    def __str__(self) -> str:
        return f"{self.standard}: {self.grade}"

    @property
    def final_grade(self) -> str:
        """The grade that counts: the moderated one when moderation challenged it."""
        return self.agreed_grade or self.grade


# ----------------------------------------------------------------------------------------------
# The multi-agency dataset


class Unit(models.TextChoices):
    NUMBER = "number", "Number"
    PERCENT = "percent", "Per cent"
    RATE = "rate", "Rate per 10,000 children"
    DAYS = "days", "Days"


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"
    NEITHER = "neither", "Neither"


class Indicator(TenantOwned):
    url_kwarg = "indicator_id"

    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=10, choices=Unit.choices)
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, null=True, blank=True, related_name="indicators")
    reporting_member = models.ForeignKey("partners.Member", on_delete=models.PROTECT, related_name="+")
    description = models.TextField(blank=True)
    direction = models.CharField(max_length=8, choices=Direction.choices, default=Direction.NEITHER)
    is_active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "name"], name="indicator_name_once")]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(TenantOwned):
    url_kwarg = "indicator_value_id"

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    year_start = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.CharField(max_length=300, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator", "year_start", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year_start", "quarter"], name="one_value_per_quarter")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {quarter_label(self.year_start, self.quarter)}: {self.value}"


# ----------------------------------------------------------------------------------------------
# The challenge log


class RaisedBy(models.TextChoices):
    MEETING = "meeting", "At a meeting"
    SCRUTINEER = "scrutineer", "The independent scrutineer"
    PARTNER = "partner", "A partner organisation"
    OTHER = "other", "Other"


class ChallengeStatus(models.TextChoices):
    OPEN = "open", "Waiting for a response"
    RESPONDED = "responded", "Responded"
    CLOSED = "closed", "Closed"


class Challenge(TenantOwned):
    url_kwarg = "challenge_id"

    raised_on = models.DateField()
    raised_by = models.CharField(max_length=12, choices=RaisedBy.choices)
    raised_at = models.ForeignKey(
        "partners.GovernanceGroup", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    raised_by_name = models.CharField("raised by", max_length=200)
    to_member = models.ForeignKey("partners.Member", on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(max_length=200)
    challenge = models.TextField()
    response = models.TextField(blank=True)
    responded_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=ChallengeStatus.choices, default=ChallengeStatus.OPEN)

    class Meta:
        ordering = ["-raised_on", "-id"]

    def __str__(self) -> str:
        return self.subject


# ----------------------------------------------------------------------------------------------
# The annual report's narrative


class AnnualReport(TenantOwned):
    """The narrative the business unit writes for one 12-month period; the figures are assembled
    from the records each time the PDF is made."""

    url_kwarg = "annual_report_id"

    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    foreword = models.TextField(blank=True)
    arrangements = models.TextField("arrangements and partners", blank=True)
    reviews_narrative = models.TextField("notifications and reviews", blank=True)
    learning_narrative = models.TextField("learning and action plans", blank=True)
    audit_narrative = models.TextField("audits and self-assessments", blank=True)
    scrutiny_narrative = models.TextField("challenge and scrutiny", blank=True)
    priorities_ahead = models.TextField("priorities for the year ahead", blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-period_end"]

    def __str__(self) -> str:
        return self.title
