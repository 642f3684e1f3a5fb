"""lscp/web/links.py: the menu's and the clocks' links, each route reversed once per partnership,
the same addresses reverse() writes (issue 15: the home page reversed one route per clock)."""

import datetime as dt

import pytest
import time_machine
from django.urls import clear_script_prefix, reverse, set_script_prefix
from django.urls import resolvers as url_resolvers
from django.utils import timezone

from lscp.web.links import partnership_url, record_page_url
from tests.support.clients import signed_in
from tests.support.makers_reviews import started

pytestmark = pytest.mark.django_db

RECORDS = [
    "notification-detail",
    "action-detail",
    "information-request-detail",
    "lcspr-detail",
    "self-assessment-detail",
    "governance-document-detail",
]


@pytest.mark.parametrize("prefix", ["/", "/lscp/"])
def test_the_links_are_the_addresses_reverse_writes(prefix):
    set_script_prefix(prefix)
    try:
        for slug in ["thurrock", "southend-on-sea", "a987654321987b"]:
            for name in RECORDS:
                for pk in [1, 42, 987654321987]:
                    assert record_page_url(name, slug, pk) == reverse(name, args=[slug, pk])
            for name in ["partnership-home", "notification-list", "activity-list"]:
                assert partnership_url(name, slug) == reverse(name, args=[slug])
    finally:
        clear_script_prefix()


def routes_reversed(monkeypatch, read) -> int:
    """How many times `read()` reverses a route."""
    reversed_ = []
    original = url_resolvers.URLResolver._reverse_with_prefix

    def counting(self, *args, **kwargs):
        reversed_.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(url_resolvers.URLResolver, "_reverse_with_prefix", counting)
    read()
    monkeypatch.setattr(url_resolvers.URLResolver, "_reverse_with_prefix", original)
    return len(reversed_)


def test_the_home_page_reverses_no_route_per_clock(world_a, monkeypatch):
    """Before: one reverse() per clock on the page, and eighteen for the menu on every page."""
    home = reverse("partnership-home", args=[world_a.slug])
    started(world_a)
    later = timezone.now() + dt.timedelta(days=400)  # every clock of the cases overdue, on the page
    with time_machine.travel(later, tick=False):
        client = signed_in(world_a.people["business"])
        shown = client.get(home).content.decode().count(f"/{world_a.slug}/notifications/")
        few = routes_reversed(monkeypatch, lambda: client.get(home))
    for _ in range(4):
        started(world_a)
    with time_machine.travel(later, tick=False):
        assert client.get(home).content.decode().count(f"/{world_a.slug}/notifications/") > shown
        assert routes_reversed(monkeypatch, lambda: client.get(home)) == few


def test_the_cases_list_reverses_no_route_per_row(world_a, monkeypatch):
    """Before: one {% url %} for each case's link."""
    client = signed_in(world_a.people["business"])
    cases = reverse("notification-list", args=[world_a.slug])
    first = started(world_a)
    client.get(cases)
    few = routes_reversed(monkeypatch, lambda: client.get(cases))
    for _ in range(4):
        started(world_a)
    html = client.get(cases).content.decode()
    assert f'href="{reverse("notification-detail", args=[world_a.slug, first.pk])}"' in html
    assert routes_reversed(monkeypatch, lambda: client.get(cases)) == few
