"""Financial years and their quarters, which audits, the dataset and annual reports are planned
and reported in. A financial year is named by its starting year (2026 for April 2026 to March
2027); a quarter is (that year, 1-4)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

# The financial years (by their starting year) that audits, the dataset and annual reports hold.
FINANCIAL_YEARS = range(2000, 2101)

Quarter = tuple[int, int]  # (the financial year's starting year, quarter 1-4)


def quarter_dates(year_start: int, quarter: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a quarter of the financial year starting April `year_start`."""
    first_month = 4 + (quarter - 1) * 3
    year = year_start + (first_month - 1) // 12
    month = (first_month - 1) % 12 + 1
    start = dt.date(year, month, 1)
    end_month = month + 2
    end = dt.date(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)
    end = (end.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return start, end


def quarter_label(year_start: int, quarter: int) -> str:
    start, end = quarter_dates(year_start, quarter)
    return f"Q{quarter} {year_start}-{str(year_start + 1)[-2:]} ({start:%b}–{end:%b %Y})"


def quarter_of(day: dt.date) -> Quarter:
    year_start = day.year if day.month >= 4 else day.year - 1
    return year_start, (day.month - 4) % 12 // 3 + 1


def current_year_start(today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


def year_period(year_start: int) -> tuple[dt.date, dt.date]:
    return quarter_dates(year_start, 1)[0], quarter_dates(year_start, 4)[1]


def short_label(quarter: Quarter) -> str:
    """'Q3 2025-26'."""
    year, number = quarter
    return f"Q{number} {year}-{str(year + 1)[-2:]}"


def previous_quarter(quarter: Quarter) -> Quarter:
    year, number = quarter
    return (year, number - 1) if number > 1 else (year - 1, 4)


def next_quarter(quarter: Quarter) -> Quarter:
    year, number = quarter
    return (year, number + 1) if number < 4 else (year + 1, 1)


def quarters_to(last: Quarter, count: int) -> list[Quarter]:
    """The `count` quarters ending with `last`, oldest first."""
    quarters = [last]
    while len(quarters) < count:
        quarters.insert(0, previous_quarter(quarters[0]))
    return quarters


def quarters_in(period: tuple[dt.date, dt.date]) -> list[Quarter]:
    """The quarters that overlap the period, oldest first."""
    quarter, last = quarter_of(period[0]), quarter_of(period[1])
    quarters = [quarter]
    while quarter < last:
        quarter = next_quarter(quarter)
        quarters.append(quarter)
    return quarters


def started_quarters(count: int, today: dt.date | None = None) -> list[Quarter]:
    """The `count` quarters up to and including the current one, newest first (for choices)."""
    return list(reversed(quarters_to(quarter_of(today or timezone.localdate()), count)))


def parse_quarter(text: str) -> Quarter | None:
    """'2025-3' -> (2025, 3); anything else -> None."""
    try:
        year, number = (int(part) for part in str(text).split("-"))
    except (TypeError, ValueError):
        return None
    if year not in FINANCIAL_YEARS or number not in (1, 2, 3, 4):
        return None
    return year, number


def check_quarter(errors, year_start, quarter, *, field: str = "quarter", started: bool = False) -> None:
    """A financial year the records hold and a quarter of it (with `started`, one that has begun),
    added to `errors` (an lscp.checks.Errors) by field."""
    if not isinstance(year_start, int) or year_start not in FINANCIAL_YEARS:
        errors.add("year_start", "Enter the financial year, like 2026 for 2026-27")
    elif quarter not in (1, 2, 3, 4):
        errors.add(field, "The quarter must be Q1, Q2, Q3 or Q4")
    elif started and quarter_dates(year_start, quarter)[0] > timezone.localdate():
        errors.add(field, f"{quarter_label(year_start, quarter)} has not started yet")
