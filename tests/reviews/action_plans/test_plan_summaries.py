"""Plan summaries counted by the database (issue 15): equal to the summary worked out action by
action, on every day of a plan's life, in two queries whatever the number of plans and actions."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.action_plans import selectors, services
from reviews.action_plans.models import Action, ActionStatus
from tests.support.makers_actions import plan_with, ratify_all

pytestmark = pytest.mark.django_db

D = dt.date


def one_by_one(ctx, plans, w):
    """The summaries as they were worked out before: every action read and rated in Python."""
    result = {}
    for plan in plans:
        actions = selectors.annotated(
            ctx, Action.objects.for_partnership(ctx.partnership).filter(plan=plan), today=w.today
        )
        numbers = {r.number for r in plan.recommendations.all()}
        result[plan.pk] = selectors.summarise(
            selectors.rows_for(actions, w), recommendations=len(numbers), partnership_name=ctx.partnership.name
        )
    return result


def test_summaries_by_aggregate_equal_those_worked_out_action_by_action(world_a):
    ctx = world_a.ctx()
    with time_machine.travel(dt.datetime(2026, 3, 2, 10), tick=False):
        due = [D(2026, 3, 20), D(2026, 4, 10), D(2026, 5, 1), D(2026, 6, 1), None]
        owners = ["agency", None, "council", "agency", None, "council"]
        recommendations = [
            (
                f"{n}{part}",
                f"Recommendation {n}{part}",
                [(f"Action {n}{part}.{i}", owners[(n + i) % 6], due[(n + i) % 5] or D(2026, 7, 1)) for i in range(4)],
            )
            for n in range(1, 5)
            for part in ("a", "b")
        ]
        live = plan_with(world_a, recommendations, created_on=D(2026, 3, 2), title="Live plan")
        ratify_all(world_a, live, D(2026, 3, 2))
        draft = plan_with(world_a, recommendations[:3], created_on=D(2026, 3, 2), title="Draft plan")
        empty = plan_with(world_a, [("1", "Nothing yet", [])], created_on=D(2026, 3, 2), title="Empty plan")
        actions = list(Action.objects.for_partnership(world_a.partnership).filter(plan=live).order_by("pk"))
        for action, status in zip(
            actions[:9], [ActionStatus.AT_RISK, ActionStatus.ON_TRACK, ActionStatus.NOT_STARTED] * 3, strict=True
        ):
            services.progress_add(ctx, action, on=D(2026, 3, 2), text="Under way", status=status)
        Action.objects.for_partnership(world_a.partnership).filter(pk__in=[a.pk for a in actions[9:12]]).update(
            status=ActionStatus.AWAITING_ACCEPTANCE
        )
        Action.objects.for_partnership(world_a.partnership).filter(pk__in=[a.pk for a in actions[12:16]]).update(
            status=ActionStatus.COMPLETE
        )
    plans = [live, draft, empty]
    kinds = set()
    for today in (D(2026, 3, 2), D(2026, 3, 16), D(2026, 4, 8), D(2026, 5, 20), D(2026, 8, 1)):
        w = selectors.windows_for(ctx, today)
        expected = one_by_one(ctx, plans, w)
        with CaptureQueriesContext(connection) as captured:
            got = selectors.plan_summaries(ctx, plans, w)
        assert len(captured) == 2, "the recommendations and the actions, each counted in one query"
        assert all("GROUP BY" in q["sql"] for q in captured), "counted by the database, not read action by action"
        for plan in plans:
            assert got[plan.pk] == expected[plan.pk], f"{plan.title} on {today}"
            assert got[plan.pk].sentence == expected[plan.pk].sentence
        kinds |= {key for s in got.values() for key in s.by_rag}
    assert kinds == {"complete", "awaiting_acceptance", "overdue", "at_risk", "on_track"}, "every RAG met"


def test_the_actions_list_narrows_the_joined_plans_and_recommendations_to_the_partnership(world_a):
    """The API's actions (status and overdue filters, ordered by plan and recommendation) join
    plans and recommendations: each narrowed to the partnership, so the planner reads them by
    index rather than scanning every partnership's (issue 15)."""
    from tests.support.clients import api_as

    world_a.objects[Action]  # a live plan with one action
    with CaptureQueriesContext(connection) as captured:
        answer = api_as(world_a.people["business"]).get(f"/api/v1/{world_a.slug}/action-plans/actions/")
    assert answer.status_code == 200 and answer.json()["results"]
    (sql,) = [q["sql"] for q in captured if 'FROM "reviews_action"' in q["sql"] and "ORDER BY" in q["sql"]]
    assert f'"reviews_actionplan"."partnership_id" = {world_a.partnership.pk}' in sql
    assert f'"reviews_recommendation"."partnership_id" = {world_a.partnership.pk}' in sql
