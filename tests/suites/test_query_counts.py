"""Every list page and API list runs a fixed number of queries however many rows it shows.

Each list is measured, the data grows several-fold, and it is measured again: the counts must
be equal, and under the pinned ceiling. The partnership has one record of every model (so every
section of a page has something to show), built once for the module.
"""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from funding import services as funding
from funding.models import Benchmark, FinancialYear
from lscp import activity
from lscp.roles import Role
from partners import services
from partners.models import GovernanceGroup, Sector
from tests.support import queries
from tests.support.world import add_person, organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def world_a(shared_a):
    return shared_a


def grow(world, n: int) -> None:
    """n more organisations (each designated as a childcare or education agency), people,
    invitations, seats and log rows."""
    start = GovernanceGroup.objects.for_partnership(world.partnership).count()
    for i in range(n):
        member = services.member_add(
            ctx=world.ctx(), organisation=organisation(f"Agency {start}-{i}", Sector.OTHER), kind="relevant_agency"
        )
        membership = add_person(world, f"lead{start}x{i}", role=Role.AGENCY_LEAD, member=member)
        services.designation_add(ctx=world.ctx(), organisation=member.organisation, reason="The regulations, reg. 3")
        group = services.group_create(ctx=world.ctx(), name=f"Task and finish {start}-{i}", kind="task_and_finish")
        services.group_member_add(ctx=world.ctx(), group=group, membership=membership)
        activity.record_view(world.ctx(), member)
        services.invitation_send(
            ctx=world.ctx(),
            email=f"invited{start}x{i}@example.org",
            first_name="Invited",
            last_name=f"{start}-{i}",
            role=Role.AGENCY_LEAD,
            member=member,
        )


# (what, url template, ceiling). Every list read is one INSERT into the activity log (its
# filters and counts, issue 12): each paginated list's ceiling includes it.
PAGES = [
    # The home page's sections: clocks, and one query each for an action plan's owner and the
    # business unit's completions to accept (reviews/action_plans/selectors.py).
    ("home", "/{slug}/", 15),
    # + the former members (organisation history); the designated agencies, and their memberships;
    # + the chair and the scrutineer (their offices)
    ("members", "/{slug}/partners/", 12),
    # The people list's: the invitations not yet accepted, shown to the business unit.
    # + the chair and the scrutineer (their offices)
    ("people", "/{slug}/people/", 9),
    ("people, filtered", "/{slug}/people/?role=agency_lead&q=lead&sort=-organisation", 9),
    ("governance", "/{slug}/governance/", 8),
    ("activity log", "/{slug}/activity/", 8),  # 7 while the unfiltered page read no rows (issue 14 §4)
    ("your partnerships", "/", 4),
    ("api members", "/api/v1/{slug}/members/", 5),  # + the organisations' predecessors
    # + the organisations' predecessors, and today's members (which designated ones are members)
    ("api designated agencies", "/api/v1/{slug}/designated-agencies/", 6),
    ("api people", "/api/v1/{slug}/people/", 4),
    ("api governance", "/api/v1/{slug}/governance-groups/", 5),
    ("api activity", "/api/v1/{slug}/activity/", 4),
]


def measure(world, as_user, url: str, *, grow, ceiling: int, what: str) -> None:
    """The page's queries with the data grown twice (by 3, then by 20 more): the same, under the ceiling."""
    if url.startswith("/api/"):
        client = APIClient()
        client.force_authenticate(world.person("business"))
    else:
        client = as_user(world.people["business"])
    url = url.format(slug=world.slug)
    grow(world, 3)
    small = queries.get(client, url)
    grow(world, 20)
    large = queries.get(client, url)
    queries.assert_constant(small, large, ceiling=ceiling, what=what)


@pytest.mark.parametrize(("what", "url", "ceiling"), PAGES, ids=[p[0] for p in PAGES])
def test_list_query_count_is_constant(what, url, ceiling, world_a, as_user):
    measure(world_a, as_user, url, grow=grow, ceiling=ceiling, what=what)


# ----------------------------------------------------------------------------------------------
# Funding: the year's page, benchmarks, the comparison and their API lists


def grow_funding(world, n: int) -> None:
    """n more member organisations contributing in 2020-21, income and spending lines, years,
    and benchmark rows."""

    ctx = world.ctx()
    years = FinancialYear.objects.for_partnership(world.partnership)
    year = years.filter(label="2020-21").first() or funding.year_add(ctx=ctx, label="2020-21")
    if not years.filter(label="2019-20").exists():
        funding.year_add(ctx=ctx, label="2019-20")
    start = Benchmark.objects.for_partnership(world.partnership).count()
    for i in range(n):
        member = services.member_add(
            ctx=ctx, organisation=organisation(f"Funder {start}-{i}", Sector.OTHER), kind="relevant_agency"
        )
        funding.contribution_add(
            ctx=ctx,
            year=year,
            organisation=member.organisation,
            agreed=Decimal("1000.10"),
            invoiced_on=year.first_day,
            invoiced=Decimal("1000.10"),
        )
        funding.income_add(ctx=ctx, year=year, kind="event", description=f"Event {start}-{i}", amount=Decimal("1"))
        funding.spending_add(ctx=ctx, year=year, kind="other", description=f"Line {start}-{i}", budget=Decimal("2"))
        funding.benchmark_add(
            ctx=ctx,
            name=f"Partnership {start}-{i}",
            year="2016-17",
            council=Decimal(100 + i),
            health=Decimal(50),
            police=Decimal(25),
            other=Decimal(5),
            population=100000 + i,
            budget=Decimal(90000),
        )
        funding.year_add(ctx=ctx, label=f"{2030 + start + i}-{(2031 + start + i) % 100:02d}")


FUNDING_PAGES = [
    ("funding years", "/{slug}/funding/", 11),
    # + the renames, for the names of the year; + the budget's sign-off: who signs (the statutory
    # partners, the signing policy), the signatures, the contributions signed (their hash), the seat
    ("funding year", "/{slug}/funding/years/2020-21/", 16),
    ("funding planning", "/{slug}/funding/years/2020-21/planning/?council=50&health=30&police=15&other=5&years=2", 12),
    ("benchmarks", "/{slug}/funding/benchmarks/?sort=-council", 7),
    ("comparison", "/{slug}/funding/comparison/?recorded=2020-21", 12),
    ("api funding years", "/api/v1/{slug}/funding/years/", 7),
    ("api funding year", "/api/v1/{slug}/funding/years/2020-21/", 8),
    ("api benchmarks", "/api/v1/{slug}/funding/benchmarks/", 4),
    ("api comparison", "/api/v1/{slug}/funding/benchmarks/comparison/?recorded=2020-21", 9),
]


@pytest.mark.parametrize(("what", "url", "ceiling"), FUNDING_PAGES, ids=[p[0] for p in FUNDING_PAGES])
def test_funding_query_count_is_constant(what, url, ceiling, world_a, as_user):
    measure(world_a, as_user, url, grow=grow_funding, ceiling=ceiling, what=what)


def grow_retention(world, n: int) -> None:
    """n more legal holds and disposal records (retention, issue 13)."""
    from django.utils import timezone

    from retention import services as retention
    from retention.models import DisposalRecord

    for i in range(n):
        retention.hold_place(world.ctx(), name=f"Inquiry {i}", reason="Freeze")
        DisposalRecord.objects.for_partnership(world.partnership).create(
            partnership=world.partnership,
            kind="case",
            action="delete",
            count=i,
            rule_years=15,
            at=timezone.now(),
            by=world.person("business"),
        )


RETENTION_PAGES = [
    # The schedule reads the rules twice: once to fill in defaults a partnership has not set.
    ("retention schedule", "/{slug}/retention/", 6),
    ("legal holds", "/{slug}/retention/holds/", 7),
    ("disposal records", "/{slug}/retention/disposals/", 7),
    ("api retention rules", "/api/v1/{slug}/retention-rules/", 5),
    ("api legal holds", "/api/v1/{slug}/legal-holds/", 4),
    ("api disposal records", "/api/v1/{slug}/disposal-records/", 4),
]


@pytest.mark.parametrize(("what", "url", "ceiling"), RETENTION_PAGES, ids=[p[0] for p in RETENTION_PAGES])
def test_retention_query_count_is_constant(what, url, ceiling, world_a, as_user):
    measure(world_a, as_user, url, grow=grow_retention, ceiling=ceiling, what=what)
