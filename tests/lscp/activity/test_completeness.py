"""The activity log records what an investigator needs (issue 12, finding 9): list reads and
exports with their filters and row counts, reading the log itself, refused requests (another
partnership's included), sign-ins, failures and sign-outs, and every security event."""

import pytest
from django.test import Client
from django.urls import reverse

from lscp.activity.signals import security_event
from lscp.models import ActivityEvent
from tests.support.clients import api_as
from tests.support.world import PASSWORD

pytestmark = pytest.mark.django_db


def events(partnership, **filters):
    if partnership is None:
        return ActivityEvent.dangerously_unscoped.filter(partnership=None, **filters)
    return ActivityEvent.objects.for_partnership(partnership).filter(**filters)


def test_a_list_page_read_is_recorded_with_its_filters_and_counts(world_a, as_user):
    business = world_a.people["business"]
    client = as_user(business)
    response = client.get(reverse("person-list", args=[world_a.slug]) + "?role=agency_lead&junk=<x>&status=all")
    assert response.status_code == 200
    read = events(world_a.partnership, kind="read", actor=business.person).get()
    assert read.event == "membership.listed"
    assert read.details["filters"] == {"role": "agency_lead", "status": "all"}, "cleaned filters, no junk"
    assert read.details["total"] == read.details["shown"] >= 1
    assert read.details["path"] == f"/{world_a.slug}/people/"


def test_the_notifications_api_at_page_size_200_is_recorded_with_its_counts(world_a):
    business = world_a.people["business"]
    world_a.objects[__import__("reviews.notifications.models", fromlist=["Notification"]).Notification]
    answer = api_as(business).get(f"/api/v1/{world_a.slug}/notifications/", {"page_size": 200, "status": "submitted"})
    assert answer.status_code == 200, answer.content
    read = events(world_a.partnership, kind="read", event="notification.listed").get()
    assert read.actor == business.person
    assert read.details["filters"] == {"status": "submitted"}
    assert read.details["shown"] == len(answer.json()["results"])
    assert read.details["total"] == answer.json()["count"]


def test_an_export_is_recorded_with_its_filters_and_rows(world_a, as_user):
    business = world_a.people["business"]
    response = as_user(business).get(reverse("action-list-csv", args=[world_a.slug]) + "?status=complete")
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    export = events(world_a.partnership, kind="export").get()
    assert export.actor == business.person
    assert export.details["filename"].endswith(".csv")
    assert export.details["filters"] == {"status": "complete"}
    assert export.details["rows"] == len(lines) - 1


def test_reading_the_activity_log_is_recorded_on_the_page_and_in_the_api(world_a, as_user):
    business = world_a.people["business"]
    as_user(business).get(reverse("activity-list", args=[world_a.slug]) + "?kind=write")
    api_as(business).get(f"/api/v1/{world_a.slug}/activity/", {"event": "member.added"})
    reads = events(world_a.partnership, kind="read", event="activityevent.listed").order_by("id")
    assert [r.details["filters"] for r in reads] == [{"kind": "write"}, {"event": "member.added"}]
    # The log is paged by keyset, never counted (issue 15): the rows shown, no total.
    assert all(r.details["shown"] > 0 and r.details["total"] is None for r in reads)


def test_another_partnerships_slug_and_object_are_refused_and_recorded(world_a, world_b, as_user):
    intruder = world_a.people["business"]
    client = as_user(intruder)
    # Another partnership's slug: recorded in that partnership's log.
    assert client.get(f"/{world_b.slug}/people/").status_code == 404
    refused = events(world_b.partnership, kind="refusal").get()
    assert refused.actor == intruder.person
    assert refused.details == {
        "method": "GET",
        "path": f"/{world_b.slug}/people/",
        "status": 404,
        "route": "person-list",
        "arguments": {"slug": world_b.slug},
    }
    # Another partnership's object under one's own slug, in the API: one's own partnership's log.
    other = world_b.people["council"]
    assert api_as(intruder).get(f"/api/v1/{world_a.slug}/people/{other.pk}/").status_code == 404
    api_refusal = events(world_a.partnership, kind="refusal").get()
    assert api_refusal.details["path"] == f"/api/v1/{world_a.slug}/people/{other.pk}/"
    # A partnership that does not exist: installation-wide.
    assert client.get("/no-such-partnership/people/").status_code == 404
    assert events(None, kind="refusal", actor=intruder.person).get().details["status"] == 404


def test_a_forbidden_step_is_recorded(world_a, as_user):
    scrutineer = world_a.people["scrutineer"]
    response = as_user(scrutineer).get(reverse("activity-list", args=[world_a.slug]))
    assert response.status_code == 403
    refused = events(world_a.partnership, kind="refusal", actor=scrutineer.person).get()
    assert refused.details["status"] == 403 and refused.details["route"] == "activity-list"


def test_sign_in_failure_and_sign_out_are_recorded_without_the_password(world_a):
    business = world_a.people["business"]
    client = Client()
    client.post(reverse("sign-in"), {"username": business.person.username, "password": "wrong-" + PASSWORD})
    failed = events(None, kind="security", event="sign-in-failed").get()
    assert failed.details == {"username": business.person.username} and failed.actor is None
    assert PASSWORD not in str(failed.details)

    response = client.post(reverse("sign-in"), {"username": business.person.username, "password": PASSWORD})
    assert response.status_code == 302
    for partnership in (None, world_a.partnership):  # installation-wide, and the person's partnership
        signed_in = events(partnership, kind="security", event="sign-in").get()
        assert signed_in.actor == business.person and signed_in.details == {"method": "password"}

    client.post(reverse("sign-out"))
    assert events(None, kind="security", event="sign-out", actor=business.person).exists()


def test_every_security_event_is_recorded(world_a, rf):
    business = world_a.people["business"]
    request = rf.post("/")
    request.user = business.person
    security_event.send(
        sender=None,
        request=request,
        event="second-factor-reset",
        person=world_a.person("council"),
        partnership=world_a.partnership,
        details={"device": "totp"},
    )
    event = events(world_a.partnership, kind="security", event="second-factor-reset").get()
    assert event.actor == business.person
    assert event.object_repr == str(world_a.person("council")) and event.details == {"device": "totp"}
    assert not events(None, event="second-factor-reset").exists()


def test_the_log_page_offers_the_new_kinds_and_shows_only_its_partnership(world_a, world_b, as_user):
    as_user(world_b.people["business"]).get(f"/{world_a.slug}/")  # a refusal in A's log, by B's person
    page = as_user(world_a.people["business"]).get(reverse("activity-list", args=[world_a.slug]) + "?kind=refusal")
    html = page.content.decode()
    for label in ("List read", "Export", "Refused", "Security"):
        assert f">{label}</option>" in html
    assert "Request refused: not found" in html
    # B's person's sign-in is in B's log and the installation's, not A's.
    assert not events(world_a.partnership, kind="security", actor=world_b.person("business")).exists()


def test_a_refused_path_with_a_nul_is_recorded_not_a_500(world_a, as_user):
    client = as_user(world_a.people["business"])
    assert client.get(f"/{world_a.slug}/people/%00/").status_code == 404
    refused = events(None, kind="refusal").get()  # no route matches: installation-wide
    assert "\x00" not in refused.details["path"] and "\ufffd" in refused.details["path"]
