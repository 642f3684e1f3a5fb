"""Serious-incident notifications: criteria, submission, visibility, the statutory steps and their
clocks, bad input, pages and API."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from lscp import deadlines
from lscp.deadlines import services as deadline_services
from lscp.roles import Role
from lscp.states import StateError
from partners import services as partner_services
from partners.models import Sector
from reviews.models import Child, Notification
from reviews.notifications import services
from reviews.notifications.criteria import evaluate
from tests.support import queries
from tests.support.clients import api_as, error_by_field, signed_in
from tests.support.makers_reviews import child, meeting, notify_panel, signed_off, submit
from tests.support.world import add_person, make_world, organisation

pytestmark = pytest.mark.django_db

MON_21_DEC_2026 = dt.date(2026, 12, 21)


@pytest.fixture
def december(db):
    """Monday 21 December 2026, 10:00 in London: the issue's own example."""
    with time_machine.travel(dt.datetime(2026, 12, 21, 10, 0), tick=False):
        yield


def clocks(notification):
    return {d.kind: d for d in deadlines.clocks_for(notification)}


def notifications(world):
    return Notification.objects.for_partnership(world.partnership)


# ----------------------------------------------------------------------------------------------
# The criteria


@pytest.mark.parametrize(
    ("location", "nature", "abuse", "looked_after", "expected", "words"),
    [
        ("in_area", "death", "known", False, "meets", "child died in Thurrock"),
        ("in_area", "serious_harm", "suspected", False, "meets", "was seriously harmed in Thurrock"),
        (
            "outside_england",
            "serious_harm",
            "known",
            False,
            "meets",
            "normally resident in Thurrock was seriously harmed outside England",
        ),
        ("elsewhere_in_england", "death", "known", False, "does_not_meet", "local authority for that area notifies"),
        ("in_area", "serious_harm", "not_suspected", False, "does_not_meet", "not known or suspected"),
        ("outside_england", "death", "not_suspected", True, "lac_death", "Secretary of State and Ofsted"),
        ("in_area", "serious_harm", "not_suspected", True, "does_not_meet", "not known or suspected"),
    ],
)
def test_the_criteria_and_their_reason(world_a, location, nature, abuse, looked_after, expected, words):
    notification = submit(
        world_a, location=location, nature=nature, abuse_or_neglect=abuse, children=[child(looked_after=looked_after)]
    )
    result = evaluate(notification)
    assert result.result == expected
    assert words in result.reason


def test_overriding_the_evaluation_needs_a_rationale(world_a):
    notification = submit(world_a, abuse_or_neglect="not_suspected")
    with pytest.raises(ValidationError) as error:
        services.decide_criteria(world_a.ctx(), notification, result="meets")
    assert error.value.message_dict == {"rationale": ["Give the reason for overriding this service's evaluation"]}
    with pytest.raises(StateError, match="does not meet the criteria"):
        notify_panel(world_a.ctx(), notification, on=notification.aware_date, panel_reference="X")
    services.decide_criteria(
        world_a.ctx(), notification, result="meets", rationale="Neglect emerged at the strategy meeting"
    )
    notification.refresh_from_db()
    assert notification.criteria_result == "meets" and notification.notifiable
    assert clocks(notification)["panel_notification"].due_date is not None


def test_does_not_meet_means_no_statutory_clocks(world_a):
    notification = submit(world_a, abuse_or_neglect="not_suspected")
    services.decide_criteria(world_a.ctx(), notification, result="does_not_meet")
    for clock in clocks(notification).values():
        assert clock.due_date is None and clock.status_on(dt.date.today()) == "pending"
        assert clock.explanation.startswith("Not needed")


# ----------------------------------------------------------------------------------------------
# Submission and clocks


def test_submission_reference_and_the_first_clock(world_a, december):
    taken = notifications(world_a).filter(reference__startswith="THU-2026-").count()
    notification = submit(world_a, aware_date=MON_21_DEC_2026)
    assert notification.reference == f"THU-2026-{taken + 1:03d}"
    assert submit(world_a, aware_date=MON_21_DEC_2026).reference == f"THU-2026-{taken + 2:03d}"
    panel = clocks(notification)["panel_notification"]
    assert (panel.starts_on, panel.due_date) == (MON_21_DEC_2026, dt.date(2026, 12, 30))
    assert panel.explanation == (
        "due Wed 30 Dec 2026: 5 working days after Mon 21 Dec (local authority became aware); 25 and 28 Dec are bank holidays"
    )
    rapid = clocks(notification)["rapid_review"]
    assert rapid.due_date is None and rapid.explanation == "starts when the date the Panel was notified is recorded"


def test_the_whole_statutory_path_met_and_met_late(world_a):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9), tick=False):
        notification = submit(world_a, aware_date=dt.date(2026, 3, 2))
    with time_machine.travel(dt.datetime(2026, 4, 30, 9), tick=False):
        ctx = world_a.ctx()
        n = notify_panel(ctx, notification, on=dt.date(2026, 3, 6), panel_reference="CSPRP-1")
        n = services.record_step(ctx, n, step="rapid_review_started", on=dt.date(2026, 3, 9))
        meeting(world_a, n, meeting_date=dt.date(2026, 3, 20))
        signed_off(world_a, n)
        # 15 working days from Fri 6 Mar is Fri 27 Mar; completing on Tue 31 Mar is late.
        n = services.record_step(ctx, n, step="rapid_review_completed", on=dt.date(2026, 3, 31), confirm=True)
        # 5 working days from Tue 31 Mar: Wed 1, Thu 2, [Good Friday], [Easter Monday], Tue 7, Wed 8, Thu 9 Apr.
        n = services.record_step(ctx, n, step="outcome_sent", on=dt.date(2026, 4, 9))
        n = services.record_step(
            ctx, n, step="panel_responded", on=dt.date(2026, 4, 29), response="Agreed: no national review"
        )
        today = dt.date(2026, 4, 30)
        found = {kind: (c.due_date, c.met_on, c.status_on(today)) for kind, c in clocks(n).items()}
    assert found == {
        "panel_notification": (dt.date(2026, 3, 9), dt.date(2026, 3, 6), "met"),
        "rapid_review": (dt.date(2026, 3, 27), dt.date(2026, 3, 31), "met_late"),
        "outcome_to_panel": (dt.date(2026, 4, 9), dt.date(2026, 4, 9), "met"),
        "panel_response": (dt.date(2026, 4, 30), dt.date(2026, 4, 29), "met"),
    }
    assert n.status == "panel_responded"


def test_each_step_only_from_the_state_before_it(world_a):
    notification = submit(world_a)
    ctx = world_a.ctx()
    with pytest.raises(StateError) as error:
        services.record_step(ctx, notification, step="rapid_review_completed", on=notification.aware_date)
    assert str(error.value) == (
        f"'Rapid review completed' can be recorded only after 'rapid review started'. {notification.reference} is at "
        "'submitted': record 'notification sent to the National Panel' first."
    )
    n = notify_panel(ctx, notification, on=notification.aware_date, panel_reference="P1")
    with pytest.raises(StateError, match="already recorded"):
        notify_panel(ctx, n, on=n.aware_date, panel_reference="P2")
    n.refresh_from_db()
    assert n.panel_reference == "P1"


def test_a_step_dated_before_the_one_it_follows_or_in_the_future(world_a):
    today = dt.date.today()
    notification = submit(
        world_a, aware_date=today - dt.timedelta(days=10), incident_date=today - dt.timedelta(days=12)
    )
    ctx = world_a.ctx()
    with pytest.raises(ValidationError) as error:
        notify_panel(ctx, notification, on=today - dt.timedelta(days=11), panel_reference="P")
    assert "the same as or after the date the local authority became aware" in error.value.message_dict["sent_on"][0]
    with pytest.raises(ValidationError) as error:
        notify_panel(ctx, notification, on=today + dt.timedelta(days=1), panel_reference="P")
    assert error.value.message_dict["sent_on"] == ["The date the Panel was notified must be today or in the past"]
    notification.refresh_from_db()
    assert notification.status == "submitted" and notification.panel_notified_on is None


def test_a_looked_after_childs_death_needs_the_secretary_of_state_and_ofsted(world_a):
    notification = submit(
        world_a, nature="death", abuse_or_neglect="not_suspected", children=[child(looked_after=True)]
    )
    assert notification.criteria_result == "lac_death"
    with pytest.raises(ValidationError) as error:
        notify_panel(world_a.ctx(), notification, on=notification.aware_date, panel_reference="P")
    assert set(error.value.message_dict) == {"sos_notified_on", "ofsted_notified_on"}
    n = notify_panel(
        world_a.ctx(),
        notification,
        on=notification.aware_date,
        panel_reference="P",
        sos_notified_on=notification.aware_date,
        ofsted_notified_on=notification.aware_date,
    )
    assert n.sos_notified_on == n.ofsted_notified_on == notification.aware_date


def test_stale_versions_are_refused_not_overwritten(world_a):
    notification = submit(world_a)
    seen = notification.version
    services.decide_criteria(world_a.ctx(), notification, result="meets", expected_version=seen)
    with pytest.raises(StateError, match="changed by someone else"):
        notify_panel(
            world_a.ctx(),
            notification,
            on=notification.aware_date,
            panel_reference="P",
            expected_version=seen,
        )


# ----------------------------------------------------------------------------------------------
# Bad input (the service, shared by pages and the API)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"incident_date": dt.date(2026, 1, 10), "aware_date": dt.date(2026, 1, 9)},
            "incident_date",
            "The incident date must be the same as or before the date the local authority became aware",
        ),
        (
            {"aware_date": dt.date(2099, 1, 1), "incident_date": dt.date(2026, 1, 1)},
            "aware_date",
            "must be today or in the past",
        ),
        ({"children": []}, "children", "Add at least one child"),
        ({"children": [child(f"Child {i}") for i in range(5)]}, "children", "up to 4 children"),
        ({"children": [child(age_years=None)]}, "children", "Child 1, age years: Enter the child's age"),
        ({"children": [child("Child Q"), child("child q")]}, "children", "Each child needs a different case reference"),
        (
            {"pathway": "mandatory", "notifying_member": "AGENCY"},
            "pathway",
            "The mandatory notification is the local authority's",
        ),
        ({"notifying_member": "OTHER"}, "notifying_member", "Choose an organisation that is a member of Thurrock LSCP"),
    ],
)
def test_bad_submissions_change_nothing(world_a, world_b, overrides, field, message):
    overrides = dict(overrides)
    if overrides.get("notifying_member") == "AGENCY":
        overrides["notifying_member"] = world_a.members["agency"]
    if overrides.get("notifying_member") == "OTHER":
        overrides["notifying_member"] = world_b.members["council"]
    before = notifications(world_a).count()
    with pytest.raises(ValidationError) as error:
        submit(world_a, **overrides)
    assert any(message in text for text in error.value.message_dict[field]), error.value.message_dict
    assert notifications(world_a).count() == before


def test_the_same_submission_twice_is_one_notification(world_a):
    first = submit(world_a, submission_key="double-click")
    second = submit(world_a, submission_key="double-click")
    assert first.pk == second.pk
    assert notifications(world_a).filter(submission_key="double-click").count() == 1


def test_an_agency_lead_notifies_only_for_their_own_organisation(world_a):
    with pytest.raises(ValidationError) as error:
        submit(world_a, "agency", notifying_member=world_a.members["council"])
    assert error.value.message_dict["notifying_member"] == ["You can notify only on behalf of NELFT"]


# ----------------------------------------------------------------------------------------------
# Who sees what


@pytest.fixture
def other_agency(world_a):
    member = partner_services.member_add(
        ctx=world_a.ctx(), organisation=organisation("CAFCASS", Sector.COURTS), kind="relevant_agency"
    )
    return add_person(world_a, "cafcass", role=Role.AGENCY_LEAD, member=member)


def test_agency_leads_see_only_what_their_organisation_is_involved_in(world_a, other_agency, as_user):
    theirs = submit(world_a, "agency")  # NELFT notifies
    known = submit(world_a, children=[child(known_to=[other_agency.member])])  # CAFCASS knew the child
    neither = submit(world_a, children=[child(known_to=[])])
    nelft, cafcass = as_user(world_a.people["agency"]), as_user(other_agency)
    listing = nelft.get(reverse("notification-list", args=[world_a.slug])).content.decode()
    assert theirs.reference in listing and known.reference not in listing and neither.reference not in listing
    assert nelft.get(reverse("notification-detail", args=[world_a.slug, known.pk])).status_code == 404
    assert cafcass.get(reverse("notification-detail", args=[world_a.slug, known.pk])).status_code == 200
    assert cafcass.get(reverse("notification-detail", args=[world_a.slug, theirs.pk])).status_code == 404
    api = APIClient()
    api.force_authenticate(other_agency.person)
    assert [n["reference"] for n in api.get(f"/api/v1/{world_a.slug}/notifications/").json()["results"]] == [
        known.reference
    ]
    # The grant is the organisation's: a new agency lead of CAFCASS sees it too; deactivated, not any more.
    newcomer = add_person(world_a, "cafcass2", role=Role.AGENCY_LEAD, member=other_agency.member)
    assert as_user(newcomer).get(reverse("notification-detail", args=[world_a.slug, known.pk])).status_code == 200
    partner_services.person_update(ctx=world_a.ctx(), membership=newcomer, role=Role.SCRUTINEER, member=None)
    assert (
        "Child Q"
        not in as_user(newcomer).get(reverse("notification-detail", args=[world_a.slug, known.pk])).content.decode()
    )


def test_business_unit_and_dsps_see_everything(world_a, other_agency, as_user):
    known = submit(world_a, children=[child(known_to=[other_agency.member])])
    for who in ("business", "council", "police", "health"):
        page = (
            as_user(world_a.people[who])
            .get(reverse("notification-detail", args=[world_a.slug, known.pk]))
            .content.decode()
        )
        assert "Child Q" in page and "What happened." in page


def test_scrutineers_see_status_and_timeliness_but_no_child_details(world_a, as_user):
    notification = submit(world_a, summary="Sensitive summary", children=[child("Child Z", age_years=4)])
    client = as_user(world_a.people["scrutineer"])
    page = client.get(reverse("notification-detail", args=[world_a.slug, notification.pk])).content.decode()
    assert notification.reference in page and "Notify the National Panel" in page
    assert "Child Z" not in page and "Sensitive summary" not in page and "4 years" not in page
    api = APIClient()
    api.force_authenticate(world_a.person("scrutineer"))
    data = api.get(f"/api/v1/{world_a.slug}/notifications/{notification.pk}/").json()
    assert "children" not in data and "summary" not in data and "criteria" not in data
    assert data["deadlines"][0]["kind"] == "panel_notification"
    assert "Child Z" not in str(data)


# ----------------------------------------------------------------------------------------------
# The question pages


def post(client, url, data):
    return client.post(url, data)


def test_the_question_pages_check_your_answers_and_one_notification_per_double_click(world_a, as_user):
    client = as_user(world_a.people["agency"])
    slug = world_a.slug
    today = dt.date.today()
    assert client.get(reverse("notification-new", args=[slug])).status_code == 302
    assert post(client, reverse("notification-new-pathway", args=[slug]), {"pathway": "agency"})["Location"].endswith(
        "/new/notifier/"
    )
    response = client.get(reverse("notification-new-notifier", args=[slug]))
    assert 'value="Agency OfThurrock"' in response.content.decode()  # the notifier's details are filled in
    post(
        client,
        reverse("notification-new-notifier", args=[slug]),
        {
            "notifying_member": world_a.members["agency"].pk,
            "notifier_name": "Agency Lead",
            "notifier_email": "lead@nelft.example.org",
        },
    )
    # Incident after the aware date: refused by the field, answers kept.
    bad = post(
        client,
        reverse("notification-new-incident", args=[slug]),
        {
            "incident_date-day": today.day,
            "incident_date-month": today.month,
            "incident_date-year": today.year,
            "aware_date-day": "1",
            "aware_date-month": "1",
            "aware_date-year": "2020",
            "location": "in_area",
            "nature": "death",
            "abuse_or_neglect": "suspected",
        },
    )
    html = bad.content.decode()
    assert error_by_field(html, "id_incident_date").startswith("The incident date must be the same as or before")
    assert 'value="2020"' in html and 'value="death" checked' in html
    post(
        client,
        reverse("notification-new-incident", args=[slug]),
        {
            "incident_date-day": today.day,
            "incident_date-month": today.month,
            "incident_date-year": today.year,
            "aware_date-day": today.day,
            "aware_date-month": today.month,
            "aware_date-year": today.year,
            "incident_time": "14:30",
            "location": "in_area",
            "nature": "death",
            "abuse_or_neglect": "suspected",
        },
    )
    missing_age = post(
        client,
        reverse("notification-new-child", args=[slug]),
        {
            "reference": "Child Q",
            "sex": "female",
            "ethnicity": "white_british",
            "looked_after": "no",
            "home_area": "Thurrock",
        },
    )
    assert (
        error_by_field(missing_age.content.decode(), "id_age_years")
        == "Enter the child's age in years (0 for a baby under one)"
    )
    response = post(
        client,
        reverse("notification-new-child", args=[slug]),
        {
            "reference": "Child Q",
            "age_years": "15",
            "sex": "female",
            "ethnicity": "white_british",
            "looked_after": "no",
            "home_area": "Thurrock",
            "known_to": [world_a.members["police"].pk],
        },
    )
    assert response["Location"].endswith("/new/another-child/")
    response = post(client, reverse("notification-new-another-child", args=[slug]), {"add_another": "no"})
    assert response["Location"].endswith("/new/summary/")
    response = post(client, reverse("notification-new-summary", args=[slug]), {"summary": "What happened, briefly."})
    assert response["Location"].endswith("/new/check/")
    check = client.get(reverse("notification-new-check", args=[slug])).content.decode()
    for text in ("Child Q", "15 years", "Essex Police", "at 14:30", "What happened, briefly."):
        assert text in check
    key = re.search(r'name="submission_key" value="([^"]+)"', check).group(1)
    first = post(client, reverse("notification-new-check", args=[slug]), {"submission_key": key})
    second = post(client, reverse("notification-new-check", args=[slug]), {"submission_key": key})  # the double click
    assert first["Location"] == second["Location"]
    notification = notifications(world_a).get(submission_key=key)
    assert first["Location"] == reverse("notification-submitted", args=[slug, notification.pk])
    confirmation = client.get(first["Location"]).content.decode()
    assert "Notification submitted" in confirmation and notification.reference in confirmation
    assert notification.pathway == "agency" and notification.notifying_member == world_a.members["agency"]
    assert notification.incident_time == dt.time(14, 30)
    assert list(
        Child.objects.for_partnership(world_a.partnership)
        .filter(notification=notification)
        .values_list("reference", flat=True)
    ) == ["Child Q"]


def test_five_children_cannot_be_added(world_a, as_user):
    client = as_user(world_a.people["business"])
    slug = world_a.slug
    client.get(reverse("notification-new", args=[slug]))
    for index in range(1, 5):
        response = post(
            client,
            reverse("notification-new-child", args=[slug]) + f"?child={index}",
            {
                "reference": f"Child {index}",
                "age_years": "5",
                "sex": "male",
                "ethnicity": "not_known",
                "looked_after": "no",
                "home_area": "Thurrock",
            },
        )
    assert response["Location"].endswith("/new/summary/")  # after the fourth there is no "another child?"
    fifth = post(
        client,
        reverse("notification-new-child", args=[slug]) + "?child=5",
        {
            "reference": "Child 5",
            "age_years": "5",
            "sex": "male",
            "ethnicity": "not_known",
            "looked_after": "no",
            "home_area": "Thurrock",
        },
    )
    assert fifth["Location"].endswith("/new/summary/")
    summary_page = client.get(fifth["Location"]).content.decode()
    assert "up to 4 children: describe any others under &#x27;Other children involved&#x27;" in summary_page
    assert 'name="other_children"' in summary_page
    session = client.session[f"notification-draft:{slug}"]
    assert [c["reference"] for c in session["children"]] == ["Child 1", "Child 2", "Child 3", "Child 4"]


def test_the_business_unit_records_steps_on_pages_and_a_wrong_step_says_why(world_a, as_user):
    from tests.support.makers_reviews import decided

    notification = decided(world_a.ctx(), submit(world_a))
    client = as_user(world_a.people["business"])
    page = client.get(reverse("notification-detail", args=[world_a.slug, notification.pk])).content.decode()
    assert "Record: notification sent to the National Panel" in page
    wrong = client.get(
        reverse("notification-outcome-sent", args=[world_a.slug, notification.pk]), follow=True
    ).content.decode()
    assert "can be recorded only after" in wrong
    today = dt.date.today()
    url = reverse("notification-panel-notified", args=[world_a.slug, notification.pk])
    bad = client.post(
        url,
        {
            "version": notification.version,
            "sent_on-day": "",
            "sent_on-month": today.month,
            "sent_on-year": today.year,
            "panel_reference": "CSPRP-77",
        },
    )
    assert error_by_field(bad.content.decode(), "id_sent_on") == "Date sent to the National Panel must include a day"
    assert 'value="CSPRP-77"' in bad.content.decode()
    good = client.post(
        url,
        {
            "version": notification.version,
            "sent_on-day": today.day,
            "sent_on-month": today.month,
            "sent_on-year": today.year,
            "panel_reference": "CSPRP-77",
        },
    )
    assert good.status_code == 302
    notification.refresh_from_db()
    assert notification.status == "panel_notified" and notification.panel_reference == "CSPRP-77"
    # Someone else's stale form is refused, not applied.
    stale = client.post(
        reverse("notification-rapid-review-started", args=[world_a.slug, notification.pk]),
        {
            "version": notification.version - 1,
            "started_on-day": today.day,
            "started_on-month": today.month,
            "started_on-year": today.year,
        },
        follow=True,
    )
    assert "changed by someone else" in stale.content.decode()
    notification.refresh_from_db()
    assert notification.status == "panel_notified"
    # The form is shown again with what was typed and the version there is now.
    assert stale.redirect_chain == []
    assert f'name="version" value="{notification.version}"' in stale.content.decode()
    assert f'name="started_on-day" type="text" inputmode="numeric" value="{today.day}"' in stale.content.decode()


# ----------------------------------------------------------------------------------------------
# The API


def api_payload(world, **overrides) -> dict:
    """A notification as the API takes it: the council notifies one child; any field overridden."""
    return {
        "pathway": "mandatory",
        "notifying_member": world.members["council"].pk,
        "location": "in_area",
        "nature": "serious_harm",
        "abuse_or_neglect": "known",
        "children": [
            {
                "reference": "Child Q",
                "age_years": 15,
                "sex": "female",
                "ethnicity": "black_african",
                "looked_after": False,
            }
        ],
        "summary": "What happened.",
        **overrides,
    }


def test_api_submission_clocks_and_steps(world_a):
    api = APIClient()
    api.force_authenticate(world_a.person("business"))
    today = dt.date.today()
    payload = api_payload(world_a, incident_date=str(today), aware_date=str(today))
    created = api.post(f"/api/v1/{world_a.slug}/notifications/", payload, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["reference"].startswith("THU-") and body["status"] == "submitted"
    assert (
        body["criteria"]["result"] == "meets" and "child was seriously harmed in Thurrock" in body["criteria"]["reason"]
    )
    assert [d["kind"] for d in body["deadlines"]] == [
        "panel_notification",
        "rapid_review",
        "outcome_to_panel",
        "panel_response",
    ]
    assert body["deadlines"][0]["status"] == "open" and body["deadlines"][1]["status"] == "pending"
    again = api.post(f"/api/v1/{world_a.slug}/notifications/", payload, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    assert again.json()["id"] == body["id"]
    url = f"/api/v1/{world_a.slug}/notifications/{body['id']}"
    conflict = api.post(f"{url}/outcome-sent/", {"sent_on": str(today)}, format="json")
    assert conflict.status_code == 409 and "can be recorded only after" in conflict.json()["detail"]
    undecided = api.post(f"{url}/panel-notified/", {"sent_on": str(today), "panel_reference": "P"}, format="json")
    assert undecided.status_code == 409 and "is not yet decided" in undecided.json()["detail"]
    decided = api.post(f"{url}/criteria/", {"result": "meets", "rationale": "Agreed at the daily call"}, format="json")
    assert decided.status_code == 200, decided.content
    bad = api.post(
        f"{url}/panel-notified/", {"sent_on": str(today + dt.timedelta(days=3)), "panel_reference": "P"}, format="json"
    )
    assert bad.status_code == 400 and bad.json() == {
        "sent_on": ["The date the Panel was notified must be today or in the past"]
    }
    ok = api.post(f"{url}/panel-notified/", {"sent_on": str(today), "panel_reference": "P"}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "panel_notified"
    assert ok.json()["deadlines"][0]["status"] == "met" and ok.json()["deadlines"][1]["status"] == "open"


def test_api_the_whole_statutory_path_with_each_clocks_explanation(db):
    """The same case as test_the_whole_statutory_path_met_and_met_late, step by step through the
    API: each step's date checked against the step before it (400 by field, nothing changed)."""
    world_a = make_world("thurrock", area="Thurrock", with_objects=False)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9), tick=False):
        notification = submit(world_a, aware_date=dt.date(2026, 3, 2))
        submit(world_a, "agency", aware_date=dt.date(2026, 3, 2))  # a second case, for the filters
    api = APIClient()
    api.force_authenticate(world_a.person("business"))
    url = f"/api/v1/{world_a.slug}/notifications/{notification.pk}"

    def step(name, payload):
        response = api.post(f"{url}/{name}/", payload, format="json")
        return response.status_code, response.json()

    def unchanged():
        row = Notification.objects.for_partnership(world_a.partnership).get(pk=notification.pk)
        return row.status, row.version

    with time_machine.travel(dt.datetime(2026, 4, 30, 9), tick=False):
        assert step("criteria", {"result": "meets"})[0] == 200
        code, body = step("panel-notified", {"sent_on": "2026-03-06", "panel_reference": "CSPRP-1"})
        assert code == 200 and body["status"] == "panel_notified"
        before = unchanged()
        code, body = step("rapid-review-started", {"started_on": "2026-03-05"})
        assert (code, body) == (
            400,
            {
                "started_on": [
                    "The date the rapid review started must be the same as or after the date the Panel was notified (6 March 2026)"
                ]
            },
        )
        assert unchanged() == before
        code, body = step("rapid-review-started", {"started_on": "2026-03-09"})
        assert code == 200 and body["status"] == "rapid_review_started"
        meeting(world_a, notification, meeting_date=dt.date(2026, 3, 20))
        signed_off(world_a, notification)
        # Back-recorded before the partners' signatures (today): a warning, saved once confirmed.
        before = unchanged()
        code, body = step("rapid-review-completed", {"completed_on": "2026-03-31"})
        assert code == 400 and list(body) == ["confirm"]
        assert body["confirm"][0].startswith("The date the rapid review was completed is before the last safeguarding")
        assert unchanged() == before
        code, body = step("rapid-review-completed", {"completed_on": "2026-03-31", "confirm": True})
        assert code == 200 and body["status"] == "rapid_review_completed"
        before = unchanged()
        code, body = step("outcome-sent", {"sent_on": "2026-03-30"})
        assert (code, body) == (
            400,
            {
                "sent_on": [
                    "The date the outcome was sent to the Panel must be the same as or after the date the rapid review was completed (31 March 2026)"
                ]
            },
        )
        assert unchanged() == before
        code, body = step("outcome-sent", {"sent_on": "2026-04-09"})
        assert code == 200 and body["status"] == "outcome_sent"
        code, body = step("panel-responded", {"received_on": "2026-04-29"})
        assert (code, body) == (400, {"response": ["This field is required."]})
        code, body = step("panel-responded", {"received_on": "2026-04-29", "response": "Agreed: no national review"})
        assert code == 200 and body["status"] == "panel_responded"
        clocks_shown = {d["kind"]: d for d in body["deadlines"]}
        assert {"kind", "starts_on", "due_date", "met_on", "status", "explanation"} <= set(clocks_shown["rapid_review"])
        assert {k: (d["starts_on"], d["due_date"], d["met_on"], d["status"]) for k, d in clocks_shown.items()} == {
            "panel_notification": ("2026-03-02", "2026-03-09", "2026-03-06", "met"),
            "rapid_review": ("2026-03-06", "2026-03-27", "2026-03-31", "met_late"),
            "outcome_to_panel": ("2026-03-31", "2026-04-09", "2026-04-09", "met"),
            "panel_response": ("2026-04-09", "2026-04-30", "2026-04-29", "met"),
        }
        # The explanation names the bank holidays it stepped over.
        assert "; 3 and 6 Apr are bank holidays" in clocks_shown["outcome_to_panel"]["explanation"]

        # The list and its filters.
        listed = f"/api/v1/{world_a.slug}/notifications/"

        def references(query=""):
            return sorted(row["reference"] for row in api.get(listed + query).json()["results"])

        everyone = references()
        assert len(everyone) == 2
        assert references("?status=panel_responded") == [notification.reference]
        assert references("?pathway=agency") == [r for r in everyone if r != notification.reference]
        assert references("?overdue=1") == [r for r in everyone if r != notification.reference]  # never notified
        assert references(f"?q={notification.reference[-3:]}") == [notification.reference]
        assert references("?q=CSPRP-1") == [notification.reference]
        # A value that is not one of the choices is the caller's mistake, said as one (never a
        # silently unfiltered list): test_bad_list_filters_are_an_error_on_the_page_and_a_400.
        bad = api.get(listed + "?status=not-a-status")
        assert bad.status_code == 400 and "status" in bad.json()


@pytest.mark.parametrize("query", ["status=not-a-status", "pathway=%C2%B2", "overdue=%C2%B2", "status=%C2%B2"])
def test_bad_list_filters_are_an_error_on_the_page_and_a_400(world_a, query):
    """The list's filters are one FilterSet for the page and the API: a value that is not one of
    the choices (a non-ASCII digit among them) is a form error on the page, with no rows rather
    than all of them, and a 400 naming the parameter from the API; never a 500."""
    submit(world_a)
    field = query.split("=")[0]
    page = signed_in(world_a.people["business"]).get(reverse("notification-list", args=[world_a.slug]) + "?" + query)
    html = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" in html and "No notifications match." in html
    assert f'href="#filter-{field}"' in html and f'id="filter-{field}"' in html  # the summary links to the input
    api = api_as(world_a.people["business"]).get(f"/api/v1/{world_a.slug}/notifications/?{query}")
    assert api.status_code == 400 and field in api.json()
    good = api_as(world_a.people["business"]).get(f"/api/v1/{world_a.slug}/notifications/?overdue=0")
    assert good.status_code == 200 and good.json()["count"] == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"children": []}, "children"),
        (
            {"children": [{"reference": "Q", "sex": "female", "ethnicity": "not_known", "looked_after": False}]},
            "children",
        ),
        (
            {
                "children": [
                    {
                        "reference": f"C{i}",
                        "age_years": 3,
                        "sex": "male",
                        "ethnicity": "not_known",
                        "looked_after": False,
                    }
                    for i in range(5)
                ]
            },
            "children",
        ),
        ({"incident_date": "2026-12-01", "aware_date": "2026-11-01"}, "incident_date"),
        ({"aware_date": "2099-01-01"}, "aware_date"),
        ({"location": "moon"}, "location"),
        ({"notifying_member": "OTHER"}, "notifying_member"),
        ({"incident_date": "yesterday"}, "incident_date"),
    ],
)
def test_api_bad_input_is_400_by_field_never_500(world_a, world_b, change, field):
    api = APIClient()
    api.force_authenticate(world_a.person("business"))
    payload = api_payload(world_a, **{"incident_date": "2026-11-01", "aware_date": "2026-11-02", **change})
    if payload["notifying_member"] == "OTHER":
        payload["notifying_member"] = world_b.members["council"].pk
    before = notifications(world_a).count()
    with time_machine.travel(dt.datetime(2026, 12, 10, 12), tick=False):
        response = api.post(f"/api/v1/{world_a.slug}/notifications/", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert notifications(world_a).count() == before


def test_a_partnership_the_agency_lead_is_not_in_is_404(world_a, world_b):
    api = APIClient()
    api.force_authenticate(world_a.person("agency"))
    assert api.post(f"/api/v1/{world_b.slug}/notifications/", {}, format="json").status_code == 404


# ----------------------------------------------------------------------------------------------
# Local policy and calendar


def test_a_local_policy_recomputes_open_clocks(world_a, december):
    notification = submit(world_a, aware_date=MON_21_DEC_2026, received_on=dt.date(2026, 12, 21))
    assert clocks(notification)["rapid_review"].due_date is None
    deadline_services.set_clock_rules(
        world_a.ctx(), {"rapid_review": {"length": 10, "unit": "calendar", "start": "received"}}, reason="Local policy"
    )
    rapid = clocks(notification)["rapid_review"]
    assert rapid.due_date == dt.date(2026, 12, 31)
    assert (
        rapid.explanation
        == "due Thu 31 Dec 2026: 10 calendar days after Mon 21 Dec (partnership received the notification)"
    )
    with pytest.raises(ValidationError):
        deadline_services.set_clock_rules(world_a.ctx(), {"rapid_review": {"length": 0, "unit": "weeks", "start": "x"}})


def test_a_calendar_override_moves_due_dates(world_a, december):
    notification = submit(world_a, aware_date=MON_21_DEC_2026)
    deadline_services.add_calendar_override(
        world_a.ctx(), date=dt.date(2026, 12, 24), is_working_day=False, reason="Office closed on Christmas Eve"
    )
    assert clocks(notification)["panel_notification"].due_date == dt.date(2026, 12, 31)
    with pytest.raises(ValidationError) as error:
        deadline_services.add_calendar_override(
            world_a.ctx(), date=dt.date(2026, 12, 22), is_working_day=True, reason="x"
        )
    assert "already a working day" in error.value.message_dict["is_working_day"][0]


def test_policy_pages_are_the_business_units(world_a, as_user):
    assert (
        as_user(world_a.people["scrutineer"]).get(reverse("deadline-policy-edit", args=[world_a.slug])).status_code
        == 403
    )
    client = as_user(world_a.people["business"])
    response = client.post(
        reverse("deadline-policy-edit", args=[world_a.slug]),
        {
            "panel_notification_length": "5",
            "panel_notification_unit": "working",
            "rapid_review_length": "0",
            "rapid_review_unit": "working",
            "rapid_review_start": "panel_notified",
            "outcome_to_panel_length": "5",
            "outcome_to_panel_unit": "working",
            "panel_response_length": "15",
            "panel_response_unit": "working",
        },
    )
    assert "Complete the rapid review: length must be 1 or more" in error_by_field(
        response.content.decode(), "id_rapid_review_length"
    )


# ----------------------------------------------------------------------------------------------
# Query counts


@pytest.mark.parametrize(
    "url",
    [
        "/{slug}/notifications/",
        "/{slug}/notifications/?overdue=1&sort=-status",
        "/api/v1/{slug}/notifications/",
        "/{slug}/",
        "/{slug}/deadlines/",
    ],
)
def test_notification_lists_run_a_fixed_number_of_queries(full_world, url, as_user):
    world_a = full_world  # one record of every model (the home page has something in each section)
    client = as_user(world_a.people["business"])
    if url.startswith("/api/"):
        client = APIClient()
        client.force_authenticate(world_a.person("business"))
    url = url.format(slug=world_a.slug)
    old = dt.date.today() - dt.timedelta(days=30)

    def grow(n):
        for _ in range(n):
            submit(
                world_a,
                aware_date=old,
                incident_date=old,
                children=[child(known_to=[world_a.members["agency"]]), child("Child R")],
            )

    grow(2)
    small = queries.get(client, url)
    grow(15)
    large = queries.get(client, url)
    # The home page runs one query per "what needs me now" section (clocks, requests, returns, actions).
    queries.assert_constant(small, large, ceiling=15 if url == f"/{world_a.slug}/" else 12, what=url)


def _four_children(client, slug):
    client.get(reverse("notification-new", args=[slug]))
    for index in range(1, 5):
        post(
            client,
            reverse("notification-new-child", args=[slug]) + f"?child={index}",
            {
                "reference": f"Child {index}",
                "age_years": "5",
                "sex": "male",
                "ethnicity": "not_known",
                "looked_after": "no",
                "home_area": "Thurrock",
            },
        )


def test_with_four_children_another_child_is_not_asked_even_going_back(world_a, as_user):
    """Issue 14 §4: the summary's back link and the 'another child?' page itself lead past it."""
    client = as_user(world_a.people["business"])
    slug = world_a.slug
    _four_children(client, slug)
    asked = client.get(reverse("notification-new-another-child", args=[slug]))
    assert asked.status_code == 302 and asked["Location"].endswith("/new/summary/")
    summary = client.get(reverse("notification-new-summary", args=[slug])).content.decode()
    assert "another-child" not in summary and "/new/child/?child=4" in summary


def test_an_agency_lead_is_not_offered_the_mandatory_pathway(world_a, as_user):
    agency = as_user(world_a.people["agency"]).get(reverse("notification-new-pathway", args=[world_a.slug]))
    html = agency.content.decode()
    assert 'value="agency"' in html and 'value="mandatory"' not in html
    business = as_user(world_a.people["business"]).get(reverse("notification-new-pathway", args=[world_a.slug]))
    assert 'value="mandatory"' in business.content.decode()


def test_removing_a_child_asks_first(world_a, as_user):
    client = as_user(world_a.people["business"])
    slug = world_a.slug
    _four_children(client, slug)
    url = reverse("notification-new-remove-child", args=[slug])
    asked = client.get(f"{url}?child=2").content.decode()
    assert "Are you sure you want to remove child 2?" in asked and "Child 2" in asked
    unconfirmed = client.post(url, {"child": "2"})
    assert unconfirmed.status_code == 200, "an unconfirmed removal asks, it does not remove"
    assert len(client.session[f"notification-draft:{slug}"]["children"]) == 4
    removed = client.post(url, {"child": "2", "confirm": "yes"})
    assert removed.status_code == 302
    references = [c["reference"] for c in client.session[f"notification-draft:{slug}"]["children"]]
    assert references == ["Child 1", "Child 3", "Child 4"]


def test_the_panel_is_notified_only_once_the_criteria_are_decided(world_a):
    """Issue 14 §2: the Panel notification was accepted while the criteria decision was "not yet decided"."""
    from tests.support.makers_reviews import decided

    notification = submit(world_a)
    assert notification.criteria_decision == ""
    with pytest.raises(StateError, match="is not yet decided: decide on the criteria"):
        services.record_step(
            world_a.ctx(), notification, step="panel_notified", on=notification.aware_date, panel_reference="P"
        )
    notification = decided(world_a.ctx(), notification)
    notified = services.record_step(
        world_a.ctx(), notification, step="panel_notified", on=notification.aware_date, panel_reference="P"
    )
    assert notified.status == "panel_notified"
