"""The working-day calendar: Monday to Friday, except England and Wales bank holidays
(substitute and one-off days included), adjusted by the dates a partnership adds or removes.

Public entry point: `calendar_for(partnership)` -> `WorkingCalendar`, with
- `is_working_day(day)`;
- `add(start, n, unit)`: the due date `n` working (or calendar) days after `start`, where the
  start is day 0 and the due date is the nth working day after it, with the non-working weekdays
  skipped on the way (for the explanation);
- `subtract(end, n, unit)`: the latest date that is `n` working days before `end`;
- `working_days_between(a, b)`: how many working days after `a` that `b` is (for timeliness).

Bank holidays come from the `holidays` package, always with subdiv="ENG": without it Easter
Monday and the August bank holiday vanish.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

import holidays

WORKING = "working"
CALENDAR = "calendar"
UNITS = [(WORKING, "working days"), (CALENDAR, "calendar days")]
# A clock never runs for more than this many days; protects against a runaway loop.
MAX_SPAN_DAYS = 3 * 366


@lru_cache(maxsize=64)
def _england_bank_holidays(year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=[year]).items())


def bank_holiday_name(day: dt.date) -> str | None:
    return _england_bank_holidays(day.year).get(day)


@dataclass(frozen=True)
class Counted:
    """The result of counting: the date, and the non-working weekdays skipped on the way."""

    date: dt.date
    skipped_holidays: tuple[dt.date, ...] = ()


@dataclass
class WorkingCalendar:
    # date -> True (a working day, e.g. a bank holiday the partnership works) or False (closed)
    overrides: dict[dt.date, bool] = field(default_factory=dict)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return day.weekday() < 5 and bank_holiday_name(day) is None

    def is_non_working_weekday(self, day: dt.date) -> bool:
        return day.weekday() < 5 and not self.is_working_day(day)

    def add(self, start: dt.date, n: int, unit: str = WORKING) -> Counted:
        if unit == CALENDAR:
            return Counted(start + dt.timedelta(days=n))
        day, counted, skipped = start, 0, []
        step = 1 if n >= 0 else -1
        while counted < abs(n):
            day += dt.timedelta(days=step)
            if abs((day - start).days) > MAX_SPAN_DAYS:
                raise ValueError("A clock cannot span more than three years")
            if self.is_working_day(day):
                counted += 1
            elif self.is_non_working_weekday(day):
                skipped.append(day)
        return Counted(day, tuple(sorted(skipped)))

    def subtract(self, end: dt.date, n: int, unit: str = WORKING) -> Counted:
        return self.add(end, -n, unit)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (negative if end is earlier)."""
        if end == start:
            return 0
        sign = 1 if end > start else -1
        low, high = (start, end) if sign > 0 else (end, start)
        day, count = low, 0
        while day < high:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return sign * count

    def next_working_day(self, day: dt.date) -> dt.date:
        return self.add(day, 1).date

    def holidays_between(self, start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
        """Bank holidays and partnership closures on weekdays in [start, end], with names."""
        result = []
        day = start
        while day <= end:
            if self.is_non_working_weekday(day):
                result.append((day, bank_holiday_name(day) or "partnership closure"))
            day += dt.timedelta(days=1)
        return result


def calendar_for(partnership) -> WorkingCalendar:
    """The partnership's calendar: England's bank holidays with its own overrides."""
    from lscp.models import CalendarOverride

    overrides = dict(CalendarOverride.objects.for_partnership(partnership).values_list("date", "is_working_day"))
    return WorkingCalendar(overrides=overrides)


def format_day(day: dt.date) -> str:
    return day.strftime("%a %-d %b %Y")


def _short(day: dt.date) -> str:
    return day.strftime("%-d %b")


def explain(
    *, due: dt.date, start: dt.date, n: int, unit: str, skipped: tuple[dt.date, ...], start_label: str = ""
) -> str:
    """'due Wed 30 Dec 2026: 5 working days after Mon 21 Dec; 25 and 28 Dec are bank holidays'."""
    direction = "after" if n >= 0 else "before"
    unit_word = ("working day" if unit == WORKING else "calendar day") + ("" if abs(n) == 1 else "s")
    start_text = start.strftime("%a %-d %b") if start.year == due.year else format_day(start)
    text = f"due {format_day(due)}: {abs(n)} {unit_word} {direction} {start_text}"
    if start_label:
        text += f" ({start_label})"
    if skipped:
        if len({d.month for d in skipped}) == 1 and len({d.year for d in skipped}) == 1:
            days = [str(d.day) for d in skipped]
            listed = days[0] if len(days) == 1 else ", ".join(days[:-1]) + " and " + days[-1]
            listed += skipped[0].strftime(" %b")
        else:
            parts = [_short(d) for d in skipped]
            listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        if all(bank_holiday_name(d) for d in skipped):
            noun = "is a bank holiday" if len(skipped) == 1 else "are bank holidays"
        else:
            noun = "is not a working day" if len(skipped) == 1 else "are not working days"
        text += f"; {listed} {noun}"
    return text
