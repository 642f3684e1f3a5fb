"""The audit programme, Section 11 self-assessments with moderation, and the dashboard's figures."""

import datetime as dt
import html as html_lib
import itertools
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from audits.dashboard import selectors as dashboard_selectors
from audits.models import Audit, Cycle, SelfAssessment, Standard
from audits.programme import selectors as programme_selectors
from audits.programme import services as programme_services
from audits.quarters import current_year_start
from audits.self_assessment import selectors as self_assessment_selectors
from audits.self_assessment import services as self_assessment_services
from lscp import deadlines, outbox
from lscp.models import ActivityEvent, OutboxEmail
from lscp.roles import Role
from lscp.states import StateError
from reviews import services as review_services
from tests.support import queries
from tests.support.clients import error_by_field
from tests.support.makers_actions import make_plan
from tests.support.makers_audits import green_return
from tests.support.makers_reviews import child, meeting, signed_off, submit
from tests.support.world import add_person, make_world

pytestmark = pytest.mark.django_db
D = dt.date


def at(day):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10), tick=False)


def api(person):
    client = APIClient()
    client.force_authenticate(person)
    return client


# ----------------------------------------------------------------------------------------------
# Timeliness on a fixed set of cases, against figures worked out by hand


def test_timeliness_figures_equal_the_hand_worked_ones():
    with at(D(2026, 3, 2)):
        world = make_world("timely", with_objects=False)
        a = submit(world, aware_date=D(2026, 3, 2), children=[child("Child A")])
    ctx = world.ctx()
    with at(D(2026, 3, 6)):
        a = review_services.record_step(ctx, a, "panel_notified", on=D(2026, 3, 6), panel_reference="P-A")
        a = review_services.record_step(ctx, a, "rapid_review_started", on=D(2026, 3, 6))
        meeting(world, a, meeting_date=D(2026, 3, 6))
    with at(D(2026, 3, 31)):
        signed_off(world, a)
        a = review_services.record_step(ctx, a, "rapid_review_completed", on=D(2026, 3, 31))
    with at(D(2026, 4, 8)):
        a = review_services.record_step(ctx, a, "outcome_sent", on=D(2026, 4, 8))
    with at(D(2026, 4, 27)):
        review_services.record_step(ctx, a, "panel_responded", on=D(2026, 4, 27), response="Agreed")
    with at(D(2026, 6, 10)):
        b = submit(world, aware_date=D(2026, 6, 1), incident_date=D(2026, 6, 1), children=[child("Child B")])
        b = review_services.record_step(ctx, b, "panel_notified", on=D(2026, 6, 10), panel_reference="P-B")
    with at(D(2026, 6, 15)):
        c = submit(world, aware_date=D(2026, 6, 15), children=[child("Child C")])
    with at(D(2026, 6, 30)):
        figures = {t.kind: t for t in dashboard_selectors.timeliness(ctx)}
    # Worked by hand (working days: Mon-Fri without England's bank holidays, Good Friday 3 and
    # Easter Monday 6 April 2026 among them):
    panel = figures["panel_notification"]
    # A: aware Mon 2 Mar, due Mon 9 Mar, met Fri 6 Mar (4 working days). B: aware Mon 1 Jun, due
    # Mon 8 Jun, met Wed 10 Jun (7 working days, 2 late). C: aware Mon 15 Jun, due Mon 22 Jun, open.
    assert (panel.met, panel.on_time, panel.open, panel.overdue) == (2, 1, 1, 1)
    assert panel.percent_on_time == 50 and str(panel.median_working_days) == "5.5"
    assert [(x.reference, x.month, x.working_days_late, x.met_on) for x in panel.late] == [
        (b.reference, "Jun 2026", 2, D(2026, 6, 10)),
        (c.reference, "Jun 2026", 6, None),  # Tue 23 to Tue 30 June
    ]
    rapid = figures["rapid_review"]
    # A: started (Panel notified) Fri 6 Mar, due Fri 27 Mar, completed Tue 31 Mar: 17 days, 2 late.
    # B: notified Wed 10 Jun, due Wed 1 Jul: open, not overdue on 30 June.
    assert (rapid.met, rapid.on_time, rapid.open, rapid.overdue) == (1, 0, 1, 0)
    assert rapid.percent_on_time == 0 and rapid.median_working_days == 17
    assert [(x.reference, x.month, x.working_days_late) for x in rapid.late] == [(a.reference, "Mar 2026", 2)]
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
# The audit programme


def test_planning_audits_and_re_audits(world_a):
    year = current_year_start()
    ctx = world_a.ctx()
    first = programme_services.audit_save(ctx, title="Neglect deep dive", kind="deep_dive", year_start=year, quarter=2)
    with pytest.raises(ValidationError) as error:
        programme_services.audit_save(
            ctx, title="Too early", kind="deep_dive", year_start=year, quarter=1, re_audit_of=first
        )
    assert "A re-audit comes after the audit it revisits" in error.value.message_dict["re_audit_of"][0]
    with pytest.raises(ValidationError) as error:
        programme_services.audit_save(ctx, title="Q5", kind="deep_dive", year_start=year, quarter=5)
    assert error.value.message_dict == {"quarter": ["The quarter must be Q1, Q2, Q3 or Q4"]}
    with pytest.raises(ValidationError) as error:
        programme_services.audit_save(ctx, first, status="complete")
    assert set(error.value.message_dict) == {"findings", "completed_on"}
    done = programme_services.audit_save(
        ctx,
        first,
        status="complete",
        findings="Thresholds applied unevenly",
        completed_on=dt.date.today(),
        children_involved=True,
    )
    assert done.status == "complete" and done.version == first.version + 1
    later = programme_services.audit_save(
        ctx, title="Neglect re-audit", kind="deep_dive", year_start=year, quarter=4, re_audit_of=done
    )
    coverage = programme_selectors.audit_coverage(ctx, year_start=year)
    assert coverage.re_audits >= 1 and later in done.re_audits.all()


def test_an_audit_page_bad_then_good_and_the_scrutineer_cannot_plan(world_a, as_user):
    client = as_user(world_a.people["business"])
    url = reverse("audit-add", args=[world_a.slug])
    year = current_year_start()
    bad = client.post(url, {"title": "", "kind": "deep_dive", "when": f"{year}-1", "status": "complete"})
    html = bad.content.decode()
    assert error_by_field(html, "id_title") == "This field is required."
    good = client.post(
        url,
        {
            "title": "Exploitation quality conversation",
            "kind": "quality_conversation",
            "when": f"{year}-3",
            "status": "planned",
            "participants": [world_a.members["police"].pk],
            "practitioners_involved": "true",
        },
    )
    assert good.status_code == 302
    audit = Audit.objects.for_partnership(world_a.partnership).get(title="Exploitation quality conversation")
    assert audit.quarter == 3 and list(audit.participants.all()) == [world_a.members["police"]]
    assert as_user(world_a.people["scrutineer"]).post(url, {"title": "x"}).status_code == 403


# ----------------------------------------------------------------------------------------------
# Self-assessments


@pytest.fixture
def cycle(world_a):
    world_a.objects[Standard]  # the Section 11 standards the cycle copies
    today = dt.date.today()
    return self_assessment_services.cycle_create(
        world_a.ctx(),
        name="Section 11 audit 2026-27",
        framework="s11",
        opens_on=today - dt.timedelta(days=5),
        due_on=today + dt.timedelta(days=10),
        members=[world_a.members["agency"], world_a.members["police"]],
    )


def agency_return(world, cycle):
    return SelfAssessment.objects.for_partnership(world.partnership).get(cycle=cycle, member=world.members["agency"])


def test_a_cycle_copies_the_standards_and_runs_a_clock_per_return(world_a, cycle):
    assert [s.title for s in cycle.standards.all()][:3] == [
        "Senior management commitment",
        "Accountability",
        "Service development",
    ]
    assert cycle.standards.count() == 9
    standard = Standard.objects.for_partnership(world_a.partnership).get(framework="s11", number=1)
    self_assessment_services.standard_save(
        world_a.ctx(), standard, framework="s11", number=1, title="Leadership", description=""
    )
    assert cycle.standards.get(number=1).title == "Senior management commitment"  # the cycle keeps its copy
    assessment = agency_return(world_a, cycle)
    clock = deadlines.clocks_for(assessment)[0]
    assert clock.due_date == cycle.due_on and clock.status_on(dt.date.today()) == "open"
    email = OutboxEmail.objects.for_partnership(world_a.partnership).get(key=f"self-assessment:{assessment.pk}:opened")
    assert email.to == [world_a.person("agency").email]


def test_grades_are_red_amber_or_green_and_a_return_is_submitted_once(world_a, cycle):
    assessment = agency_return(world_a, cycle)
    first = assessment.grades.first()
    with pytest.raises(ValidationError) as error:
        self_assessment_services.return_save(
            world_a.ctx("agency"), assessment, grades={first.pk: {"grade": "purple", "evidence": "x"}}
        )
    assert error.value.message_dict[f"grade_{first.pk}"] == [
        "Standard 1: the grade must be red, amber or green, not 'purple'"
    ]
    with pytest.raises(ValidationError) as error:
        self_assessment_services.return_save(
            world_a.ctx("agency"), assessment, grades={first.pk: {"grade": "amber", "evidence": "x"}}, submit=True
        )
    messages = error.value.message_dict
    assert messages[f"improvement_actions_{first.pk}"] == ["Standard 1: say what will improve it"]
    assert len([k for k in messages if k.startswith("grade_")]) == 8  # the eight not graded
    submitted = green_return(world_a, assessment)
    assert submitted.status == "submitted" and deadlines.clocks_for(submitted)[0].met_on == dt.date.today()
    with pytest.raises(StateError, match="cannot be submitted or changed again"):
        green_return(world_a, submitted)
    response = api(world_a.person("agency")).patch(
        f"/api/v1/{world_a.slug}/self-assessments/{assessment.pk}/",
        {"grades": [{"id": first.pk, "grade": "green", "evidence": "x"}], "submit": True},
        format="json",
    )
    assert response.status_code == 409


def test_a_return_saved_elsewhere_meanwhile_keeps_what_was_typed_and_changes_nothing(world_a, cycle, as_user):
    assessment = agency_return(world_a, cycle)
    first = assessment.grades.order_by("standard__number").first()
    client = as_user(world_a.people["agency"])
    url = reverse("self-assessment-detail", args=[world_a.slug, assessment.pk])
    read = int(re.search(r'name="version" value="(\d+)"', client.get(url).content.decode()).group(1))
    # The same lead, in another tab, saves a draft first.
    self_assessment_services.return_save(
        world_a.ctx("agency"), assessment, grades={first.pk: {"grade": "amber", "evidence": "Tab 2"}}
    )
    posted = {
        "version": read,
        f"grade_{first.pk}": "green",
        f"evidence_{first.pk}": "Board minutes of 3 March show the commitment",
        "action": "save",
    }
    response = client.post(url, posted)
    html = response.content.decode()
    assert response.status_code == 200
    assert "This return was changed by someone else while you were editing it" in html
    assert "Board minutes of 3 March show the commitment" in html
    assert f'name="version" value="{read + 1}"' in html
    first.refresh_from_db()
    assert (first.grade, first.evidence) == ("amber", "Tab 2")
    # Saving again, knowingly, goes through.
    assert client.post(url, {**posted, "version": read + 1}).status_code == 302
    first.refresh_from_db()
    assert (first.grade, first.evidence) == ("green", "Board minutes of 3 March show the commitment")


def test_an_audit_changed_meanwhile_keeps_the_edit_on_the_page(world_a, as_user):
    audit = programme_services.audit_save(
        world_a.ctx(), title="Neglect deep dive", kind="deep_dive", year_start=2026, quarter=3, status="planned"
    )
    client = as_user(world_a.people["business"])
    url = reverse("audit-edit", args=[world_a.slug, audit.pk])
    read = int(re.search(r'name="version" value="(\d+)"', client.get(url).content.decode()).group(1))
    programme_services.audit_save(world_a.ctx(), audit, status="in_progress")
    mine = {
        "version": read,
        "title": "Neglect deep dive (Q3)",
        "kind": "deep_dive",
        "when": "2026-3",
        "status": "planned",
    }
    html = client.post(url, mine).content.decode()
    assert "This audit was changed by someone else while you were editing it" in html
    assert 'value="Neglect deep dive (Q3)"' in html and f'name="version" value="{read + 1}"' in html
    audit.refresh_from_db()
    assert (audit.title, audit.status) == ("Neglect deep dive", "in_progress")


def police_return(world, cycle):
    return SelfAssessment.objects.for_partnership(world.partnership).get(cycle=cycle, member=world.members["police"])


def test_the_business_unit_records_a_return_an_organisation_sent_in(world_a, cycle, as_user):
    """Essex Police has no agency lead here: its return came by email, and the business unit
    records it, dated when it was received, which is what its clock measures."""
    assessment = police_return(world_a, cycle)
    rows = list(assessment.grades.order_by("standard__number"))
    client = as_user(world_a.people["business"])
    url = reverse("self-assessment-detail", args=[world_a.slug, assessment.pk])
    page = client.get(url).content.decode()
    assert "Record the return Essex Police sent in" in page and "Record as submitted" in page
    today = dt.date.today()
    posted = {"version": assessment.version, "action": "submit"}
    for row in rows:
        posted |= {f"grade_{row.pk}": "green", f"evidence_{row.pk}": f"Standard {row.standard.number} evidence"}
    posted[f"grade_{rows[5].pk}"] = "amber"
    posted[f"improvement_actions_{rows[5].pk}"] = "Recheck DBS every three years"

    def received(day):
        return {"received_on-day": day.day, "received_on-month": day.month, "received_on-year": day.year}

    for day, message in [
        (today + dt.timedelta(days=1), "The date received must be today or in the past"),
        (
            cycle.opens_on - dt.timedelta(days=1),
            f"The date received cannot be before the cycle opened ({cycle.opens_on.day} {cycle.opens_on:%B %Y})",
        ),
    ]:
        html = client.post(url, posted | received(day)).content.decode()
        assert error_by_field(html, "id_received_on") == message
        assert "Recheck DBS every three years" in html  # kept
        assessment.refresh_from_db()
        assert assessment.status == "not_started" and assessment.submitted_on is None
    on = cycle.opens_on + dt.timedelta(days=1)
    response = client.post(url, posted | received(on))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.status, assessment.submitted_on, assessment.recorded_for_organisation) == ("submitted", on, True)
    assert assessment.submitted_by == world_a.person("business")
    assert deadlines.clocks_for(assessment)[0].met_on == on
    page = html_lib.unescape(client.get(url).content.decode())
    assert f"Essex Police's return has been recorded as received on {on:%-d %B %Y}" in page
    assert "received from the organisation" in page and "(business unit)" in page
    assert "Save the moderation" in page  # now the business unit's to moderate
    event = ActivityEvent.objects.for_partnership(world_a.partnership).get(
        event="self_assessment.submitted", object_id=str(assessment.pk)
    )
    assert event.changes["received from the organisation on"]["new"] == on.isoformat()


def test_only_the_business_unit_records_for_an_organisation_and_only_it_dates_a_return(world_a, cycle, as_user):
    police = police_return(world_a, cycle)
    nelft = agency_return(world_a, cycle)
    url = reverse("self-assessment-detail", args=[world_a.slug, police.pk])
    assert as_user(world_a.people["agency"]).post(url, {"version": 1, "action": "draft"}).status_code == 404
    for who in ("council", "scrutineer"):
        assert as_user(world_a.people[who]).post(url, {"version": 1, "action": "draft"}).status_code == 403
    own = reverse("self-assessment-detail", args=[world_a.slug, nelft.pk])
    assert "Date the return was received" not in as_user(world_a.people["agency"]).get(own).content.decode()
    first = nelft.grades.order_by("standard__number").first()
    dated = api(world_a.person("agency")).patch(
        f"/api/v1/{world_a.slug}/self-assessments/{nelft.pk}/",
        {"grades": [{"id": first.pk, "grade": "green"}], "received_on": dt.date.today().isoformat()},
        format="json",
    )
    assert dated.status_code == 400
    assert dated.json() == {"received_on": ["Only the business unit records the date a return was received"]}
    grades = [{"id": g.pk, "grade": "green", "evidence": "Emailed return"} for g in police.grades.all()]
    recorded = api(world_a.person("business")).patch(
        f"/api/v1/{world_a.slug}/self-assessments/{police.pk}/",
        {"grades": grades, "submit": True, "received_on": cycle.opens_on.isoformat()},
        format="json",
    )
    assert recorded.status_code == 200
    body = recorded.json()
    assert (body["status"], body["submitted_on"], body["recorded_for_organisation"]) == (
        "submitted",
        cycle.opens_on.isoformat(),
        True,
    )


def test_moderation_is_the_business_units_and_challenges_need_a_reason_and_a_grade(world_a, cycle, as_user):
    assessment = green_return(world_a, agency_return(world_a, cycle))
    rows = list(assessment.grades.order_by("standard__number"))
    decisions = {row.pk: {"moderation": "agreed"} for row in rows}
    with pytest.raises(PermissionDenied):
        self_assessment_services.return_moderate(world_a.ctx("agency"), assessment, decisions=decisions)
    url = reverse("self-assessment-detail", args=[world_a.slug, assessment.pk])
    assert as_user(world_a.people["agency"]).post(url, {f"moderation_{rows[0].pk}": "agreed"}).status_code == 403
    assert (
        api(world_a.person("agency"))
        .post(f"/api/v1/{world_a.slug}/self-assessments/{assessment.pk}/moderate/", {"decisions": []}, format="json")
        .status_code
        == 403
    )
    decisions[rows[4].pk] = {"moderation": "challenged", "comment": "", "agreed_grade": ""}
    with pytest.raises(ValidationError) as error:
        self_assessment_services.return_moderate(world_a.ctx(), assessment, decisions=decisions)
    assert set(error.value.message_dict) == {f"comment_{rows[4].pk}", f"agreed_grade_{rows[4].pk}"}
    decisions[rows[4].pk] = {
        "moderation": "challenged",
        "comment": "DBS checks are not rechecked",
        "agreed_grade": "amber",
    }
    moderated = self_assessment_services.return_moderate(world_a.ctx(), assessment, decisions=decisions)
    assert moderated.status == "moderated"
    heat = self_assessment_selectors.heatmap(world_a.ctx(), cycle=cycle)
    nelft = next(row for row in heat.rows if row.organisation == "NELFT")
    assert nelft.cells[4] == "amber" and nelft.cells.count("green") == 8
    police = next(row for row in heat.rows if row.organisation == "Essex Police")
    assert police.cells == [""] * 9  # not submitted: nothing shown


def test_a_late_return_is_reminded_and_escalated_through_the_clocks(world_a, smtp):
    world_a.objects[Standard]  # the Section 11 standards the cycle copies
    today = dt.date.today()
    cycle = self_assessment_services.cycle_create(
        world_a.ctx(),
        name="Late cycle",
        framework="s11",
        opens_on=today - dt.timedelta(days=40),
        due_on=today - dt.timedelta(days=8),
        members=[world_a.members["agency"]],
    )
    outbox.flush()
    smtp.messages.clear()
    deadlines.sweep(dispatch=lambda ids: deadlines.escalate(ids))
    outbox.flush()
    subjects = [m["Subject"] for _, m in smtp.messages]
    assert any(f"Overdue: submit your organisation's self-assessment for {cycle.name} (NELFT)" in s for s in subjects)
    to = next(recipients for subject, recipients in smtp.by_subject().items() if "self-assessment" in subject)
    assert world_a.person("agency").email in to and world_a.person("council").email in to


# ----------------------------------------------------------------------------------------------
# The dashboard


def test_the_dashboard_is_read_only_and_has_no_child_details(world_a, cycle, as_user):
    green_return(world_a, agency_return(world_a, cycle))
    page = as_user(world_a.people["scrutineer"]).get(reverse("dashboard", args=[world_a.slug])).content.decode()
    for heading in (
        "Timeliness of the statutory clocks",
        "Audit programme",
        "Self-assessments: Section 11 audit 2026-27",
        "Funding by sector",
        "Challenge log",
    ):
        assert heading in page
    assert "Child Q" not in page and "What happened." not in page
    forms = re.findall(r'<form[^>]*method="post"[^>]*action="([^"]*)"', page)
    assert forms == [reverse("sign-out")]


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


# (what, url, who, ceiling)
AUDIT_PAGES = [
    ("dashboard", "/{slug}/dashboard/", "scrutineer", 30),
    ("audit programme", "/{slug}/audits/", "business", 9),
    ("self-assessments", "/{slug}/self-assessments/", "business", 9),
    ("self-assessments, agency lead", "/{slug}/self-assessments/", "agency", 9),
    ("latest cycle", "/{slug}/self-assessments/cycles/{cycle}/", "business", 12),
    ("api dashboard", "/api/v1/{slug}/dashboard/", "scrutineer", 30),
    ("api audits", "/api/v1/{slug}/audits/", "business", 5),
    ("api cycles", "/api/v1/{slug}/self-assessment-cycles/", "business", 7),
    ("api returns", "/api/v1/{slug}/self-assessments/", "business", 5),
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


def test_api_audits_cycles_and_returns(world_a, cycle):
    business = api(world_a.person("business"))
    year = current_year_start()
    created = business.post(
        f"/api/v1/{world_a.slug}/audits/",
        {"title": "Questionnaire", "kind": "practitioner_questionnaire", "year_start": year, "quarter": 2},
        format="json",
    )
    assert created.status_code == 201, created.content
    bad = business.post(
        f"/api/v1/{world_a.slug}/audits/",
        {"title": "Q9", "kind": "deep_dive", "year_start": year, "quarter": 9},
        format="json",
    )
    assert bad.status_code == 400 and "quarter" in bad.json()
    assert (
        api(world_a.person("scrutineer")).post(f"/api/v1/{world_a.slug}/audits/", {}, format="json").status_code == 403
    )
    listed = api(world_a.person("agency")).get(f"/api/v1/{world_a.slug}/self-assessment-cycles/{cycle.pk}/").json()
    assert [r["organisation"] for r in listed["returns"]] == ["NELFT"]  # an agency lead sees only their own return
    assessment = agency_return(world_a, cycle)

    def kept(assessment):
        assessment.refresh_from_db()
        return assessment.status, assessment.version, list(assessment.grades.values_list("grade", "evidence"))

    before = kept(assessment)
    grades = [{"id": g.pk, "grade": "purple", "evidence": "x"} for g in assessment.grades.all()]
    refused = api(world_a.person("agency")).patch(
        f"/api/v1/{world_a.slug}/self-assessments/{assessment.pk}/", {"grades": grades}, format="json"
    )
    assert refused.status_code == 400 and "the grade must be red, amber or green" in str(refused.json())
    assert kept(assessment) == before  # nothing changed
    # The business unit opens a cycle through the API: a return for each organisation taking part,
    # and the list shows it first (newest first).
    opened = business.post(
        f"/api/v1/{world_a.slug}/self-assessment-cycles/",
        {
            "name": "Section 11 audit: schools' partners",
            "framework": "s11",
            "opens_on": (cycle.opens_on + dt.timedelta(days=1)).isoformat(),
            "due_on": (cycle.due_on + dt.timedelta(days=30)).isoformat(),
            "members": [world_a.members["council"].pk, world_a.members["health"].pk],
        },
        format="json",
    )
    assert opened.status_code == 201, opened.content
    assert sorted(r["organisation"] for r in opened.json()["returns"]) == ["Thurrock CCG", "Thurrock Council"]
    assert len(opened.json()["standards"]) == 9
    listed = business.get(f"/api/v1/{world_a.slug}/self-assessment-cycles/").json()
    assert [row["id"] for row in listed["results"]] == [opened.json()["id"], cycle.pk]


def test_home_shows_returns_to_submit_and_to_moderate(world_a, as_user):
    cycle = world_a.objects[Cycle]
    police_return = SelfAssessment.objects.for_partnership(world_a.partnership).get(
        cycle=cycle, member=world_a.members["police"]
    )
    home = f"/{world_a.slug}/"
    police_lead = add_person(world_a, "policelead-home", role=Role.AGENCY_LEAD, member=world_a.members["police"])
    page = as_user(police_lead).get(home).content.decode()
    assert "Self-assessments to return" in page and f"/returns/{police_return.pk}/" in page
    business = as_user(world_a.people["business"]).get(home).content.decode()
    assert "Self-assessments to moderate" in business
    submitted = SelfAssessment.objects.for_partnership(world_a.partnership).get(
        cycle=cycle, member=world_a.members["agency"]
    )
    assert f"/returns/{submitted.pk}/" in business and f"/returns/{police_return.pk}/" not in business
    scrutineer = as_user(world_a.people["scrutineer"]).get(home).content.decode()
    assert "Self-assessments to return" not in scrutineer and "Self-assessments to moderate" not in scrutineer


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


def test_an_audits_recommendations_become_an_action_plan(world_a, as_user):
    from reviews.action_plans.models import ActionPlan

    audit = world_a.objects[Audit]
    url = reverse("audit-action-plan", args=[world_a.slug, audit.pk])
    business = as_user(world_a.people["business"])
    form = business.get(url).content.decode()
    assert f'value="{audit.title}: action plan"' in form  # filled in from the audit
    assert as_user(world_a.people["scrutineer"]).get(url).status_code == 403
    assert as_user(world_a.people["agency"]).post(url, {"title": "x"}).status_code == 403
    before = ActionPlan.objects.for_partnership(world_a.partnership).count()

    bad = business.post(url, {"title": "", "source_kind": "audit", "submission_key": "k1"})
    assert bad.status_code == 200 and error_by_field(bad.content.decode(), "id_title")
    assert ActionPlan.objects.for_partnership(world_a.partnership).count() == before

    today = dt.date.today()
    response = business.post(
        url,
        {
            "title": "Neglect re-audit action plan",
            "source_kind": "audit",
            "source_reference": audit.title,
            "created_on-day": today.day,
            "created_on-month": today.month,
            "created_on-year": today.year,
            "summary": "Findings of the re-audit",
            "submission_key": "k2",
        },
    )
    assert response.status_code == 302
    plan = ActionPlan.objects.for_partnership(world_a.partnership).get(submission_key="k2")
    assert plan.source_record() == audit and plan.source_kind == "audit"
    page = business.get(reverse("audit-detail", args=[world_a.slug, audit.pk])).content.decode()
    assert "Neglect re-audit action plan" in page and "0 recommendations, no actions yet" in page

    other = make_world("southend", area="Southend")
    assert business.get(reverse("audit-action-plan", args=[world_a.slug, other.objects[Audit].pk])).status_code == 404
