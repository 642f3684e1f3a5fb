"""Writes to a partnership's deadline policy, escalation ladder and calendar. Every change
recomputes the partnership's open clocks, so every due date shown follows the policy in force."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from lscp import activity, deadlines
from lscp.deadlines.workdays import bank_holiday_name
from lscp.models import CalendarOverride, DeadlinePolicy, EscalationSettings
from lscp.permissions import Policy
from lscp.roles import BUSINESS_UNIT, EVERYONE, Role
from lscp.tenancy import TenantContext


class ClockRulesPolicy(Policy):
    resource = "deadline policy"
    rules = {"view": EVERYONE, "manage": BUSINESS_UNIT}


UNITS = {"working", "calendar", "months"}


@transaction.atomic
def set_clock_rules(ctx: TenantContext, rules: dict[str, dict]) -> int:
    """`rules`: {kind: {"length", "unit", "start"}}. Returns how many kinds changed."""
    ClockRulesPolicy.require(ctx, "manage")
    errors: dict[str, list[str]] = {}
    changed = 0
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
        if (current.length, current.unit, current.start) == (length, unit, start):
            if key not in rows:  # the statutory default, now the partnership's stated policy
                DeadlinePolicy.objects.for_partnership(ctx.partnership).create(
                    partnership=ctx.partnership, kind=key, length=length, unit=unit, start=start
                )
            continue
        row = rows.get(key) or DeadlinePolicy(partnership=ctx.partnership, kind=key)
        row.length, row.unit, row.start = length, unit, start
        row.save()
        activity.record(
            ctx,
            event="deadline_policy.changed",
            obj=row,
            changes={
                "policy": {
                    "old": f"{current.length} {current.unit} from {current.start}",
                    "new": f"{length} {unit} from {start}",
                }
            },
        )
        changed += 1
    if errors:
        raise ValidationError(errors)
    if changed:
        deadlines.refresh_partnership(ctx.partnership)
    return changed


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
