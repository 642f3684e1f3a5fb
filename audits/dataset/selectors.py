"""Reads of the multi-agency dataset: the indicators with their latest value and its trend, one
indicator's quarters for its chart and table, and the whole dataset over a period (the annual
report). Each is a fixed number of queries however many indicators or values there are.

Values are shown in their unit: '41.5 per 10,000', '78.5%', '312', '23 days'."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from audits.dataset.models import Direction, Indicator, IndicatorValue, Unit
from audits.dataset.permissions import DatasetPolicy
from audits.quarters import (
    Quarter,
    next_quarter,
    previous_quarter,
    quarter_label,
    quarter_of,
    quarters_in,
    quarters_to,
    short_label,
)
from lscp.charts import ColumnChart, column_chart
from lscp.tenancy import TenantContext

CHART_QUARTERS = 8


def number_text(value: Decimal) -> str:
    """1234.5 -> '1,234.5'; 12.00 -> '12' (no trailing zeros, thousands separated)."""
    value = Decimal(value).quantize(Decimal("0.01"))
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0")


def value_text(value: Decimal | None, unit: str, *, compact: bool = False) -> str:
    """'41.5 per 10,000', '78.5%', '23 days', '312'; compact leaves out 'per 10,000' (for tables
    and charts whose heading says so)."""
    if value is None:
        return ""
    text = number_text(value)
    if unit == Unit.PERCENT:
        return f"{text}%"
    if unit == Unit.RATE:
        return text if compact else f"{text} per 10,000"
    if unit == Unit.DAYS:
        return f"{text} day{'' if value == 1 else 's'}"
    return text


# ----------------------------------------------------------------------------------------------
# The list: each indicator with its latest value and the change since the one before


@dataclass(frozen=True)
class Trend:
    indicator: Indicator
    latest: IndicatorValue | None
    previous: IndicatorValue | None  # the value reported before the latest one

    @property
    def latest_text(self) -> str:
        return value_text(self.latest.value, self.indicator.unit) if self.latest else ""

    @property
    def latest_quarter(self) -> str:
        return short_label((self.latest.year_start, self.latest.quarter)) if self.latest else ""

    @property
    def change(self) -> Decimal | None:
        if self.latest is None or self.previous is None:
            return None
        return self.latest.value - self.previous.value

    @property
    def word(self) -> str:
        """'up', 'down' or 'no change' (empty when there is nothing to compare)."""
        change = self.change
        if change is None:
            return ""
        return "up" if change > 0 else "down" if change < 0 else "no change"

    @property
    def assessment(self) -> str:
        """'better' or 'worse' when the indicator says which way is better; else empty."""
        change = self.change
        if not change or self.indicator.direction == Direction.NEITHER:
            return ""
        better = change > 0 if self.indicator.direction == Direction.HIGHER else change < 0
        return "better" if better else "worse"

    @property
    def text(self) -> str:
        """'up 2.5 from Q2 2025-26' (the change in the indicator's own unit)."""
        change = self.change
        if change is None:
            return ""
        since = short_label((self.previous.year_start, self.previous.quarter))
        if not change:
            return f"no change from {since}"
        amount = value_text(abs(change), self.indicator.unit)
        if self.indicator.unit == Unit.PERCENT:
            amount = f"{number_text(abs(change))} percentage point{'' if abs(change) == 1 else 's'}"
        return f"{self.word} {amount} from {since}"


def indicators(ctx: TenantContext):
    """The dataset's indicators this person may see (IndicatorFilter narrows them for a list)."""
    queryset = Indicator.objects.for_partnership(ctx.partnership).select_related(
        "priority", "reporting_member__organisation"
    )
    return DatasetPolicy.filter(ctx, queryset)


def trends(ctx: TenantContext, indicators: Sequence[Indicator]) -> list[Trend]:
    """The latest two values of each indicator of a page: one query, whatever the page's size
    and however many quarters each indicator has."""
    ids = [indicator.pk for indicator in indicators]
    latest: dict[int, list[IndicatorValue]] = defaultdict(list)
    if ids:
        rows = (
            IndicatorValue.objects.for_partnership(ctx.partnership)
            .filter(indicator_id__in=ids)
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("indicator_id")],
                    order_by=[F("year_start").desc(), F("quarter").desc()],
                )
            )
            .filter(rank__lte=2)
            .order_by("indicator_id", "-year_start", "-quarter")
        )
        for row in rows:
            latest[row.indicator_id].append(row)
    result = []
    for indicator in indicators:
        values = latest.get(indicator.pk, [])
        result.append(Trend(indicator, values[0] if values else None, values[1] if len(values) > 1 else None))
    return result


# ----------------------------------------------------------------------------------------------
# One indicator's quarters


@dataclass(frozen=True)
class Point:
    quarter: Quarter
    value: IndicatorValue | None
    text: str

    @property
    def label(self) -> str:
        return quarter_label(*self.quarter)

    @property
    def short_label(self) -> str:
        return short_label(self.quarter)

    @property
    def key(self) -> str:
        return f"{self.quarter[0]}-{self.quarter[1]}"


@dataclass(frozen=True)
class Series:
    indicator: Indicator
    points: list[Point]  # oldest first
    chart: ColumnChart
    earlier: Quarter | None  # the last quarter of the page before, if there are values there
    later: Quarter | None  # the last quarter of the page after, if it has started
    total_values: int

    @property
    def reported(self) -> int:
        return sum(point.value is not None for point in self.points)

    @property
    def first(self) -> Point:
        return self.points[0]

    @property
    def last(self) -> Point:
        return self.points[-1]


def _chart_label(quarter: Quarter) -> str:
    return f"Q{quarter[1]}\n{quarter[0]}-{str(quarter[0] + 1)[-2:]}"


def default_last_quarter(latest: Quarter | None, today: dt.date | None = None) -> Quarter:
    """The quarter a chart ends on: the last complete quarter, or the current one once it has a
    value."""
    current = quarter_of(today or timezone.localdate())
    if latest is not None and latest >= current:
        return current
    return previous_quarter(current)


def series(
    ctx: TenantContext, indicator: Indicator, *, last: Quarter | None = None, count: int = CHART_QUARTERS
) -> Series:
    """`count` quarters of an indicator ending with `last` (by default the last complete quarter),
    each with its value or a gap, and the column chart of them. Two queries."""
    values = {
        (row.year_start, row.quarter): row
        for row in IndicatorValue.objects.for_partnership(ctx.partnership)
        .filter(indicator=indicator)
        .select_related("entered_by")
    }
    default_last = default_last_quarter(max(values, default=None))
    if last is None or last > default_last:
        last = default_last
    quarters = quarters_to(last, count)
    points = [
        Point(q, values.get(q), value_text(values[q].value, indicator.unit) if q in values else "") for q in quarters
    ]
    highlight = _chart_label(last) if last in values else None
    chart = column_chart(
        [(_chart_label(p.quarter), p.value.value if p.value else None) for p in points],
        title=f"{indicator.name}, {points[0].short_label} to {points[-1].short_label}",
        format_value=lambda v: value_text(v, indicator.unit, compact=True),
        highlight={highlight} if highlight else (),
        missing_text="no value",
    )
    earlier = previous_quarter(quarters[0])
    later = None
    if last < default_last:
        later = last
        for _ in range(count):
            later = next_quarter(later)
        later = min(later, default_last)
    return Series(
        indicator=indicator,
        points=points,
        chart=chart,
        earlier=earlier if any(q <= earlier for q in values) else None,
        later=later,
        total_values=len(values),
    )


# ----------------------------------------------------------------------------------------------
# The dataset over a period (the annual report)


@dataclass(frozen=True)
class PeriodRow:
    indicator: Indicator
    cells: list[str]  # each quarter's value as text ('' when not reported)
    trend: Trend  # the last reported value in the period against the first


@dataclass(frozen=True)
class PeriodDataset:
    quarters: list[Quarter]
    rows: list[PeriodRow]

    @property
    def labels(self) -> list[str]:
        return [short_label(q) for q in self.quarters]

    @property
    def values_reported(self) -> int:
        return sum(1 for row in self.rows for cell in row.cells if cell)


def dataset_for_period(ctx: TenantContext, period: tuple[dt.date, dt.date]) -> PeriodDataset:
    """Every indicator that is in use or has a value in the period, by priority and name, with its
    value in each quarter of the period and the change over it. Two queries."""
    quarters = quarters_in(period)
    first, last = quarters[0], quarters[-1]
    values: dict[int, dict[Quarter, IndicatorValue]] = defaultdict(dict)
    for row in IndicatorValue.objects.for_partnership(ctx.partnership).filter(
        year_start__gte=first[0], year_start__lte=last[0]
    ):
        quarter = (row.year_start, row.quarter)
        if first <= quarter <= last:
            values[row.indicator_id][quarter] = row
    rows = []
    for indicator in indicators(ctx).order_by("priority__name", "name"):
        if not (indicator.is_active or values.get(indicator.pk)):
            continue
        own = values.get(indicator.pk, {})
        reported = [own[q] for q in quarters if q in own]
        rows.append(
            PeriodRow(
                indicator=indicator,
                cells=[value_text(own[q].value, indicator.unit, compact=True) if q in own else "" for q in quarters],
                trend=Trend(indicator, reported[-1], reported[0])
                if len(reported) > 1
                else Trend(indicator, None, None),
            )
        )
    return PeriodDataset(quarters=quarters, rows=rows)


def values_by_quarter(
    ctx: TenantContext, indicators: Sequence[Indicator], *, since: int
) -> dict[tuple[int, int, int], IndicatorValue]:
    """The indicators' values from the financial year `since` on, by (indicator id, year, quarter)."""
    return {
        (row.indicator_id, row.year_start, row.quarter): row
        for row in IndicatorValue.objects.for_partnership(ctx.partnership).filter(
            indicator__in=indicators, year_start__gte=since
        )
    }
