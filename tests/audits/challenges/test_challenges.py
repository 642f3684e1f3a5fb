"""The challenge log: challenges raised at meetings or by the scrutineer, to whom, the response and
the outcome; the rules on dates and closing; the list's filter, sorting and pages; the API; who
may write."""

import datetime as dt
import html as html_lib
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audits.challenges import services as challenge_services
from audits.models import Challenge
from lscp.models import ActivityEvent
from lscp.states import StateError
from partners.models import GovernanceGroup
from tests.support.clients import api_as, error_by_field, signed_in

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 5, 15)


def writes(world) -> tuple:
    p = world.partnership
    return (
        list(Challenge.objects.for_partnership(p).order_by("pk").values_list("status", "response", "outcome")),
        ActivityEvent.objects.for_partnership(p).filter(kind="write").count(),
    )


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2026, 5, 15, 10), tick=False):
        yield


@pytest.fixture
def thurrock(frozen, world_a):
    """World A, made on 15 May 2026 (its maker's challenge was raised that day)."""
    return world_a


def log(world, **overrides) -> Challenge:
    values = dict(
        raised_on=TODAY - dt.timedelta(days=30),
        raised_by="scrutineer",
        raised_by_name="Ruth Calloway, Independent Chair and Scrutineer",
        to_member=world.members["police"],
        subject="Police attendance at strategy meetings",
        challenge="Police attended 61% of strategy meetings.",
    )
    values.update(overrides)
    return challenge_services.challenge_log(world.ctx(), **values)


def test_a_challenge_raised_at_a_meeting_names_the_meeting(thurrock):
    with pytest.raises(ValidationError) as error:
        log(thurrock, raised_by="meeting")
    assert error.value.message_dict == {"raised_at": ["Choose the meeting (the group) it was raised at"]}
    meb = GovernanceGroup.objects.for_partnership(thurrock.partnership).get(name="Management Executive Board")
    challenge = log(thurrock, raised_by="meeting", raised_at=meb, raised_by_name="Helen Adeyemi, Chief Nurse")
    assert challenge.raised_at == meb and challenge.status == "open"
    event = ActivityEvent.objects.for_partnership(thurrock.partnership).get(
        event="challenge.logged", object_id=str(challenge.pk)
    )
    assert event.changes["raised_at"] == {"old": None, "new": "Management Executive Board"}


def test_bad_challenges_are_refused_by_field(thurrock, world_b):
    before = writes(thurrock)
    with pytest.raises(ValidationError) as error:
        challenge_services.challenge_log(
            thurrock.ctx(),
            raised_on=TODAY + dt.timedelta(days=1),
            raised_by="anonymous",
            raised_by_name=" ",
            to_member=world_b.members["police"],
            subject="",
            challenge="",
            raised_at=GovernanceGroup.objects.for_partnership(world_b.partnership).first(),
        )
    assert error.value.message_dict == {
        "raised_on": ["The date must be today or in the past"],
        "raised_by": ["Choose who raised it"],
        "raised_by_name": ["Enter who raised it"],
        "to_member": ["Choose the member organisation challenged"],
        "subject": ["Enter what the challenge is about"],
        "challenge": ["Enter the challenge"],
        "raised_at": ["Choose one of this partnership's groups"],
    }
    assert writes(thurrock) == before


def test_a_response_before_the_challenge_was_raised_is_refused(thurrock):
    challenge = log(thurrock, raised_on=dt.date(2026, 4, 14))
    before = writes(thurrock)
    with pytest.raises(ValidationError) as error:
        challenge_services.challenge_respond(
            thurrock.ctx(), challenge, response="We have a new rota.", responded_on=dt.date(2026, 4, 13)
        )
    assert error.value.message_dict == {
        "responded_on": ["The response cannot come before the challenge was raised (14 April 2026)"]
    }
    with pytest.raises(ValidationError) as error:
        challenge_services.challenge_respond(
            thurrock.ctx(), challenge, response="", responded_on=TODAY + dt.timedelta(days=1)
        )
    assert error.value.message_dict == {
        "response": ["Enter the response"],
        "responded_on": ["The date must be today or in the past"],
    }
    assert writes(thurrock) == before
    # On the day it was raised is fine.
    responded = challenge_services.challenge_respond(
        thurrock.ctx(), challenge, response="We have a new rota.", responded_on=dt.date(2026, 4, 14)
    )
    assert responded.status == "responded"


def test_closing_needs_the_outcome_and_a_closed_challenge_stays_as_it_was_closed(thurrock):
    challenge = log(thurrock)
    with pytest.raises(ValidationError) as error:
        challenge_services.challenge_respond(
            thurrock.ctx(), challenge, response="A rota.", responded_on=TODAY, close=True
        )
    assert error.value.message_dict == {"outcome": ["Record the outcome before closing the challenge"]}
    challenge_services.challenge_respond(thurrock.ctx(), challenge, response="A rota.", responded_on=TODAY)
    # The response can be corrected while the challenge is open.
    challenge_services.challenge_respond(thurrock.ctx(), challenge, response="A duty rota.", responded_on=TODAY)
    closed = challenge_services.challenge_respond(
        thurrock.ctx(),
        challenge,
        response="A duty rota.",
        responded_on=TODAY,
        outcome="Attendance rose to 81%.",
        close=True,
    )
    assert closed.status == "closed"
    events = list(
        ActivityEvent.objects.for_partnership(thurrock.partnership)
        .filter(object_type__model="challenge", object_id=str(challenge.pk), kind="write")
        .order_by("pk")
        .values_list("event", flat=True)
    )
    assert events == ["challenge.logged", "challenge.responded", "challenge.responded", "challenge.closed"]
    before = writes(thurrock)
    with pytest.raises(StateError, match="is closed"):
        challenge_services.challenge_respond(thurrock.ctx(), challenge, response="Changed", responded_on=TODAY)
    assert writes(thurrock) == before


def test_the_same_response_again_writes_nothing(thurrock):
    challenge = log(thurrock)
    challenge_services.challenge_respond(thurrock.ctx(), challenge, response="A rota.", responded_on=TODAY)
    before = writes(thurrock)
    challenge_services.challenge_respond(thurrock.ctx(), challenge, response=" A rota. ", responded_on=TODAY)
    assert writes(thurrock) == before


# ----------------------------------------------------------------------------------------------
# Pages


def test_log_a_challenge_page_keeps_input_and_the_response_page_refuses_an_early_date(thurrock, as_user):
    client = as_user(thurrock.people["business"])
    mace = GovernanceGroup.objects.for_partnership(thurrock.partnership).get(name="MACE")
    data = {
        "raised_on-day": "14",
        "raised_on-month": "4",
        "raised_on-year": "2026",
        "raised_by": "meeting",
        "raised_by_name": "Graham Whitfield, Head of Public Protection",
        "to_member": thurrock.members["agency"].pk,
        "subject": "Information sharing on self-harm",
        "challenge": "A&E notifications arrive a week late.",
    }
    before = writes(thurrock)
    html = client.post(reverse("challenge-add", args=[thurrock.slug]), data).content.decode()
    assert error_by_field(html, "id_raised_at") == "Choose the meeting (the group) it was raised at"
    assert "A&amp;E notifications arrive a week late." in html and 'value="14"' in html
    assert writes(thurrock) == before
    response = client.post(reverse("challenge-add", args=[thurrock.slug]), {**data, "raised_at": mace.pk})
    challenge = Challenge.objects.for_partnership(thurrock.partnership).get(subject="Information sharing on self-harm")
    assert response["Location"] == reverse("challenge-detail", args=[thurrock.slug, challenge.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "The challenge to NELFT has been logged" in detail and "Waiting for a response" in detail

    url = reverse("challenge-respond", args=[thurrock.slug, challenge.pk])
    early = {
        "response": "Notifications now go the same day.",
        "responded_on-day": "13",
        "responded_on-month": "4",
        "responded_on-year": "2026",
    }
    html = client.post(url, early).content.decode()
    assert (
        error_by_field(html, "id_responded_on")
        == "The response cannot come before the challenge was raised (14 April 2026)"
    )
    assert "Notifications now go the same day." in html
    assert writes(thurrock)[0][-1] == ("open", "", "")
    closing = {**early, "responded_on-day": "20", "close": "true"}
    html = client.post(url, closing).content.decode()
    assert error_by_field(html, "id_outcome") == "Record the outcome before closing the challenge"
    response = client.post(url, {**closing, "outcome": "Checked at the next MACE."})
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "The challenge &#x27;Information sharing on self-harm&#x27; has been closed" in detail
    assert "Record the response" not in detail and "Change the response" not in detail
    # A closed challenge's form is not offered, and a post to it changes nothing.
    before = writes(thurrock)
    assert client.get(url)["Location"] == reverse("challenge-detail", args=[thurrock.slug, challenge.pk])
    response = client.post(url, {**closing, "outcome": "Rewritten"})
    assert response.status_code == 302
    assert "is closed" in client.get(response["Location"]).content.decode()
    assert writes(thurrock) == before


def test_the_log_filters_by_status_sorts_and_pages(thurrock, as_user):
    for i in range(27):
        challenge = log(thurrock, raised_on=TODAY - dt.timedelta(days=60 - i), subject=f"Challenge {i:02d}")
        if i % 3 == 1:
            challenge_services.challenge_respond(thurrock.ctx(), challenge, response="Answered.", responded_on=TODAY)
        elif i % 3 == 2:
            challenge_services.challenge_respond(
                thurrock.ctx(), challenge, response="Answered.", responded_on=TODAY, outcome="Done.", close=True
            )
    thurrock.objects[Challenge]  # the maker's: one more, open, raised today
    client = as_user(thurrock.people["scrutineer"])
    url = reverse("challenge-list", args=[thurrock.slug])
    html = html_lib.unescape(client.get(url).content.decode())
    assert "All (28)" in html and "Waiting for a response (10)" in html and "Responded (9)" in html
    assert "Closed (9)" in html
    assert "Showing 1 to 25 of 28" in html
    # Newest first by default: the maker's (today), then Challenge 26.
    subjects = re.findall(r'href="/thurrock/challenges/\d+/">([^<]+)</a>', html)
    assert subjects[:2] == ["Attendance at strategy meetings", "Challenge 26"]
    closed = html_lib.unescape(client.get(f"{url}?status=closed&sort=subject").content.decode())
    subjects = re.findall(r'href="/thurrock/challenges/\d+/">([^<]+)</a>', closed)
    assert subjects == [f"Challenge {i:02d}" for i in range(2, 27, 3)]
    assert "Showing 1 to 9 of 9" in closed
    page_two = html_lib.unescape(client.get(f"{url}?page=2").content.decode())
    assert "Showing 26 to 28 of 28" in page_two
    # A scrutineer is offered nothing that writes.
    assert "Log a challenge" not in html
    assert "Log a challenge" in as_user(thurrock.people["business"]).get(url).content.decode()


def test_a_scrutineer_reads_the_log_and_writes_nothing(thurrock):
    challenge = log(thurrock)
    client = signed_in(thurrock.people["scrutineer"])
    assert client.get(reverse("challenge-detail", args=[thurrock.slug, challenge.pk])).status_code == 200
    before = writes(thurrock)
    data = {"response": "x", "responded_on-day": "1", "responded_on-month": "5", "responded_on-year": "2026"}
    for url in (
        reverse("challenge-add", args=[thurrock.slug]),
        reverse("challenge-respond", args=[thurrock.slug, challenge.pk]),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
    api = api_as(thurrock.people["scrutineer"])
    assert api.post(f"/api/v1/{thurrock.slug}/challenges/", {"subject": "x"}).status_code == 403
    assert (
        api.post(
            f"/api/v1/{thurrock.slug}/challenges/{challenge.pk}/respond/",
            {"response": "x", "responded_on": "2026-05-01"},
        ).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        challenge_services.challenge_respond(thurrock.ctx("scrutineer"), challenge, response="x", responded_on=TODAY)
    assert writes(thurrock) == before


# ----------------------------------------------------------------------------------------------
# The API


def test_api_log_respond_and_close(thurrock, api):
    thurrock.objects[Challenge]  # the maker's, open
    client = api(thurrock.people["business"])
    base = f"/api/v1/{thurrock.slug}/challenges/"
    strategic = GovernanceGroup.objects.for_partnership(thurrock.partnership).get(name="Strategic Group")
    created = client.post(
        base,
        {
            "raised_on": "2026-04-14",
            "raised_by": "meeting",
            "raised_at": strategic.pk,
            "raised_by_name": "Priya Raman, Director of People Services",
            "to_member": thurrock.members["health"].pk,
            "subject": "Initial health assessments",
            "challenge": "Fewer than two in three are on time.",
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert body["raised_at"] == {"id": strategic.pk, "name": "Strategic Group"}
    assert body["to_organisation"] == "Thurrock CCG" and body["status"] == "open"
    respond = f"{base}{body['id']}/respond/"
    early = client.post(respond, {"response": "More clinics.", "responded_on": "2026-04-13"})
    assert early.status_code == 400
    assert early.json() == {
        "responded_on": ["The response cannot come before the challenge was raised (14 April 2026)"]
    }
    assert client.post(respond, {"response": "More clinics.", "responded_on": "2026-04-30"}).json()["status"] == (
        "responded"
    )
    closed = client.post(
        respond, {"response": "More clinics.", "responded_on": "2026-04-30", "outcome": "76% on time.", "close": True}
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    again = client.post(respond, {"response": "Changed.", "responded_on": "2026-04-30"})
    assert again.status_code == 409 and "is closed" in again.json()["detail"]
    listed = client.get(f"{base}?status=closed").json()
    assert [row["subject"] for row in listed["results"]] == ["Initial health assessments"]
    assert client.get(f"{base}?status=open").json()["count"] == 1  # the maker's
    bad = client.post(base, {"raised_on": "2026-04-14", "raised_by": "scrutineer"})
    assert bad.status_code == 400 and set(bad.json()) == {"raised_by_name", "to_member", "subject", "challenge"}


def test_a_status_that_is_not_a_status_is_said_by_the_page_and_refused_by_the_api(thurrock):
    """One FilterSet for the page and the API: a bad `status` is never an unfiltered list."""
    page = signed_in(thurrock.people["scrutineer"]).get(
        reverse("challenge-list", args=[thurrock.slug]) + "?status=nonsense"
    )
    html = html_lib.unescape(page.content.decode())
    assert page.status_code == 200 and "Status: Select one of the options given" in html
    assert "Attendance at strategy meetings" not in html  # the maker's challenge is not listed
    listed = api_as(thurrock.people["scrutineer"]).get(f"/api/v1/{thurrock.slug}/challenges/?status=nonsense")
    assert listed.status_code == 400 and "status" in listed.json()
