"""The action-plan pages and API lists run a fixed number of queries however many actions there
are: the plan page with 10 actions and with 1,000, the lists as plans and actions grow."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from reviews.action_plans import services
from reviews.action_plans.models import Action, SourceKind, Stage
from tests.conftest import built_once
from tests.support import queries
from tests.support.clients import signed_in
from tests.support.world import make_world

pytestmark = pytest.mark.django_db


def plan_of(world, n_actions: int, *, title: str):
    """A live plan of `n_actions` actions in recommendations of ten (sub-parts among them), owned
    in turn by the agency, the police and the business unit; some with progress, one complete,
    one awaiting acceptance, one with a moved due date."""
    today = timezone.localdate()
    owners = [world.members["agency"], world.members["police"], None]
    recommendations = []
    for r in range((n_actions + 9) // 10):
        actions = [
            services.ActionIn(
                f"Action {r}-{i}",
                owners[(r + i) % 3],
                today + dt.timedelta(days=5 + (r * 10 + i) % 200),
                owner=world.people["agency"] if owners[(r + i) % 3] == world.members["agency"] else None,
            )
            for i in range(min(10, n_actions - r * 10))
        ]
        recommendations.append(
            services.RecommendationIn(
                r // 2 + 1, "ab"[r % 2] if r > 1 else ("", "a")[r], f"Recommendation {r}", actions
            )
        )
    plan = services.plan_create(
        world.ctx(),
        title=title,
        source_kind=SourceKind.LOCAL_REVIEW,
        created_on=today - dt.timedelta(days=60),
        recommendations=recommendations,
    )
    for stage, days in ((Stage.LPRG, 50), (Stage.MEB, 40), (Stage.PARTNERS, 30)):
        services.plan_ratify(
            world.ctx(), plan, stage=stage, decided_on=today - dt.timedelta(days=days), minute_reference="x"
        )
    actions = list(
        Action.objects.for_partnership(world.partnership).filter(plan=plan).select_related("plan", "recommendation")[:4]
    )
    services.progress_add(world.ctx(), actions[0], on=today, text="Progress", status="at_risk")
    services.action_complete(world.ctx(), actions[1], completed_on=today, completion_evidence="Done")
    services.action_complete(world.ctx(), actions[2], completed_on=today, completion_evidence="Done")
    services.action_accept(
        world.ctx(),
        Action.objects.for_partnership(world.partnership)
        .select_related("plan", "recommendation")
        .get(pk=actions[2].pk),
    )
    services.action_update(
        world.ctx(),
        actions[3],
        description=actions[3].description,
        owner_member=actions[3].owner_member,
        owner=actions[3].owner,
        due_date=actions[3].due_date + dt.timedelta(days=7),
        reason="Moved",
    )
    return plan


def api(membership) -> APIClient:
    client = APIClient()
    client.force_authenticate(membership.person)
    return client


def test_the_plan_page_and_its_api_detail_are_constant_from_10_to_1000_actions():
    world = make_world("counts", with_objects=False)
    small = plan_of(world, 10, title="Ten actions")
    large = plan_of(world, 1000, title="A thousand actions")
    assert Action.objects.for_partnership(world.partnership).filter(plan=large).count() == 1000
    business = signed_in(world.people["business"])
    slug = world.slug
    for url, ceiling in (
        # + the summary counted by the database (issue 15), the first 25 actions needing attention
        # and the first 25 awaiting acceptance (one query: their ids chosen by subqueries, their
        # rows read together), and the rows of the page's recommendations
        ("/{slug}/action-plans/{plan}/", 12),
        ("/{slug}/action-plans/{plan}/?page=2", 12),
        ("/api/v1/{slug}/action-plans/{plan}/", 9),
    ):
        client = api(world.people["business"]) if url.startswith("/api/") else business
        queries.get(client, url.format(slug=slug, plan=small.pk))  # warm the per-process caches
        few = queries.get(client, url.format(slug=slug, plan=small.pk))
        many = queries.get(client, url.format(slug=slug, plan=large.pk))
        queries.assert_constant(few, many, ceiling=ceiling, what=f"{url}, 10 actions then 1,000")


LISTS = [
    # (what, url, who, ceiling). A list read is one INSERT into the activity log (issue 12).
    ("plans", "/{slug}/action-plans/", "business", 10),
    ("plans, filtered and sorted", "/{slug}/action-plans/?status=live&sort=-title", "business", 10),
    ("open actions", "/{slug}/actions/", "business", 9),
    ("open actions, overdue", "/{slug}/actions/?overdue=on&sort=owner", "business", 8),
    ("our actions", "/{slug}/actions/", "agency", 10),
    ("home, agency lead", "/{slug}/", "agency", 11),
    ("api plans", "/api/v1/{slug}/action-plans/", "business", 8),
    ("api actions", "/api/v1/{slug}/action-plans/actions/", "business", 6),
    ("api actions, agency lead", "/api/v1/{slug}/action-plans/actions/?overdue=false", "agency", 8),
    ("api recommendations", "/api/v1/{slug}/action-plans/recommendations/", "business", 4),
    ("api progress updates", "/api/v1/{slug}/action-plans/progress-updates/", "business", 4),
]


@pytest.fixture(scope="module")
def few_and_many(django_db_setup, django_db_blocker):
    """Two partnerships built once for the module's lists (see `built_once`): one with 2 plans of
    10 actions, one with 30."""
    with built_once(django_db_blocker):
        worlds = []
        for slug, plans in (("few", 2), ("many", 30)):
            world = make_world(slug)
            for n in range(plans):
                plan_of(world, 10, title=f"Plan {n}")
            worlds.append(world)
        yield worlds


@pytest.mark.parametrize(("what", "url", "who", "ceiling"), LISTS, ids=[row[0] for row in LISTS])
def test_action_plan_lists_are_constant(what, url, who, ceiling, few_and_many, db):
    measured = []
    for world in few_and_many:
        client = api(world.people[who]) if url.startswith("/api/") else signed_in(world.people[who])
        queries.get(client, url.format(slug=world.slug))  # warm the per-process caches once
        measured.append(queries.get(client, url.format(slug=world.slug)))
    few, many = measured
    queries.assert_constant(few, many, ceiling=ceiling, what=f"{what}, 2 plans of 10 actions, then 30")
