"""Serious-incident notifications and the children they are about.

A notification moves through the statutory steps (DESIGN.md §2, reviews/notifications/steps.py)
only by the service functions in reviews/notifications/services.py; its four clocks are computed
by the deadline engine (reviews/notifications/clocks.py). Only what the work needs is recorded
about a child: a case reference, age, sex, ethnicity, looked-after status, home area and the
agencies that knew them. No names.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from lscp.states import Versioned
from lscp.tenancy import TenantOwned


class Pathway(models.TextChoices):
    MANDATORY = "mandatory", "The local authority's mandatory notification"
    AGENCY = "agency", "A member organisation's notification of an incident that may warrant a review"


class Location(models.TextChoices):
    IN_AREA = "in_area", "In the partnership's area"
    OUTSIDE_ENGLAND = "outside_england", "Outside England, for a child normally resident in the area"
    ELSEWHERE = "elsewhere_in_england", "Elsewhere in England"


class Outcome(models.TextChoices):
    DIED = "died", "The child died"
    SERIOUS_HARM = "serious_harm", "The child was seriously harmed"


class AbuseOrNeglect(models.TextChoices):
    KNOWN = "known", "Known"
    SUSPECTED = "suspected", "Suspected"
    NOT_SUSPECTED = "not_suspected", "Not known or suspected"


class CriteriaResult(models.TextChoices):
    MEETS = "meets", "Meets the serious-incident criteria: notify the National Panel"
    LAC_DEATH = "lac_death", "A looked-after child's death: notify the Panel, the Secretary of State and Ofsted"
    DOES_NOT_MEET = "does_not_meet", "Does not meet the criteria: consider a local review"


class Status(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    PANEL_NOTIFIED = "panel_notified", "Panel notified"
    RAPID_REVIEW_STARTED = "rapid_review_started", "Rapid review started"
    RAPID_REVIEW_COMPLETED = "rapid_review_completed", "Rapid review completed"
    OUTCOME_SENT = "outcome_sent", "Outcome sent to the Panel"
    PANEL_RESPONDED = "panel_responded", "Panel responded"


class Notification(TenantOwned, Versioned):
    url_kwarg = "notification_id"

    reference = models.CharField(max_length=20)
    submission_key = models.CharField(
        max_length=64,
        help_text="Makes a double-clicked submit one notification: unique per person who submits, so that "
        "nobody learns of a key someone else used",
    )
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.SUBMITTED)
    pathway = models.CharField(max_length=10, choices=Pathway.choices)

    notifying_member = models.ForeignKey("partners.Member", on_delete=models.PROTECT, related_name="notifications")
    notifier_name = models.CharField(max_length=200)
    notifier_role = models.CharField(max_length=200, blank=True)
    notifier_email = models.EmailField()
    notifier_phone = models.CharField(max_length=40, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    received_on = models.DateField(help_text="The date the partnership received the notification")

    incident_date = models.DateField()
    incident_time = models.TimeField(null=True, blank=True)
    aware_date = models.DateField(help_text="The date the local authority became aware")
    location = models.CharField(max_length=25, choices=Location.choices)
    outcome = models.CharField(max_length=15, choices=Outcome.choices)
    abuse_or_neglect = models.CharField(max_length=15, choices=AbuseOrNeglect.choices)
    summary = models.TextField()

    # The business unit's decision on the criteria (the product's own evaluation is computed).
    criteria_decision = models.CharField(max_length=15, choices=CriteriaResult.choices, blank=True)
    criteria_rationale = models.TextField(blank=True)
    criteria_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    criteria_decided_at = models.DateTimeField(null=True, blank=True)

    case_officer = models.ForeignKey(
        "partners.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The business-unit officer reminders go to (else the whole business unit)",
    )

    panel_notified_on = models.DateField(null=True, blank=True)
    panel_reference = models.CharField(max_length=50, blank=True)
    sos_notified_on = models.DateField("Secretary of State notified", null=True, blank=True)
    ofsted_notified_on = models.DateField("Ofsted notified", null=True, blank=True)
    rapid_review_started_on = models.DateField(null=True, blank=True)
    rapid_review_completed_on = models.DateField(null=True, blank=True)
    outcome_sent_on = models.DateField(null=True, blank=True)
    panel_response_received_on = models.DateField(null=True, blank=True)
    panel_response = models.TextField(blank=True)

    deadlines = GenericRelation("lscp.Deadline", content_type_field="subject_type", object_id_field="subject_id")

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "reference"], name="notification_reference_unique"),
            models.UniqueConstraint(
                fields=["partnership", "submitted_by", "submission_key"], name="notification_submitted_once"
            ),
        ]
        indexes = [models.Index(fields=["partnership", "status"], name="notification_status")]

    def __str__(self) -> str:
        return self.reference

    @property
    def evaluation(self):
        from reviews.notifications.criteria import evaluate

        return evaluate(self)

    @property
    def criteria_result(self) -> str:
        """The business unit's decision if made, else the product's evaluation."""
        return self.criteria_decision or self.evaluation.result

    @property
    def notifiable(self) -> bool:
        return self.criteria_result in (CriteriaResult.MEETS, CriteriaResult.LAC_DEATH)

    @property
    def is_lac_death(self) -> bool:
        return self.criteria_result == CriteriaResult.LAC_DEATH


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NOT_KNOWN = "not_known", "Not known"


# The Office for National Statistics' ethnic groups (England and Wales, 2021).
ETHNICITY_CHOICES = [
    ("asian_bangladeshi", "Asian or Asian British: Bangladeshi"),
    ("asian_chinese", "Asian or Asian British: Chinese"),
    ("asian_indian", "Asian or Asian British: Indian"),
    ("asian_pakistani", "Asian or Asian British: Pakistani"),
    ("asian_other", "Asian or Asian British: any other Asian background"),
    ("black_african", "Black, Black British, Caribbean or African: African"),
    ("black_caribbean", "Black, Black British, Caribbean or African: Caribbean"),
    ("black_other", "Black, Black British, Caribbean or African: any other Black background"),
    ("mixed_white_asian", "Mixed or multiple ethnic groups: White and Asian"),
    ("mixed_white_black_african", "Mixed or multiple ethnic groups: White and Black African"),
    ("mixed_white_black_caribbean", "Mixed or multiple ethnic groups: White and Black Caribbean"),
    ("mixed_other", "Mixed or multiple ethnic groups: any other mixed background"),
    ("white_british", "White: English, Welsh, Scottish, Northern Irish or British"),
    ("white_irish", "White: Irish"),
    ("white_gypsy_traveller", "White: Gypsy or Irish Traveller"),
    ("white_roma", "White: Roma"),
    ("white_other", "White: any other White background"),
    ("other_arab", "Other ethnic group: Arab"),
    ("other_any", "Other ethnic group: any other ethnic group"),
    ("not_known", "Not known"),
]


class Child(TenantOwned):
    url_kwarg = "child_id"

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="children")
    position = models.PositiveSmallIntegerField(default=1)
    reference = models.CharField(
        "case reference", max_length=40, help_text="For example Child Q. Not the child's name."
    )
    age_years = models.PositiveSmallIntegerField(validators=[MaxValueValidator(17)])
    age_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(11)],
        help_text="For a baby under one, the age in months",
    )
    sex = models.CharField(max_length=10, choices=Sex.choices)
    ethnicity = models.CharField(max_length=30, choices=ETHNICITY_CHOICES)
    looked_after = models.BooleanField()
    home_area = models.CharField(max_length=200)
    known_to = models.ManyToManyField("partners.Member", blank=True, related_name="+")

    class Meta:
        ordering = ["notification", "position"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "reference"], name="child_reference_once_per_notification")
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.notification})"

    @property
    def age_text(self) -> str:
        if self.age_years == 0 and self.age_months is not None:
            return f"{self.age_months} month{'s' if self.age_months != 1 else ''}"
        return f"{self.age_years} year{'s' if self.age_years != 1 else ''}"
