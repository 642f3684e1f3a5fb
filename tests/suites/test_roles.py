"""Roles: every write route refuses a scrutineer, and agency leads cannot manage people.

Write routes are enumerated from the URL resolver (with the methods each one really answers),
so a route added later is covered here without editing this file.
"""

import re

import pytest
from django.urls import reverse

from lscp.models import ActivityEvent, OutboxEmail
from lscp.permissions import Policy
from lscp.roles import Role
from partners.permissions import PeoplePolicy
from tests.support.clients import api_as, signed_in
from tests.support.routes import WRITE_METHODS, tenant_routes

pytestmark = pytest.mark.django_db


# This module's partnerships are built once and shared by its tests (each test still rolls back).
@pytest.fixture
def world_a(shared_a):
    return shared_a


@pytest.fixture
def world_b(shared_b):
    return shared_b


WRITES = [(route, method) for route in tenant_routes() for method in sorted(route.write_methods)]


def _request(client, method, url, data=None):
    if method == "delete":
        return client.delete(url)
    return (
        getattr(client, method)(
            url, data=data or {"name": "x", "role": "business_unit"}, content_type="application/json"
        )
        if url.startswith("/api/")
        else getattr(client, method)(url, data=data or {"role": "business_unit", "seat": "relevant_agency"})
    )


def _writes(world):
    return (
        ActivityEvent.objects.for_partnership(world.partnership).filter(kind="write").count(),
        OutboxEmail.objects.for_partnership(world.partnership).count(),
    )


def test_write_routes_are_found():
    names = {route.name for route, _ in WRITES}
    assert {"person-add", "person-deactivate", "member-add", "api-person-list", "api-person-deactivate"} <= names


def test_every_write_route_is_enumerated(shared_a, monkeypatch):
    """WRITES is read from each view's declared methods. Every other write on every tenant route
    is asked for here, with every role check answering yes (so a 403 cannot hide a handler): each
    is refused with 405 Method Not Allowed, so no route answers a write the tests above do not try."""
    monkeypatch.setattr(Policy, "_roles_for", classmethod(lambda cls, action: frozenset(Role.values)))
    world_a = shared_a
    business = world_a.people["business"]
    api, pages = api_as(business), signed_in(business)
    answered = []
    for route in tenant_routes():
        url = route.url(world_a.slug, world_a.objects)
        client = api if route.is_api else pages
        for method in sorted(set(WRITE_METHODS) - route.write_methods):
            status = _request(client, method, url).status_code
            if status != 405:
                answered.append(f"{method.upper()} {route.name} gave {status}")
    assert answered == [], f"{len(answered)} writes are answered but not in WRITES: {answered}"


# The one thing a scrutineer writes: their commentary on the yearly report (issue 13), on its page
# and through the API. Every other write route refuses them.
SCRUTINEER_WRITES = {"annual-report-commentary", "api-annual-report-read-commentary"}


def test_the_scrutineers_only_writes_are_found():
    assert {route.name for route, _ in WRITES} >= SCRUTINEER_WRITES
    assert {
        (route.name, route.policy_and_permission(method)[1])
        for route, method in WRITES
        if route.name in SCRUTINEER_WRITES
    } == {(name, "comment") for name in SCRUTINEER_WRITES}


@pytest.mark.parametrize(
    ("route", "method"),
    [(route, method) for route, method in WRITES if route.name not in SCRUTINEER_WRITES],
    ids=lambda value: getattr(value, "name", value),
)
def test_scrutineer_can_write_nothing(route, method, shared_a):
    world_a = shared_a
    scrutineer = world_a.people["scrutineer"]
    client = api_as(scrutineer) if route.is_api else signed_in(scrutineer)
    before = _writes(world_a)
    response = _request(client, method, route.url(world_a.slug, world_a.objects))
    # Scrutineers read the whole partnership (without child details), so every write is a plain 403.
    assert response.status_code == 403, f"{method.upper()} {route.name} gave {response.status_code}"
    assert _writes(world_a) == before


MANAGE_PEOPLE = [
    (route, method) for route, method in WRITES if route.policy_and_permission(method) == (PeoplePolicy, "manage")
]


def test_people_management_routes_are_found():
    assert {route.name for route, _ in MANAGE_PEOPLE} >= {
        "person-add",
        "person-edit",
        "person-deactivate",
        "person-reactivate",
        "api-person-list",
        "api-person-detail",
        "api-person-deactivate",
        "api-person-reactivate",
    }


@pytest.mark.parametrize(("route", "method"), MANAGE_PEOPLE, ids=lambda value: getattr(value, "name", value))
@pytest.mark.parametrize("who", ["agency", "council", "scrutineer"])
def test_only_the_business_unit_manages_people(route, method, who, shared_a):
    world_a = shared_a
    membership = world_a.people[who]
    client = api_as(membership) if route.is_api else signed_in(membership)
    before = _writes(world_a)
    response = _request(client, method, route.url(world_a.slug, world_a.objects))
    assert response.status_code == 403, f"{who}: {method.upper()} {route.name} gave {response.status_code}"
    assert _writes(world_a) == before


def test_agency_lead_sees_no_manage_controls(world_a, as_user):
    client = as_user(world_a.people["agency"])
    page = client.get(reverse("person-list", args=[world_a.slug])).content.decode()
    assert "Add a person" not in page
    detail = client.get(reverse("person-detail", args=[world_a.slug, world_a.people["council"].pk])).content.decode()
    assert "Deactivate" not in detail and "Change<span" not in detail
    # ...and the business unit does see them (so the assertions above can fail).
    page = as_user(world_a.people["business"]).get(reverse("person-list", args=[world_a.slug])).content.decode()
    assert "Add a person" in page


@pytest.mark.parametrize("who", ["agency", "council", "scrutineer"])
def test_only_the_business_unit_reads_the_activity_log(who, world_a, as_user, api):
    assert as_user(world_a.people[who]).get(reverse("activity-list", args=[world_a.slug])).status_code == 403
    assert api(world_a.people[who]).get(f"/api/v1/{world_a.slug}/activity/").status_code == 403
    assert as_user(world_a.people["business"]).get(reverse("activity-list", args=[world_a.slug])).status_code == 200


def test_navigation_shows_what_the_role_may_use(world_a, as_user):
    members = reverse("member-list", args=[world_a.slug])
    business = as_user(world_a.people["business"]).get(members).content.decode()
    scrutineer = as_user(world_a.people["scrutineer"]).get(members).content.decode()
    assert "Activity log" in sub_menu(business)
    assert "Activity log" not in sub_menu(scrutineer) and "Activity log" not in scrutineer


def menu(html: str) -> list[str]:
    nav = re.search(r'<ul class="govuk-service-navigation__list".*?</ul>', html, re.S).group(0)
    return [re.sub(r"<[^>]+>", "", label).strip() for label in re.findall(r"<a [^>]*>(.*?)</a>", nav, re.S)]


def sub_menu(html: str) -> list[str]:
    nav = re.search(r'<div class="lscp-sub-navigation">.*?</nav>', html, re.S)
    if nav is None:
        return []
    links = re.findall(r"<a ([^>]*)>(.*?)</a>", nav.group(0), re.S)
    return [label.strip() + (" (here)" if 'aria-current="page"' in attrs else "") for attrs, label in links]


@pytest.mark.parametrize(
    ("who", "sections"),
    [
        # A section with one page for this person is shown by that page's name.
        ("business", ["Home", "Cases", "Action plans", "Scrutiny", "Funding", "Partnership"]),
        ("agency", ["Home", "Cases", "Our actions", "Scrutiny", "Funding", "Partnership"]),
        ("scrutineer", ["Home", "Notifications", "Action plans", "Scrutiny", "Funding", "Partnership"]),
    ],
)
def test_the_menu_groups_pages_into_sections_the_role_may_use(who, sections, world_a, as_user):
    html = as_user(world_a.people[who]).get(reverse("partnership-home", args=[world_a.slug])).content.decode()
    assert menu(html) == sections
    assert sub_menu(html) == []  # home is a section of one page


def test_a_sections_pages_are_listed_under_the_header_with_the_current_one_marked(world_a, as_user):
    client = as_user(world_a.people["business"])
    html = client.get(reverse("person-list", args=[world_a.slug])).content.decode()
    assert sub_menu(html) == [
        "Partners",
        "People (here)",
        "Governance",
        "Documents",
        "Deadlines",
        "Activity log",
        "API tokens",
    ]
    assert 'aria-current="true"><strong class="govuk-service-navigation__active-fallback">Partnership' in html
    # A page below a section's page keeps the section open, with nothing marked as this page.
    html = client.get(reverse("person-add", args=[world_a.slug])).content.decode()
    assert sub_menu(html)[:2] == ["Partners", "People"]
    assert 'class="lscp-sub-navigation__item lscp-sub-navigation__item--active"' in html
    scrutineer = as_user(world_a.people["scrutineer"]).get(reverse("dashboard", args=[world_a.slug])).content.decode()
    assert "Dashboard (here)" in sub_menu(scrutineer) and "Activity log" not in sub_menu(scrutineer)


def test_roles_are_per_partnership(world_a, world_b, as_user):
    """The same person: business unit in A, scrutineer in B."""
    from partners import services

    person = world_a.person("business")
    services.person_add(
        ctx=world_b.ctx(),
        email=person.email,
        first_name=person.first_name,
        last_name=person.last_name,
        role=Role.SCRUTINEER,
    )
    client = as_user(world_a.people["business"])
    assert client.get(reverse("person-add", args=[world_a.slug])).status_code == 200
    assert client.get(reverse("person-add", args=[world_b.slug])).status_code == 403
