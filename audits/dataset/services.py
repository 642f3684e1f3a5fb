"""Writes for the multi-agency dataset: its indicators, each quarter's value, and loading values
from a spreadsheet. Same rules as every service: permission first, ValidationError by field, a
stale version refused, the activity log in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from audits.changes import locked_with_values
from audits.dataset.models import Direction, Indicator, IndicatorValue, Unit
from audits.dataset.permissions import DatasetPolicy
from audits.dataset.sheets import DATASET_COLUMNS, indicator_value
from audits.quarters import check_quarter, quarter_dates, quarter_label
from lscp import activity, spreadsheets
from lscp.checks import Errors
from lscp.tenancy import TenantContext

INDICATOR_FIELDS = ["name", "unit", "priority", "reporting_member", "description", "direction", "is_active"]


def _check_indicator(ctx: TenantContext, values: dict, indicator: Indicator | None) -> str:
    """The checks of an indicator's values; its name, tidied."""
    errors = Errors()
    name = " ".join((values.get("name") or "").split())
    if not name:
        errors.add("name", "Enter the indicator's name")
    elif len(name) > 200:
        errors.add("name", "The name must be 200 characters or fewer")
    elif (
        Indicator.objects.for_partnership(ctx.partnership)
        .filter(name__iexact=name)
        .exclude(pk=getattr(indicator, "pk", None))
        .exists()
    ):
        errors.add("name", "The dataset already has an indicator with this name")
    if values.get("unit") not in Unit.values:
        errors.add("unit", "Choose what the indicator counts: a number, a per cent, a rate per 10,000 children or days")
    if values.get("direction") not in Direction.values:
        errors.add("direction", "Choose whether higher or lower is better, or neither")
    member = values.get("reporting_member")
    if member is None or member.partnership_id != ctx.partnership.pk:
        errors.add("reporting_member", "Choose the member organisation that reports it")
    priority = values.get("priority")
    if priority is not None and priority.partnership_id != ctx.partnership.pk:
        errors.add("priority", "Choose one of the partnership's priorities")
    errors.raise_if_any()
    return name


@transaction.atomic
def indicator_save(
    ctx: TenantContext, indicator: Indicator | None = None, *, version: int | None = None, **values
) -> Indicator:
    """Add an indicator to the dataset, or change one (only the values given change). A stale
    `version` is refused (someone else saved the indicator since it was read)."""
    DatasetPolicy.require(ctx, "manage", indicator)
    if indicator is not None:
        indicator, values = locked_with_values(
            ctx, indicator, version=version, what="This indicator", fields=INDICATOR_FIELDS, values=values
        )
    values.setdefault("direction", Direction.NEITHER)
    values["name"] = _check_indicator(ctx, values, indicator)
    values["description"] = (values.get("description") or "").strip()
    values["is_active"] = bool(values.get("is_active", True))
    before = activity.snapshot(indicator, INDICATOR_FIELDS) if indicator else {}
    indicator = indicator or Indicator(partnership=ctx.partnership, version=0)
    for field in INDICATOR_FIELDS:
        if field in values:
            setattr(indicator, field, values[field])
    changes = activity.changes_between(before, activity.snapshot(indicator, INDICATOR_FIELDS))
    if indicator.pk and not changes:
        return indicator
    indicator.bump_version()
    indicator.save()
    activity.record(ctx, event="indicator.added" if not before else "indicator.changed", obj=indicator, changes=changes)
    return indicator


class ValueOutcome:
    ADDED = "added"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


def _set_value(
    ctx: TenantContext, indicator: Indicator, *, year_start, quarter, value, note: str = ""
) -> tuple[IndicatorValue, str]:
    DatasetPolicy.require(ctx, "manage", indicator)
    if indicator.partnership_id != ctx.partnership.pk:
        raise Http404("No such record")
    errors = Errors()
    check_quarter(errors, year_start, quarter, started=True)
    try:
        amount = indicator_value(value)
    except ValueError as error:
        errors.add("value", str(error))
    note = errors.text("note", note, name="The note", max_length=300, required=False)
    errors.raise_if_any()
    row = (
        IndicatorValue.objects.for_partnership(ctx.partnership)
        .select_for_update()
        .filter(indicator=indicator, year_start=year_start, quarter=quarter)
        .first()
    )
    old = row.value if row else None
    if row is None:
        row = IndicatorValue(
            partnership=ctx.partnership,
            indicator=indicator,
            year_start=year_start,
            quarter=quarter,
            entered_by=ctx.user,
        )
    elif row.value == amount and row.note == note:
        return row, ValueOutcome.UNCHANGED
    outcome = ValueOutcome.ADDED if row.pk is None else ValueOutcome.CHANGED
    row.value, row.note, row.entered_by = amount, note, ctx.user
    row.save()
    changes = {quarter_label(year_start, quarter): {"old": old, "new": amount}}
    if note:
        changes["note"] = {"old": None, "new": note}
    activity.record(ctx, event="indicator.value_set", obj=indicator, changes=changes)
    return row, outcome


@transaction.atomic
def indicator_value_set(
    ctx: TenantContext, indicator: Indicator, *, year_start: int, quarter: int, value, note: str = ""
) -> IndicatorValue:
    """Enter or correct one quarter's value. A quarter that does not exist or has not started yet
    is refused; entering the value already held changes nothing."""
    row, _ = _set_value(ctx, indicator, year_start=year_start, quarter=quarter, value=value, note=note)
    return row


@dataclass(frozen=True)
class ImportResult:
    rows: int
    added: int
    changed: int
    unchanged: int
    skipped: int  # rows without a value


def _row_number(message: str) -> int:
    return int(message.split(",")[0].split(":")[0].removeprefix("Row "))


def _indicator_key(row: dict) -> str:
    return " ".join(row["indicator"].split()).lower()


def _row_problems(rows: list[dict], indicators: dict[str, Indicator]) -> list[str]:
    """Unknown indicators, quarters that have not started, and the same indicator and quarter twice."""
    messages = []
    today = timezone.localdate()
    seen: dict[tuple[str, int, int], int] = {}
    for row in rows:
        name = _indicator_key(row) if "indicator" in row else None
        if name is not None and name not in indicators:
            messages.append(f"Row {row['_row']}, Indicator: '{row['indicator']}' is not an indicator of the dataset")
        if "year_start" not in row or "quarter" not in row:
            continue
        label = quarter_label(row["year_start"], row["quarter"])
        if quarter_dates(row["year_start"], row["quarter"])[0] > today:
            messages.append(f"Row {row['_row']}, Quarter: {label} has not started yet")
        elif name in indicators and row.get("value") is not None:
            key = (name, row["year_start"], row["quarter"])
            if key in seen:
                messages.append(f"Row {row['_row']}: {label} for this indicator is already on row {seen[key]}")
            seen.setdefault(key, row["_row"])
    return messages


@transaction.atomic
def indicator_values_import(ctx: TenantContext, *, upload) -> ImportResult:
    """Load a spreadsheet of quarterly values: every row, or none (each problem by row and column).
    Unknown indicators, quarters that do not exist or have not started, and the same indicator
    and quarter twice are refused. A row with no value (a quarter not reported yet in the
    template) is skipped."""
    DatasetPolicy.require(ctx, "manage")
    try:
        rows, problems = spreadsheets.read_xlsx(upload, DATASET_COLUMNS, max_rows=5000)
    except spreadsheets.SpreadsheetError as error:
        raise ValidationError({"spreadsheet": [str(error)]}) from None
    indicators = {i.name.lower(): i for i in Indicator.objects.for_partnership(ctx.partnership)}
    messages = [str(p) for p in problems] + _row_problems(rows, indicators)
    if messages:
        raise ValidationError({"spreadsheet": sorted(messages, key=_row_number)})
    filled = [row for row in rows if row["value"] is not None]
    if not filled:
        raise ValidationError({"spreadsheet": ["The spreadsheet has no values to load: fill in the Value column"]})
    outcomes = [
        _set_value(
            ctx,
            indicators[_indicator_key(row)],
            year_start=row["year_start"],
            quarter=row["quarter"],
            value=row["value"],
            note=row.get("note") or "",
        )[1]
        for row in filled
    ]
    return ImportResult(
        rows=len(rows),
        added=outcomes.count(ValueOutcome.ADDED),
        changed=outcomes.count(ValueOutcome.CHANGED),
        unchanged=outcomes.count(ValueOutcome.UNCHANGED),
        skipped=len(rows) - len(filled),
    )
