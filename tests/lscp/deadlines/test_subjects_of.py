"""The records a page's clocks are on are read with what their kinds name, not with their
partnership again for every row: the page's own partnership is theirs (issue 15: the home page's
50 clocks read 48 actions each joined to and built with its partnership)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lscp import deadlines
from lscp.models import Deadline
from tests.support.makers_actions import plan_with

pytestmark = pytest.mark.django_db


def test_a_page_s_clocks_subjects_come_with_the_page_s_partnership(world_a):
    plan_with(
        world_a,
        [
            (
                "1",
                "Share the plan",
                [("Tell everyone", None, dt.date(2027, 1, 4)), ("Tell again", None, dt.date(2027, 2, 1))],
            )
        ],
        created_on=dt.date(2026, 12, 1),
    )
    clocks = list(Deadline.objects.for_partnership(world_a.partnership).filter(kind="action_due"))
    assert len(clocks) == 2
    with CaptureQueriesContext(connection) as captured:
        subjects = deadlines.subjects_of(clocks, partnership=world_a.partnership)
    assert len(subjects) == 2 and len(captured) == 1
    assert "partners_partnership" not in captured.captured_queries[0]["sql"]
    for action in subjects.values():
        assert action.partnership is world_a.partnership
        assert action.plan.title and action.recommendation.number  # what the kind names, read with it
    # The sweep's reading, across partnerships, still reads each record's own.
    swept = deadlines.subjects_of(clocks)
    assert {a.partnership.pk for a in swept.values()} == {world_a.partnership.pk}
