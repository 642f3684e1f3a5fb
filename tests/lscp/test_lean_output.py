"""LeanOutput (lscp/api.py): the long API lists' rows written without DRF's per-field, per-row
look-ups, and the JSON exactly DRF's own (issue 15: the API notifications' 50 rows made about 4,000
get_attribute calls)."""

import json

import pytest
from django.db.models.query import QuerySet
from django.utils import timezone
from rest_framework import fields, serializers

from lscp.api import LeanOutput
from reviews.notifications import api as notifications_api
from reviews.notifications import criteria
from tests.support.clients import api_as
from tests.support.makers_reviews import started, submit

pytestmark = pytest.mark.django_db


class Owner:
    name = "Essex Police"

    def shout(self):
        return self.name.upper()


class Row:
    def __init__(self, owner=None, extra=None):
        self.id, self.owner, self.extra, self.when = 7, owner, extra, None

    @property
    def broken(self):
        raise AttributeError("not today")


class RowOut(LeanOutput):
    id = serializers.IntegerField()
    owner_name = serializers.CharField(source="owner.name", allow_null=True)
    shouted = serializers.CharField(source="owner.shout", allow_null=True)
    extra_key = serializers.CharField(source="extra.key", allow_null=True)
    when = serializers.DateField(allow_null=True)
    broken = serializers.CharField(required=False)
    fallback = serializers.CharField(source="broken", default="none")
    method = serializers.SerializerMethodField()
    secret = serializers.CharField(write_only=True)

    def get_method(self, row) -> int:
        return (row["id"] if isinstance(row, dict) else row.id) * 2


def drf(serializer, instance) -> dict:
    """What DRF's own Serializer.to_representation writes."""
    return serializers.Serializer.to_representation(serializer, instance)


@pytest.mark.parametrize(
    "row",
    [Row(owner=Owner(), extra={"key": "a"}), Row(), Row(owner=Owner()), {"id": 3, "owner": None, "extra": None}],
    ids=["everything", "nothing", "no-mapping", "a-mapping"],
)
def test_the_lean_path_writes_what_drf_writes(row):
    serializer = RowOut()
    assert json.dumps(serializer.to_representation(row)) == json.dumps(drf(serializer, row))


def test_the_api_lists_json_is_drfs_own_byte_for_byte(world_a):
    for _ in range(3):
        started(world_a)
    client = api_as(world_a.people["business"])
    for url in [f"/api/v1/{world_a.slug}/notifications/", f"/api/v1/{world_a.slug}/action-plans/actions/"]:
        lean = client.get(url).content
        original = LeanOutput.to_representation
        try:
            LeanOutput.to_representation = serializers.Serializer.to_representation
            assert client.get(url).content == lean
        finally:
            LeanOutput.to_representation = original


def test_the_notifications_list_looks_up_no_plain_field_through_drf(world_a, monkeypatch):
    """Before: every field of every row and clock went through DRF's get_attribute (40 a case)."""
    for _ in range(4):
        started(world_a)
    calls = []
    original = fields.Field.get_attribute

    def counting(self, instance):
        calls.append(self.field_name)
        return original(self, instance)

    monkeypatch.setattr(fields.Field, "get_attribute", counting)
    response = api_as(world_a.people["business"]).get(f"/api/v1/{world_a.slug}/notifications/")
    assert response.status_code == 200 and len(response.json()["results"]) == 4
    # No field of a case, of its clocks or of its children (since they are plain lists, not a
    # related manager, which DRF read itself): each child's known_to is a method field.
    assert set(calls) == set(), sorted(set(calls))


def test_the_notifications_list_reads_today_once_for_all_its_clocks(world_a, monkeypatch):
    """Before: each clock of each case asked for today's date again (four a case)."""
    client = api_as(world_a.people["business"])
    url = f"/api/v1/{world_a.slug}/notifications/"
    started(world_a)
    asked = []
    original = timezone.localdate

    def counting(*args, **kwargs):
        asked.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(timezone, "localdate", counting)
    client.get(url)
    few = len(asked)
    for _ in range(4):
        started(world_a)
    asked.clear()
    clocks = sum(len(case["deadlines"]) for case in client.get(url).json()["results"])
    assert clocks >= 10 and len(asked) == few


def test_the_notifications_list_builds_no_queryset_a_row(world_a, monkeypatch):
    """Before: Django's prefetch cache built a filtered queryset for every case's children and
    every child's known_to (some 150 for a page of 50), so the count grew with the rows."""
    client = api_as(world_a.people["business"])
    url = f"/api/v1/{world_a.slug}/notifications/"
    built = []
    original = QuerySet._filter_or_exclude

    def counting(self, *args, **kwargs):
        built.append(self.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "_filter_or_exclude", counting)
    counts = []
    for _ in range(2):
        for _ in range(3):
            started(world_a)
        built.clear()
        response = client.get(url)
        counts.append(len(built))
    assert len(response.json()["results"]) == 6 and all(
        len(case["children"]) >= 1 for case in response.json()["results"]
    )
    assert counts[0] == counts[1], counts


def test_the_notifications_list_evaluates_the_criteria_once_a_case(world_a, monkeypatch):
    """Before: twice a case with no decision of the business unit's (criteria_result evaluates,
    then the evaluation is read again)."""
    for _ in range(3):
        submit(world_a)
    evaluated = []
    original = criteria.evaluate

    def counting(*args, **kwargs):
        evaluated.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(criteria, "evaluate", counting)
    monkeypatch.setattr(notifications_api, "evaluate", counting, raising=False)
    response = api_as(world_a.people["business"]).get(f"/api/v1/{world_a.slug}/notifications/")
    rows = response.json()["results"]
    assert len(rows) == 3 and all(row["criteria"]["evaluated"] for row in rows)
    assert len(evaluated) == 3
