"""Reads of the challenge log, narrowed by ChallengePolicy (the pages, the API, the dashboard and
the annual report use these)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from audits.challenges.models import Challenge, ChallengeStatus
from audits.challenges.permissions import ChallengePolicy
from lscp.tenancy import TenantContext


def challenges(ctx: TenantContext):
    """The log, with what its list shows of each (ChallengeFilter narrows it by status)."""
    queryset = Challenge.objects.for_partnership(ctx.partnership).select_related("to_member__organisation", "raised_at")
    return ChallengePolicy.filter(ctx, queryset)


def status_counts(ctx: TenantContext) -> dict[str, int]:
    """How many challenges are in each state: one query."""
    queryset = ChallengePolicy.filter(ctx, Challenge.objects.for_partnership(ctx.partnership))
    counts = Counter(queryset.values_list("status", flat=True))
    return {status: counts.get(status, 0) for status in ChallengeStatus.values}


@dataclass
class ChallengeSummary:
    open: int
    responded: int
    closed: int
    recent: list[Challenge]

    @property
    def total(self) -> int:
        return self.open + self.responded + self.closed


def challenge_summary(
    ctx: TenantContext, *, period: tuple[dt.date, dt.date] | None = None, recent: int = 10
) -> ChallengeSummary:
    """How many are open, responded to and closed (raised in the period, if given), and the most
    recent. Two queries."""
    queryset = Challenge.objects.for_partnership(ctx.partnership)
    if period:
        queryset = queryset.filter(raised_on__gte=period[0], raised_on__lte=period[1])
    counts = Counter(queryset.values_list("status", flat=True))
    return ChallengeSummary(
        open=counts.get(ChallengeStatus.OPEN, 0),
        responded=counts.get(ChallengeStatus.RESPONDED, 0),
        closed=counts.get(ChallengeStatus.CLOSED, 0),
        recent=list(queryset.select_related("to_member__organisation").order_by("-raised_on", "-id")[:recent]),
    )
