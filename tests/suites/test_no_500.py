"""No request answers 500: each cause the schema-driven fuzz (tests/suites/test_api_fuzz.py) found, pinned
by a test of its own."""

from __future__ import annotations

import pytest

from tests.support.clients import api_as
from tests.support.routes import tenant_routes

pytestmark = pytest.mark.django_db

API_ROUTES = [route for route in tenant_routes() if route.is_api]


@pytest.fixture
def world_a(shared_a):
    return shared_a


def test_options_and_the_browsable_api_answer_on_every_api_path(world_a):
    """DRF answers OPTIONS and renders the browsable API's forms with a copy of the request; the
    permission check must not depend on anything set on the original request only."""
    client = api_as(world_a.people["business"])
    client.raise_request_exception = False
    failures = []
    for route in API_ROUTES:
        url = route.url(world_a.slug, world_a.objects)
        options = client.options(url)
        if options.status_code >= 500:
            failures.append(f"OPTIONS {url}: {options.status_code}")
        elif options.status_code == 200 and route.write_methods & {"post", "put"} and "actions" not in options.json():
            failures.append(f"OPTIONS {url}: no actions described")
        if "get" in route.methods:
            page = client.get(url, HTTP_ACCEPT="text/html")
            if page.status_code >= 500:
                failures.append(f"GET {url} as HTML: {page.status_code}")
            elif page.status_code == 200:
                assert page["Content-Type"].startswith("text/html")
    assert len(API_ROUTES) > 40
    assert not failures, "\n".join(failures)


def _schema_writes() -> list[tuple[str, str, set[str]]]:
    """(path template, method, the request body's field names) of every POST and PUT the
    OpenAPI schema documents under a partnership."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    writes = []
    for path, operations in schema["paths"].items():
        for method in ("post", "put"):
            operation = operations.get(method)
            if not operation or "{slug}" not in path:
                continue
            fields: set[str] = set()
            content = (operation.get("requestBody") or {}).get("content", {})
            if content:
                body = next(iter(content.values()))["schema"]
                if "$ref" in body:
                    body = components[body["$ref"].rsplit("/", 1)[1]]
                fields = set(body.get("properties", {}))
            writes.append((path, method.upper(), fields))
    return writes


def test_options_describes_the_input_the_schema_documents(world_a):
    """What OPTIONS describes for a POST or PUT (and the browsable API renders as its form) is the
    input serializer the schema documents, not the output."""
    from lscp.tenancy import url_kwarg_models

    models = url_kwarg_models()
    clients = [api_as(world_a.people[who]) for who in ("business", "council", "agency")]
    writes = _schema_writes()
    assert len(writes) > 40
    mismatches = []
    for path, method, fields in writes:
        url = path.replace("{slug}", world_a.slug)
        for name, model in models.items():
            if "{" + name + "}" in url:
                url = url.replace("{" + name + "}", str(getattr(world_a.objects[model], model.url_field)))
        described = None
        for client in clients:
            actions = client.options(url).json().get("actions", {})
            if method in actions:
                described = set(actions[method])
                break
        if described is None:
            mismatches.append(f"{method} {path}: described to nobody")
        elif described != fields:
            mismatches.append(f"{method} {path}: OPTIONS {sorted(described)}, schema {sorted(fields)}")
    assert not mismatches, "\n".join(mismatches)


def test_the_activity_log_to_the_last_day_there_is(world_a, as_user):
    """`date_to` 31 December 9999 is a real date: the log up to it is the whole log (it was
    `date_to + 1 day`, which overflows)."""
    from django.urls import reverse

    from lscp.models import ActivityEvent

    page = as_user(world_a.people["business"]).get(
        reverse("activity-list", args=[world_a.slug]) + "?date_to-day=31&date_to-month=12&date_to-year=9999"
    )
    assert page.status_code == 200
    assert "There is a problem" not in page.content.decode()
    # Counted after the page: signing in and reading the log are in the log too.
    everything = ActivityEvent.objects.for_partnership(world_a.partnership).count()
    api = api_as(world_a.people["business"]).get(
        f"/api/v1/{world_a.slug}/activity/", {"date_to": "9999-12-31", "page_size": 200}
    )
    # The API pages the log by cursor with no count (issue 15): one page of 200 holds it all.
    assert api.status_code == 200 and len(api.json()["results"]) == everything > 0 and api.json()["next"] is None
    first_day = api_as(world_a.people["business"]).get(
        f"/api/v1/{world_a.slug}/activity/", {"date_from": "0001-01-01", "date_to": "0001-01-01"}
    )
    assert first_day.status_code == 200 and first_day.json()["results"] == []


def test_activity_filters_refused_per_field(world_a):
    client = api_as(world_a.people["business"])
    url = f"/api/v1/{world_a.slug}/activity/"
    response = client.get(url, {"person": "²", "kind": "nonsense", "date_from": "2026-05-32"})
    assert response.status_code == 400
    assert set(response.json()) == {"person", "kind", "date_from"}
    backwards = client.get(url, {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert backwards.status_code == 400 and set(backwards.json()) == {"date_to"}


def date_fields(name: str, day: str, month: str, year: str) -> dict[str, str]:
    return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}


def test_an_annual_report_in_year_9999_is_refused_per_field(world_a, as_user):
    """A period in year 9999 (twelve_months_from overflowed on it): a 400 on the field, nothing
    saved, on the API and the page alike. The records hold financial years 2000 to 2100."""
    from django.urls import reverse

    from audits.models import AnnualReport

    client = api_as(world_a.people["business"])
    url = f"/api/v1/{world_a.slug}/annual-reports/"
    before = AnnualReport.objects.for_partnership(world_a.partnership).count()
    for start, end in [("9999-04-01", "9999-12-31"), ("9999-01-01", "9999-12-31"), ("1999-04-01", "2000-03-31")]:
        refused = client.post(url, {"title": "Far off", "period_start": start, "period_end": end})
        assert refused.status_code == 400, refused.content
        assert set(refused.json()) == {"period_start"}
        assert "between 2000 and 2100" in refused.json()["period_start"][0]
    page = as_user(world_a.people["business"]).post(
        reverse("annual-report-add", args=[world_a.slug]),
        {
            "title": "Far off",
            **date_fields("period_start", "1", "4", "9999"),
            **date_fields("period_end", "31", "3", "9999"),
        },
    )
    assert page.status_code == 200 and "between 2000 and 2100" in page.content.decode()
    assert AnnualReport.objects.for_partnership(world_a.partnership).count() == before
    last = client.post(url, {"title": "The last year", "period_start": "2100-04-01", "period_end": "2101-03-31"})
    assert last.status_code == 201, last.content


def _notification_payload(world, who: str) -> dict:
    import datetime as dt

    day = str(dt.date(2026, 3, 2))
    return {
        "pathway": "mandatory" if who == "business" else "agency",
        "notifying_member": (world.members["council"] if who == "business" else world.members["agency"]).pk,
        "incident_date": day,
        "aware_date": day,
        "location": "in_area",
        "nature": "serious_harm",
        "abuse_or_neglect": "known",
        "children": [
            {
                "reference": "Child Q",
                "age_years": 15,
                "sex": "female",
                "ethnicity": "black_african",
                "looked_after": False,
            }
        ],
        "summary": "What happened.",
    }


def test_a_submission_key_is_the_submitters_own(world_a):
    """An agency lead who sends the submission key of a notification their organisation cannot see
    gets a notification of their own (it was a 500 that told them the key exists); their own
    retry with the key still returns their first one."""
    import time_machine

    from reviews.models import Notification

    url = f"/api/v1/{world_a.slug}/notifications/"
    with time_machine.travel("2026-03-03 10:00 +0000", tick=False):
        business = api_as(world_a.people["business"])
        theirs = business.post(url, {**_notification_payload(world_a, "business"), "submission_key": "k-1"})
        assert theirs.status_code == 201, theirs.content
        agency = api_as(world_a.people["agency"])
        assert agency.get(f"{url}{theirs.json()['id']}/").status_code == 404
        mine = agency.post(url, {**_notification_payload(world_a, "agency"), "submission_key": "k-1"})
        assert mine.status_code == 201, mine.content
        assert mine.json()["id"] != theirs.json()["id"]
        assert mine.json()["notifying_member"] == world_a.members["agency"].pk
        again = agency.post(url, {**_notification_payload(world_a, "agency"), "submission_key": "k-1"})
        assert again.json()["id"] == mine.json()["id"]
        same_key = Notification.objects.for_partnership(world_a.partnership).filter(submission_key="k-1")
        assert same_key.count() == 2


def test_a_body_that_is_not_an_object_is_a_400(world_a):
    """PATCHes that merge what was sent into the record's values (and the rapid review's
    send-for-sign-off, which read `version` from the body) took any JSON: a number or a list was
    a 500 (found by the fuzz)."""
    from funding.models import Benchmark, Income
    from partners.models import Membership
    from reviews.models import Notification

    client = api_as(world_a.people["business"])
    base = f"/api/v1/{world_a.slug}"
    urls = [
        ("patch", f"{base}/people/{world_a.objects[Membership].pk}/"),
        ("patch", f"{base}/funding/income/{world_a.objects[Income].pk}/"),
        ("patch", f"{base}/funding/benchmarks/{world_a.objects[Benchmark].pk}/"),
        ("post", f"{base}/notifications/{world_a.objects[Notification].pk}/rapid-review/send-for-sign-off/"),
    ]
    for method, url in urls:
        for body in ("3.5", "[1, 2]", '"text"'):
            response = getattr(client, method)(url, body, content_type="application/json")
            assert response.status_code == 400, (url, body, response.status_code)
            assert "non_field_errors" in response.json(), response.json()
    stale = client.post(urls[-1][1], {"version": "abc"}, format="json")
    assert stale.status_code == 400 and set(stale.json()) == {"version"}
