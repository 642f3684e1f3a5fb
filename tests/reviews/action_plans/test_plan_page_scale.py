"""A plan of 1,000 actions on its page (issue 15): the summary counted by the database, the
actions of the page's ten recommendations only, and the first 25 needing attention and awaiting
acceptance with how many there are; every row as the whole plan's reading gives it."""

import pytest
from django.urls import reverse

from reviews.action_plans import rag, selectors
from tests.reviews.action_plans.test_query_counts import plan_of
from tests.support.clients import signed_in
from tests.support.world import make_world

pytestmark = pytest.mark.django_db


def pks(rows):
    return [row.action.pk for row in rows]


def test_the_page_of_a_plan_of_1000_actions_is_bounded_and_agrees_with_the_whole_plan():
    world = make_world("big-plan", with_objects=False)
    plan = plan_of(world, 1000, title="A thousand actions")
    whole = selectors.plan_page(world.ctx(), plan)
    urgent = [r for r in selectors.overdue_first(whole.rows) if r.rag in (rag.OVERDUE, rag.AT_RISK)]
    awaiting = [r for r in whole.rows if r.rag is rag.AWAITING]
    assert len(urgent) > 25, "the fixture has more actions needing attention than the page shows"
    client = signed_in(world.people["business"])
    url = reverse("action-plan-detail", args=[world.slug, plan.pk])
    for query in ("", "?page=2"):
        response = client.get(url + query)
        assert response.status_code == 200
        context = response.context
        assert context["summary"] == whole.summary
        assert pks(context["urgent"]) == pks(urgent[:25])
        assert pks(context["awaiting"]) == pks(awaiting[:25])
        html = response.content.decode()
        assert f"The first 25 of {len(urgent)} actions overdue or at risk" in html
        sections = context["sections"]
        assert len(sections) == 10
        grouped = whole.by_recommendation()
        assert [(rec.pk, pks(rows)) for rec, rows in sections] == [
            (rec.pk, pks(grouped.get(rec.pk, []))) for rec, _ in sections
        ]
        assert [r.rag for _, rows in sections for r in rows] == [
            r.rag for rec, _ in sections for r in grouped.get(rec.pk, [])
        ]
        assert sum(len(rows) for _, rows in sections) <= 100 and len(html) < 150_000
        # Every row links its action's page (the links made from one reverse: link_rows).
        shown = [*context["urgent"], *context["awaiting"], *(row for _, rows in sections for row in rows)]
        for row in shown:
            link = reverse("action-detail", args=[world.slug, row.action.pk])
            assert row.url == link and f'href="{link}"' in html
