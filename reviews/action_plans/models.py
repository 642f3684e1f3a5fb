"""Action plans, their recommendations and actions, progress updates, due-date changes and
ratification decisions.

A plan's source is a kind (a rapid review or LCSPR, a thematic review, ...) and, optionally, the
record it came from: a notification (`notification`), or any other tenant-owned record through
`source_type` + `source_id` (the audits app passes an audit finding; see services.plan_create).
Nothing derived is stored: RAG, numbering labels, summaries and "overdue" (a clock state in the
deadline engine) are computed on each read.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from lscp.states import Versioned
from lscp.tenancy import TenantOwned
from reviews.themes import PracticeTheme


class SourceKind(models.TextChoices):
    RAPID_REVIEW = "rapid_review", "Rapid review or LCSPR"
    THEMATIC_REVIEW = "thematic_review", "Thematic review"
    LOCAL_REVIEW = "local_review", "Local learning or health review"
    NATIONAL_REVIEW = "national_review", "National review findings"
    AUDIT = "audit", "Audit"
    SCRUTINY = "scrutiny", "Independent scrutineer's recommendations"
    STANDALONE = "standalone", "Standalone plan"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    RATIFYING = "ratifying", "Going through ratification"
    LIVE = "live", "Live"
    CLOSED = "closed", "Closed"


class Stage(models.TextChoices):
    """Ratification, in this order."""

    LPRG = "lprg", "Learning & Practice Review Group"
    MEB = "meb", "Management Executive Board"
    PARTNERS = "partners", "Statutory partners"


STAGE_ORDER = [stage for stage, _ in Stage.choices]


class ActionStatus(models.TextChoices):
    """What the owner says (RAG is derived from it, the due date's clock and progress)."""

    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    AWAITING_ACCEPTANCE = "awaiting_acceptance", "Awaiting acceptance"
    COMPLETE = "complete", "Complete"


# The statuses an owner sets with a progress update; the other two come from the completion workflow.
OWNER_STATUSES = [ActionStatus.NOT_STARTED, ActionStatus.ON_TRACK, ActionStatus.AT_RISK]
DONE_STATUSES = [ActionStatus.AWAITING_ACCEPTANCE, ActionStatus.COMPLETE]


class ActionPlan(Versioned, TenantOwned):
    url_kwarg = "action_plan_id"

    title = models.CharField(max_length=200)
    source_kind = models.CharField(max_length=20, choices=SourceKind.choices)
    source_reference = models.CharField(
        max_length=200, blank=True, help_text="For example 'Shae and Ashley LHR' or the national review's name"
    )
    notification = models.ForeignKey(
        "reviews.Notification", on_delete=models.PROTECT, null=True, blank=True, related_name="action_plans"
    )
    # Any other record the plan came from (an audit finding, the scrutineer's review): the audits
    # app and others link their own records here, always looked up within the plan's partnership.
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    summary = models.TextField(blank=True)
    created_on = models.DateField(help_text="The date the plan was drawn up; no action is due before it")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    live_on = models.DateField(null=True, blank=True, help_text="The statutory partners' ratification")
    closed_on = models.DateField(null=True, blank=True)
    submission_key = models.CharField(
        max_length=64, blank=True, help_text="Makes a double-clicked create or import one plan"
    )

    class Meta:
        ordering = ["-created_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "submission_key"],
                condition=~models.Q(submission_key=""),
                name="action_plan_submitted_once",
            ),
            models.CheckConstraint(
                condition=models.Q(source_type__isnull=True, source_id__isnull=True)
                | models.Q(source_type__isnull=False, source_id__isnull=False),
                name="action_plan_source_record_whole",
            ),
        ]
        indexes = [
            models.Index(fields=["partnership", "status"], name="action_plan_status"),
            # The plans list's order: its first page read from here, not by sorting every plan of
            # the partnership joined to its case (issue 15: 5.1 to 0.2 ms on the national load).
            models.Index(fields=["partnership", "-created_on", "id"], name="action_plan_created"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        return self.status in (PlanStatus.LIVE, PlanStatus.CLOSED)

    @property
    def source_label(self) -> str:
        label = self.get_source_kind_display()
        return f"{label}: {self.source_reference}" if self.source_reference else label

    def source_record(self):
        """The linked record (an audit finding ...), looked up within this plan's partnership."""
        if self.source_type_id is None:
            return None
        model = ContentType.objects.get_for_id(self.source_type_id).model_class()
        manager = model.objects
        if hasattr(manager, "for_partnership"):
            return manager.for_partnership(self.partnership).filter(pk=self.source_id).first()
        return None


class Ratification(TenantOwned):
    """One group's dated decision ratifying the plan, with its minute reference."""

    url_kwarg = "ratification_id"

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="ratifications")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    decided_on = models.DateField()
    minute_reference = models.CharField(max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "decided_on", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "stage"], name="ratification_once_per_stage")]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} ratified {self.plan} on {self.decided_on:%-d %b %Y}"


class Recommendation(TenantOwned):
    """A numbered recommendation (1, 2 ...), or one of its sub-parts (3a, 3b)."""

    url_kwarg = "recommendation_id"

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    part = models.CharField(max_length=2, blank=True, help_text="A sub-part's letter: a, b ...")
    text = models.TextField()
    theme = models.CharField(
        max_length=30, choices=PracticeTheme.choices, blank=True, help_text="The practice theme it addresses"
    )

    class Meta:
        ordering = ["plan", "number", "part"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number", "part"], name="recommendation_number_once"),
        ]

    def __str__(self) -> str:
        return f"Recommendation {self.label}"

    @property
    def label(self) -> str:
        return f"{self.number}{self.part}"


class Action(Versioned, TenantOwned):
    url_kwarg = "action_id"

    # TenantOwned's, without an index of its own: action_status, action_owner_status and
    # action_due_date lead with it. With its own index there, the planner read the API's actions
    # "status + overdue" through it, all 20,000 of the busy partnership's, filtering the status
    # afterwards (issue 15: count 4.0 -> 2.4 ms, page 5.3 -> 3.3 ms without it).
    partnership = models.ForeignKey(
        "partners.Partnership", on_delete=models.PROTECT, related_name="+", db_index=False, editable=False
    )
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    # No index of its own: action_position_once (recommendation, position) leads with it.
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="actions", db_index=False)
    position = models.PositiveSmallIntegerField(help_text="Its number within the recommendation")
    description = models.TextField("what")
    # None: the partnership's own business unit owns it (the plan is "owned by the partnership").
    owner_member = models.ForeignKey(
        "partners.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        "partners.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The owner person: an active member of the owner organisation, or of the business unit",
    )
    due_date = models.DateField()
    measure_of_success = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    completed_on = models.DateField(null=True, blank=True, help_text="When the owner says it was done")
    completion_evidence = models.TextField(blank=True)
    completion_link = models.URLField(max_length=500, blank=True)
    impact_evidence = models.TextField(blank=True)
    accepted_on = models.DateField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_on = models.DateField()

    deadlines = GenericRelation("lscp.Deadline", content_type_field="subject_type", object_id_field="subject_id")

    class Meta:
        ordering = ["recommendation__number", "recommendation__part", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "position"], name="action_position_once"),
        ]
        indexes = [
            models.Index(fields=["partnership", "status"], name="action_status"),
            models.Index(fields=["partnership", "owner_member", "status"], name="action_owner_status"),
            models.Index(fields=["partnership", "due_date"], name="action_due_date"),
        ]

    def __str__(self) -> str:
        return f"Action {self.number}"

    @property
    def number(self) -> str:
        return f"{self.recommendation.label}.{self.position}"

    @property
    def owner_name(self) -> str:
        return str(self.owner_member.organisation) if self.owner_member_id else "Business unit"

    @property
    def is_done(self) -> bool:
        return self.status in DONE_STATUSES

    @property
    def clock_starts_on(self):
        """The plan's going live, or this action's being added to a live plan."""
        if self.plan.live_on is None:
            return None
        return max(self.plan.live_on, self.created_on)


class UpdateKind(models.TextChoices):
    PROGRESS = "progress", "Progress"
    COMPLETED = "completed", "Marked complete"
    ACCEPTED = "accepted", "Completion accepted"
    RETURNED = "returned", "Returned"


class ProgressUpdate(TenantOwned):
    """A dated entry on an action's record: the owner's progress, and the completion workflow."""

    url_kwarg = "progress_update_id"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=10, choices=UpdateKind.choices, default=UpdateKind.PROGRESS)
    on = models.DateField()
    text = models.TextField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, help_text="The action's status after it")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["action", "on", "at", "id"]
        indexes = [models.Index(fields=["action", "kind", "on"], name="progress_update_action")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on:%-d %b %Y}"


class DueDateChange(TenantOwned):
    """A due date changed after the plan went live: the date before, the new date, and why."""

    url_kwarg = "due_date_change_id"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="due_date_changes")
    old_date = models.DateField()
    new_date = models.DateField()
    reason = models.TextField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["action", "changed_at", "id"]

    def __str__(self) -> str:
        return f"Due date {self.old_date:%-d %b %Y} → {self.new_date:%-d %b %Y}"


__all__ = [
    "Action",
    "ActionPlan",
    "ActionStatus",
    "DueDateChange",
    "PlanStatus",
    "ProgressUpdate",
    "Ratification",
    "Recommendation",
    "SourceKind",
    "Stage",
    "UpdateKind",
]
