"""Issue 14 §3: what the business unit sees is true. A partner's "returned with comments" is a
task for the business unit (the review's task list and the top of its home page); unanswered
requests are closed when the rapid review completes, or withdrawn with a reason; a step is
offered only when it can be recorded."""

import datetime as dt
import html as html_lib
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from lscp import deadlines
from lscp.models import ActivityEvent, OutboxEmail
from lscp.roles import Role
from lscp.states import StateError
from partners import services as partner_services
from partners.models import MemberKind, Sector
from reviews.models import InformationRequest
from reviews.notifications import services
from reviews.rapid_review import services as rapid
from tests.support.clients import error_by_field
from tests.support.makers_reviews import meeting, signed_off, started
from tests.support.world import add_person, organisation

pytestmark = pytest.mark.django_db


def text(html: str) -> str:
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))


def returned_by_police(world):
    notification = started(world)
    meeting(world, notification)
    rapid.send_for_sign_off(world.ctx(), notification)
    rapid.sign_off(world.ctx("council"), notification, decision="signed")
    rapid.sign_off(world.ctx("police"), notification, decision="returned", comments="Add the school's view")
    return notification


def test_a_returned_outcome_is_a_task_on_the_review_and_first_on_the_business_units_home(world_a, as_user):
    notification = returned_by_police(world_a)
    business = as_user(world_a.people["business"])
    review_page = text(business.get(reverse("rapid-review", args=[world_a.slug, notification.pk])).content.decode())
    assert "Essex Police: returned with comments (“Add the school's view”)" in review_page
    assert "Essex Police: not yet" not in review_page
    assert "1 of 3 signed" not in review_page
    assert "Returned with comments" in review_page
    assert "Change the outcome to answer the comments" in review_page

    home = business.get(reverse("partnership-home", args=[world_a.slug])).content.decode()
    first_section = re.search(r'<h3 class="govuk-heading-s">([^<]+)</h3>', home).group(1)
    assert first_section == "Returned with comments"
    assert f"The rapid review outcome of {notification.reference} was returned by Essex Police" in text(home)

    # Changing the outcome answers it (the return is withdrawn with the signatures).
    meeting(world_a, notification, learning="Learning, with the school's view added.")
    home = business.get(reverse("partnership-home", args=[world_a.slug])).content.decode()
    assert "was returned by" not in home


def test_a_return_the_partner_has_since_signed_over_is_no_longer_a_task(world_a, as_user):
    notification = returned_by_police(world_a)
    rapid.sign_off(world_a.ctx("police"), notification, decision="signed")
    business = as_user(world_a.people["business"])
    home = business.get(reverse("partnership-home", args=[world_a.slug])).content.decode()
    assert "was returned by" not in home
    review_page = text(business.get(reverse("rapid-review", args=[world_a.slug, notification.pk])).content.decode())
    assert "Essex Police: signed" in review_page and "2 of 3 signed" in review_page


# ----------------------------------------------------------------------------------------------
# Requests unanswered when the rapid review completes, and withdrawn requests


def ask(world, notification, *who, days=5):
    members = [world.members[w] for w in who]
    return rapid.request_information(
        world.ctx(), notification, members=members, reply_by=timezone.localdate() + dt.timedelta(days=days)
    )


def answer(world, request, who, submit=True):
    if who not in world.people:  # an agency lead of a statutory partner ("police-lead")
        world.people[who] = add_person(world, who, role=Role.AGENCY_LEAD, member=world.members[who.split("-")[0]])
    return rapid.save_agency_summary(
        world.ctx(who),
        request,
        involvement="Health visiting twice.",
        immediate_actions="",
        learning="Share earlier.",
        chronology=[],
        submit=submit,
    )


def request_clock(request):
    [clock] = deadlines.clocks_for(request)
    return clock


def test_completing_the_rapid_review_closes_the_unanswered_requests_and_stops_their_clocks(world_a, as_user):
    notification = started(world_a)
    agency_request, police_request, health_request = ask(world_a, notification, "agency", "police", "health")
    answer(world_a, police_request, "police-lead")
    answer(world_a, health_request, "health-lead", submit=False)  # a draft, never submitted
    meeting(world_a, notification)
    business = as_user(world_a.people["business"])
    send_page = text(
        business.get(reverse("rapid-review-send-for-sign-off", args=[world_a.slug, notification.pk])).content.decode()
    )
    assert "2 agency summaries are still outstanding: NELFT, Thurrock CCG." in send_page
    signed_off(world_a, notification)
    agency = as_user(world_a.people["agency"])
    home = agency.get(reverse("partnership-home", args=[world_a.slug])).content.decode()
    assert f"Agency summary for {notification.reference}" in home

    services.record_step(world_a.ctx(), notification, step="rapid_review_completed", on=None)

    statuses = {
        r.member_id: r.status
        for r in InformationRequest.objects.for_partnership(world_a.partnership).filter(notification=notification)
    }
    assert statuses == {
        world_a.members["agency"].pk: "closed",
        world_a.members["police"].pk: "submitted",
        world_a.members["health"].pk: "closed",
    }
    agency_request.refresh_from_db()
    clock = request_clock(agency_request)
    assert clock.status_on(timezone.localdate() + dt.timedelta(days=30)) == "pending"  # neither met nor overdue
    assert clock.met_on is None and clock.due_date is None and clock.next_escalation_on is None
    assert clock.explanation.startswith("Not needed: the rapid review was completed on")
    logged = ActivityEvent.objects.for_partnership(world_a.partnership).filter(
        event="information_request.closed", object_id=str(agency_request.pk)
    )
    assert logged.count() == 1 and logged.get().changes["status"] == {"old": "requested", "new": "closed"}
    home = agency.get(reverse("partnership-home", args=[world_a.slug])).content.decode()
    assert f"Agency summary for {notification.reference}" not in home
    with pytest.raises(StateError, match="closed: not needed"):
        answer(world_a, agency_request, "agency")


def test_the_business_unit_withdraws_an_unanswered_request_with_a_reason_on_the_page_and_in_the_api(world_a, as_user):
    notification = started(world_a)
    agency_request, police_request = ask(world_a, notification, "agency", "police")
    business = as_user(world_a.people["business"])
    detail = reverse("information-request-detail", args=[world_a.slug, agency_request.pk])
    url = reverse("information-request-withdraw", args=[world_a.slug, agency_request.pk])
    assert url in business.get(detail).content.decode()
    refused = business.post(url, {"version": agency_request.version, "reason": ""})
    assert error_by_field(refused.content.decode(), "id_reason") == "Say why the request is being withdrawn"
    done = business.post(url, {"version": agency_request.version, "reason": "NELFT had no involvement"})
    assert done.status_code == 302
    agency_request.refresh_from_db()
    assert agency_request.status == "withdrawn" and agency_request.closed_reason == "NELFT had no involvement"
    told = OutboxEmail.objects.for_partnership(world_a.partnership).get(
        key=f"information-request:{agency_request.pk}:withdrawn"
    )
    assert told.to == [world_a.person("agency").email] and "withdrew it: NELFT had no involvement" in told.body
    assert request_clock(agency_request).explanation == "Withdrawn: NELFT had no involvement"
    logged = ActivityEvent.objects.for_partnership(world_a.partnership).get(
        event="information_request.withdrawn", object_id=str(agency_request.pk)
    )
    assert logged.changes["reason"] == {"old": None, "new": "NELFT had no involvement"}
    agency_home = as_user(world_a.people["agency"]).get(reverse("partnership-home", args=[world_a.slug]))
    assert f"Agency summary for {notification.reference}" not in agency_home.content.decode()
    assert business.get(url).status_code == 302  # refused: already withdrawn

    client = APIClient()
    client.force_authenticate(world_a.person("business"))
    api_url = (
        f"/api/v1/{world_a.slug}/notifications/{notification.pk}/information-requests/{police_request.pk}/withdraw/"
    )
    assert client.post(api_url, {}, format="json").status_code == 400
    assert client.post(api_url, {"reason": "x", "version": 99}, format="json").status_code == 409
    answered = client.post(api_url, {"reason": "Asked by mistake"}, format="json")
    assert answered.status_code == 200 and answered.json()["status"] == "withdrawn"
    assert client.post(api_url, {"reason": "again"}, format="json").status_code == 409
    agency_lead = APIClient()
    agency_lead.force_authenticate(world_a.person("agency"))
    assert agency_lead.post(api_url, {"reason": "x"}, format="json").status_code in (403, 404)


def test_a_reopened_summary_is_a_task_on_the_agency_leads_home(world_a, as_user):
    notification = started(world_a)
    [request] = ask(world_a, notification, "agency")
    answer(world_a, request, "agency")
    rapid.reopen_agency_summary(world_a.ctx(), request, reason="Add the school nurse's contact")
    home = text(
        as_user(world_a.people["agency"]).get(reverse("partnership-home", args=[world_a.slug])).content.decode()
    )
    assert f"Agency summary for {notification.reference}" in home
    assert "Reopened by the business unit: Add the school nurse's contact" in home


# ----------------------------------------------------------------------------------------------
# A step is offered only when it can be recorded


def test_record_rapid_review_completed_is_offered_only_when_the_service_would_accept_it(world_a, as_user):
    notification = started(world_a)
    meeting(world_a, notification)
    rapid.send_for_sign_off(world_a.ctx(), notification)
    rapid.sign_off(world_a.ctx("council"), notification, decision="signed")
    business = as_user(world_a.people["business"])
    case_url = reverse("notification-detail", args=[world_a.slug, notification.pk])
    review_url = reverse("rapid-review", args=[world_a.slug, notification.pk])
    step_url = reverse("notification-rapid-review-completed", args=[world_a.slug, notification.pk])
    case = text(business.get(case_url).content.decode())
    assert "Record: rapid review completed" not in case
    assert "Next step: rapid review completed. Waiting for sign-off from Essex Police and Thurrock CCG." in case
    assert step_url not in business.get(review_url).content.decode()

    rapid.sign_off(world_a.ctx("police"), notification, decision="signed")
    rapid.sign_off(world_a.ctx("health"), notification, decision="signed")
    assert "Record: rapid review completed" in text(business.get(case_url).content.decode())
    assert step_url in business.get(review_url).content.decode()

    # A second council joins after the sign-off: the service asks for its signature too, so the
    # pages stop offering the step (the review page used to read the review's status instead).
    partner_services.member_add(
        ctx=world_a.ctx(),
        organisation=organisation("Essex County Council", Sector.COUNCIL),
        kind=MemberKind.STATUTORY_PARTNER,
        statutory_role="council",
    )
    with pytest.raises(StateError, match="Waiting for sign-off from Essex County Council"):
        services.record_step(world_a.ctx(), notification, step="rapid_review_completed", on=None)
    assert step_url not in business.get(review_url).content.decode()
    assert "Record: rapid review completed" not in text(business.get(case_url).content.decode())
