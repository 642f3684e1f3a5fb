"""The cases list (and the API's) read each row's clocks with the page, as a plain list: no work
per row beyond showing it (issue 15). Django's own prefetch cache built a filtered queryset for every
row to hold its clocks, 0.2 ms a row, a quarter of the list's time on the national load."""

import datetime as dt

import pytest
import time_machine
from django.db.models import Exists
from django.db.models.query import QuerySet
from django.urls import reverse
from django.utils import timezone

from lscp.web.lists import filter_compiled
from reviews.notifications import selectors
from tests.support.clients import api_as, signed_in
from tests.support.makers_reviews import started

pytestmark = pytest.mark.django_db


def querysets_made(monkeypatch, read) -> int:
    """How many querysets `read()` builds."""
    made = []
    original = QuerySet.__init__

    def counting(self, *args, **kwargs):
        made.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "__init__", counting)
    read()
    monkeypatch.setattr(QuerySet, "__init__", original)
    return len(made)


def test_the_cases_list_builds_no_queryset_per_row(world_a, monkeypatch):
    client = signed_in(world_a.people["business"])
    page = reverse("notification-list", args=[world_a.slug])
    started(world_a)
    few = querysets_made(monkeypatch, lambda: client.get(page))
    for _ in range(4):
        started(world_a)
    assert querysets_made(monkeypatch, lambda: client.get(page)) == few


def test_a_case_s_clocks_are_read_from_the_page_or_else_from_the_database(world_a):
    notification = started(world_a)
    from_page = selectors.notifications_for(world_a.ctx()).get(pk=notification.pk)
    alone = type(notification).objects.for_partnership(world_a.partnership).get(pk=notification.pk)
    assert {c.pk for c in selectors.clocks_of(from_page)} == {c.pk for c in selectors.clocks_of(alone)}
    assert len(selectors.clocks_of(alone)) >= 2
    assert selectors.current_clock(from_page) == selectors.current_clock(alone) is not None
    api = api_as(world_a.people["business"])
    listed = api.get(f"/api/v1/{world_a.slug}/notifications/").json()["results"][0]["deadlines"]
    shown = api.get(f"/api/v1/{world_a.slug}/notifications/{notification.pk}/").json()["deadlines"]
    assert listed == shown and len(listed) == len(selectors.clocks_of(alone))


def exists_written(monkeypatch, read) -> int:
    """How many times `read()` writes the SQL of an Exists()."""
    written = []
    original = Exists.as_sql

    def counting(self, *args, **kwargs):
        written.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Exists, "as_sql", counting)
    read()
    monkeypatch.setattr(Exists, "as_sql", original)
    return len(written)


def test_the_overdue_filter_is_written_as_sql_once_for_the_count_and_the_page(world_a, monkeypatch):
    """Before: its seven Exists() were written for the paginator's count and again for the page."""
    started(world_a)
    page = reverse("notification-list", args=[world_a.slug]) + "?overdue=1"
    with time_machine.travel(timezone.now() + dt.timedelta(days=400)):
        client = signed_in(world_a.people["business"])
        response = client.get(page)
        assert response.status_code == 200 and response.context["page"].paginator.count == 1
        assert exists_written(monkeypatch, lambda: client.get(page)) == 7


def test_the_overdue_filter_written_once_finds_what_the_plain_filter_finds(world_a):
    late = started(world_a)
    ctx = world_a.ctx()
    with time_machine.travel(timezone.now() + dt.timedelta(days=400)):
        on_time = started(world_a)
        condition = selectors.case_has_overdue_clock(ctx, timezone.localdate())
        plain = selectors.notifications_for(ctx).filter(condition).order_by("pk")
        once = filter_compiled(selectors.notifications_for(ctx), condition).order_by("pk")
        assert str(once.query) == str(plain.query)
        assert [n.pk for n in once] == [n.pk for n in plain] and on_time.pk not in {n.pk for n in once}
        assert once.count() == plain.count() >= 1
        # Inside another query (its aliases renamed), it is the condition itself again.
        model = type(late)
        inside = model.dangerously_unscoped.filter(pk__in=once.values("pk")).order_by("pk")
        assert [n.pk for n in inside] == [n.pk for n in plain]
