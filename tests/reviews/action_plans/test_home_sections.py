"""The home page's action sections (an agency lead's organisation's actions, the business unit's
completions to accept) read only what their tasks show: the tasks as the annotated list of actions
gives them, from a query without that list's subqueries (issue 15: the annotated query took 1.5-2.3 ms
to plan on the national load, for each section, even with no rows)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reviews.action_plans import selectors, services
from reviews.action_plans.models import Action, ActionStatus
from tests.support.makers_actions import make_plan

pytestmark = pytest.mark.django_db


def listed(ctx, **filters):
    """The actions the annotated list gives (actions_for), as the sections chose them before."""
    return selectors.actions_for(ctx, open_only=True, **filters)


def test_the_sections_are_the_tasks_the_annotated_list_gives(world_a):
    plan = make_plan(world_a, actions=4)
    agency = world_a.ctx("agency")
    actions = list(Action.objects.for_partnership(world_a.partnership).filter(plan=plan).order_by("pk"))
    today = timezone.localdate()
    services.progress_add(agency, actions[0], on=today, text="Protocol drafted", status="on_track")
    services.action_complete(agency, actions[1], completed_on=today, completion_evidence="Signed by all")

    ours = selectors.home_our_actions(agency)
    rows = list(listed(agency).exclude(status=ActionStatus.AWAITING_ACCEPTANCE).order_by("due_date", "pk"))
    w = selectors.windows_for(agency)
    expected = [selectors._task(agency, row, w.today, w.task_soon_by) for row in selectors.rows_for(rows, w)]
    assert ours["tasks"] == expected and len(expected) == 3

    business = world_a.ctx("business")
    waiting = selectors.home_awaiting_acceptance(business)
    (action,) = listed(business, status=ActionStatus.AWAITING_ACCEPTANCE)
    assert [task["url"] for task in waiting["tasks"]] == [selectors._action_url(business, action)]
    assert waiting["tasks"][0]["label"].startswith(f"Accept or return action {action.number}, {plan.title}")
    assert waiting["tasks"][0]["hint"].endswith(f"by {action.owner_name}")


def test_the_sections_read_no_subquery_they_do_not_show(world_a):
    """Before: each section's query carried the list's four subqueries (the clock's state, the
    latest progress's date and text, the first due date)."""
    make_plan(world_a, actions=2)
    with CaptureQueriesContext(connection) as queries:
        selectors.home_our_actions(world_a.ctx("agency"))
        selectors.home_awaiting_acceptance(world_a.ctx("business"))
    actions = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "reviews_action"."id"')]
    assert len(actions) == 2
    ours, waiting = actions
    assert ours.count("SELECT") == 3 and "reviews_duedatechange" not in ours  # the clock, the progress
    assert waiting.count("SELECT") == 1
