"""The cases list (and the API's) read each row's clocks with the page, as a plain list: no work
per row beyond showing it (issue 15). Django's own prefetch cache built a filtered queryset for every
row to hold its clocks, 0.2 ms a row, a quarter of the list's time on the national load."""

import pytest
from django.db.models.query import QuerySet
from django.urls import reverse

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
