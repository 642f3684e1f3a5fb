"""The partnership's chair and independent scrutineer: named offices with who holds each since
when and the former holders, on the partners and people pages and in the API; the scrutineer keeps
the read-only scrutineer role; the chair may be anyone of the partnership's people."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from lscp.models import ActivityEvent
from partners import services
from partners.models import Office


def api(person):
    client = APIClient()
    client.force_authenticate(person)
    return client


def test_naming_a_chair_ends_the_previous_one_and_both_are_kept(world_a, as_user):
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC), tick=False):
        services.office_assign(ctx=world_a.ctx(), kind="chair", membership=world_a.people["council"])
    with time_machine.travel(dt.datetime(2027, 1, 4, 10, tzinfo=dt.UTC), tick=False):
        services.office_assign(ctx=world_a.ctx(), kind="chair", membership=world_a.people["agency"])
        page = as_user(world_a.people["agency"]).get(reverse("offices", args=[world_a.slug])).content.decode()
    held = Office.objects.for_partnership(world_a.partnership).filter(kind="chair").order_by("since")
    assert [(o.membership, o.since, o.until) for o in held] == [
        (world_a.people["council"], dt.date(2026, 12, 1), dt.date(2027, 1, 4)),
        (world_a.people["agency"], dt.date(2027, 1, 4), None),
    ]
    assert f"{world_a.person('agency').get_full_name()}</a>, since 4 January 2027" in page
    assert f"Former holders: {world_a.person('council').get_full_name()} (1 Dec 2026 to 4 Jan 2027)" in page
    assert ActivityEvent.objects.for_partnership(world_a.partnership).filter(event="office.ended").count() == 1
    for name in ("member-list", "person-list"):
        listed = as_user(world_a.people["agency"]).get(reverse(name, args=[world_a.slug])).content.decode()
        assert "Partnership chair" in listed and "Independent scrutineer" in listed


def test_the_independent_scrutineer_is_a_scrutineer(world_a, as_user):
    with pytest.raises(ValidationError) as error:
        services.office_assign(ctx=world_a.ctx(), kind="scrutineer", membership=world_a.people["council"])
    assert "is not a scrutineer" in error.value.message_dict["membership"][0]
    client = as_user(world_a.people["business"])
    url = reverse("office-scrutineer-edit", args=[world_a.slug])
    assert world_a.person("council").get_full_name() not in client.get(url).content.decode()
    saved = client.post(url, {"membership": world_a.people["scrutineer"].pk})
    assert saved.status_code == 302
    office = Office.objects.for_partnership(world_a.partnership).get(kind="scrutineer", until__isnull=True)
    assert office.membership.role == "scrutineer"
    assert as_user(world_a.people["scrutineer"]).get(url).status_code == 403


def test_the_api_lists_and_names_office_holders(world_a):
    url = f"/api/v1/{world_a.slug}/offices/"
    assert api(world_a.person("scrutineer")).post(url, {"kind": "chair", "membership": 1}).status_code == 403
    named = api(world_a.person("business")).post(
        url, {"kind": "chair", "membership": world_a.people["police"].pk}, format="json"
    )
    assert named.status_code == 201
    offices = {o["kind"]: o for o in api(world_a.person("agency")).get(url).json()["offices"]}
    assert offices["chair"]["current"]["membership"] == world_a.people["police"].pk
    assert offices["scrutineer"]["current"] is None
    refused = api(world_a.person("business")).post(
        url, {"kind": "scrutineer", "membership": world_a.people["police"].pk}, format="json"
    )
    assert refused.status_code == 400 and "membership" in refused.json()
