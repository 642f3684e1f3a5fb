"""Reads of the audit programme: a year's audits by quarter, its coverage (which the dashboard and
the annual report show too), and the action plans drawn up from an audit."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType

from audits.programme.models import Audit, AuditKind, AuditStatus, Priority
from audits.programme.permissions import AuditPolicy
from audits.quarters import quarter_label
from lscp.money import share
from lscp.tenancy import TenantContext
from reviews.action_plans import selectors as plan_selectors
from reviews.action_plans.models import ActionPlan


def percent(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` as a per cent to one decimal place (None when the whole is 0)."""
    exact = share(part, whole)
    return None if exact is None else exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def audit_plans(ctx: TenantContext, audit: Audit) -> list[tuple]:
    """The action plans drawn up from an audit's findings, each with its progress summary."""
    plans = list(
        ActionPlan.objects.for_partnership(ctx.partnership).filter(
            source_type=ContentType.objects.get_for_model(Audit), source_id=audit.pk
        )
    )
    if not plans:
        return []
    summaries = plan_selectors.plan_summaries(ctx, plans, plan_selectors.windows_for(ctx))
    return [(plan, summaries[plan.pk]) for plan in plans]


@dataclass
class QuarterCoverage:
    label: str
    planned: int = 0
    complete: int = 0
    cancelled: int = 0


@dataclass
class AuditCoverage:
    year_start: int
    quarters: list[QuarterCoverage]
    by_kind: list[tuple[str, int]]
    priorities_covered: list[str]
    priorities_not_covered: list[str]
    with_children: int
    with_families: int
    with_practitioners: int
    re_audits: int
    total: int
    complete: int

    @property
    def year_label(self) -> str:
        return f"{self.year_start}-{str(self.year_start + 1)[-2:]}"

    @property
    def percent_complete(self) -> Decimal | None:
        return percent(self.complete, self.total - sum(q.cancelled for q in self.quarters))


def audit_coverage(ctx: TenantContext, *, year_start: int) -> AuditCoverage:
    """The year's programme: per quarter planned and completed, by kind, the priorities audited and
    not, and how often children, families and practitioners took part. Two queries."""
    audits = list(
        Audit.objects.for_partnership(ctx.partnership).filter(year_start=year_start).select_related("priority")
    )
    quarters = [QuarterCoverage(quarter_label(year_start, q)) for q in (1, 2, 3, 4)]
    for audit in audits:
        quarter = quarters[audit.quarter - 1]
        if audit.status == AuditStatus.CANCELLED:
            quarter.cancelled += 1
        else:
            quarter.planned += 1
            quarter.complete += audit.status == AuditStatus.COMPLETE
    counted = Counter(a.kind for a in audits if a.status != AuditStatus.CANCELLED)
    by_kind = [(label, counted.get(value, 0)) for value, label in AuditKind.choices]
    priorities = list(
        Priority.objects.for_partnership(ctx.partnership).filter(is_active=True).values_list("name", flat=True)
    )
    covered = {a.priority.name for a in audits if a.priority and a.status != AuditStatus.CANCELLED}
    live = [a for a in audits if a.status != AuditStatus.CANCELLED]
    return AuditCoverage(
        year_start=year_start,
        quarters=quarters,
        by_kind=by_kind,
        priorities_covered=[p for p in priorities if p in covered],
        priorities_not_covered=[p for p in priorities if p not in covered],
        with_children=sum(a.children_involved for a in live),
        with_families=sum(a.families_involved for a in live),
        with_practitioners=sum(a.practitioners_involved for a in live),
        re_audits=sum(a.re_audit_of_id is not None for a in live),
        total=len(audits),
        complete=sum(a.status == AuditStatus.COMPLETE for a in audits),
    )


def audits(ctx: TenantContext):
    """The programme's audits this person may see, with what its pages and API show of each
    (AuditFilter narrows them to a year)."""
    return (
        AuditPolicy.filter(ctx, Audit.objects.for_partnership(ctx.partnership))
        .select_related("priority", "lead_member__organisation", "re_audit_of")
        .prefetch_related("participants__organisation")
    )
