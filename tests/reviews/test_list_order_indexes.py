"""The lists read their first page in order from an index (issue 15): the query each page runs is
planned as a walk down (partnership, its default order, id), stopping at the page's last row, not as
a sort of every record of the partnership joined to what the rows show."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.support.clients import signed_in
from tests.support.makers_actions import plan_with
from tests.support.makers_reviews import started

pytestmark = pytest.mark.django_db


def _plan(world):
    plan_with(
        world,
        [("1", "Share the plan", [("Tell everyone", None, dt.date(2027, 1, 4))])],
        created_on=dt.date(2026, 12, 1),
    )


@pytest.mark.parametrize(
    ("url_name", "make", "table", "index"),
    [
        ("notification-list", started, "reviews_notification", "notification_received"),
        ("action-plan-list", _plan, "reviews_actionplan", "action_plan_created"),
    ],
)
def test_the_first_page_is_read_in_order_from_an_index(world_a, url_name, make, table, index):
    make(world_a)
    client = signed_in(world_a.people["business"])
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(url_name, args=[world_a.slug])).status_code == 200
    page = [q["sql"] for q in captured.captured_queries if q["sql"].startswith(f'SELECT "{table}"."id"')]
    assert len(page) == 1 and "LIMIT" in page[0]
    # The test's few rows would be sorted by any plan: asked to avoid sorting, the planner can
    # only do without a sort where an index gives the order.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {page[0]}")  # (the page's own statement)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan, plan
    assert "Sort" not in plan, plan
