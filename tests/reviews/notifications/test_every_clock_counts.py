"""Every clock kind counts everywhere (issue 14 §3): a case whose own clocks are all met but whose
LCSPR is past its completion date, or whose request for information is past its reply-by date, is
a case "with an overdue clock"; the dashboard reads the timeliness of every kind of clock."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.lcspr import services as lcspr_services
from reviews.notifications import services
from reviews.rapid_review import services as rapid_review_services
from tests.audits.helpers import D, api, at
from tests.support.makers_actions import plan_with, ratify_all
from tests.support.makers_reviews import meeting, signed_off, started
from tests.support.world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases():
    """On Mon 5 Oct 2026: `lcspr`, whose own four clocks are met and whose LCSPR (commissioned
    2 Mar, due 2 Sep) is overdue; `request`, whose rapid review is still in time (due Fri 9 Oct)
    but whose request for information (reply by Thu 1 Oct) is overdue; `in_time`, nothing overdue."""
    with at(D(2026, 3, 2)):
        world = make_world("everyclock")
        ctx = world.ctx()
        lcspr = started(world)
        meeting(world, lcspr)
        signed_off(world, lcspr)
        lcspr = services.record_step(ctx, lcspr, step="rapid_review_completed", on=None)
        lcspr = services.record_step(ctx, lcspr, step="outcome_sent", on=D(2026, 3, 2))
        lcspr = services.record_step(ctx, lcspr, step="panel_responded", on=D(2026, 3, 2), response="Agreed")
        lcspr_services.commission(
            ctx,
            lcspr,
            decision_date=D(2026, 3, 2),
            reviewer_name="Dr Jo Reviewer",
            reviewer_kind="independent",
            terms_of_reference="Terms.",
            scope_from=D(2025, 3, 1),
            scope_to=D(2026, 2, 1),
        )
    with at(D(2026, 9, 28)):
        request = started(world)
        rapid_review_services.request_information(
            ctx, request, members=[world.members["agency"]], reply_by=D(2026, 10, 1)
        )
        in_time = started(world)
    return world, lcspr, request, in_time


def test_the_overdue_filter_counts_lcspr_and_request_clocks(cases, as_user):
    world, lcspr, request, in_time = cases
    with at(D(2026, 10, 5)):
        body = api(world.person("business")).get(f"/api/v1/{world.slug}/notifications/?overdue=1").json()
        page = as_user(world.people["business"]).get(reverse("notification-list", args=[world.slug]) + "?overdue=1")
    assert sorted(row["reference"] for row in body["results"]) == sorted([lcspr.reference, request.reference])
    text = page.content.decode()
    assert lcspr.reference in text and request.reference in text and in_time.reference not in text


def test_the_overdue_filter_counts_the_actions_of_a_plan_drawn_up_from_the_case(cases):
    world, lcspr, request, _in_time = cases
    with at(D(2026, 9, 28)):
        case = started(world)
        plan = plan_with(
            world,
            [("1", "Share what the school knew", [("Brief the schools", None, D(2026, 10, 1))])],
            created_on=D(2026, 9, 28),
            notification=case,
        )
        ratify_all(world, plan, D(2026, 9, 28))
    with at(D(2026, 10, 5)):
        body = api(world.person("business")).get(f"/api/v1/{world.slug}/notifications/?overdue=1").json()
    assert sorted(row["reference"] for row in body["results"]) == sorted(
        [lcspr.reference, request.reference, case.reference]
    )


def test_only_the_overdue_filter_asks_for_overdue_clocks(cases, as_user):
    """The lists never show whether a case has an overdue clock: its four subqueries (planned for
    every row of every list when they were a column) are asked only by the filter (issue 15)."""
    world, *_ = cases
    with at(D(2026, 10, 5)), CaptureQueriesContext(connection) as queries:
        assert api(world.person("business")).get(f"/api/v1/{world.slug}/notifications/").status_code == 200
        assert as_user(world.people["business"]).get(reverse("notification-list", args=[world.slug])).status_code == 200
    rows = [
        query["sql"] for query in queries.captured_queries if query["sql"].startswith('SELECT "reviews_notification"')
    ]
    assert len(rows) == 2
    assert not any("EXISTS" in sql for sql in rows)


def test_the_dashboard_reads_every_kind_of_clock(cases, as_user):
    world, lcspr, _, _ = cases
    with at(D(2026, 10, 5)):
        body = api(world.person("scrutineer")).get(f"/api/v1/{world.slug}/dashboard/").json()
        page = as_user(world.people["scrutineer"]).get(reverse("dashboard", args=[world.slug])).content.decode()
    clocks = {row["clock"]: row for row in body["timeliness"]}
    assert {"lcspr_completion", "lcspr_pre_publication", "information_request", "action_due"} <= set(clocks)
    completion = clocks["lcspr_completion"]
    assert (completion["met"], completion["open"], completion["overdue"]) == (0, 1, 1)
    # Due Wed 2 Sep; 23 working days late on Mon 5 Oct (Thu 3 Sep to Mon 5 Oct).
    assert completion["late_count"] == 1
    assert [
        (x["clock"], x["reference"], x["due_date"], x["working_days_late"])
        for x in body["latest_late"]
        if x["clock"] == "lcspr_completion"
    ] == [("lcspr_completion", f"{lcspr.reference} LCSPR", "2026-09-02", 23)]
    asked = clocks["information_request"]
    assert (asked["open"], asked["overdue"]) == (1, 1)
    assert "Complete the LCSPR" in page and f"{lcspr.reference} LCSPR" in page
    assert "Individual agency summary" in page
