"""Section 11 (agencies) and Section 175/157 (schools) self-assessments: the standards framework,
the cycles, each organisation's return with its grades, and the business unit's moderation."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models

from lscp.states import Versioned
from lscp.tenancy import TenantOwned


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


class SelfAssessment(Versioned, TenantOwned):
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
