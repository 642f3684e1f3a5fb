"""Retention and disposal (UK GDPR art. 5(1)(e), storage limitation; every case record is
special-category data).

- `RetentionRule`: per record kind, how many years after the case (or plan) closes it is kept,
  and whether it is then deleted or anonymised. The partnership sets them; the defaults below
  say why they are what they are.
- `LegalHold`: a named freeze (an inquiry, litigation, a disclosure request) on one case or on
  everything. Nothing under a hold, and nothing still open, is ever disposed of.
- `DisposalRecord`: what the disposal did (kind, how many, under which rule, when, by whom or by
  the task). Never the data itself.

The activity log is not a record kind here: it is append-only by design (the database role
cannot delete from it, lscp/database.py) and is the partnership's evidence of who saw and did
what, including the disposals themselves.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from lscp.states import Versioned
from lscp.tenancy import TenantOwned


class RecordKind(models.TextChoices):
    CASE = "case", "Closed cases: notification, children, information requests, rapid review, LCSPR and its reports"
    ACTION_PLAN = "action_plan", "Closed action plans: recommendations, actions and ratifications"


class DisposalAction(models.TextChoices):
    DELETE = "delete", "Delete"
    ANONYMISE = "anonymise", "Anonymise (keep the statistics)"


# The defaults a partnership starts with (each can be changed on the schedule page).
# Case records: 15 years after the case closes. Serious case and practice review files are
# commonly kept 15 years after closure (the IRMS Local Government retention guidelines for
# safeguarding reviews, and the Panel's and inquiries' use of past reviews); the partnership
# decides, so this is a default, not a rule of law.
DEFAULT_CASE_YEARS = 15
# Action plans: 6 years after the plan closes: the Limitation Act 1980's six years for claims,
# after which the plan's evidence of what partners did is no longer needed.
DEFAULT_ACTION_PLAN_YEARS = 6

DEFAULTS = {
    RecordKind.CASE: (
        DEFAULT_CASE_YEARS,
        DisposalAction.ANONYMISE,
        "Review records are commonly kept 15 years after the case closes (IRMS retention guidelines "
        "for safeguarding reviews); anonymising keeps the partnership's statistics.",
    ),
    RecordKind.ACTION_PLAN: (
        DEFAULT_ACTION_PLAN_YEARS,
        DisposalAction.DELETE,
        "Six years after the plan closes, the Limitation Act 1980 period for claims.",
    ),
}

# The longest a rule may keep records: enough for any inquiry, and far from the year 9999.
MAX_YEARS = 100


class RetentionRule(TenantOwned, Versioned):
    url_kwarg = "rule_id"

    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    years = models.PositiveSmallIntegerField(help_text="Years kept after the case or plan closes")
    action = models.CharField(max_length=10, choices=DisposalAction.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["partnership", "kind"], name="retention_rule_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display().split(':')[0]}: {self.years} years, then {self.get_action_display().lower()}"

    @property
    def default_reason(self) -> str:
        return DEFAULTS[self.kind][2]

    @property
    def is_default(self) -> bool:
        years, action, _ = DEFAULTS[self.kind]
        return self.years == years and self.action == action


class LegalHold(TenantOwned):
    url_kwarg = "hold_id"

    name = models.CharField(max_length=200, help_text="For example, the Child Q inquiry")
    reason = models.TextField()
    notification = models.ForeignKey(
        "reviews.Notification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The case held; none (and no case reference) means every record of the partnership",
    )
    # Kept when the case itself is disposed of after the hold is lifted, so the hold still says
    # which case it was.
    case_reference = models.CharField(max_length=20, blank=True)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_on = models.DateField()
    until = models.DateField(null=True, blank=True, help_text="When it ends by itself, if known")
    lifted_on = models.DateField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_on", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def on_everything(self) -> bool:
        return self.notification_id is None and not self.case_reference

    def in_force(self, on) -> bool:
        return self.lifted_on is None and self.placed_on <= on and (self.until is None or on <= self.until)


class DisposalRecord(TenantOwned):
    url_kwarg = "disposal_id"

    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    action = models.CharField(max_length=10, choices=DisposalAction.choices)
    count = models.PositiveIntegerField()
    rule = models.ForeignKey(RetentionRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    rule_years = models.PositiveSmallIntegerField(help_text="The rule's years when it ran")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    by_task = models.CharField(max_length=100, blank=True, help_text="The scheduled task, when no person ran it")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.count} {self.get_kind_display().split(':')[0].lower()} {self.action}d on {self.at:%d %b %Y}"
