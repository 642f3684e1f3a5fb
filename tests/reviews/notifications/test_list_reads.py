"""The cases list reads its first page in order from an index (issue 15): the query the page runs
is planned as a walk down (partnership, received_on, id), stopping at the page's last row, not as
a sort of every case of the partnership joined to its notifier."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.support.clients import signed_in
from tests.support.makers_reviews import started

pytestmark = pytest.mark.django_db


def test_the_first_page_of_cases_is_read_in_order_from_an_index(world_a):
    started(world_a)
    client = signed_in(world_a.people["business"])
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("notification-list", args=[world_a.slug])).status_code == 200
    page = [q["sql"] for q in captured.captured_queries if q["sql"].startswith('SELECT "reviews_notification"."id"')]
    assert len(page) == 1 and "LIMIT" in page[0]
    # The test's few rows would be sorted by any plan: asked to avoid sorting, the planner can
    # only do without a sort where an index gives the order.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {page[0]}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "notification_received" in plan, plan
    assert "Sort" not in plan, plan
