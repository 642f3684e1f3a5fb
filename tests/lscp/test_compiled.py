"""Querysets compiled once per process (lscp.compiled, issue 15): the ORM's own SQL run with each
call's values, each partnership's rows only; a builder that uses a value outside the query is
refused; the plan's page builds its actions' queries once, not on every request."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lscp.compiled import Compiled
from lscp.models import Deadline
from partners.models import Partnership
from reviews.action_plans.models import Action, Recommendation
from tests.support.makers_actions import plan_with, ratify_all

pytestmark = pytest.mark.django_db

D = dt.date


def due_before(*, partnership: int, today: dt.date, recommendations: tuple[int, ...]):
    return (
        Action.objects.for_partnership(Partnership(pk=partnership))
        .filter(due_date__lt=today, recommendation_id__in=recommendations)
        .select_related("recommendation")
        .order_by("due_date", "pk")
    )


def test_a_compiled_query_runs_the_orms_sql_with_each_calls_values(world_a, world_b):
    compiled = Compiled(due_before)
    for world in (world_a, world_b):
        plan_with(
            world,
            [(f"{n}", "Text", [(f"Action {n}.{i}", None, D(2026, n, 10 + i)) for i in range(3)]) for n in (1, 2, 3)],
            created_on=D(2026, 1, 2),
        )
    # Both partnerships' recommendations: each call reads its own partnership's actions only.
    recommendations = tuple(
        pk
        for world in (world_a, world_b)
        for pk in Recommendation.objects.for_partnership(world.partnership).values_list("pk", flat=True)
    )
    for world in (world_a, world_b, world_a):
        for today in (D(2026, 1, 1), D(2026, 2, 11), D(2030, 1, 1)):
            values = dict(partnership=world.partnership.pk, today=today, recommendations=recommendations)
            with CaptureQueriesContext(connection) as orm:
                expected = list(due_before(**values))
            with CaptureQueriesContext(connection) as ran:
                got = compiled(**values)
            assert [q["sql"] for q in ran.captured_queries] == [q["sql"] for q in orm.captured_queries]
            assert [(a.pk, a.due_date, a.number) for a in got] == [(a.pk, a.due_date, a.number) for a in expected]
            assert {a.partnership_id for a in got} <= {world.partnership.pk}
    assert [len(compiled(**{**values, "today": day})) for day in (D(2026, 1, 1), D(2026, 2, 11))] == [0, 4]
    # Once per shape: one tuple's length is another query; an empty one asks the ORM (no query).
    assert len(compiled._compiled) == 1
    compiled(partnership=world_a.partnership.pk, today=D(2030, 1, 1), recommendations=recommendations[:1])
    assert len(compiled._compiled) == 2
    with CaptureQueriesContext(connection) as none:
        assert compiled(partnership=world_a.partnership.pk, today=D(2030, 1, 1), recommendations=()) == []
    assert len(none) == 0


def test_a_value_used_outside_the_query_is_refused(world_a):
    def years_ahead(*, partnership: int, today: dt.date):
        # The value turned into another in Python: the SQL would keep the stand-in's.
        return Deadline.objects.for_partnership(Partnership(pk=partnership)).filter(
            due_date__lt=today.replace(year=today.year + 1)
        )

    with pytest.raises(ValueError, match="every value must reach the query's parameters"):
        Compiled(years_ahead)(partnership=world_a.partnership.pk, today=D(2026, 1, 1))


def test_the_plan_page_builds_its_actions_queries_once_not_on_every_request(world_a, as_user, monkeypatch):
    """Before: each request built and compiled its three queries of actions (the summary's
    groups, the actions needing attention, the page's recommendations' actions) afresh."""
    plan = plan_with(
        world_a,
        [
            (f"{n}", f"Recommendation {n}", [(f"Action {n}.{i}", "agency", D(2026, 6, 1)) for i in range(3)])
            for n in (1, 2)
        ],
        created_on=D(2026, 3, 2),
    )
    ratify_all(world_a, plan, D(2026, 3, 2))
    client = as_user(world_a.people["business"])
    url = reverse("action-plan-detail", args=[world_a.slug, plan.pk])
    first = client.get(url)
    compiled_models = []
    as_sql = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        compiled_models.append(self.query.model)
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    again = client.get(url)
    assert again.status_code == 200
    assert again.content.decode().count('class="govuk-table__row"') == first.content.decode().count(
        'class="govuk-table__row"'
    )
    assert Action not in compiled_models
