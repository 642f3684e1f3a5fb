"""The API's notification carries its escalations and its emails, as the case page does: for the
business unit, on the notification itself (not in lists)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from lscp import deadlines, outbox
from tests.support.clients import api_as
from tests.support.makers_reviews import submit
from tests.support.world import make_world

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 9):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=dt.UTC), tick=False)


def sweep_and_send() -> None:
    deadlines.sweep(dispatch=lambda ids: deadlines.escalate(ids))
    outbox.flush()


def test_the_notification_carries_its_escalations_and_emails_for_the_business_unit():
    with at(dt.date(2026, 11, 26)):
        world = make_world("escalated", with_objects=False)
        notification = submit(world, aware_date=dt.date(2026, 11, 19))  # "notify the Panel" due today
        sweep_and_send()
    with at(dt.date(2026, 11, 27)):  # and overdue the next working day
        sweep_and_send()
        url = f"/api/v1/{world.slug}/notifications/{notification.pk}/"
        body = api_as(world.people["business"]).get(url).json()
    page_emails = list(outbox.emails_about(world.partnership, notification).order_by("created_at", "id"))
    assert [e["subject"] for e in body["emails"]] == [e.subject for e in page_emails]
    overdue = next(e for e in body["emails"] if e["subject"].startswith("[Escalated LSCP] Overdue"))
    assert overdue["status"] == "sent" and overdue["attempts"] == 1 and overdue["sent_at"]
    assert sorted(overdue["to"]) == sorted(
        world.person(who).email for who in ("business", "council", "police", "health")
    )
    assert set(overdue) == {"subject", "to", "status", "created_at", "sent_at", "attempts", "last_error", "deliveries"}
    # Each recipient's copy, as the case page lists them.
    assert [(d["recipient"], d["status"], d["attempts"]) for d in overdue["deliveries"]] == [
        (to, "sent", 1) for to in sorted(overdue["to"])
    ]
    # Submitted on its due date: the reminder was passed over; "due" and "overdue" were sent.
    assert [
        (e["clock"], e["step"], e["step_date"], e["superseded"], e["email_status"]) for e in body["escalations"]
    ] == [
        ("panel_notification", "reminder", "2026-11-24", True, None),
        ("panel_notification", "due", "2026-11-26", False, "sent"),
        ("panel_notification", "overdue", "2026-11-27", False, "sent"),
    ]
    assert body["escalations"][2]["label"] == deadlines.label_for(notification.deadlines.get(kind="panel_notification"))


def test_only_the_business_unit_sees_them_and_lists_do_not_carry_them():
    with at(dt.date(2026, 11, 26)):
        world = make_world("escalated", with_objects=False)
        notification = submit(world, aware_date=dt.date(2026, 11, 19), children=None)
        deadlines.sweep(dispatch=lambda ids: deadlines.escalate(ids))
        url = f"/api/v1/{world.slug}/notifications/"
        assert api_as(world.people["business"]).get(f"{url}{notification.pk}/").json()["escalations"]
        agency = api_as(world.people["agency"]).get(f"{url}{notification.pk}/").json()
        assert agency["escalations"] is None and agency["emails"] is None
        listed = api_as(world.people["business"]).get(url).json()["results"]
        assert [row["id"] for row in listed] == [notification.pk]
        assert "escalations" not in listed[0] and "emails" not in listed[0]
