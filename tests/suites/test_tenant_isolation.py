"""The tenant wall: another partnership's pages, API and records are a 404, everywhere.

Routes and tenant-owned models are enumerated, not listed: a route or model added later is
covered by these tests without anyone editing them.
"""

import re

import pytest
from django.urls import reverse

from lscp.tenancy import UnscopedQueryError, get_scoped_or_404, tenant_models
from tests.support.clients import api_as, signed_in
from tests.support.routes import WRITE_METHODS, all_routes, tenant_routes
from tests.support.world import OBJECT_MAKERS

pytestmark = pytest.mark.django_db


# This module's partnerships are built once and shared by its tests (each test still rolls back).
@pytest.fixture
def world_a(shared_a):
    return shared_a


@pytest.fixture
def world_b(shared_b):
    return shared_b


ROUTES = tenant_routes()


def request(client, method: str, url: str):
    if method in ("get", "delete"):
        return getattr(client, method)(url)
    return getattr(client, method)(url, data={}, content_type="application/json")


def test_every_tenant_owned_model_is_covered_and_has_a_url_kwarg():
    models = set(tenant_models())
    assert models, "no tenant-owned models found"
    missing = models - set(OBJECT_MAKERS)
    assert not missing, f"tests/world.py needs a maker for {sorted(m.__name__ for m in missing)}"
    kwargs = [m.get_url_kwarg() for m in models]
    assert len(kwargs) == len(set(kwargs))


def test_every_tenant_route_is_found():
    names = {route.name for route in ROUTES}
    # A sample of what must be there, so the walk cannot silently find nothing.
    assert {"partnership-home", "person-list", "person-detail", "api-member-list", "api-person-detail"} <= names
    assert all(route.pattern.startswith(("api/v1/<slug:slug>/", "<slug:slug>/")) for route in ROUTES)


def test_unscoped_queries_fail_closed(world_a):
    for model in tenant_models():
        with pytest.raises(UnscopedQueryError):
            list(model.objects.all())
        with pytest.raises(UnscopedQueryError):
            model.objects.filter(pk=1).exists()
        with pytest.raises(UnscopedQueryError):
            model.objects.for_partnership(None)
        # Scoped, it sees exactly its partnership's rows.
        scoped = model.objects.for_partnership(world_a.partnership)
        assert scoped.filter(pk=world_a.objects[model].pk).exists()


def test_scoped_fetch_is_404_for_another_partnership(world_a, world_b):
    from django.http import Http404

    for model in tenant_models():
        theirs = world_b.objects[model]
        with pytest.raises(Http404):
            get_scoped_or_404(model, partnership=world_a.partnership, pk=theirs.pk)
        assert get_scoped_or_404(model, partnership=world_b.partnership, pk=theirs.pk) == theirs


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_another_partnerships_slug_is_404(route, shared_a, shared_b):
    """A business-unit person of A asks for B's pages and API, with B's real record ids."""
    world_a, world_b = shared_a, shared_b
    client = api_as(world_a.people["business"]) if route.is_api else signed_in(world_a.people["business"])
    url = route.url(world_b.slug, world_b.objects)
    for method in ("get", *WRITE_METHODS):
        response = request(client, method, url)
        assert response.status_code == 404, f"{method.upper()} {url} as A's business unit gave {response.status_code}"


PERSON_FOR_ROLE = {
    "business_unit": "business",
    "dsp": "council",
    "agency_lead": "agency",
    "scrutineer": "scrutineer",
}


def someone_allowed(route, method, world):
    """A person of `world` whose role the route's policy allows for this method (so that a 404
    can only come from the record being another partnership's, not from the role)."""
    if method not in route.methods:  # a 405 at most: ask as someone the route's main method allows
        method = next(iter(sorted(route.methods)), None)
        if method is None:
            return world.people["business"]
    policy, action = route.policy_and_permission(method)
    roles = policy.rules.get(action, frozenset()) if policy else {"business_unit"}
    who = next(
        (PERSON_FOR_ROLE[role] for role in ["business_unit", "dsp", "agency_lead", "scrutineer"] if role in roles),
        "business",
    )
    return world.people[who]


@pytest.mark.parametrize("route", [r for r in ROUTES if len(r.kwargs) > 1], ids=lambda r: r.name)
def test_another_partnerships_records_are_404_under_your_own_slug(route, shared_a, shared_b):
    """Someone of B allowed to use the route, on B's own slug, with A's record ids: the same 404
    as a missing record."""
    world_a, world_b = shared_a, shared_b
    url = route.url(world_b.slug, world_a.objects)
    for method in ("get", *WRITE_METHODS):
        person = someone_allowed(route, method, world_b)
        client = api_as(person) if route.is_api else signed_in(person)
        response = request(client, method, url)
        # A method the route does not have is 405 whatever the id, so it reveals nothing.
        expected = {404} if method in route.methods else {404, 405}
        assert response.status_code in expected, f"{method.upper()} {url} gave {response.status_code}"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_own_partnership_routes_answer(route, shared_a):
    """The control: with its own records, the same route answers (so the 404s above are the wall,
    not a broken URL)."""
    world_a = shared_a
    person = someone_allowed(route, "get", world_a)
    client = api_as(person) if route.is_api else signed_in(person)
    url = route.url(world_a.slug, world_a.objects)
    response = client.get(url)
    if "get" in route.methods:
        # A page may redirect to the next thing to do (a step not due yet, a question already
        # answered): still inside this partnership.
        assert response.status_code in (200, 302), f"GET {url} gave {response.status_code}"
        if response.status_code == 302:
            assert response["Location"].startswith(f"/{world_a.slug}/"), response["Location"]
    else:
        assert response.status_code == 405


def test_a_deactivated_member_gets_404(world_a, as_user):
    from partners import services

    client = as_user(world_a.people["agency"])
    assert client.get(reverse("partnership-home", args=[world_a.slug])).status_code == 200
    services.person_deactivate(ctx=world_a.ctx(), membership=world_a.people["agency"])
    assert client.get(reverse("partnership-home", args=[world_a.slug])).status_code == 404


def test_an_unknown_slug_and_a_foreign_slug_look_the_same(world_a, world_b, as_user):
    client = as_user(world_a.people["business"])
    unknown = client.get("/no-such-partnership/people/")
    foreign = client.get(f"/{world_b.slug}/people/")
    assert unknown.status_code == foreign.status_code == 404

    def without_csrf(content: bytes) -> bytes:
        return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)

    assert without_csrf(unknown.content) == without_csrf(foreign.content)


def test_anonymous_visitors_are_sent_to_sign_in(world_a):
    from django.test import Client
    from rest_framework.test import APIClient

    for route in ROUTES:
        url = route.url(world_a.slug, world_a.objects)
        if route.is_api:
            assert APIClient().get(url).status_code in (401, 403)
        else:
            response = Client().get(url)
            assert response.status_code == 302 and response["Location"].startswith(reverse("sign-in"))


def test_admin_is_the_only_cross_tenant_view(world_a, world_b):
    from django.test import Client

    client = Client()
    client.force_login(world_a.admin)
    response = client.get(reverse("admin:partners_membership_changelist"))
    assert response.status_code == 200
    assert str(world_a.person("agency")).encode() in response.content
    assert str(world_b.person("agency")).encode() in response.content
    # Without a membership, the administrator has no partnership pages.
    assert client.get(f"/{world_a.slug}/").status_code == 404


def test_route_list_includes_non_tenant_routes_that_need_no_slug():
    names = {route.name for route in all_routes() if not route.is_tenant}
    assert {"sign-in", "partnership-list", "api-me", "api-token", "api-schema"} <= names


def test_choices_are_narrowed_in_nested_serializers_too(world_a, world_b):
    """A tenant-owned choice inside a nested list (a rapid review's attendees) is narrowed to the
    caller's partnership like a top-level one: another partnership's member is not a valid choice."""
    from reviews.rapid_review.api import RapidReviewIn

    ours, theirs = world_a.members["agency"], world_b.members["agency"]
    for member, valid in ((ours, True), (theirs, False)):
        data = RapidReviewIn(
            data={"attendees": [{"member": member.pk, "name": "Jo Chair", "role": "Head of Safeguarding"}]},
            context={"ctx": world_a.ctx()},
        )
        assert data.is_valid() is valid, data.errors
