"""The working-day calendar, on real dates: Christmas and Boxing Day substitutes, Easter, the
2022 and 2023 one-off bank holidays, clocks starting on weekends and bank holidays, calendar days."""

import datetime as dt

import pytest

from lscp.workdays import WorkingCalendar, bank_holiday_name, explain

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
