"""The working-day calendar, on real dates: Christmas and Boxing Day substitutes, Easter, the
2022 and 2023 one-off bank holidays, clocks starting on weekends and bank holidays, calendar days."""

import datetime as dt

import pytest

from lscp.deadlines.workdays import WorkingCalendar, bank_holiday_name, explain

D = dt.date
calendar = WorkingCalendar()


def due(start, n, unit="working"):
    return calendar.add(start, n, unit).date


def test_the_issue_example_christmas_2026():
    counted = calendar.add(D(2026, 12, 21), 5)
    assert counted.date == D(2026, 12, 30)
    assert counted.skipped_holidays == (D(2026, 12, 25), D(2026, 12, 28))
    text = explain(due=counted.date, start=D(2026, 12, 21), n=5, unit="working", skipped=counted.skipped_holidays)
    assert text == "due Wed 30 Dec 2026: 5 working days after Mon 21 Dec; 25 and 28 Dec are bank holidays"


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2020, 12, 28), "Boxing Day (observed)"),  # Boxing Day on a Saturday
        (D(2021, 12, 27), "Christmas Day (observed)"),  # Christmas on a Saturday
        (D(2021, 12, 28), "Boxing Day (observed)"),
        (D(2022, 12, 27), "Christmas Day (observed)"),  # Christmas on a Sunday
        (D(2022, 6, 2), "Spring Bank Holiday"),  # moved for the Jubilee
        (D(2022, 6, 3), "Platinum Jubilee of Elizabeth II"),
        (D(2022, 9, 19), "State Funeral of Queen Elizabeth II"),
        (D(2023, 5, 8), "Coronation of Charles III"),
        (D(2026, 4, 3), "Good Friday"),
        (D(2026, 4, 6), "Easter Monday"),
        (D(2026, 8, 31), "Late Summer Bank Holiday"),  # England's, not Scotland's
    ],
)
def test_england_bank_holidays_are_not_working_days(day, name):
    assert bank_holiday_name(day) == name
    assert not calendar.is_working_day(day)


def test_christmas_2021_loses_two_substitute_days():
    # Thu 23 Dec 2021 + 5: Fri 24 (1), [27, 28 substitutes], Wed 29 (2), Thu 30 (3), Fri 31 (4), [3 Jan substitute], Tue 4 (5)
    counted = calendar.add(D(2021, 12, 23), 5)
    assert counted.date == D(2022, 1, 4)
    assert counted.skipped_holidays == (D(2021, 12, 27), D(2021, 12, 28), D(2022, 1, 3))
    text = explain(due=counted.date, start=D(2021, 12, 23), n=5, unit="working", skipped=counted.skipped_holidays)
    assert (
        text == "due Tue 4 Jan 2022: 5 working days after Thu 23 Dec 2021; 27 Dec, 28 Dec and 3 Jan are bank holidays"
    )


def test_easter_2026():
    # Wed 1 Apr + 5: Thu 2 (1), [Fri 3 Good Friday], [Mon 6 Easter Monday], Tue 7 (2), Wed 8 (3), Thu 9 (4), Fri 10 (5)
    assert due(D(2026, 4, 1), 5) == D(2026, 4, 10)


def test_the_2022_one_off_holidays():
    # Jubilee: Wed 1 Jun 2022 + 5 skips Thu 2 and Fri 3 Jun: Mon 6 (1) ... Fri 10 (5)
    assert due(D(2022, 6, 1), 5) == D(2022, 6, 10)
    # The Queen's funeral: Fri 16 Sep 2022 + 1 is Tue 20 Sep
    assert due(D(2022, 9, 16), 1) == D(2022, 9, 20)


def test_the_2023_coronation():
    # Fri 5 May 2023 + 2: [Mon 8 Coronation], Tue 9 (1), Wed 10 (2)
    assert due(D(2023, 5, 5), 2) == D(2023, 5, 10)


def test_a_clock_starting_on_a_weekend_or_a_bank_holiday():
    # Start Saturday 7 Nov 2026 (day 0): Mon 9 (1) ... Fri 13 (5)
    assert due(D(2026, 11, 7), 5) == D(2026, 11, 13)
    # Start on Good Friday 2026 (day 0): [Mon 6 Easter Monday], Tue 7 (1) ... Mon 13 (5)
    assert due(D(2026, 4, 3), 5) == D(2026, 4, 13)
    # Fifteen working days from the Saturday before Christmas 2026.
    assert due(D(2026, 12, 19), 15) == D(2027, 1, 13)


def test_calendar_day_policy_ignores_weekends_and_holidays():
    assert due(D(2026, 12, 21), 5, "calendar") == D(2026, 12, 26)
    assert calendar.add(D(2026, 12, 21), 5, "calendar").skipped_holidays == ()


def test_counting_back_for_a_pre_publication_deadline():
    # 7 working days before Wed 6 Jan 2027: Tue 5 (1), Mon 4 (2), [Fri 1 Jan], Thu 31 (3), Wed 30 (4), Tue 29 (5), [Mon 28, Fri 25], Thu 24 (6), Wed 23 (7)
    counted = calendar.subtract(D(2027, 1, 6), 7)
    assert counted.date == D(2026, 12, 23)
    assert counted.skipped_holidays == (D(2026, 12, 25), D(2026, 12, 28), D(2027, 1, 1))


def test_partnership_overrides_add_and_remove_days():
    own = WorkingCalendar(overrides={D(2026, 12, 24): False, D(2026, 12, 28): True})
    # Closed on Christmas Eve, working on the Boxing Day substitute.
    counted = own.add(D(2026, 12, 21), 5)
    assert counted.date == D(2026, 12, 30)
    assert counted.skipped_holidays == (D(2026, 12, 24), D(2026, 12, 25))
    text = explain(due=counted.date, start=D(2026, 12, 21), n=5, unit="working", skipped=counted.skipped_holidays)
    assert text.endswith("24 and 25 Dec are not working days")


def test_working_days_between_measures_timeliness():
    assert calendar.working_days_between(D(2026, 12, 21), D(2026, 12, 30)) == 5
    assert calendar.working_days_between(D(2026, 12, 30), D(2026, 12, 21)) == -5
    assert calendar.working_days_between(D(2026, 12, 21), D(2026, 12, 21)) == 0


def _walked(own: WorkingCalendar, start: dt.date, n: int) -> tuple[dt.date, tuple[dt.date, ...]]:
    """The definition, day by day: the nth working day after (or before) start, and the
    non-working weekdays passed on the way."""
    day, counted, skipped, step = start, 0, [], 1 if n >= 0 else -1
    while counted < abs(n):
        day += dt.timedelta(days=step)
        if own.is_working_day(day):
            counted += 1
        elif own.is_non_working_weekday(day):
            skipped.append(day)
    return day, tuple(sorted(skipped))


def test_the_indexed_count_agrees_with_walking_day_by_day():
    """The index (constant work per count) gives what counting day by day gives, over year ends,
    bank holidays, weekends and a partnership's own days, forwards and backwards."""
    import random

    own = WorkingCalendar(overrides={D(2026, 12, 24): False, D(2026, 12, 28): True, D(2027, 1, 2): True})
    chance = random.Random(2026)  # fixed: the same dates every run
    starts = [D(2026, 12, 19), D(2027, 1, 1), D(2024, 2, 29), D(2020, 12, 31)] + [
        D(2019, 1, 1) + dt.timedelta(days=chance.randrange(0, 12 * 365)) for _ in range(300)
    ]
    for own_calendar in (calendar, own):
        for start in starts:
            for n in (1, 2, 5, 15, 40, 261, 700, -1, -2, -7, -30, -400):
                counted = own_calendar.add(start, n)
                assert (counted.date, counted.skipped_holidays) == _walked(own_calendar, start, n), (start, n)
                if n > 0:
                    assert own_calendar.working_days_between(start, counted.date) == n, (start, n)
            end = start + dt.timedelta(days=chance.randrange(0, 2000))
            walked = sum(
                own_calendar.is_working_day(start + dt.timedelta(days=i + 1)) for i in range((end - start).days)
            )
            assert own_calendar.working_days_between(start, end) == walked
            assert own_calendar.working_days_between(end, start) == -walked


def test_counting_far_ahead_needs_no_span_limit_and_the_calendar_has_ends():
    from lscp.deadlines.workdays import OutOfCalendar

    # Ten years of working days (a clock ten years overdue) is an ordinary count now.
    assert calendar.working_days_between(D(2016, 12, 1), D(2026, 12, 1)) == 2525
    assert calendar.add(D(2016, 12, 1), 2525).date == D(2026, 12, 1)
    with pytest.raises(OutOfCalendar):
        calendar.add(D(9999, 12, 30), 5)
    with pytest.raises(OutOfCalendar):
        calendar.add(D(9999, 12, 30), 5, "calendar")
    with pytest.raises(OutOfCalendar):
        calendar.subtract(D(1, 1, 3), 5)


def test_holidays_between_lists_the_closed_weekdays_with_their_names():
    own = WorkingCalendar(overrides={D(2026, 12, 24): False, D(2026, 12, 28): True})
    assert own.holidays_between(D(2026, 12, 24), D(2027, 1, 1)) == [
        (D(2026, 12, 24), "partnership closure"),
        (D(2026, 12, 25), "Christmas Day"),
        (D(2027, 1, 1), "New Year's Day"),
    ]


def test_a_year_s_bank_holidays_are_read_from_the_shared_cache_without_importing_the_package(monkeypatch):
    """A web process finds each year's bank holidays in the shared cache: it never imports the
    `holidays` package (about 19 MiB and 400 modules) once a year has been worked out anywhere."""
    import holidays

    from lscp.deadlines import workdays

    workdays._england_bank_holidays.cache_clear()
    worked_out = workdays._england_bank_holidays(2026)
    assert worked_out[D(2026, 8, 31)] == "Late Summer Bank Holiday"
    workdays._england_bank_holidays.cache_clear()  # another process: nothing in its own memory
    monkeypatch.setattr(holidays, "country_holidays", lambda *args, **kwargs: pytest.fail("the package was asked"))
    try:
        assert workdays._england_bank_holidays(2026) == worked_out
    finally:
        workdays._england_bank_holidays.cache_clear()


def test_a_year_without_overrides_is_indexed_once_for_every_calendar():
    """Each partnership's calendar (one per page or sweep) finds England's years already counted;
    a year with one of the partnership's own overrides gets an index of its own, and the shared
    one is untouched."""
    plain, other = WorkingCalendar(), WorkingCalendar(overrides={D(2027, 3, 1): False})
    assert plain._year(2026) is other._year(2026)
    assert plain._year(2027) is not other._year(2027)
    assert other.working_days_between(D(2027, 2, 26), D(2027, 3, 2)) == 1  # Monday closed
    assert plain.working_days_between(D(2027, 2, 26), D(2027, 3, 2)) == 2
    assert WorkingCalendar()._year(2027) is plain._year(2027)
