"""Reads for retention: the schedule (each kind's rule, the defaults filled in), the holds, the
disposal records, and what is due under each rule (ordered by when it closed, oldest first).

A case is closed when its last step is recorded (the Panel's response; for a care leaver's death the
Secretary of State and Ofsted notified; for a case that does not meet the criteria the business
unit's decision) and its LCSPR, if there is one, is published or decided not to be published, and
no action plan of it is still open; it closed on the latest of those dates. An action plan is closed when its status is closed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, DateField, F, Q, When
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone

from lscp.tenancy import TenantContext
from partners.models import Partnership
from retention.models import DEFAULTS, DisposalRecord, LegalHold, RecordKind, RetentionRule
from reviews.action_plans.models import ActionPlan, PlanStatus
from reviews.lcspr.models import LcsprStatus
from reviews.notifications.models import CriteriaResult, Notification, Status

# What an anonymised case's summary says: it also marks the case as done, so it is never due again.
ANONYMISED = "Anonymised under the partnership's retention schedule."


def ensure_rules(partnership: Partnership) -> list[RetentionRule]:
    """The partnership's rule for every kind, the defaults created for kinds it has not set."""
    rules = {r.kind: r for r in RetentionRule.objects.for_partnership(partnership)}
    missing = [kind for kind in RecordKind.values if kind not in rules]
    if missing:
        RetentionRule.objects.for_partnership(partnership).bulk_create(
            [
                RetentionRule(partnership=partnership, kind=kind, years=DEFAULTS[kind][0], action=DEFAULTS[kind][1])
                for kind in missing
            ],
            ignore_conflicts=True,
        )
        rules = {r.kind: r for r in RetentionRule.objects.for_partnership(partnership)}
    return [rules[kind] for kind in RecordKind.values]


def rules(ctx: TenantContext):
    ensure_rules(ctx.partnership)
    return RetentionRule.objects.for_partnership(ctx.partnership).order_by("kind", "pk")


def holds(ctx: TenantContext):
    return (
        LegalHold.objects.for_partnership(ctx.partnership)
        .select_related("notification", "placed_by", "lifted_by")
        .order_by("-placed_on", "-pk")
    )


def disposals(ctx: TenantContext):
    return DisposalRecord.objects.for_partnership(ctx.partnership).select_related("by").order_by("-at", "-pk")


def holds_in_force(partnership: Partnership, on: dt.date):
    return (
        LegalHold.objects.for_partnership(partnership)
        .filter(lifted_on__isnull=True, placed_on__lte=on)
        .filter(Q(until__isnull=True) | Q(until__gte=on))
    )


def cutoff(years: int, today: dt.date) -> dt.date | None:
    """The last closure date that is due today under a rule of `years`; None before year 1."""
    if years >= today.year:
        return None
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February in a year that has none
        return today.replace(year=today.year - years, day=28)


def closed_cases(partnership: Partnership):
    """The partnership's closed cases, with the date each closed (`closed_on`).

    A case's last step depends on its path: the Panel's response; the Secretary of State and Ofsted
    both notified for a care leaver's death (no Panel); the business unit's decision that the
    criteria are not met, when the Panel was never notified. Then any LCSPR must be published or
    decided not to be, and every action plan closed; it closed on the latest of those dates."""
    last_step = Case(
        When(
            status=Status.PANEL_RESPONDED,
            panel_response_received_on__isnull=False,
            then=F("panel_response_received_on"),
        ),
        When(
            status=Status.SOS_OFSTED_NOTIFIED,
            sos_notified_on__isnull=False,
            ofsted_notified_on__isnull=False,
            then=Greatest(F("sos_notified_on"), F("ofsted_notified_on")),
        ),
        When(
            status=Status.SUBMITTED,
            criteria_decision=CriteriaResult.DOES_NOT_MEET,
            criteria_decided_at__isnull=False,
            panel_notified_on__isnull=True,
            then=TruncDate("criteria_decided_at", tzinfo=timezone.get_default_timezone()),
        ),
        default=None,
        output_field=DateField(),
    )
    return (
        Notification.objects.for_partnership(partnership)
        .annotate(last_step_on=last_step)
        .filter(last_step_on__isnull=False)
        .filter(Q(lcspr__isnull=True) | Q(lcspr__status__in=[LcsprStatus.PUBLISHED, LcsprStatus.NOT_PUBLISHED]))
        .exclude(action_plans__status__in=[s for s in PlanStatus.values if s != PlanStatus.CLOSED])
        .annotate(
            closed_on=Greatest(
                F("last_step_on"),
                Coalesce(F("lcspr__published_on"), F("lcspr__sent_to_panel_on"), F("last_step_on")),
            )
        )
    )


@dataclass
class Due:
    """What one rule would dispose of today, and what it holds back (and why)."""

    rule: RetentionRule
    items: list = field(default_factory=list)
    held: list = field(default_factory=list)
    blocked: list = field(default_factory=list)  # cases whose action plans must go first
    everything_held: bool = False


def due(partnership: Partnership, rule: RetentionRule, today: dt.date, *, limit: int | None = None) -> Due:
    """What is due under `rule` on `today`: closed longer ago than the rule keeps it, not under a
    hold, not anonymised already. Ordered oldest closure first; `limit` pages a large backlog."""
    result = Due(rule=rule)
    in_force = list(holds_in_force(partnership, today))
    if any(h.notification_id is None and not h.case_reference for h in in_force):
        result.everything_held = True
        return result
    held_cases = {h.notification_id for h in in_force if h.notification_id}
    last = cutoff(rule.years, today)
    if last is None:
        return result
    if rule.kind == RecordKind.CASE:
        queryset = closed_cases(partnership).filter(closed_on__lte=last).order_by("closed_on", "pk")
        if rule.action == "anonymise":
            queryset = queryset.exclude(summary=ANONYMISED)
        for case in queryset[:limit] if limit else queryset:
            if case.pk in held_cases:
                result.held.append(case)
            elif rule.action == "delete" and case.action_plans.exists():
                result.blocked.append(case)
            else:
                result.items.append(case)
    else:
        queryset = (
            ActionPlan.objects.for_partnership(partnership)
            .filter(status=PlanStatus.CLOSED, closed_on__lte=last)
            .order_by("closed_on", "pk")
        )
        for plan in queryset[:limit] if limit else queryset:
            (result.held if plan.notification_id in held_cases else result.items).append(plan)
    return result


def case_export(ctx: TenantContext, notification: Notification) -> dict:
    """One case as plain data, for a subject access or disclosure request: the notification, its
    children, steps, information requests (with chronologies), rapid review, LCSPR and actions."""
    from django.forms.models import model_to_dict

    def plain(obj, exclude=()):
        data = model_to_dict(obj, exclude=["partnership", *exclude])
        return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items() if not hasattr(v, "url")}

    case = plain(notification, exclude=["submission_key"])
    case["reference"] = notification.reference
    case["children"] = [
        {**plain(c, exclude=["known_to", "notification"]), "known_to": [str(m.organisation) for m in c.known_to.all()]}
        for c in notification.children.all()
    ]
    case["steps"] = [
        {"step": str(d), "due": getattr(d, "due_on", None) and d.due_on.isoformat()}
        for d in notification.deadlines.all()
    ]
    case["information_requests"] = [
        {
            **plain(r, exclude=["notification"]),
            "chronology": [plain(e, exclude=["request"]) for e in r.chronology.all()],
        }
        for r in notification.information_requests.all()
    ]
    review = getattr(notification, "rapid_review", None) if hasattr(notification, "rapid_review") else None
    case["rapid_review"] = plain(review, exclude=["notification"]) if review else None
    lcspr = getattr(notification, "lcspr", None) if hasattr(notification, "lcspr") else None
    case["lcspr"] = plain(lcspr, exclude=["notification"]) if lcspr else None
    case["action_plans"] = [
        {**plain(p, exclude=["notification"]), "actions": [plain(a, exclude=["plan"]) for a in p.actions.all()]}
        for p in notification.action_plans.all()
    ]
    return case
