"""Writes to a partnership's deadline policy, escalation ladder and calendar. Every change
recomputes the partnership's open clocks, so every due date shown follows the policy in force."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from lscp import activity, deadlines, outbox
from lscp.deadlines.workdays import bank_holiday_name
from lscp.models import CalendarOverride, DeadlinePolicy, EscalationSettings
from lscp.outbox.messages import link, message
from lscp.permissions import Policy
from lscp.recipients import Recipients
from lscp.roles import BUSINESS_UNIT, EVERYONE, Role
from lscp.tenancy import TenantContext
from partners.models import SeatLevel


class ClockRulesPolicy(Policy):
    resource = "deadline policy"
    rules = {"view": EVERYONE, "manage": BUSINESS_UNIT}


UNITS = {"working", "calendar", "months"}


@dataclass(frozen=True)
class RuleChange:
    """One clock kind's rule as it is and as asked, in words (deadlines.describe), and what it would
    do to the open clocks (deadlines.preview_rules)."""

    kind: deadlines.ClockKind
    old: deadlines.ClockRule
    new: deadlines.ClockRule
    effect: deadlines.engine.RuleEffect | None = None

    @property
    def old_words(self):
        return deadlines.describe(self.kind, self.old)

    @property
    def new_words(self):
        return deadlines.describe(self.kind, self.new)


def _checked_rules(ctx: TenantContext, rules: dict[str, dict]) -> tuple[list[RuleChange], dict, dict]:
    """The rules asked for, checked: (the changes, the statutory defaults to state, errors by input)."""
    errors: dict[str, list[str]] = {}
    changes, defaults = [], {}
    rows = {row.kind: row for row in DeadlinePolicy.objects.for_partnership(ctx.partnership)}
    for key, wanted in rules.items():
        kind = deadlines.REGISTRY.get(key)
        if kind is None or not kind.editable:
            errors[f"{key}_length"] = ["This clock cannot be changed"]
            continue
        length, unit, start = wanted.get("length"), wanted.get("unit"), wanted.get("start") or kind.starts[0].key
        if not isinstance(length, int) or not 1 <= length <= 365:
            errors[f"{key}_length"] = [f"{kind.label}: enter a length from 1 to 365"]
        if unit not in UNITS:
            errors[f"{key}_unit"] = [f"{kind.label}: choose working days, calendar days or months"]
        if start not in [option.key for option in kind.starts]:
            errors[f"{key}_start"] = [f"{kind.label}: choose what starts the clock"]
        if errors:
            continue
        current = deadlines.rule_for(ctx.partnership, kind, rows)
        wanted_rule = deadlines.ClockRule(length, unit, start)
        if current == wanted_rule:
            if key not in rows:  # the statutory default, now the partnership's stated policy
                defaults[key] = wanted_rule
            continue
        changes.append(RuleChange(kind=kind, old=current, new=wanted_rule))
    return changes, defaults, errors


def preview_clock_rules(ctx: TenantContext, rules: dict[str, dict]) -> list[RuleChange]:
    """What saving `rules` would change, before anything is saved: each kind whose rule changes,
    with how many open clocks move and their earliest and latest new due dates (worked out by the
    deadline engine, nothing written). A ValidationError by input, as `set_clock_rules`."""
    ClockRulesPolicy.require(ctx, "manage")
    changes, _, errors = _checked_rules(ctx, rules)
    if errors:
        raise ValidationError(errors)
    effects = deadlines.preview_rules(ctx.partnership, {c.kind.key: c.new for c in changes})
    return [RuleChange(kind=c.kind, old=c.old, new=c.new, effect=effects[c.kind.key]) for c in changes]


@transaction.atomic
def set_clock_rules(ctx: TenantContext, rules: dict[str, dict], *, reason: str = "") -> int:
    """`rules`: {kind: {"length", "unit", "start"}}. A change needs a reason; it is recorded (old,
    new and reason), every open clock is recomputed, and the statutory partners' DSPs are told by
    email. Returns how many kinds changed."""
    ClockRulesPolicy.require(ctx, "manage")
    changes, defaults, errors = _checked_rules(ctx, rules)
    reason = (reason or "").strip()
    if changes and not reason:
        errors["reason"] = ["Say why the deadline policy is changing"]
    if errors:
        raise ValidationError(errors)
    for key, rule in defaults.items():
        DeadlinePolicy.objects.for_partnership(ctx.partnership).create(
            partnership=ctx.partnership, kind=key, length=rule.length, unit=rule.unit, start=rule.start
        )
    if not changes:
        return 0
    effects = deadlines.preview_rules(ctx.partnership, {c.kind.key: c.new for c in changes})
    rows = {row.kind: row for row in DeadlinePolicy.objects.for_partnership(ctx.partnership)}
    events = []
    for change in changes:
        row = rows.get(change.kind.key) or DeadlinePolicy(partnership=ctx.partnership, kind=change.kind.key)
        row.length, row.unit, row.start = change.new.length, change.new.unit, change.new.start
        row.save()
        logged = {
            name: {"old": getattr(change.old, name), "new": getattr(change.new, name)}
            for name in ("length", "unit", "start")
            if getattr(change.old, name) != getattr(change.new, name)
        }
        logged["reason"] = {"old": None, "new": reason}
        events.append(activity.record(ctx, event="deadline_policy.changed", obj=row, changes=logged))
    deadlines.refresh_partnership(ctx.partnership)
    _tell_the_partners(ctx, changes, effects, reason=reason, key=f"deadline-policy:{events[0].pk}")
    return len(changes)


def _tell_the_partners(ctx: TenantContext, changes: list[RuleChange], effects: dict, *, reason: str, key: str) -> None:
    """The statutory partners' DSPs (who overdue clocks escalate to) hear of every change."""
    to = Recipients(ctx.partnership).signers(SeatLevel.DSP)
    if not to:
        return
    subject, body = message(
        "deadline_policy_changed",
        partnership=ctx.partnership,
        changed_by=ctx.user.get_full_name() or str(ctx.user),
        reason=reason,
        changes=[(c, effects[c.kind.key]) for c in changes],
        link=link("deadline-policy", ctx.partnership.slug),
    )
    outbox.enqueue(partnership=ctx.partnership, key=key, to=to, subject=subject, body=body)


def escalation_settings(partnership) -> EscalationSettings:
    return EscalationSettings.objects.for_partnership(partnership).select_related(
        "business_unit_manager__person"
    ).first() or EscalationSettings(partnership=partnership)


@transaction.atomic
def set_escalation(
    ctx: TenantContext, *, reminder_days_before: int, repeat_every_days: int, business_unit_manager
) -> EscalationSettings:
    ClockRulesPolicy.require(ctx, "manage")
    errors = {}
    if reminder_days_before is None or not 0 <= reminder_days_before <= 20:
        errors["reminder_days_before"] = ["Enter a number of working days from 0 (no reminder) to 20"]
    if repeat_every_days is None or not 1 <= repeat_every_days <= 60:
        errors["repeat_every_days"] = ["Enter a number of working days from 1 to 60"]
    if business_unit_manager is not None and (
        business_unit_manager.partnership_id != ctx.partnership.pk
        or business_unit_manager.role != Role.BUSINESS_UNIT
        or not business_unit_manager.is_active
    ):
        errors["business_unit_manager"] = ["Choose an active member of the business unit"]
    if errors:
        raise ValidationError(errors)
    row = escalation_settings(ctx.partnership)
    fields = ["reminder_days_before", "repeat_every_days", "business_unit_manager"]
    before = activity.snapshot(row, fields) if row.pk else {}
    row.reminder_days_before, row.repeat_every_days, row.business_unit_manager = (
        reminder_days_before,
        repeat_every_days,
        business_unit_manager,
    )
    changes = activity.changes_between(before, activity.snapshot(row, fields))
    if not changes and row.pk:
        return row
    row.save()
    activity.record(ctx, event="escalation_settings.changed", obj=row, changes=changes)
    deadlines.refresh_partnership(ctx.partnership)
    return row


@transaction.atomic
def add_calendar_override(ctx: TenantContext, *, date: dt.date, is_working_day: bool, reason: str) -> CalendarOverride:
    ClockRulesPolicy.require(ctx, "manage")
    errors = {}
    if date is None:
        errors["date"] = ["Enter the date"]
    if not (reason or "").strip():
        errors["reason"] = ["Enter the reason, for example 'Office closed between Christmas and New Year'"]
    if date is not None:
        if CalendarOverride.objects.for_partnership(ctx.partnership).filter(date=date).exists():
            errors["date"] = [f"{date:%-d %B %Y} already has an override: remove it first"]
        elif is_working_day and bank_holiday_name(date) is None:
            errors["is_working_day"] = [f"{date:%-d %B %Y} is not a bank holiday, so it is already a working day"]
        elif not is_working_day and (date.weekday() >= 5 or bank_holiday_name(date)):
            errors["is_working_day"] = [f"{date:%-d %B %Y} is already not a working day"]
    if errors:
        raise ValidationError(errors)
    override = CalendarOverride.objects.for_partnership(ctx.partnership).create(
        partnership=ctx.partnership, date=date, is_working_day=is_working_day, reason=reason.strip()
    )
    activity.record(
        ctx,
        event="calendar.override_added",
        obj=override,
        changes=activity.created(override, ["date", "is_working_day", "reason"]),
    )
    deadlines.refresh_partnership(ctx.partnership)
    return override


@transaction.atomic
def remove_calendar_override(ctx: TenantContext, override: CalendarOverride) -> None:
    ClockRulesPolicy.require(ctx, "manage", override)
    description = str(override)
    override.delete()
    activity.record(ctx, event="calendar.override_removed", changes={"override": {"old": description, "new": None}})
    deadlines.refresh_partnership(ctx.partnership)
