"""Makers of retention's tenant-owned records (see world.py)."""

from __future__ import annotations

from django.utils import timezone

from retention import selectors
from retention.models import DisposalRecord, LegalHold, RecordKind, RetentionRule
from tests.support.world import World, maker


@maker(RetentionRule)
def _rule(world: World) -> RetentionRule:
    return selectors.ensure_rules(world.partnership)[0]


@maker(LegalHold)
def _hold(world: World) -> LegalHold:
    return LegalHold.objects.for_partnership(world.partnership).create(
        partnership=world.partnership,
        name="Test inquiry",
        reason="An inquiry asked for the records",
        placed_by=world.person("business"),
        placed_on=timezone.localdate(),
    )


@maker(DisposalRecord)
def _disposal(world: World) -> DisposalRecord:
    rule = world.objects[RetentionRule]
    return DisposalRecord.objects.for_partnership(world.partnership).create(
        partnership=world.partnership,
        kind=RecordKind.CASE,
        action=rule.action,
        count=1,
        rule=rule,
        rule_years=rule.years,
        at=timezone.now(),
        by_task="test",
    )
