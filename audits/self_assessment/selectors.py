"""Reads of self-assessments: the heatmap of a cycle (organisations by standard, which the
dashboard and the annual report show too), a cycle's returns with their clocks, and the returns
that need the person now (the home page)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from audits.self_assessment.models import Cycle, Grade, ReturnStatus, SelfAssessment, StandardGrade
from audits.self_assessment.permissions import SelfAssessmentPolicy
from lscp.deadlines.workdays import calendar_for
from lscp.tenancy import TenantContext
from lscp.web.home import soon_by, task_status


def returns(ctx: TenantContext):
    """The returns this person may see (an agency lead: their organisation's)."""
    return SelfAssessmentPolicy.filter(ctx, SelfAssessment.objects.for_partnership(ctx.partnership))


def latest_cycle(ctx: TenantContext) -> Cycle | None:
    return Cycle.objects.for_partnership(ctx.partnership).order_by("-opens_on", "-id").first()


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
        cycle = latest_cycle(ctx)
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


def cycle_returns(ctx: TenantContext, cycle: Cycle) -> list[tuple]:
    """The cycle's heatmap rows this person may see, each with its return's clock."""
    heat = heatmap(ctx, cycle=cycle)
    visible = returns(ctx).filter(cycle=cycle).prefetch_related("deadlines")
    clocks = {assessment.pk: next(iter(assessment.deadlines.all()), None) for assessment in visible}
    return heat, [(row, clocks[row.assessment.pk]) for row in heat.rows if row.assessment.pk in clocks]


def home_returns(ctx: TenantContext) -> dict | None:
    """An agency lead's self-assessment returns still to submit; the business unit's to moderate."""
    today = timezone.localdate()
    pending = returns(ctx).select_related("cycle", "member__organisation")
    # The business unit can record any organisation's return, but its task here is moderation.
    answering = SelfAssessmentPolicy.answering_as(ctx) == SelfAssessmentPolicy.OWN
    if answering:
        pending = pending.filter(status__in=[ReturnStatus.NOT_STARTED, ReturnStatus.DRAFT])
        title = "Self-assessments to return"
    elif SelfAssessmentPolicy.can(ctx, "moderate"):
        pending = pending.filter(status=ReturnStatus.SUBMITTED)
        title = "Self-assessments to moderate"
    else:
        return None
    pending = list(pending.order_by("cycle__due_on", "pk")[:50])
    if not pending:
        return None
    # Five working days ahead counts as due soon (the business unit's moderation has no due date).
    soon = soon_by(calendar_for(ctx.partnership), today) if answering else None
    tasks = []
    for assessment in pending:
        due = assessment.cycle.due_on if assessment.status != ReturnStatus.SUBMITTED else None
        tasks.append(
            {
                "label": f"{assessment.cycle.name}: {assessment.member.organisation}",
                "url": reverse("self-assessment-detail", args=[ctx.partnership.slug, assessment.pk]),
                "due": due,
                "status": task_status(due, today=today, soon=soon),
                "hint": assessment.get_status_display(),
            }
        )
    return {"title": title, "tasks": tasks}
