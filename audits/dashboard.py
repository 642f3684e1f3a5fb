"""The figures scrutiny reads: the statutory clocks' timeliness, audit programme coverage, the
Section 11 heatmap, funding by sector and the challenge log. Each is computed from the records
(nothing stored), with a fixed number of queries whatever the number of cases or returns; the
dashboard page, its API and the annual report all call these same functions.

No child details: clocks are named by the case reference only."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from audits.models import (
    Audit,
    AuditKind,
    AuditStatus,
    Challenge,
    ChallengeStatus,
    Cycle,
    Grade,
    Priority,
    SelfAssessment,
    StandardGrade,
    quarter_dates,
    quarter_label,
)
from lscp import deadlines
from lscp.deadlines.workdays import calendar_for
from lscp.models import Deadline
from lscp.tenancy import TenantContext

STATUTORY_CLOCKS = ["panel_notification", "rapid_review", "outcome_to_panel", "panel_response"]


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# ----------------------------------------------------------------------------------------------
# Timeliness of the clocks


@dataclass(frozen=True)
class Late:
    reference: str
    month: str  # the month it was due, "Dec 2026"
    due_date: dt.date
    met_on: dt.date | None
    working_days_late: int


@dataclass
class ClockTimeliness:
    kind: str
    label: str
    met: int = 0
    on_time: int = 0
    open: int = 0
    overdue: int = 0
    days_taken: list[int] = field(default_factory=list)
    late: list[Late] = field(default_factory=list)

    @property
    def met_late(self) -> int:
        return self.met - self.on_time

    @property
    def percent_on_time(self) -> Decimal | None:
        """Of the clocks met, the share met on or before the due date."""
        return percent(self.on_time, self.met)

    @property
    def median_working_days(self) -> Decimal | None:
        """The median number of working days from the clock's start to the day it was met."""
        if not self.days_taken:
            return None
        return Decimal(str(statistics.median(self.days_taken))).quantize(Decimal("0.1"))


def timeliness(
    ctx: TenantContext,
    *,
    kinds: list[str] | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    today: dt.date | None = None,
) -> list[ClockTimeliness]:
    """For each kind of clock: how many were met, how many on time, the median working days taken,
    and the late ones (met late, or still open past their due date) by reference and month.

    With a period, only clocks due within it count. Two queries, plus one per kind of record.
    """
    kinds = kinds or STATUTORY_CLOCKS
    today = today or timezone.localdate()
    calendar = calendar_for(ctx.partnership)
    clocks = Deadline.objects.for_partnership(ctx.partnership).filter(
        kind__in=kinds, due_date__isnull=False, starts_on__isnull=False
    )
    if period:
        clocks = clocks.filter(due_date__gte=period[0], due_date__lte=period[1])
    clocks = list(clocks.order_by("due_date", "id"))
    subjects = deadlines.subjects_of(clocks)
    results = {
        kind: ClockTimeliness(kind=kind, label=deadlines.REGISTRY[kind].label if kind in deadlines.REGISTRY else kind)
        for kind in kinds
    }
    for clock in clocks:
        result = results[clock.kind]
        kind = deadlines.REGISTRY.get(clock.kind)
        subject = subjects.get((clock.subject_type_id, clock.subject_id))
        reference = kind.subject_label(subject) if kind and subject else str(clock.subject_id)
        if clock.met_on is not None:
            result.met += 1
            result.days_taken.append(calendar.working_days_between(clock.starts_on, clock.met_on))
            if clock.met_on <= clock.due_date:
                result.on_time += 1
            else:
                result.late.append(
                    Late(
                        reference,
                        clock.due_date.strftime("%b %Y"),
                        clock.due_date,
                        clock.met_on,
                        calendar.working_days_between(clock.due_date, clock.met_on),
                    )
                )
        else:
            result.open += 1
            if clock.due_date < today:
                result.overdue += 1
                result.late.append(
                    Late(
                        reference,
                        clock.due_date.strftime("%b %Y"),
                        clock.due_date,
                        None,
                        calendar.working_days_between(clock.due_date, today),
                    )
                )
    return [results[kind] for kind in kinds]


# ----------------------------------------------------------------------------------------------
# The audit programme


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


# ----------------------------------------------------------------------------------------------
# The Section 11 heatmap


@dataclass
class HeatmapRow:
    organisation: str
    assessment: SelfAssessment
    cells: list[str]  # the final grade per standard ('' if not graded)


@dataclass
class Heatmap:
    cycle: Cycle | None
    standards: list[str]
    rows: list[HeatmapRow]
    counts: list[dict[str, int]]  # per standard: {"red": n, "amber": n, "green": n, "": n}


def heatmap(ctx: TenantContext, *, cycle: Cycle | None = None) -> Heatmap:
    """Organisations by standard, coloured by the grade that counts (the moderated one when a grade
    was challenged). The latest cycle unless one is given. Three queries."""
    if cycle is None:
        cycle = Cycle.objects.for_partnership(ctx.partnership).order_by("-opens_on", "-id").first()
    if cycle is None:
        return Heatmap(None, [], [], [])
    standards = list(cycle.standards.all())
    assessments = list(
        SelfAssessment.objects.for_partnership(ctx.partnership)
        .filter(cycle=cycle)
        .select_related("member__organisation")
        .order_by("member__organisation__name")
    )
    grades: dict[int, dict[int, StandardGrade]] = defaultdict(dict)
    for grade in StandardGrade.objects.for_partnership(ctx.partnership).filter(assessment__cycle=cycle):
        grades[grade.assessment_id][grade.standard_id] = grade
    rows = []
    counts = [Counter() for _ in standards]
    for assessment in assessments:
        shown = assessment.status in ("submitted", "moderated")
        cells = []
        for index, standard in enumerate(standards):
            grade = grades[assessment.pk].get(standard.pk)
            value = grade.final_grade if grade and shown else ""
            cells.append(value)
            counts[index][value] += 1
        rows.append(HeatmapRow(str(assessment.member.organisation), assessment, cells))
    return Heatmap(
        cycle,
        [f"{s.number}. {s.title}" for s in standards],
        rows,
        [{g: c.get(g, 0) for g in [*Grade.values, ""]} for c in counts],
    )


# ----------------------------------------------------------------------------------------------
# The challenge log


@dataclass
class ChallengeSummary:
    open: int
    responded: int
    closed: int
    recent: list[Challenge]

    @property
    def total(self) -> int:
        return self.open + self.responded + self.closed


def challenges(
    ctx: TenantContext, *, period: tuple[dt.date, dt.date] | None = None, recent: int = 10
) -> ChallengeSummary:
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


# ----------------------------------------------------------------------------------------------
# Action plans: open and overdue actions by organisation


@dataclass
class ActionsByOrganisation:
    organisation: str
    open: int
    overdue: int
    complete: int

    @property
    def open_not_overdue(self) -> int:
        return self.open - self.overdue


def actions_by_organisation(ctx: TenantContext, *, today: dt.date | None = None) -> list[ActionsByOrganisation]:
    """Actions of live plans per owner organisation: open (not yet accepted as complete), of which
    overdue (the action's clock is past due, as on the action plan pages), and complete. Organisations
    with the most overdue first. One query, grouped in the database."""
    from django.db.models import Count, Exists, Q

    from reviews.action_plans.models import Action, ActionStatus, PlanStatus
    from reviews.action_plans.selectors import overdue_clock

    today = today or timezone.localdate()
    rows = (
        Action.objects.for_partnership(ctx.partnership)
        .filter(plan__status=PlanStatus.LIVE)
        .annotate(is_overdue=Exists(overdue_clock(ctx, today)))
        .values("owner_member__organisation__name")
        .annotate(
            open=Count("pk", filter=~Q(status=ActionStatus.COMPLETE)),
            overdue=Count("pk", filter=Q(is_overdue=True) & ~Q(status=ActionStatus.COMPLETE)),
            complete=Count("pk", filter=Q(status=ActionStatus.COMPLETE)),
        )
    )
    result = [
        ActionsByOrganisation(
            row["owner_member__organisation__name"] or f"{ctx.partnership.name} business unit",
            row["open"],
            row["overdue"],
            row["complete"],
        )
        for row in rows
    ]
    return sorted(result, key=lambda r: (-r.overdue, -r.open, r.organisation.lower()))


def current_year_start(today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


def year_period(year_start: int) -> tuple[dt.date, dt.date]:
    return quarter_dates(year_start, 1)[0], quarter_dates(year_start, 4)[1]


__all__ = ["STATUTORY_CLOCKS", "audit_coverage", "challenges", "heatmap", "timeliness"]
