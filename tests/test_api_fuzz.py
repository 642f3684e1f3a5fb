"""The API answers as its OpenAPI schema says, and never with a 5xx.

A bounded schema-driven fuzz (schemathesis) runs every operation the schema documents, as a
business-unit user and as a scrutineer of the same partnership, plus OPTIONS and the browsable
API (Accept: text/html) on every path, in-process against the real database the suite uses. It
fails on any 5xx and on any response that does not match the schema. Its figures are printed.
The tests before it pin the disagreements it found, one by one.
"""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from werkzeug.test import Client as WsgiClient

from tests.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def app():
    """The site's WSGI app in this process, inside the test's transaction: as Django's test client
    does, a request must not close the database connection the test holds."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def load_schema(app):
    """The schema /api/v1/schema/ serves, wired to the app in this process."""
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    schema.app = app
    return schema


class Caller:
    """One person's requests, through the WSGI app (as schemathesis sends them), with a token."""

    def __init__(self, app, world: World, who: str):
        self.token = Token.objects.get_or_create(user=world.person(who))[0].key
        self.client = WsgiClient(app)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.token}"}

    def get(self, url: str, **kwargs):
        return self.client.get(url, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)


def conforms(schema, path: str, method: str, response) -> None:
    """Raises (naming what differs) unless the response matches what the schema documents."""
    schema[path][method].validate_response(response)


def test_a_person_or_seat_without_an_organisation_matches_the_schema(app, world_a):
    """The business unit and scrutineers belong to no member organisation: `organisation` is
    null in PersonOut and SeatOut, and the schema must say it may be."""
    from partners import services
    from partners.models import GovernanceGroup

    schema = load_schema(app)
    business = Caller(app, world_a, "business")
    people = business.get(f"/api/v1/{world_a.slug}/people/", query_string={"page_size": 200})
    assert None in [row["organisation"] for row in people.json["results"]]
    conforms(schema, "/api/v1/{slug}/people/", "GET", people)
    group = GovernanceGroup.objects.for_partnership(world_a.partnership).get(name="Strategic Group")
    services.group_member_add(ctx=world_a.ctx(), group=group, membership=world_a.people["scrutineer"])
    seats = business.get(f"/api/v1/{world_a.slug}/governance-groups/{group.pk}/")
    assert None in [seat["organisation"] for seat in seats.json["members"]]
    conforms(schema, "/api/v1/{slug}/governance-groups/{group_id}/", "GET", seats)


def test_an_audit_without_a_priority_matches_the_schema(app, world_a):
    from audits import services
    from audits.models import AuditKind

    audit = services.audit_save(
        world_a.ctx(), title="Neglect deep dive", kind=AuditKind.DEEP_DIVE, year_start=2025, quarter=2, priority=None
    )
    found = Caller(app, world_a, "business").get(f"/api/v1/{world_a.slug}/audits/{audit.pk}/")
    assert found.status_code == 200 and found.json["priority"] is None
    conforms(load_schema(app), "/api/v1/{slug}/audits/{audit_id}/", "GET", found)


def test_a_notifications_requests_for_information_are_paginated_as_documented(app, world_a):
    """Every API list is paginated (README): this one was documented so but answered a bare list."""
    import time_machine

    from reviews import rapid_review_services
    from tests.makers_reviews import started

    with time_machine.travel(dt.datetime(2026, 3, 3, 10, tzinfo=dt.UTC), tick=False):
        notification = started(world_a)
        rapid_review_services.request_information(
            world_a.ctx(),
            notification,
            members=[world_a.members["agency"], world_a.members["police"]],
            reply_by=dt.date(2026, 3, 9),
        )
    url = f"/api/v1/{world_a.slug}/notifications/{notification.pk}/information-requests/"
    business = Caller(app, world_a, "business")
    first = business.get(url, query_string={"page_size": 1})
    assert first.status_code == 200
    assert first.json["count"] == 2 and len(first.json["results"]) == 1 and first.json["next"]
    conforms(load_schema(app), "/api/v1/{slug}/notifications/{notification_id}/information-requests/", "GET", first)
    second = business.get(url, query_string={"page_size": 1, "page": 2})
    assert {first.json["results"][0]["organisation"], second.json["results"][0]["organisation"]} == {
        "NELFT",
        "Essex Police",
    }
