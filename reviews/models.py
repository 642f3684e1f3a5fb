"""Serious-incident notifications and the children they are about.

A notification moves through the statutory steps (DESIGN.md §2) only by the service functions in
reviews/services.py; its four clocks are computed by the deadline engine (reviews/clocks.py).
Only what the work needs is recorded about a child: a case reference, age, sex, ethnicity,
looked-after status, home area and the agencies that knew them. No names.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

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


class Notification(TenantOwned):
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

    version = models.PositiveIntegerField(default=1, help_text="Raised by every change, to refuse lost updates")

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
        from reviews.criteria import evaluate

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


# ----------------------------------------------------------------------------------------------
# Rapid reviews (DESIGN.md §2 step 3): information requests, the meeting, the decision, sign-off


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    DRAFT = "draft", "Draft saved"
    SUBMITTED = "submitted", "Submitted"
    REOPENED = "reopened", "Reopened"


class InformationRequest(TenantOwned):
    """A request to one member organisation for its individual agency summary."""

    url_kwarg = "information_request_id"

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="information_requests")
    member = models.ForeignKey("partners.Member", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField()
    reply_by = models.DateField()
    message = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.REQUESTED)

    involvement = models.TextField("involvement with the child and family", blank=True)
    immediate_actions = models.TextField("immediate safeguarding actions already taken", blank=True)
    learning = models.TextField("learning identified", blank=True)

    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_on = models.DateField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reopened_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    deadlines = GenericRelation("lscp.Deadline", content_type_field="subject_type", object_id_field="subject_id")

    class Meta:
        ordering = ["notification", "member__organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "member"],
                name="information_request_once_per_organisation",
                violation_error_message="This organisation has already been asked",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} summary for {self.notification}"

    @property
    def is_locked(self) -> bool:
        return self.status == RequestStatus.SUBMITTED


class ChronologyEntry(TenantOwned):
    url_kwarg = "chronology_entry_id"

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="chronology")
    date = models.DateField()
    event = models.TextField()
    agency_action = models.TextField(blank=True)

    class Meta:
        ordering = ["request", "date", "id"]

    def __str__(self) -> str:
        return f"{self.date}: {self.event[:40]}"


class LcsprCriterion(models.TextChoices):
    """The criteria for a local child safeguarding practice review (Working Together 2018, 4:7)."""

    IMPROVEMENT_NEEDS = (
        "improvement_needs",
        "Highlights or may highlight improvements needed, including ones identified before",
    )
    RECURRENT_THEMES = "recurrent_themes", "Highlights recurrent themes in the safeguarding of children"
    AGENCIES_TOGETHER = "agencies_together", "Highlights concerns about two or more agencies working together"
    PANEL_VIEW = "panel_view", "The National Panel considers a local review appropriate"
    SINGLE_AGENCY = "single_agency", "Concerns about the actions of a single agency"
    NO_INVOLVEMENT = "no_involvement", "No agency involvement, and this gives the partners cause for concern"
    CROSS_BORDER = "cross_border", "More than one local authority area, or the family moved around"
    INSTITUTIONAL = "institutional", "The case involves an institutional setting"


class ReviewRecommendation(models.TextChoices):
    LCSPR = "lcspr", "A local child safeguarding practice review (LCSPR)"
    THEMATIC = "thematic", "Another kind of review: a thematic review"
    SINGLE_AGENCY = "single_agency", "Another kind of review: a single-agency review"
    LOCAL_LEARNING = "local_learning", "Another kind of review: a local learning review"
    JOINT_SAR = "joint_sar", "Another kind of review: joint with a safeguarding adults review"
    JOINT_DHR = "joint_dhr", "Another kind of review: joint with a domestic homicide review"
    NONE = "none", "No further review"


class ReviewStatus(models.TextChoices):
    DRAFTING = "drafting", "Being recorded"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
    SIGNED_OFF = "signed_off", "Signed off by the three safeguarding partners"


class RapidReview(TenantOwned):
    """The rapid review meeting's record and its outcome, which the three partners sign off."""

    url_kwarg = "rapid_review_id"

    notification = models.OneToOneField(Notification, on_delete=models.CASCADE, related_name="rapid_review")
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DRAFTING)
    meeting_date = models.DateField(null=True, blank=True)
    key_practice_episodes = models.TextField(blank=True)
    learning = models.TextField("learning identified", blank=True)
    immediate_actions = models.TextField("immediate safeguarding actions", blank=True)
    context = models.TextField("context (including race, inequality and disability)", blank=True)
    # {criterion: {"met": bool, "rationale": str}} for each LcsprCriterion
    criteria = models.JSONField(default=dict, blank=True)
    recommendation = models.CharField(max_length=20, choices=ReviewRecommendation.choices, blank=True)
    recommendation_rationale = models.TextField(blank=True)
    sent_for_sign_off_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["notification"]

    def __str__(self) -> str:
        return f"Rapid review of {self.notification}"


class MeetingAttendee(TenantOwned):
    url_kwarg = "meeting_attendee_id"

    review = models.ForeignKey(RapidReview, on_delete=models.CASCADE, related_name="attendees")
    member = models.ForeignKey("partners.Member", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200)

    class Meta:
        ordering = ["review", "member__organisation__name", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.role} ({self.member})"


class SignOffDecision(models.TextChoices):
    SIGNED = "signed", "Signed off"
    RETURNED = "returned", "Returned with comments"


class SignOff(TenantOwned):
    """An executive lead's decision on the outcome, for their statutory partner. One active
    signature per partner; editing the outcome withdraws the signatures already given."""

    url_kwarg = "sign_off_id"

    review = models.ForeignKey(RapidReview, on_delete=models.CASCADE, related_name="sign_offs")
    statutory_role = models.CharField(max_length=10)
    member = models.ForeignKey("partners.Member", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    job_title = models.CharField(max_length=200, blank=True)
    decision = models.CharField(max_length=10, choices=SignOffDecision.choices)
    comments = models.TextField(blank=True)
    at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["review", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "statutory_role"],
                condition=models.Q(decision="signed", withdrawn_at__isnull=True),
                name="one_signature_per_partner",
                violation_error_message="This safeguarding partner has already signed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.member} for {self.review}"

    @property
    def is_active_signature(self) -> bool:
        return self.decision == SignOffDecision.SIGNED and self.withdrawn_at is None


# ----------------------------------------------------------------------------------------------
# Local child safeguarding practice reviews (DESIGN.md §2 step 6)


class ReviewerKind(models.TextChoices):
    INDEPENDENT = "independent", "Independent reviewer"
    INTERNAL = "internal", "Internal reviewer"


class LcsprStatus(models.TextChoices):
    COMMISSIONED = "commissioned", "Commissioned"
    FINAL_REPORT = "final_report", "Final report received"
    SENT_TO_PANEL = "sent_to_panel", "Sent to the Panel and the DfE"
    PUBLISHED = "published", "Published"
    NOT_PUBLISHED = "not_published", "Decided not to publish"


class Lcspr(TenantOwned):
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
    version = models.PositiveIntegerField(default=1)

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


from reviews.action_plans.models import *  # noqa: E402, F403
