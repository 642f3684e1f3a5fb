"""A rapid review (DESIGN.md §2 step 3): requests for individual agency summaries and their
answers, the meeting record and its decision, and the safeguarding partners' sign-off."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models

from lscp.states import Versioned
from lscp.tenancy import TenantOwned
from partners.models import SeatLevel
from reviews.notifications.models import Notification


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    DRAFT = "draft", "Draft saved"
    SUBMITTED = "submitted", "Submitted"
    REOPENED = "reopened", "Reopened"
    # Never answered, and no longer needed: closed when the rapid review completed, or withdrawn
    # by the business unit with a reason. Their clocks stop ("not needed"), neither met nor overdue.
    CLOSED = "closed", "Closed: not needed"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The organisation has still to answer (the agency lead's task); UNANSWERED: never submitted.
OPEN_REQUEST_STATUSES = (RequestStatus.REQUESTED, RequestStatus.DRAFT, RequestStatus.REOPENED)
UNANSWERED_REQUEST_STATUSES = (RequestStatus.REQUESTED, RequestStatus.DRAFT)


class InformationRequest(TenantOwned, Versioned):
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
    closed_on = models.DateField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)  # why it was closed or withdrawn
    version = models.PositiveIntegerField(default=1)  # as Versioned's, without its help text (no migration)

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

    @property
    def is_closed(self) -> bool:
        return self.status in (RequestStatus.CLOSED, RequestStatus.WITHDRAWN)


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
    SIGNED_OFF = "signed_off", "Signed off by every safeguarding partner"


class RapidReview(TenantOwned, Versioned):
    """The rapid review meeting's record and its outcome, which every statutory partner member signs off."""

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
    # The practice themes the review identified (reviews.themes.PracticeTheme values, in its order).
    themes = models.JSONField(default=list, blank=True)
    recommendation = models.CharField(max_length=20, choices=ReviewRecommendation.choices, blank=True)
    recommendation_rationale = models.TextField(blank=True)
    sent_for_sign_off_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)  # as Versioned's, without its help text (no migration)

    class Meta:
        ordering = ["notification"]

    def __str__(self) -> str:
        return f"Rapid review of {self.notification}"

    @property
    def theme_labels(self) -> list[str]:
        from reviews.themes import labels

        return labels(self.themes)


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
    """A decision on the outcome by the holder of a statutory partner member's seat at the level
    that signs it (partners/signing.py), recording the seat, its level and the version of the
    review signed. One active signature per member (a partnership with two councils needs both);
    editing the outcome withdraws the signatures already given."""

    url_kwarg = "sign_off_id"

    review = models.ForeignKey(RapidReview, on_delete=models.CASCADE, related_name="sign_offs")
    statutory_role = models.CharField(max_length=10)
    member = models.ForeignKey("partners.Member", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    job_title = models.CharField(max_length=200, blank=True)
    seat = models.ForeignKey("partners.Seat", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    level = models.CharField(max_length=3, choices=SeatLevel.choices)
    # The review's version signed; None only for a signature withdrawn before versions were recorded.
    signed_version = models.PositiveIntegerField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=SignOffDecision.choices)
    comments = models.TextField(blank=True)
    at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["review", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "member"],
                condition=models.Q(decision="signed", withdrawn_at__isnull=True),
                name="one_signature_per_member",
                violation_error_message="This safeguarding partner has already signed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.member} for {self.review}"

    @property
    def is_active_signature(self) -> bool:
        return self.decision == SignOffDecision.SIGNED and self.withdrawn_at is None
