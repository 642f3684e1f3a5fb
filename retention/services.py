"""Writes for retention: a rule changed, a hold placed or lifted, and disposal (run by the
business unit from the page, by `manage.py dispose` or by the scheduled task).

Disposal goes through each kind's rule (`selectors.due`): it never touches an open case, a case
or plan under a hold in force, or anything while a hold on everything is in force. It writes one
DisposalRecord per rule that disposed of something (kind, count, rule, when, who: never the data)
and one activity log row; it deletes no log rows (the log is append-only). A dry run returns what
would go and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone

from lscp import activity
from lscp.checks import Errors
from lscp.models import Document
from lscp.states import check_version
from lscp.tenancy import TenantContext
from partners.models import Partnership
from retention import selectors
from retention.models import MAX_YEARS, DisposalAction, DisposalRecord, LegalHold, RecordKind, RetentionRule
from retention.permissions import RetentionPolicy
from reviews.notifications.models import Notification
from reviews.rapid_review.models import ChronologyEntry

TASK_NAME = "lscp.dispose_due_records"


@transaction.atomic
def rule_change(ctx: TenantContext, rule: RetentionRule, *, years, action: str, version: int | None = None):
    RetentionPolicy.require(ctx, "manage", rule)
    rule = RetentionRule.objects.for_partnership(ctx.partnership).select_for_update().get(pk=rule.pk)
    check_version(rule, version, what="The retention rule")
    errors = Errors()
    if years is None:
        errors.add("years", "Enter how many years the records are kept after closing")
    elif not 1 <= years <= MAX_YEARS:
        errors.add("years", f"The years kept must be between 1 and {MAX_YEARS}")
    if action not in DisposalAction.values:
        errors.add("action", "Choose whether the records are deleted or anonymised")
    elif action == DisposalAction.ANONYMISE and rule.kind != RecordKind.CASE:
        errors.add("action", "Action plans hold no details about children to take out: choose delete")
    errors.raise_if_any()
    changes = activity.changes_between({"years": rule.years, "action": rule.action}, {"years": years, "action": action})
    rule.years, rule.action = years, action
    rule.changed_by, rule.changed_at = ctx.user, timezone.now()
    rule.bump_version()
    rule.save()
    activity.record(ctx, event="retention.rule_changed", obj=rule, changes=changes)
    return rule


@transaction.atomic
def hold_place(ctx: TenantContext, *, name: str, reason: str, notification=None, placed_on=None, until=None):
    RetentionPolicy.require(ctx, "manage")
    errors = Errors()
    name = (name or "").strip()
    reason = (reason or "").strip()
    if not name:
        errors.add("name", "Enter the hold's name, for example the inquiry's")
    else:
        name = errors.text("name", name, name="The name", max_length=200)
    if not reason:
        errors.add("reason", "Enter why the records must be kept")
    if notification is not None and notification.partnership_id != ctx.partnership.pk:
        errors.add("notification", "Choose one of this partnership's cases")
    placed_on = placed_on or timezone.localdate()
    if until is not None and until < placed_on:
        errors.add("until", "The end date must be on or after the day the hold is placed")
    errors.raise_if_any()
    hold = LegalHold.objects.for_partnership(ctx.partnership).create(
        partnership=ctx.partnership,
        name=name,
        reason=reason,
        notification=notification,
        case_reference=notification.reference if notification else "",
        placed_by=ctx.user,
        placed_on=placed_on,
        until=until,
    )
    activity.record(
        ctx,
        event="retention.hold_placed",
        obj=hold,
        changes=activity.created(hold, ["name", "reason", "case_reference", "placed_on", "until"]),
    )
    return hold


@transaction.atomic
def hold_lift(ctx: TenantContext, hold: LegalHold, *, reason: str):
    RetentionPolicy.require(ctx, "manage", hold)
    hold = LegalHold.objects.for_partnership(ctx.partnership).select_for_update().get(pk=hold.pk)
    errors = Errors()
    if hold.lifted_on is not None:
        errors.add("reason", f"The hold '{hold.name}' was already lifted on {hold.lifted_on:%d %B %Y}")
    if not (reason or "").strip():
        errors.add("reason", "Enter why the hold is lifted")
    errors.raise_if_any()
    hold.lifted_on, hold.lifted_by, hold.lift_reason = timezone.localdate(), ctx.user, reason.strip()
    hold.save(update_fields=["lifted_on", "lifted_by", "lift_reason"])
    activity.record(ctx, event="retention.hold_lifted", obj=hold, changes={"lift_reason": {"new": hold.lift_reason}})
    return hold


def _anonymise_case(case: Notification) -> None:
    """Take out what identifies the child and the notifier; keep what the statistics count (the
    children, their age, sex, ethnicity, looked-after status; the dates and the outcome)."""
    for child in case.children.all():
        child.reference = f"Child {child.position}"
        child.home_area = ""
        child.save(update_fields=["reference", "home_area"])
    ChronologyEntry.objects.for_partnership(case.partnership).filter(request__notification=case).delete()
    Notification.objects.for_partnership(case.partnership).filter(pk=case.pk).update(
        summary=selectors.ANONYMISED,
        notifier_name="",
        notifier_role="",
        notifier_email="",
        notifier_phone="",
        criteria_rationale="",
        panel_response="",
    )


def _delete_case(case: Notification) -> None:
    lcspr = getattr(case, "lcspr", None) if hasattr(case, "lcspr") else None
    documents = [d for d in (lcspr.draft_report_id, lcspr.final_report_id) if d] if lcspr else []
    case.delete()  # its children, requests, rapid review, LCSPR and clocks go with it
    for document in Document.objects.for_partnership(case.partnership).filter(pk__in=documents):
        document.file.delete(save=False)
        document.delete()


def dispose(
    partnership: Partnership,
    *,
    dry_run: bool,
    by=None,
    by_task: str = "",
    today: dt.date | None = None,
    limit: int | None = None,
) -> list[selectors.Due]:
    """Dispose of what every rule says is due (or, in a dry run, only say what would go)."""
    today = today or timezone.localdate()
    results = []
    for rule in selectors.ensure_rules(partnership):
        with transaction.atomic():
            result = selectors.due(partnership, rule, today, limit=limit)
            results.append(result)
            if dry_run or not result.items:
                continue
            for item in result.items:
                if rule.kind == RecordKind.ACTION_PLAN:
                    item.delete()
                elif rule.action == DisposalAction.ANONYMISE:
                    _anonymise_case(item)
                else:
                    _delete_case(item)
            record = DisposalRecord.objects.for_partnership(partnership).create(
                partnership=partnership,
                kind=rule.kind,
                action=rule.action,
                count=len(result.items),
                rule=rule,
                rule_years=rule.years,
                at=timezone.now(),
                by=by,
                by_task="" if by else by_task,
            )
            activity.record(
                SimpleNamespace(partnership=partnership, user=by),
                event="retention.disposed",
                obj=record,
                changes={"kind": {"new": rule.kind}, "action": {"new": rule.action}, "count": {"new": record.count}},
            )
    return results


def dispose_now(ctx: TenantContext, *, dry_run: bool) -> list[selectors.Due]:
    """The business unit's run (or dry run) from the page."""
    RetentionPolicy.require(ctx, "manage")
    return dispose(ctx.partnership, dry_run=dry_run, by=ctx.user)


def dispose_all(*, dry_run: bool = False, by_task: str = TASK_NAME, limit: int | None = None) -> int:
    """Every partnership's due records (the scheduled task and the command; system scope)."""
    total = 0
    for partnership in Partnership.objects.order_by("pk"):
        for result in dispose(partnership, dry_run=dry_run, by_task=by_task, limit=limit):
            total += len(result.items)
    return total
