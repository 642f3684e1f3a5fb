"""Issue 15: a case page stays the same size however long the case has lived. Its emails,
escalation steps and changes show the newest 20 each, saying how many there are, with the whole
history in the timeline, a page at a time."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lscp import activity, outbox
from tests.support.makers_reviews import submit
from tests.support.world import make_world


def at(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, 0), tick=False)


def _history(world, notification, n: int, start: int = 0) -> None:
    ctx = world.ctx("business")
    for i in range(start, start + n):
        outbox.enqueue(
            partnership=world.partnership,
            key=f"bounded-{notification.pk}-{i}",
            to=[world.person("council").email],
            subject=f"Reminder number {i:03d}",
            body="A reminder.",
            about=notification,
        )
        activity.record(
            ctx, event="notification.changed", obj=notification, changes={"summary": {"old": i, "new": i + 1}}
        )


def _page(as_user, world, notification):
    with CaptureQueriesContext(connection) as queries:
        response = as_user(world.people["business"]).get(f"/{world.slug}/notifications/{notification.pk}/")
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.mark.django_db
def test_the_case_page_shows_the_newest_twenty_of_each_history(as_user):
    with at(dt.date(2026, 11, 26)):
        world = make_world("bounded", with_objects=False)
        notification = submit(world, aware_date=dt.date(2026, 11, 26))
        _history(world, notification, 5)
        small, small_queries = _page(as_user, world, notification)
        _history(world, notification, 60, start=5)
        big, big_queries = _page(as_user, world, notification)
    assert "Reminder number 004" in small and "The latest" not in small
    # The newest 20 emails, oldest first, and how many there are, pointing at the timeline.
    assert "Reminder number 064" in big and "Reminder number 045" in big
    assert "Reminder number 044" not in big and "Reminder number 000" not in big
    assert big.index("Reminder number 045") < big.index("Reminder number 064")
    assert "The latest 20 of 66 emails" in big  # 65 reminders and the new notification's email
    assert "The latest 20 of 66 changes to the notification" in big  # 65 and the submission
    assert f"/{world.slug}/notifications/{notification.pk}/timeline/" in big
    # The same queries (one count more for each history longer than a page), whatever the size.
    assert big_queries <= small_queries + 2, (small_queries, big_queries)


@pytest.mark.django_db
def test_the_timeline_is_a_page_at_a_time(as_user):
    with at(dt.date(2026, 11, 26)):
        world = make_world("pages", with_objects=False)
        notification = submit(world, aware_date=dt.date(2026, 11, 26))
        _history(world, notification, 120)
        client = as_user(world.people["business"])
        first = client.get(f"/{world.slug}/notifications/{notification.pk}/timeline/").content.decode()
        second = client.get(f"/{world.slug}/notifications/{notification.pk}/timeline/?page=2").content.decode()
        third = client.get(f"/{world.slug}/notifications/{notification.pk}/timeline/?page=3").content.decode()
    assert "Reminder number 000" in first and "Reminder number 119" not in first
    assert 'aria-label="Page 3"' in first
    assert "Reminder number 119" in second + third
    assert "Reminder number 000" not in second
