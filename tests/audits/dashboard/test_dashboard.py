"""The dashboard's figures: the clocks' timeliness, the pages' query counts, actions by organisation."""

import datetime as dt
import itertools
import re

import pytest
from django.urls import reverse

from audits.dashboard import selectors as dashboard_selectors
from audits.models import Cycle, SelfAssessment
from audits.programme import services as programme_services
from audits.quarters import current_year_start
from audits.self_assessment import services as self_assessment_services
from reviews.notifications import services as review_services
from tests.audits.helpers import D, agency_return, api, at
from tests.support import queries
from tests.support.makers_actions import make_plan
from tests.support.makers_audits import green_return
from tests.support.makers_reviews import child, meeting, notify_panel, signed_off, submit
from tests.support.world import make_world

pytestmark = pytest.mark.django_db


# ----------------------------------------------------------------------------------------------
# Timeliness on a fixed set of cases, against figures worked out by hand


def test_timeliness_figures_equal_the_hand_worked_ones():
    with at(D(2026, 3, 2)):
        world = make_world("timely", with_objects=False)
        a = submit(world, aware_date=D(2026, 3, 2), children=[child("Child A")])
    ctx = world.ctx()
    with at(D(2026, 3, 6)):
        a = notify_panel(ctx, a, on=D(2026, 3, 6), panel_reference="P-A")
        a = review_services.record_step(ctx, a, step="rapid_review_started", on=D(2026, 3, 6))
        meeting(world, a, meeting_date=D(2026, 3, 6))
    with at(D(2026, 3, 31)):
        signed_off(world, a)
        a = review_services.record_step(ctx, a, step="rapid_review_completed", on=D(2026, 3, 31), confirm=True)
    with at(D(2026, 4, 8)):
        a = review_services.record_step(ctx, a, step="outcome_sent", on=D(2026, 4, 8))
    with at(D(2026, 4, 27)):
        review_services.record_step(ctx, a, step="panel_responded", on=D(2026, 4, 27), response="Agreed")
    with at(D(2026, 6, 10)):
        b = submit(world, aware_date=D(2026, 6, 1), incident_date=D(2026, 6, 1), children=[child("Child B")])
        b = notify_panel(ctx, b, on=D(2026, 6, 10), panel_reference="P-B")
    with at(D(2026, 6, 15)):
        c = submit(world, aware_date=D(2026, 6, 15), children=[child("Child C")])
    with at(D(2026, 6, 30)):
        figures = {t.kind: t for t in dashboard_selectors.timeliness(ctx)}
        late = {
            kind: dashboard_selectors.name_late(ctx, dashboard_selectors.late_clocks(ctx, kinds=[kind]))[::-1]
            for kind in figures
        }
    # Worked by hand (working days: Mon-Fri without England's bank holidays, Good Friday 3 and
    # Easter Monday 6 April 2026 among them):
    panel = figures["panel_notification"]
    # A: aware Mon 2 Mar, due Mon 9 Mar, met Fri 6 Mar (4 working days). B: aware Mon 1 Jun, due
    # Mon 8 Jun, met Wed 10 Jun (7 working days, 2 late). C: aware Mon 15 Jun, due Mon 22 Jun, open.
    assert (panel.met, panel.on_time, panel.open, panel.overdue, panel.late) == (2, 1, 1, 1, 2)
    assert panel.percent_on_time == 50 and str(panel.median_working_days) == "5.5"
    assert [(x.reference, x.month, x.working_days_late, x.met_on) for x in late["panel_notification"]] == [
        (b.reference, "Jun 2026", 2, D(2026, 6, 10)),
        (c.reference, "Jun 2026", 6, None),  # Tue 23 to Tue 30 June
    ]
    rapid = figures["rapid_review"]
    # A: started (Panel notified) Fri 6 Mar, due Fri 27 Mar, completed Tue 31 Mar: 17 days, 2 late.
    # B: notified Wed 10 Jun, due Wed 1 Jul: open, not overdue on 30 June.
    assert (rapid.met, rapid.on_time, rapid.open, rapid.overdue) == (1, 0, 1, 0)
    assert rapid.percent_on_time == 0 and rapid.median_working_days == 17
    assert [(x.reference, x.month, x.working_days_late) for x in late["rapid_review"]] == [(a.reference, "Mar 2026", 2)]
    outcome = figures["outcome_to_panel"]
    # Completed Tue 31 Mar, due Thu 9 Apr (Easter), sent Wed 8 Apr: 4 working days.
    assert (outcome.met, outcome.on_time, outcome.percent_on_time, outcome.median_working_days) == (1, 1, 100, 4)
    response = figures["panel_response"]
    # Sent Wed 8 Apr, due Wed 29 Apr, received Mon 27 Apr: 13 working days.
    assert (response.met, response.on_time, response.median_working_days) == (1, 1, 13)
    # The same figures over the API, with no child details anywhere.
    with at(D(2026, 6, 30)):
        body = api(world.person("scrutineer")).get(f"/api/v1/{world.slug}/dashboard/").json()
    assert body["timeliness"][0]["percent_on_time"] == "50.0" and body["timeliness"][0]["median_working_days"] == "5.5"
    assert "Child A" not in str(body) and "Child C" not in str(body)


# ----------------------------------------------------------------------------------------------
# The dashboard


def test_the_dashboard_is_read_only_and_has_no_child_details(world_a, cycle, as_user):
    green_return(world_a, agency_return(world_a, cycle))
    page = as_user(world_a.people["scrutineer"]).get(reverse("dashboard", args=[world_a.slug])).content.decode()
    for heading in (
        "Timeliness of the clocks",
        "Audit programme",
        "Self-assessments: Section 11 audit 2026-27",
        "Funding by sector",
        "Challenge log",
    ):
        assert heading in page
    assert "Child Q" not in page and "What happened." not in page
    # Signing out, and the timeout warning's two buttons (stay signed in, sign out): nothing else.
    forms = re.findall(r'<form[^>]*method="post"[^>]*action="([^"]*)"', page)
    assert forms == [reverse("sign-out"), reverse("session-refresh"), reverse("sign-out")]


_SERIAL = itertools.count()


def grow_audits(world, n: int) -> None:
    """n more notifications, audits, organisations and action plans, and a new Section 11 cycle
    across every organisation (so the latest cycle's heatmap has more rows each time)."""
    from partners import services as partner_services
    from partners.models import Member, Sector
    from tests.support.world import organisation

    today = dt.date.today()
    for index in range(n):
        k = next(_SERIAL)
        submit(world, aware_date=today - dt.timedelta(days=20 + index), incident_date=today - dt.timedelta(days=30))
        programme_services.audit_save(
            world.ctx(),
            title=f"Audit {k}",
            kind="deep_dive",
            year_start=current_year_start(),
            quarter=index % 4 + 1,
            participants=[world.members["agency"], world.members["police"]],
        )
        partner_services.member_add(
            ctx=world.ctx(), organisation=organisation(f"Agency {k}", Sector.OTHER), kind="relevant_agency"
        )
        make_plan(world, title=f"Plan {k}", actions=3)
    cycle = self_assessment_services.cycle_create(
        world.ctx(),
        name=f"Cycle {next(_SERIAL)}",
        framework="s11",
        opens_on=today,
        due_on=today + dt.timedelta(days=9),
        members=list(Member.objects.for_partnership(world.partnership)),
    )
    green_return(
        world,
        SelfAssessment.objects.for_partnership(world.partnership).get(cycle=cycle, member=world.members["agency"]),
    )


# (what, url, who, ceiling). A list read is one INSERT into the activity log (issue 12).
AUDIT_PAGES = [
    ("dashboard", "/{slug}/dashboard/", "scrutineer", 24),
    # Every late clock, a page at a time: named by their records, one query per kind of record.
    ("late clocks", "/{slug}/dashboard/late/", "scrutineer", 9),
    ("api late clocks", "/api/v1/{slug}/dashboard/late/", "scrutineer", 6),
    ("audit programme", "/{slug}/audits/", "business", 9),
    ("self-assessments", "/{slug}/self-assessments/", "business", 9),
    ("self-assessments, agency lead", "/{slug}/self-assessments/", "agency", 9),
    ("latest cycle", "/{slug}/self-assessments/cycles/{cycle}/", "business", 12),
    ("api dashboard", "/api/v1/{slug}/dashboard/", "scrutineer", 21),
    ("api audits", "/api/v1/{slug}/audits/", "business", 5),
    ("api cycles", "/api/v1/{slug}/self-assessment-cycles/", "business", 8),
    ("api returns", "/api/v1/{slug}/self-assessments/", "business", 6),
]


@pytest.mark.parametrize(("what", "url", "who", "ceiling"), AUDIT_PAGES, ids=[p[0] for p in AUDIT_PAGES])
def test_audit_pages_run_a_fixed_number_of_queries(what, url, who, ceiling, full_world, as_user):
    """Measured with one record of every model and a little more, and again with several times as
    many cases, audits, actions, cycles and returns: the counts are equal, and under the pinned
    ceiling."""
    world_a = full_world
    client = api(world_a.person(who)) if url.startswith("/api/") else as_user(world_a.people[who])

    def measure():
        latest = Cycle.objects.for_partnership(world_a.partnership).order_by("-pk").first()
        return queries.get(client, url.format(slug=world_a.slug, cycle=latest.pk))

    grow_audits(world_a, 1)
    small = measure()
    grow_audits(world_a, 6)
    large = measure()
    queries.assert_constant(small, large, ceiling=ceiling, what=what)


def test_open_and_overdue_actions_by_organisation(db, as_user):
    """Two live plans and a draft: the draft's actions do not count; one action overdue by its clock,
    one complete, one owned by the business unit."""
    from reviews.action_plans import services as plan_services
    from reviews.action_plans.models import Action

    world = make_world("essex", area="Essex", with_objects=False)
    today = dt.date.today()
    plan = make_plan(world, title="Child Q", actions=3)  # NELFT-like agency: 3 actions, due in 60+ days
    make_plan(world, title="Draft", live=False, actions=4)  # not live: not counted
    assert Action.objects.for_partnership(world.partnership).count() == 7
    # 61 days on, the first (due in 60 days) is past due by its clock; the other two (61, 62) are not.
    rows = dashboard_selectors.actions_by_organisation(world.ctx(), today=today + dt.timedelta(days=61))
    agency = str(world.members["agency"].organisation)
    assert [(r.organisation, r.open, r.overdue, r.complete) for r in rows] == [(agency, 3, 1, 0)]

    plan_services.action_add(
        world.ctx(),
        plan.recommendations.first(),
        description="Audit the protocol's use",
        owner_member=None,
        due_date=today + dt.timedelta(days=90),
    )
    rows = dashboard_selectors.actions_by_organisation(world.ctx())
    assert [(r.organisation, r.open, r.overdue) for r in rows] == [
        (agency, 3, 0),
        (f"{world.partnership.name} business unit", 1, 0),
    ]

    page = as_user(world.people["scrutineer"]).get(reverse("dashboard", args=[world.slug])).content.decode()
    assert "Action plans: open and overdue actions by organisation" in page and "Actions by owner organisation" in page
    body = api(world.person("scrutineer")).get(f"/api/v1/{world.slug}/dashboard/").json()
    assert {"organisation": agency, "open": 3, "overdue": 0, "complete": 0} in body["actions_by_organisation"]


def test_actions_are_counted_by_owner_member_and_each_group_named_once(db):
    """Issue 15: the actions are grouped by their owner member's id, and each group looks up its
    organisation's name; they used to be joined one by one to their member and organisation and
    grouped by the name (11 -> 9 ms over 20,000 actions on the national bench). Same figures."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world = make_world("essex", area="Essex", with_objects=False)
    make_plan(world, title="Child Q", actions=2)
    with CaptureQueriesContext(connection) as captured:
        rows = dashboard_selectors.actions_by_organisation(world.ctx())
    assert [(r.organisation, r.open) for r in rows] == [(str(world.members["agency"].organisation), 2)]
    [sql] = [q["sql"] for q in captured.captured_queries if 'FROM "reviews_action"' in q["sql"]]
    assert 'JOIN "partners_member" ON ("reviews_action"."owner_member_id"' not in sql
    assert sql.endswith("GROUP BY 1") and '"reviews_action"."owner_member_id" AS "owner_member_id"' in sql
