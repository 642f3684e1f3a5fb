"""Serious-incident notifications and the children they are about.

A notification moves through the statutory steps (DESIGN.md §2, reviews/notifications/steps.py)
only by the service functions in reviews/notifications/services.py; its four clocks are computed
by the deadline engine (reviews/notifications/clocks.py). Only what the work and the DfE's form
and statistics need is recorded about a child: a case reference, age, sex, ethnicity, disability,
looked-after status and placement type, whether a care leaver, any child in need or child
protection plan, whether known to any agency and which member organisations knew them, home area
and the local authority where they live. No names. Up to 4 children per notification (one per
incident); any others are described in `other_children`.
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


class Nature(models.TextChoices):
    """The incident's nature, as the DfE's notification form and statistics have it."""

    DEATH = "death", "Death"
    SERIOUS_HARM = "serious_harm", "Serious harm"
    OTHER = "other", "Other"


NATURE_HINT = "Other: for example, a child who harmed another child after being abused themselves"


class AbuseOrNeglect(models.TextChoices):
    KNOWN = "known", "Known"
    SUSPECTED = "suspected", "Suspected"
    NOT_SUSPECTED = "not_suspected", "Not known or suspected"


class CriteriaResult(models.TextChoices):
    MEETS = "meets", "Meets the serious-incident criteria: notify the National Panel"
    LAC_DEATH = "lac_death", "A looked-after child's death: notify the Panel, the Secretary of State and Ofsted"
    CARE_LEAVER_DEATH = "care_leaver_death", "A care leaver's death: notify the Secretary of State and Ofsted"
    DOES_NOT_MEET = "does_not_meet", "Does not meet the criteria: consider a local review"


class Status(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    PANEL_NOTIFIED = "panel_notified", "Panel notified"
    RAPID_REVIEW_STARTED = "rapid_review_started", "Rapid review started"
    RAPID_REVIEW_COMPLETED = "rapid_review_completed", "Rapid review completed"
    OUTCOME_SENT = "outcome_sent", "Outcome sent to the Panel"
    PANEL_RESPONDED = "panel_responded", "Panel responded"
    # A care leaver's death is notified to these two only (no Panel, no rapid review): last in the
    # order, so that none of the Panel's steps reads as still to come.
    SOS_OFSTED_NOTIFIED = "sos_ofsted_notified", "Secretary of State and Ofsted notified"


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
    nature = models.CharField(max_length=15, choices=Nature.choices, help_text=NATURE_HINT)
    abuse_or_neglect = models.CharField(max_length=15, choices=AbuseOrNeglect.choices)
    summary = models.TextField()
    other_children = models.TextField(
        "other children involved",
        blank=True,
        help_text="Beyond the 4 a notification records: what is known about them, without names",
    )

    # The business unit's decision on the criteria (the product's own evaluation is computed).
    criteria_decision = models.CharField(max_length=20, choices=CriteriaResult.choices, blank=True)
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
        indexes = [
            models.Index(fields=["partnership", "status"], name="notification_status"),
            # The cases list's order: its first page read from here, not by sorting every case of
            # the partnership joined to its notifier (issue 15: 3.2 to 0.3 ms on the national load).
            models.Index(fields=["partnership", "-received_on", "id"], name="notification_received"),
        ]

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

    @property
    def is_care_leaver_death(self) -> bool:
        """A care leaver's death to be notified to the Secretary of State and Ofsted only."""
        return self.criteria_result == CriteriaResult.CARE_LEAVER_DEATH

    @property
    def tells_sos_and_ofsted(self) -> bool:
        """The Secretary of State and Ofsted are notified: a looked-after child's or a care leaver's death."""
        from reviews.notifications.criteria import care_leaver_under_18

        return self.is_lac_death or self.is_care_leaver_death or care_leaver_under_18(self)

    @property
    def needs_rapid_review(self) -> bool:
        """Whether the rapid review's clocks run: the Panel considers the case (not a care leaver's
        death, nor a looked-after child's death with no abuse or neglect known or suspected)."""
        from reviews.notifications.criteria import rapid_review_reason

        return rapid_review_reason(self)[0]


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


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not known"


class Plan(models.TextChoices):
    """Whether the child had a plan at the time of the incident (the DfE's statistics' groups)."""

    CHILD_PROTECTION = "cp_plan", "A child protection plan"
    CHILD_IN_NEED = "cin_plan", "A child in need plan"
    NONE = "none", "Neither"
    UNKNOWN = "unknown", "Not known"


class Placement(models.TextChoices):
    """A looked-after child's placement type (the children looked after return's groups)."""

    FOSTER = "foster", "Foster placement"
    KINSHIP = "kinship", "Placed with relatives or friends (kinship)"
    PARENTS = "parents", "Placed with parents or a person with parental responsibility"
    CHILDRENS_HOME = "childrens_home", "Children's home"
    SEMI_INDEPENDENT = "semi_independent", "Semi-independent or supported accommodation"
    SECURE = "secure", "Secure unit or custody"
    ADOPTION = "adoption", "Placed for adoption"
    RESIDENTIAL_SCHOOL = "residential_school", "Residential school"
    OTHER = "other", "Other placement"


CARE_LEAVER_MAX_AGE = 24  # a care leaver's death is notified up to and including this age


class Child(TenantOwned):
    url_kwarg = "child_id"

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="children")
    position = models.PositiveSmallIntegerField(default=1)
    reference = models.CharField(
        "case reference", max_length=40, help_text="For example Child Q. Not the child's name."
    )
    age_years = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(CARE_LEAVER_MAX_AGE)], help_text="Up to 17; up to 24 for a care leaver"
    )
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
    disability = models.CharField(max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN)
    plan = models.CharField(
        "child in need or child protection plan", max_length=10, choices=Plan.choices, default=Plan.UNKNOWN
    )
    known_to_agency = models.CharField(
        "known to any agency", max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    placement_type = models.CharField(
        max_length=20, choices=Placement.choices, blank=True, help_text="For a looked-after child"
    )
    care_leaver = models.BooleanField(default=False)
    resident_authority = models.CharField(
        "local authority where the child lives",
        max_length=200,
        blank=True,
        help_text="When it is not the notifying local authority",
    )

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
