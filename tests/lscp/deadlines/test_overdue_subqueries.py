"""The clocks' "overdue" subqueries match a clock to its record by the cached ContentType id, never
by joining django_content_type once per row (issue 15: the cases list's overdue filter, the API's
actions with ?overdue=1 and the dashboard each paid for that join)."""

import pytest

from tests.audits.helpers import api
from tests.support import queries

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("business", "/{slug}/notifications/?overdue=1"),
        ("business", "/api/v1/{slug}/notifications/?overdue=1"),
        ("business", "/api/v1/{slug}/action-plans/actions/?overdue=1&status=on_track"),
        ("business", "/{slug}/action-plans/"),
        ("scrutineer", "/{slug}/dashboard/"),
        ("scrutineer", "/api/v1/{slug}/dashboard/"),
        ("scrutineer", "/{slug}/dashboard/late/"),
    ],
)
def test_no_clock_subquery_joins_django_content_type(full_world, as_user, who, url):
    client = api(full_world.person(who)) if url.startswith("/api/") else as_user(full_world.people[who])
    ran = queries.get(client, url.format(slug=full_world.slug))
    joined = [sql for sql in ran.sql if "lscp_deadline" in sql and "django_content_type" in sql]
    assert joined == [], "\n".join(joined)
