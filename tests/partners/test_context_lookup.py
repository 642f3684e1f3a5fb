"""context_for reads the request's membership by itself: one membership a partnership at most, so
not joined to the person and sorted by name as lists of people are (issue 15: every page)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners.selectors import context_for

pytestmark = pytest.mark.django_db


def test_the_request_s_membership_is_read_without_the_people_s_order(world_a):
    person = world_a.person("business")
    with CaptureQueriesContext(connection) as queries:
        ctx = context_for(person, world_a.slug)
    assert ctx.membership.person_id == person.pk and ctx.partnership == world_a.partnership
    (read,) = [q["sql"] for q in queries.captured_queries if 'FROM "partners_membership"' in q["sql"]]
    assert '"partners_person"' not in read and "first_name" not in read
