"""One record of every funding model per world (see OBJECT_MAKERS in tests/world.py), made
through the services."""

from __future__ import annotations

from decimal import Decimal

from funding import services
from funding.models import Benchmark, BudgetSignOff, Contribution, FinancialYear, Income, SpendingLine
from tests.support.world import World, maker


@maker(FinancialYear)
def _year(world: World) -> FinancialYear:
    # Years are named by their label in URLs ("2020-21"). Each world gets a year no other world
    # has (from its partnership's id), so that "A's year under B's slug" names a year B lacks,
    # and the isolation suite proves it is a 404. Tests of their own use 2015 onwards.
    label = f"{1990 + world.partnership.pk % 25}-{(1991 + world.partnership.pk % 25) % 100:02d}"
    existing = FinancialYear.objects.for_partnership(world.partnership).filter(label=label).first()
    return existing or services.year_add(ctx=world.ctx(), label=label)


@maker(Contribution)
def _contribution(world: World) -> Contribution:
    return services.contribution_add(
        ctx=world.ctx(),
        year=_year(world),
        organisation=world.members["council"].organisation,
        agreed=Decimal("100000.00"),
    )


@maker(Income)
def _income(world: World) -> Income:
    return services.income_add(ctx=world.ctx(), year=_year(world), kind="training", amount=Decimal("1500.00"))


@maker(SpendingLine)
def _spending(world: World) -> SpendingLine:
    return services.spending_add(
        ctx=world.ctx(), year=_year(world), kind="reviews", budget=Decimal("20000.00"), actual=Decimal("2500.00")
    )


@maker(Benchmark)
def _benchmark(world: World) -> Benchmark:
    return services.benchmark_add(
        ctx=world.ctx(),
        name=f"{world.partnership.area}",
        year="2016-17",
        council=Decimal("108000"),
        health=Decimal("25000"),
        police=Decimal("15000"),
        other=Decimal("10050"),
        population=world.partnership.population,
        budget=Decimal("120641"),
        is_this_partnership=True,
    )


@maker(BudgetSignOff)
def _budget_sign_off(world: World) -> BudgetSignOff:
    """The council's signature of the year's budget, in its DSP's seat (the world has no LSPs: as a
    partnership whose policy gives the budget to the DSPs would have it)."""
    from django.utils import timezone

    from partners.models import Seat

    seat = Seat.objects.for_partnership(world.partnership).get(membership=world.people["council"], until__isnull=True)
    year = world.objects[Contribution].year
    return BudgetSignOff.objects.for_partnership(world.partnership).create(
        partnership=world.partnership,
        year=year,
        member=seat.member,
        person=seat.membership.person,
        seat=seat,
        level=seat.level,
        content_hash=services.budget_hash(year),
        at=timezone.now(),
    )
