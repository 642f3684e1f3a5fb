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
from werkzeug.test import Client as WsgiClient

from tests.support.clients import personal_token
from tests.support.world import World

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
        self.token = personal_token(world.person(who))
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
    from audits.models import AuditKind
    from audits.programme import services

    audit = services.audit_save(
        world_a.ctx(), title="Neglect deep dive", kind=AuditKind.DEEP_DIVE, year_start=2025, quarter=2, priority=None
    )
    found = Caller(app, world_a, "business").get(f"/api/v1/{world_a.slug}/audits/{audit.pk}/")
    assert found.status_code == 200 and found.json["priority"] is None
    conforms(load_schema(app), "/api/v1/{slug}/audits/{audit_id}/", "GET", found)


def test_a_notifications_requests_for_information_are_paginated_as_documented(app, world_a):
    """Every API list is paginated (README): this one was documented so but answered a bare list."""
    import time_machine

    from reviews.rapid_review import services as rapid_review_services
    from tests.support.makers_reviews import started

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


def test_a_rapid_reviews_sign_offs_are_paginated_as_documented(app, world_a):
    from reviews.models import Notification

    notification = world_a.objects[Notification]  # signed off by the three partners
    url = f"/api/v1/{world_a.slug}/notifications/{notification.pk}/rapid-review/sign-offs/"
    first = Caller(app, world_a, "business").get(url, query_string={"page_size": 2})
    assert first.status_code == 200 and first.json["count"] == 3 and len(first.json["results"]) == 2
    conforms(load_schema(app), "/api/v1/{slug}/notifications/{notification_id}/rapid-review/sign-offs/", "GET", first)


def test_a_scrutineer_gets_the_summary_of_a_notification_as_the_schema_allows(app, world_a):
    """Scrutineers get status and timeliness only: the schema documents the rest as optional."""
    from reviews.models import Notification

    schema = load_schema(app)
    notification = world_a.objects[Notification]
    scrutineer, business = Caller(app, world_a, "scrutineer"), Caller(app, world_a, "business")
    for caller, shown in [(scrutineer, False), (business, True)]:
        listed = caller.get(f"/api/v1/{world_a.slug}/notifications/")
        assert ("children" in listed.json["results"][0]) is shown
        conforms(schema, "/api/v1/{slug}/notifications/", "GET", listed)
        one = caller.get(f"/api/v1/{world_a.slug}/notifications/{notification.pk}/")
        assert ("summary" in one.json) is shown
        conforms(schema, "/api/v1/{slug}/notifications/{notification_id}/", "GET", one)


# ----------------------------------------------------------------------------------------------
# The fuzz

# Examples per operation and person: schema-valid ones, then ones the schema forbids. Bounded so
# the whole fuzz adds well under a minute to `make test` on 2 cores.
POSITIVE_EXAMPLES = 3
NEGATIVE_EXAMPLES = 2
PEOPLE = ("business", "scrutineer")


class Tally:
    def __init__(self):
        self.requests = 0
        self.server_errors: list[str] = []
        self.mismatches: list[str] = []
        self.operations = 0

    def server_error(self, what: str, response) -> None:
        self.server_errors.append(f"{what}: {response.status_code}")

    def summary(self, seconds: float) -> str:
        return (
            f"API fuzz: {self.operations} operations, {self.requests} requests as {' and '.join(PEOPLE)}, "
            f"{len(self.server_errors)} 5xx, {len(self.mismatches)} schema mismatches, {seconds:.1f} s"
        )


def _real_ids(world: World, path: str) -> dict[str, str]:
    """The path's ids filled with the partnership's own records, so requests reach real objects
    (random ids would only ever find 404s)."""
    from lscp.tenancy import url_kwarg_models

    ids = {"slug": world.slug}
    for name, model in url_kwarg_models().items():
        if "{" + name + "}" in path and model in world.objects:
            ids[name] = str(getattr(world.objects[model], model.url_field))
    return ids


def _fuzz_operation(operation, world: World, headers: dict, tally: Tally) -> None:
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode

    modes = [(GenerationMode.POSITIVE, POSITIVE_EXAMPLES)]
    if len(operation.query) or len(list(operation.body)):  # the ids in its path are the world's own
        modes.append((GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES))
    for mode, examples in modes:
        try:
            _examples(operation, mode, examples, world, headers, tally)
        except Unsatisfiable:  # a body or query whose every value is valid (all optional strings)
            assert mode == GenerationMode.NEGATIVE, operation.label


def _examples(operation, mode, examples: int, world: World, headers: dict, tally: Tally) -> None:
    """`examples` requests to one operation, generated from its schema the same way every run."""
    from django.db import transaction
    from hypothesis import HealthCheck, Phase, given, settings

    label = f"{operation.label} ({mode.value})"
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=_real_ids(world, operation.path))

    @given(case=strategy)
    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: each request is counted once
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        # Each request in a savepoint: one that breaks the transaction cannot break the next.
        savepoint = transaction.savepoint()
        response = case.call(headers=headers)
        tally.requests += 1
        if response.status_code >= 500:
            transaction.savepoint_rollback(savepoint)
            tally.server_error(f"{label} {case.as_curl_command()}", response)
            return
        transaction.savepoint_commit(savepoint)
        try:
            operation.validate_response(response, case=case)
        except (AssertionError, BaseExceptionGroup) as error:  # each one is listed; the run goes on
            tally.mismatches.append(f"{label} {response.status_code}: {str(error)[:600]}")

    run()


def _options_and_html(app, schema, world: World, headers: dict, tally: Tally) -> None:
    """OPTIONS on every path, and every GET as the browsable API (Accept: text/html)."""
    client = WsgiClient(app)
    for path, operations in schema.raw_schema["paths"].items():
        url = path.format(**_real_ids(world, path)) if "{" in path else path
        if "{" in url:  # an id no record of the world fills: nothing to ask for
            continue
        response = client.options(url, headers=headers)
        tally.requests += 1
        if response.status_code >= 500:
            tally.server_error(f"OPTIONS {url}", response)
        if "get" in operations:
            response = client.get(url, headers={**headers, "Accept": "text/html"})
            tally.requests += 1
            if response.status_code >= 500:
                tally.server_error(f"GET {url} as text/html", response)


def test_fuzz_the_whole_api(app, db):
    """Every operation, a few examples each, as the business unit and as a scrutineer of the same
    partnership: no 5xx, and every response as the schema documents it."""
    import os
    import time

    from tests.support.world import make_world

    world = make_world("fuzzed", area="Fuzzed", full=True)
    schema = load_schema(app)
    tally = Tally()
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    tally.operations = len(operations)
    for who in PEOPLE:
        headers = {"Authorization": f"Token {personal_token(world.person(who))}"}
        for operation in operations:
            if operation.path.startswith("/api/v1/auth/token/revoke"):  # it would end the fuzz's own token
                revoked = {"Authorization": f"Token {personal_token(world.person(who), 'revoked by the fuzz')}"}
                _fuzz_operation(operation, world, revoked, tally)
                continue
            _fuzz_operation(operation, world, headers, tally)
        _options_and_html(app, schema, world, headers, tally)
    summary = tally.summary(time.monotonic() - started)
    print(summary)
    if os.environ.get("LSCP_FUZZ_REPORT"):  # scripts/test.sh prints it after the suite
        with open(os.environ["LSCP_FUZZ_REPORT"], "a") as report:
            report.write(summary + "\n")
    assert tally.operations > 100 and tally.requests > 1000
    assert not tally.server_errors and not tally.mismatches, "\n\n".join(
        [summary, *tally.server_errors, *tally.mismatches]
    )
