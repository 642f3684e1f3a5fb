"""Section 11 self-assessments: cycles, returns answered or recorded, moderation, their clocks."""

import datetime as dt
import html as html_lib
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audits.models import Cycle, SelfAssessment, Standard
from audits.quarters import current_year_start
from audits.self_assessment import selectors as self_assessment_selectors
from audits.self_assessment import services as self_assessment_services
from lscp import deadlines, outbox
from lscp.models import ActivityEvent, OutboxEmail
from lscp.roles import Role
from lscp.states import StateError
from tests.audits.helpers import agency_return, api, police_return
from tests.support.clients import error_by_field
from tests.support.makers_audits import green_return
from tests.support.world import add_person

pytestmark = pytest.mark.django_db


# ----------------------------------------------------------------------------------------------
# Self-assessments


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
    assert email.subject.startswith(f"[{world_a.partnership.name}] {cycle.name}: ")
    assert "holds no details of any child" in email.body  # the shared footer (templates/emails/footer.txt)


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
