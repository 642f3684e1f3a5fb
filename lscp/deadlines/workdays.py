"""The working-day calendar: Monday to Friday, except England and Wales bank holidays
(substitute and one-off days included), adjusted by the dates a partnership adds or removes.

Public entry point: `calendar_for(partnership)` -> `WorkingCalendar`, with
- `is_working_day(day)`;
- `add(start, n, unit)`: the due date `n` working (or calendar) days after `start`, where the
  start is day 0 and the due date is the nth working day after it, with the non-working weekdays
  skipped on the way (for the explanation);
- `subtract(end, n, unit)`: the latest date that is `n` working days before `end`;
- `working_days_between(a, b)`: how many working days after `a` that `b` is (for timeliness);
- `running_counts(first, last)`: the running count of working days on each day of a range, for
  counting working days between date columns in SQL (the dashboard's medians).

Counting is constant work whatever the distance: each year the calendar touches is indexed once
(the running count of working days at every day of the year, and its non-working weekdays), and a
count or a step is a lookup and a binary search in that index, not a walk day by day. A clock ten
years overdue costs what a clock one day overdue costs. A year none of the partnership's overrides
falls in is England's own, indexed once per process and shared by every calendar.

Bank holidays come from the `holidays` package, always with subdiv="ENG": without it Easter
Monday and the August bank holiday vanish. Each year's are kept in the shared cache (keyed by the
package's version, so an upgrade that adds a one-off bank holiday is read afresh): importing
`holidays` costs a process about 19 MiB and 400 modules, so a web process imports it only when a
year is not in the cache yet.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import version

from django.core.cache import cache

from lscp.models import CalendarOverride

WORKING = "working"
CALENDAR = "calendar"
UNITS = [(WORKING, "working days"), (CALENDAR, "calendar days")]


HOLIDAYS_CACHE_SECONDS = 30 * 24 * 60 * 60


@lru_cache(maxsize=256)
def _england_bank_holidays(year: int) -> dict[dt.date, str]:
    key = f"lscp:bank-holidays:ENG:{version('holidays')}:{year}"
    try:
        kept = cache.get(key)
    except Exception:  # the cache unreachable: the package answers
        kept = None
    if kept is not None:
        return {dt.date.fromisoformat(day): name for day, name in kept}
    import holidays

    found = dict(holidays.country_holidays("GB", subdiv="ENG", years=[year]).items())
    with contextlib.suppress(Exception):  # kept next time, or never: the answer is the same
        cache.set(key, [(day.isoformat(), name) for day, name in sorted(found.items())], HOLIDAYS_CACHE_SECONDS)
    return found


def bank_holiday_name(day: dt.date) -> str | None:
    return _england_bank_holidays(day.year).get(day)


@dataclass(frozen=True)
class Counted:
    """The result of counting: the date, and the non-working weekdays skipped on the way."""

    date: dt.date
    skipped_holidays: tuple[dt.date, ...] = ()


class OutOfCalendar(ValueError):
    """A count that would leave the dates Python can represent (before year 1 or after 9999)."""


@dataclass(frozen=True)
class _Year:
    """One year of a calendar, indexed: `running[i]` is the number of working days from 1 January
    up to and including day i of the year (0-based), so a count is a subtraction and the nth
    working day a binary search."""

    first: dt.date
    running: array
    closed_weekdays: tuple[dt.date, ...]

    @property
    def total(self) -> int:
        return self.running[-1]

    def through(self, day: dt.date) -> int:
        return self.running[(day - self.first).days]

    def nth(self, n: int) -> dt.date:
        """The day on which the running count reaches n (1 <= n <= total): a working day."""
        return self.first + dt.timedelta(days=bisect_left(self.running, n))


def _index_year(year: int, is_working_day) -> _Year:
    first = dt.date(year, 1, 1)
    days = (dt.date(year, 12, 31) - first).days + 1
    running, count, closed = array("H"), 0, []
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        if is_working_day(day):
            count += 1
        elif day.weekday() < 5:
            closed.append(day)
        running.append(count)
    return _Year(first, running, tuple(closed))


@lru_cache(maxsize=256)
def _england_year(year: int) -> _Year:
    """A year with no partnership overrides, shared by every calendar (an index is never changed
    once made): a page or a sweep that builds a partnership's calendar finds its years already
    counted, instead of counting every day of every year it touches again (the dashboard's
    timeliness touches about twenty)."""
    return _index_year(year, lambda day: day.weekday() < 5 and bank_holiday_name(day) is None)


@dataclass
class WorkingCalendar:
    # date -> True (a working day, e.g. a bank holiday the partnership works) or False (closed)
    overrides: dict[dt.date, bool] = field(default_factory=dict)
    _years: dict[int, _Year] = field(default_factory=dict, init=False, repr=False, compare=False)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return day.weekday() < 5 and bank_holiday_name(day) is None

    def is_non_working_weekday(self, day: dt.date) -> bool:
        return day.weekday() < 5 and not self.is_working_day(day)

    def _year(self, year: int) -> _Year:
        indexed = self._years.get(year)
        if indexed is None:
            if not dt.MINYEAR <= year <= dt.MAXYEAR:
                raise OutOfCalendar("The date is outside the calendar (years 1 to 9999)")
            if any(day.year == year for day in self.overrides):
                indexed = _index_year(year, self.is_working_day)
            else:  # England's own year, indexed once in this process for every calendar
                indexed = _england_year(year)
            self._years[year] = indexed
        return indexed

    def _skipped(self, low: dt.date, high: dt.date) -> tuple[dt.date, ...]:
        """The non-working weekdays strictly between low and high."""
        result: list[dt.date] = []
        for year in range(low.year, high.year + 1):
            closed = self._year(year).closed_weekdays
            result.extend(closed[bisect_right(closed, low) : bisect_left(closed, high)])
        return tuple(result)

    def add(self, start: dt.date, n: int, unit: str = WORKING) -> Counted:
        if unit == CALENDAR:
            try:
                return Counted(start + dt.timedelta(days=n))
            except OverflowError as error:
                raise OutOfCalendar("The date is outside the calendar (years 1 to 9999)") from error
        if n == 0:
            return Counted(start)
        year = start.year
        indexed = self._year(year)
        if n > 0:
            # The nth working day after start: running count through start, plus n.
            wanted = indexed.through(start) + n
            while wanted > indexed.total:
                wanted -= indexed.total
                year += 1
                indexed = self._year(year)
            day = indexed.nth(wanted)
            return Counted(day, self._skipped(start, day))
        # The |n|th working day before start: running count the day before start, minus |n| - 1.
        before_start = indexed.through(start) - (1 if self.is_working_day(start) else 0)
        wanted = before_start + n + 1
        while wanted < 1:
            year -= 1
            indexed = self._year(year)
            wanted += indexed.total
        day = indexed.nth(wanted)
        return Counted(day, self._skipped(day, start))

    def subtract(self, end: dt.date, n: int, unit: str = WORKING) -> Counted:
        return self.add(end, -n, unit)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (negative if end is earlier)."""
        if end == start:
            return 0
        if end < start:
            return -self.working_days_between(end, start)
        low = self._year(start.year)
        if start.year == end.year:
            return low.through(end) - low.through(start)
        count = low.total - low.through(start)
        for year in range(start.year + 1, end.year):
            count += self._year(year).total
        return count + self._year(end.year).through(end)

    def running_counts(self, first: dt.date, last: dt.date) -> list[int]:
        """The running count of working days on each day from `first` to `last` (inclusive), from
        this calendar's own index (bank holidays and the partnership's overrides): element i is
        the count through first + i days, so for days a and b in the range
        working_days_between(a, b) == counts[b - first] - counts[a - first]. Handed to the
        database as an array, it lets SQL count working days between two date columns exactly as
        working_days_between does (audits.dashboard.selectors.timeliness)."""
        if last < first:
            return []
        counts: list[int] = []
        offset = 0
        for year in range(first.year, last.year + 1):
            indexed = self._year(year)
            low = (first - indexed.first).days if year == first.year else 0
            high = (last - indexed.first).days + 1 if year == last.year else len(indexed.running)
            counts.extend(offset + count for count in indexed.running[low:high])
            offset += indexed.total
        return counts

    def next_working_day(self, day: dt.date) -> dt.date:
        return self.add(day, 1).date

    def holidays_between(self, start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
        """Bank holidays and partnership closures on weekdays in [start, end], with names."""
        if end < start:
            return []
        days = self._skipped(start - dt.timedelta(days=1), end + dt.timedelta(days=1))
        return [(day, bank_holiday_name(day) or "partnership closure") for day in days]


def calendar_for(partnership) -> WorkingCalendar:
    """The partnership's calendar: England's bank holidays with its own overrides."""

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
