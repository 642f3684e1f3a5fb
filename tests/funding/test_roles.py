"""Funding is read by everyone in the partnership and changed only by the business unit: every
funding write route refuses the agency lead and the LSPs and DSPs (the role suite covers the
scrutineer). The partnerships are built once for the module."""

import pytest

from tests.funding.test_funding import FUNDING_WRITES, writes

pytestmark = pytest.mark.django_db


@pytest.fixture
def world_a(shared_a):
    return shared_a


@pytest.mark.parametrize(("route", "method"), FUNDING_WRITES, ids=lambda value: getattr(value, "name", value))
@pytest.mark.parametrize("who", ["agency", "council"])
def test_leads_read_funding_but_cannot_change_it(route, method, who, world_a):
    from tests.support.clients import api_as, signed_in

    membership = world_a.people[who]
    client = api_as(membership) if route.is_api else signed_in(membership)
    before = writes(world_a)
    url = route.url(world_a.slug, world_a.objects)
    if route.is_api:
        response = getattr(client, method)(url, data={"label": "2030-31", "agreed": "1"}, format="json")
    else:
        response = getattr(client, method)(url, data={"label": "2030-31", "agreed": "1", "kind": "training"})
    assert response.status_code == 403, f"{who}: {method.upper()} {route.name} gave {response.status_code}"
    assert writes(world_a) == before
