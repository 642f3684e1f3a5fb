"""Reads of the challenge log, narrowed by ChallengePolicy (the pages and the API use these)."""

from __future__ import annotations

from collections import Counter

from audits.models import Challenge, ChallengeStatus
from audits.permissions import ChallengePolicy
from lscp.tenancy import TenantContext


def challenges_for(ctx: TenantContext, *, status: str = ""):
    queryset = Challenge.objects.for_partnership(ctx.partnership).select_related("to_member__organisation", "raised_at")
    if status in ChallengeStatus.values:
        queryset = queryset.filter(status=status)
    return ChallengePolicy.filter(ctx, queryset)


def status_counts(ctx: TenantContext) -> dict[str, int]:
    """How many challenges are in each state: one query."""
    queryset = ChallengePolicy.filter(ctx, Challenge.objects.for_partnership(ctx.partnership))
    counts = Counter(queryset.values_list("status", flat=True))
    return {status: counts.get(status, 0) for status in ChallengeStatus.values}
