"""The dashboard at scale (issue 15): its size does not grow with the late clocks (the latest ten,
and every one on the late clocks' own paginated page and API list), and its medians, counted in
SQL from the partnership's working-day index, equal working_days_between's day for day, bank
holidays and the partnership's own overrides included."""

import datetime as dt
import random
import re
import statistics
from decimal import Decimal

import pytest
from django.urls import reverse

from audits.dashboard import selectors
from lscp.deadlines.workdays import calendar_for
from lscp.models import CalendarOverride, Deadline
from reviews.notifications.models import Notification
from tests.audits.helpers import D, api, at
from tests.support.makers_reviews import submit
from tests.support.world import make_world

pytestmark = pytest.mark.django_db


def cases_like(world, first: Notification, count: int) -> list[Notification]:
    """`count` copies of a notification (bulk: their clocks are made by the test itself)."""
    fields = [f.attname for f in Notification._meta.concrete_fields if f.attname != "id"]
    rows = []
    for index in range(count):
        values = {name: getattr(first, name) for name in fields}
        values.update(reference=f"{first.reference}-{index:03d}", submission_key=f"copy-{index}")
        rows.append(Notification(**values))
    return Notification.dangerously_unscoped.bulk_create(rows)


def clock(world, subject, kind, starts_on, due_date, met_on=None) -> Deadline:
    return Deadline(
        partnership=world.partnership,
        subject_type_id=selectors.deadlines.subject_type_id(Notification),
        subject_id=subject.pk,
        kind=kind,
        starts_on=starts_on,
        due_date=due_date,
        met_on=met_on,
    )


@pytest.fixture
def late_world():
    """25 cases whose Panel clock is overdue on 2 Dec 2026, due on the 25 weekdays before it."""
    with at(D(2026, 12, 2)):
        world = make_world("latelist")
        first = submit(world, aware_date=D(2026, 12, 2))
        Deadline.objects.for_partnership(world.partnership).delete()
        cases = cases_like(world, first, 25)
        dues = [D(2026, 12, 1) - dt.timedelta(days=i) for i in range(40)]
        dues = [day for day in dues if day.weekday() < 5][:25]
        Deadline.dangerously_unscoped.bulk_create(
            [
                clock(world, case, "panel_notification", due - dt.timedelta(days=7), due)
                for case, due in zip(cases, dues, strict=True)
            ]
        )
    return world, cases


def test_the_dashboard_shows_the_latest_ten_late_clocks_and_links_to_them_all(late_world, as_user):
    world, cases = late_world
    with at(D(2026, 12, 2)):
        page = as_user(world.people["scrutineer"]).get(reverse("dashboard", args=[world.slug])).content.decode()
        body = api(world.person("scrutineer")).get(f"/api/v1/{world.slug}/dashboard/").json()
        late_page = as_user(world.people["scrutineer"]).get(reverse("dashboard-late", args=[world.slug]))
        second = as_user(world.people["scrutineer"]).get(reverse("dashboard-late", args=[world.slug]) + "?page=2")
        listed = api(world.person("scrutineer")).get(body["late_url"] + "?page_size=10").json()
    # The latest due first: case 0 was due on 1 Dec, case 24 five weeks before.
    shown = re.findall(r"LAT-\d{4}-\d{3}-(\d{3})", page)
    assert shown == [f"{i:03d}" for i in range(10)]
    assert "The 10 latest due of 25" in page
    assert f'href="{reverse("dashboard-late", args=[world.slug])}">See all 25 late clocks' in page
    assert body["late_count"] == 25 and len(body["latest_late"]) == 10
    assert body["latest_late"][0] == {
        "clock": "panel_notification",
        "label": "Notify the National Panel",
        "reference": cases[0].reference,
        "month": "Dec 2026",
        "due_date": "2026-12-01",
        "met_on": None,
        "working_days_late": 1,
    }
    assert body["timeliness"][0]["late_count"] == 25
    # The late clocks' own page: 25 a page, then the rest; the API list, a page at a time.
    text = late_page.content.decode()
    assert "1 to 25 of 25 late clocks" in text and len(re.findall(r"LAT-\d{4}-\d{3}-\d{3}", text)) == 25
    assert second.status_code == 200
    assert listed["count"] == 25 and len(listed["results"]) == 10 and listed["next"]
    assert listed["results"][0]["reference"] == cases[0].reference


def test_sql_medians_equal_working_days_between_with_bank_holidays_and_overrides():
    """Clocks over three years, around Christmas and Easter, with a bank holiday the partnership
    works and a weekday it closes: each kind's median equals statistics.median of
    working_days_between, counted in Python day by day from the same calendar."""
    with at(D(2026, 12, 2)):
        world = make_world("medians")
        first = submit(world, aware_date=D(2026, 12, 2))
        Deadline.objects.for_partnership(world.partnership).delete()
        CalendarOverride.dangerously_unscoped.create(
            partnership=world.partnership, date=D(2025, 12, 26), is_working_day=True, reason="Boxing Day worked"
        )
        CalendarOverride.dangerously_unscoped.create(
            partnership=world.partnership, date=D(2026, 4, 8), is_working_day=False, reason="Closed for training"
        )
        cases = cases_like(world, first, 60)
        rnd = random.Random(15)
        clocks = []
        for case in cases:
            for kind in ("panel_notification", "rapid_review", "outcome_to_panel"):
                start = D(2024, 1, 1) + dt.timedelta(days=rnd.randrange(1000))
                met = None if rnd.random() < 0.2 else start + dt.timedelta(days=rnd.randrange(0, 60))
                clocks.append(clock(world, case, kind, start, start + dt.timedelta(days=10), met))
        Deadline.dangerously_unscoped.bulk_create(clocks)
        found = {t.kind: t for t in selectors.timeliness(world.ctx())}
    calendar = calendar_for(world.partnership)
    assert calendar.working_days_between(D(2025, 12, 24), D(2025, 12, 29)) == 2  # 26th worked, 25th not
    for kind in ("panel_notification", "rapid_review", "outcome_to_panel"):
        met = [c for c in clocks if c.kind == kind and c.met_on]
        taken = [calendar.working_days_between(c.starts_on, c.met_on) for c in met]
        expected = Decimal(str(statistics.median(taken))).quantize(Decimal("0.1"))
        assert found[kind].median_working_days == expected
        assert found[kind].met == len(met)
        assert found[kind].on_time == sum(c.met_on <= c.due_date for c in met)
    assert found["rapid_review"].median_working_days is not None


def python_figures(world, today: dt.date) -> dict:
    """Each kind's figures read from the clocks as they are, in Python: counts, and the median of
    working_days_between from the partnership's calendar."""
    calendar = calendar_for(world.partnership)
    clocks = Deadline.objects.for_partnership(world.partnership).filter(starts_on__isnull=False, due_date__isnull=False)
    result = {}
    for kind in selectors.clock_kinds():
        mine = [c for c in clocks if c.kind == kind]
        met = [c for c in mine if c.met_on]
        taken = [calendar.working_days_between(c.starts_on, c.met_on) for c in met]
        result[kind] = (
            len(met),
            sum(c.met_on <= c.due_date for c in met),
            sum(c.met_on is None for c in mine),
            sum(c.met_on is None and c.due_date < today for c in mine),
            Decimal(str(statistics.median(taken))).quantize(Decimal("0.1")) if taken else None,
        )
    return result


def sql_figures(world) -> dict:
    return {
        t.kind: (t.met, t.on_time, t.open, t.overdue, t.median_working_days) for t in selectors.timeliness(world.ctx())
    }


def test_the_figures_follow_a_correction_a_refresh_and_a_closure_day():
    """Timeliness reads the clocks as they are now (nothing stored): after a correction moves a
    met date (its clocks re-derived by deadlines.refresh), after a refresh that changes nothing,
    and after the partnership closes a day within the clocks' spans, every kind's counts and
    median equal Python's reading of the same clocks; a kind with no met clock has no median."""
    from reviews import corrections
    from tests.support.makers_reviews import notify_panel

    with at(D(2026, 3, 3)):
        world = make_world("corrected-figures", with_objects=False)
        a = submit(world, aware_date=D(2026, 3, 2))
        b = submit(world, aware_date=D(2026, 3, 3))
    ctx = world.ctx()
    with at(D(2026, 3, 12)):
        a = notify_panel(ctx, a, on=D(2026, 3, 6), panel_reference="P-A")
        b = notify_panel(ctx, b, on=D(2026, 3, 12), panel_reference="P-B")
        before = sql_figures(world)
        assert before == python_figures(world, D(2026, 3, 12))
        assert before["panel_notification"][4] == Decimal("5.5")  # 4 and 7 working days
        assert before["rapid_review"][4] is None  # open clocks only
        a = corrections.correct(
            ctx, a, field="panel_notified_on", value=D(2026, 3, 4), reason="Typed two days late", version=a.version
        )
        selectors.deadlines.refresh(b)
        corrected = sql_figures(world)
        assert corrected["panel_notification"][4] == Decimal("4.5")  # 2 and 7 working days
        assert corrected == python_figures(world, D(2026, 3, 12))
        CalendarOverride.dangerously_unscoped.create(
            partnership=world.partnership, date=D(2026, 3, 10), is_working_day=False, reason="Closed for training"
        )
        closed = sql_figures(world)
        assert closed["panel_notification"][4] == Decimal("4.0")  # 2 and 6 working days
        assert closed == python_figures(world, D(2026, 3, 12))
