"""The figures scrutiny reads: every clock's timeliness, audit programme coverage, the
Section 11 heatmap, funding by sector and the challenge log. Each is computed from the records
(nothing stored), with a fixed number of queries whatever the number of cases or returns; the
dashboard page and its API both read `figures()`, and the annual report the same functions.

No child details: clocks are named by the case reference only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Aggregate, Count, F, FloatField, Func, IntegerField, Max, Min, OuterRef, Q, Subquery
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
from partners.models import Member
from reviews.action_plans.models import Action, ActionStatus, PlanStatus

LATEST_LATE = 10  # late clocks on the dashboard itself; all of them on their own pages


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
    kind: str
    label: str  # the clock's label, "Complete the LCSPR"
    reference: str  # the record's name: a case by its reference only
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
    median_working_days: Decimal | None = None  # from each clock's start to the day it was met

    @property
    def met_late(self) -> int:
        return self.met - self.on_time

    @property
    def late(self) -> int:
        """Late clocks: met after the due date, or still open past it (the late list's rows)."""
        return self.met_late + self.overdue

    @property
    def percent_on_time(self) -> Decimal | None:
        """Of the clocks met, the share met on or before the due date."""
        return percent(self.on_time, self.met)


class _Median(Aggregate):
    """PostgreSQL's median (the mean of the middle two of an even number, as statistics.median)."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class _WorkingDayNumber(Func):
    """A date column's running count of working days, read from the calendar's counts handed to
    the database as an array (WorkingCalendar.running_counts from `first`): the difference of two
    is working_days_between of the two dates, bank holidays and the partnership's own overrides
    included, because the counts are the calendar's own index."""

    output_field = IntegerField()

    def __init__(self, column: str, counts: list[int] | str, first: dt.date):
        super().__init__(F(column))
        # As PostgreSQL's array text ("{1,2,3}"): one string to quote and parse, where a list
        # travels as ARRAY[...] of thousands of constants, each parsed and folded.
        self.counts = counts if isinstance(counts, str) else "{" + ",".join(map(str, counts)) + "}"
        self.first = first

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return f"(%s::integer[])[{column} - %s::date + 1]", [self.counts, *params, self.first]


def late_clocks(ctx: TenantContext, *, kinds: list[str] | None = None, today: dt.date | None = None):
    """The late clocks, latest due first: met after their due date, or still open past it (a
    queryset, for a page of its own: name_late names a page of it)."""
    today = today or timezone.localdate()
    return (
        _clocks(ctx, kinds)
        .filter(Q(met_on__gt=F("due_date")) | Q(met_on__isnull=True, due_date__lt=today))
        .order_by("-due_date", "-id")
    )


def name_late(ctx: TenantContext, clocks, *, today: dt.date | None = None, calendar=None) -> list[Late]:
    """Late clocks (a page of late_clocks) with their records' names and how many working days
    late each is (to the day it was met, or to today): a query per kind of record named."""
    today = today or timezone.localdate()
    calendar = calendar or calendar_for(ctx.partnership)
    clocks = list(clocks)
    subjects = deadlines.subjects_of(clocks, partnership=ctx.partnership)
    named = []
    for clock in clocks:
        kind = deadlines.REGISTRY.get(clock.kind)
        subject = subjects.get((clock.subject_type_id, clock.subject_id))
        reference = kind.subject_label(subject) if kind and subject else str(clock.subject_id)
        named.append(
            Late(
                kind=clock.kind,
                label=deadlines.label_for(clock),
                reference=reference,
                month=clock.due_date.strftime("%b %Y"),
                due_date=clock.due_date,
                met_on=clock.met_on,
                working_days_late=calendar.working_days_between(clock.due_date, clock.met_on or today),
            )
        )
    return named


def _clocks(
    ctx: TenantContext,
    kinds: list[str] | None,
    period: tuple[dt.date, dt.date] | None = None,
    *,
    every_kind: bool = False,
):
    """The clocks with a start and a due date, of these kinds (with every_kind, of any kind:
    for counts grouped by kind, which read only the kinds they want)."""
    clocks = Deadline.objects.for_partnership(ctx.partnership).filter(due_date__isnull=False, starts_on__isnull=False)
    if not every_kind:
        clocks = clocks.filter(kind__in=kinds or clock_kinds())
    if period:
        clocks = clocks.filter(due_date__gte=period[0], due_date__lte=period[1])
    return clocks


def timeliness(
    ctx: TenantContext,
    *,
    kinds: list[str] | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    today: dt.date | None = None,
    calendar=None,
) -> list[ClockTimeliness]:
    """For each kind of clock: how many were met, how many on time, how many are open and overdue,
    and the median working days taken from the start to the day met. The late clocks themselves
    are a list of their own (late_clocks).

    With a period, only clocks due within it count. Counted in the database, grouped by kind:
    two queries (and the calendar's overrides) whatever the number of clocks: the span of the met
    clocks' dates (index lookups: deadline_met_starts, deadline_met_on), then one pass over the
    clocks for the counts and the medians together. The medians count working days in SQL from
    the partnership's calendar over that span (_WorkingDayNumber), so they equal
    working_days_between's, bank holidays and overrides included."""
    kinds = kinds or clock_kinds()
    today = today or timezone.localdate()
    # Every registered kind (the dashboard's case): counted with no filter on the kind, which
    # cost a comparison with each kind per clock (1 of 8 ms on the national bench); the rows are
    # grouped by kind anyway, and a kind not asked for is not read from them.
    clocks = _clocks(ctx, kinds, period, every_kind=set(kinds) >= set(clock_kinds()))
    met = Q(met_on__isnull=False)
    span = clocks.filter(met).aggregate(
        first_start=Min("starts_on"), last_start=Max("starts_on"), first_met=Min("met_on"), last_met=Max("met_on")
    )
    figures = {
        "met": Count("pk", filter=met),
        "on_time": Count("pk", filter=met & Q(met_on__lte=F("due_date"))),
        "open": Count("pk", filter=Q(met_on__isnull=True)),
        "overdue": Count("pk", filter=Q(met_on__isnull=True, due_date__lt=today)),
    }
    if span["first_met"] is not None:
        first = min(span["first_start"], span["first_met"])
        counts = (calendar or calendar_for(ctx.partnership)).running_counts(
            first, max(span["last_start"], span["last_met"])
        )
        taken = _WorkingDayNumber("met_on", counts, first) - _WorkingDayNumber("starts_on", counts, first)
        figures["median"] = _Median(taken, filter=met)
    counted = {row["kind"]: row for row in clocks.values("kind").annotate(**figures).order_by()}
    results = []
    for kind in kinds:
        row = counted.get(kind, {})
        median = row.get("median")
        results.append(
            ClockTimeliness(
                kind=kind,
                label=deadlines.REGISTRY[kind].label if kind in deadlines.REGISTRY else kind,
                met=row.get("met", 0),
                on_time=row.get("on_time", 0),
                open=row.get("open", 0),
                overdue=row.get("overdue", 0),
                median_working_days=None if median is None else Decimal(str(median)).quantize(Decimal("0.1")),
            )
        )
    return results


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
    with the most overdue first. One query, grouped in the database.

    The overdue clocks are read once, as a set the database hashes (`id IN (...)`), not probed
    action by action (an EXISTS per row: 20,000 index probes on the national bench, 150 ms, and a
    plan costly enough to be compiled by the JIT); no ordering, so no join to the recommendations.
    The actions are grouped by their owner member's id and each group (a handful) looks up its
    organisation's name, rather than each action being joined to its member and organisation and
    grouped by the name (11 -> 9 ms over 20,000 actions on the national bench); the plans are
    narrowed to the partnership's, so read by index."""
    today = today or timezone.localdate()
    overdue = deadlines.overdue_clocks(ctx.partnership, today, Action, kind="action_due").values("subject_id")
    organisation = Member.objects.for_partnership(ctx.partnership).filter(pk=OuterRef("owner_member_id"))
    rows = (
        Action.objects.for_partnership(ctx.partnership)
        .filter(plan__status=PlanStatus.LIVE, plan__partnership=ctx.partnership)
        .values("owner_member_id")
        .annotate(
            open=Count("pk", filter=~Q(status=ActionStatus.COMPLETE)),
            overdue=Count("pk", filter=Q(pk__in=overdue) & ~Q(status=ActionStatus.COMPLETE)),
            complete=Count("pk", filter=Q(status=ActionStatus.COMPLETE)),
        )
        # Annotated after the counts, so not grouped by: looked up once per group, not per action.
        .annotate(organisation=Subquery(organisation.order_by().values("organisation__name")[:1]))
        .order_by()
    )
    by_name: dict[str, ActionsByOrganisation] = {}
    for row in rows:
        name = row["organisation"] or f"{ctx.partnership.name} business unit"
        counts = by_name.setdefault(name, ActionsByOrganisation(name, 0, 0, 0))
        counts.open += row["open"]
        counts.overdue += row["overdue"]
        counts.complete += row["complete"]
    return sorted(by_name.values(), key=lambda r: (-r.overdue, -r.open, r.organisation.lower()))


def _funding(ctx: TenantContext):
    """The latest financial year's contributions by sector (empty when no year is recorded)."""
    year = FinancialYear.objects.for_partnership(ctx.partnership).order_by("-label").first()
    if year is None:
        return None, None
    return year_summary(ctx, year), year.display


def figures(ctx: TenantContext) -> dict:
    """Everything the dashboard shows, for the page and the API alike."""
    summary, funding_year = _funding(ctx)
    today, calendar = timezone.localdate(), calendar_for(ctx.partnership)
    clocks = timeliness(ctx, today=today, calendar=calendar)
    return {
        "timeliness": clocks,
        # The latest late clocks; every one is on the late clocks' own pages (late_clocks).
        "late": name_late(ctx, late_clocks(ctx, today=today)[:LATEST_LATE], today=today, calendar=calendar),
        "late_count": sum(t.late for t in clocks),
        "coverage": audit_coverage(ctx, year_start=current_year_start()),
        "heatmap": heatmap(ctx),
        "funding": summary.by_sector if summary else None,
        "funding_summary": summary,
        "funding_year": funding_year,
        "challenges": challenge_summary(ctx, recent=5),
        "actions": actions_by_organisation(ctx),
    }
