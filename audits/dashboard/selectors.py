"""The figures scrutiny reads: every clock's timeliness, audit programme coverage, the
Section 11 heatmap, funding by sector and the challenge log. Each is computed from the records
(nothing stored), with a fixed number of queries whatever the number of cases or returns; the
dashboard page and its API both read `figures()`, and the annual report the same functions.

No child details: clocks are named by the case reference only."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, Q
from django.utils import timezone

from audits.challenges.selectors import challenge_summary
from audits.programme.selectors import audit_coverage, percent
from audits.quarters import current_year_start
from audits.self_assessment.selectors import heatmap
from funding.models import FinancialYear
from funding.selectors import year_summary
from lscp import deadlines
from lscp.deadlines.workdays import calendar_for
from lscp.models import Deadline
from lscp.tenancy import TenantContext
from reviews.action_plans.models import Action, ActionStatus, PlanStatus
from reviews.action_plans.selectors import overdue_clock


def clock_kinds() -> list[str]:
    """The clocks whose timeliness scrutiny reads: every kind registered with the deadline engine,
    in its registered order (the case's statutory clocks first, then its requests for information,
    the LCSPR's two clocks, actions, self-assessment returns and document reviews).

    Every kind belongs: each is a date the partnership is held to (a statutory time limit, or a due
    date it set itself and must keep: a reply-by date, an action's agreed date, a return date, a
    document's review date), and a kind left out would hide its late clocks from the scrutineer.
    The dashboard used to read the four Panel and rapid review clocks only, so an LCSPR finished
    months late never showed. A kind registered later counts without a change here."""
    return list(deadlines.REGISTRY)


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

    def count(self, clock: Deadline, reference: str, *, calendar, today: dt.date) -> None:
        """Add one clock: met (on time or late), or open (and overdue once past its due date)."""
        if clock.met_on is not None:
            self.met += 1
            self.days_taken.append(calendar.working_days_between(clock.starts_on, clock.met_on))
            if clock.met_on <= clock.due_date:
                self.on_time += 1
                return
            self.late.append(self._late(clock, reference, clock.met_on, calendar))
            return
        self.open += 1
        if clock.due_date < today:
            self.overdue += 1
            self.late.append(self._late(clock, reference, None, calendar, until=today))

    @staticmethod
    def _late(clock: Deadline, reference: str, met_on, calendar, until: dt.date | None = None) -> Late:
        days = calendar.working_days_between(clock.due_date, until or met_on)
        return Late(reference, clock.due_date.strftime("%b %Y"), clock.due_date, met_on, days)


def _reference(clock: Deadline, subject) -> str:
    kind = deadlines.REGISTRY.get(clock.kind)
    return kind.subject_label(subject) if kind and subject else str(clock.subject_id)


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
    kinds = kinds or clock_kinds()
    today = today or timezone.localdate()
    calendar = calendar_for(ctx.partnership)
    clocks = Deadline.objects.for_partnership(ctx.partnership).filter(
        kind__in=kinds, due_date__isnull=False, starts_on__isnull=False
    )
    if period:
        clocks = clocks.filter(due_date__gte=period[0], due_date__lte=period[1])
    clocks = list(clocks.order_by("due_date", "id"))
    subjects = deadlines.subjects_of(clocks, partnership=ctx.partnership)
    results = {
        kind: ClockTimeliness(kind=kind, label=deadlines.REGISTRY[kind].label if kind in deadlines.REGISTRY else kind)
        for kind in kinds
    }
    for clock in clocks:
        subject = subjects.get((clock.subject_type_id, clock.subject_id))
        results[clock.kind].count(clock, _reference(clock, subject), calendar=calendar, today=today)
    return [results[kind] for kind in kinds]


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


def _funding(ctx: TenantContext):
    """The latest financial year's contributions by sector (empty when no year is recorded)."""
    year = FinancialYear.objects.for_partnership(ctx.partnership).order_by("-label").first()
    if year is None:
        return None, None
    return year_summary(ctx, year), year.display


def figures(ctx: TenantContext) -> dict:
    """Everything the dashboard shows, for the page and the API alike."""
    summary, funding_year = _funding(ctx)
    return {
        "timeliness": timeliness(ctx),
        "coverage": audit_coverage(ctx, year_start=current_year_start()),
        "heatmap": heatmap(ctx),
        "funding": summary.by_sector if summary else None,
        "funding_summary": summary,
        "funding_year": funding_year,
        "challenges": challenge_summary(ctx, recent=5),
        "actions": actions_by_organisation(ctx),
    }
