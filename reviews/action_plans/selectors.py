"""Reads of action plans and actions, each narrowed by its policy, with RAG and summaries computed
on the read (never stored). A list reads its actions in one query whatever their number: the
clock state ("overdue") and the latest progress come as subqueries."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone

from lscp import deadlines
from lscp.checks import possessive
from lscp.compiled import Compiled
from lscp.deadlines.workdays import calendar_for
from lscp.roles import Role
from lscp.tenancy import TenantContext
from lscp.web.home import task_status
from partners.models import Partnership
from reviews.action_plans import rag as ragging
from reviews.action_plans.models import (
    Action,
    ActionPlan,
    ActionStatus,
    DueDateChange,
    PlanStatus,
    ProgressUpdate,
    Ratification,
    Recommendation,
    Stage,
    UpdateKind,
)
from reviews.action_plans.permissions import ActionPlanPolicy, ActionPolicy, ProgressUpdatePolicy

PROGRESS_KINDS = [UpdateKind.PROGRESS, UpdateKind.COMPLETED]


def overdue_clock(ctx: TenantContext, today: dt.date):
    """The action's (OuterRef "pk") due-date clock if it is overdue on `today`: for Exists()."""
    return deadlines.overdue_clocks(ctx.partnership, today, Action, kind="action_due").filter(subject_id=OuterRef("pk"))


def _latest_progress(ctx: TenantContext):
    return (
        ProgressUpdate.objects.for_partnership(ctx.partnership)
        .filter(action=OuterRef("pk"), kind__in=PROGRESS_KINDS)
        .order_by("-on", "-at", "-id")
    )


def with_rag(ctx: TenantContext, queryset, w: ragging.Windows):
    """Actions with `rag_key`: rag.rag()'s rule worked out by the database (for counting many
    actions in one grouped query), from the same facts annotated() gives (the clock's state on
    w.today and the latest progress)."""
    queryset = queryset.annotate(
        is_overdue=Exists(overdue_clock(ctx, w.today)),
        latest_progress_on=Subquery(_latest_progress(ctx).values("on")[:1]),
    )
    return queryset.annotate(rag_key=rag_case(w))


def rag_case(w: ragging.Windows) -> Case:
    """rag.rag() as SQL, over actions annotated with `is_overdue` and `latest_progress_on`."""
    stale = (
        Q(status=ActionStatus.NOT_STARTED)
        | Q(latest_progress_on__isnull=True)
        | Q(latest_progress_on__lt=w.recent_since)
    )
    return Case(
        When(status=ActionStatus.COMPLETE, then=Value(ragging.COMPLETE.key)),
        When(status=ActionStatus.AWAITING_ACCEPTANCE, then=Value(ragging.AWAITING.key)),
        When(is_overdue=True, then=Value(ragging.OVERDUE.key)),
        When(status=ActionStatus.AT_RISK, then=Value(ragging.AT_RISK.key)),
        When(Q(due_date__isnull=False, due_date__lte=w.due_soon_by) & stale, then=Value(ragging.AT_RISK.key)),
        default=Value(ragging.ON_TRACK.key),
        output_field=CharField(),
    )


def annotated(ctx: TenantContext, queryset, *, today: dt.date | None = None, plan: bool = True):
    """Actions with `is_overdue` (the clock's state, as Deadline.status_on gives it),
    `latest_progress_on` and `latest_progress`, and what their pages and lists show (with their
    plan joined, unless the caller has it: plan=False)."""
    today = today or timezone.localdate()
    latest = _latest_progress(ctx)
    related = ["recommendation", "owner_member__organisation", "owner__person"]
    return queryset.select_related(*(["plan", *related] if plan else related)).annotate(
        is_overdue=Exists(overdue_clock(ctx, today)),
        latest_progress_on=Subquery(latest.values("on")[:1]),
        latest_progress=Subquery(latest.values("text")[:1]),
        first_due_date=Subquery(
            DueDateChange.objects.for_partnership(ctx.partnership)
            .filter(action=OuterRef("pk"))
            .order_by("changed_at", "id")
            .values("old_date")[:1]
        ),
    )


@dataclass
class Row:
    """An action as lists show it: the action (annotated) and its RAG, worked out now, and the
    link to its page where the list gives it (link_rows)."""

    action: Action
    rag: ragging.Rag
    why: str
    url: str = ""

    @property
    def original_due(self):
        return self.action.first_due_date


def rows_for(actions, w: ragging.Windows) -> list[Row]:
    rows = []
    for action in actions:
        facts = dict(
            status=action.status,
            due_date=action.due_date,
            overdue=action.is_overdue,
            last_progress_on=action.latest_progress_on,
            w=w,
        )
        rows.append(Row(action, ragging.rag(**facts), ragging.reason(**facts)))
    return rows


def link_rows(ctx: TenantContext, *groups: list[Row]) -> None:
    """Each row's link to its action's page, from one reverse() of the URL (a reverse costs about
    0.1 ms, and a plan's page links a hundred actions): the URL with a marker for the id, split
    round it, so every link is the route's own."""
    marker = 987654321987
    head, tail = reverse("action-detail", args=[ctx.partnership.slug, marker]).split(str(marker))
    for rows in groups:
        for row in rows:
            row.url = f"{head}{row.action.pk}{tail}"


def windows_for(ctx: TenantContext, today: dt.date | None = None) -> ragging.Windows:
    return ragging.windows(calendar_for(ctx.partnership), today or timezone.localdate())


# ----------------------------------------------------------------------------------------------
# Summaries


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@dataclass
class OrganisationRow:
    name: str
    counts: Counter
    total: int = 0

    @property
    def overdue(self) -> int:
        return self.counts[ragging.OVERDUE.key]

    def cells(self) -> list[int]:
        return [self.counts[r.key] for r in ragging.ALL]


@dataclass
class Summary:
    recommendations: int
    actions: int
    by_rag: Counter = field(default_factory=Counter)
    by_status: Counter = field(default_factory=Counter)
    by_organisation: list[OrganisationRow] = field(default_factory=list)

    @property
    def sentence(self) -> str:
        """'10 recommendations, 14 actions: 6 complete, 8 on track'."""
        head = f"{_plural(self.recommendations, 'recommendation')}, "
        if not self.actions:
            return head + "no actions yet"
        parts = [f"{self.by_rag[r.key]} {r.label.lower()}" for r in ragging.ALL if self.by_rag[r.key]]
        return head + f"{_plural(self.actions, 'action')}: " + ", ".join(parts)

    def rag_cells(self) -> list[tuple[ragging.Rag, int]]:
        return [(r, self.by_rag[r.key]) for r in ragging.ALL]

    def status_cells(self) -> list[tuple[str, str, int]]:
        return [(value, label, self.by_status[value]) for value, label in ActionStatus.choices]

    @property
    def complete(self) -> int:
        return self.by_rag[ragging.COMPLETE.key]

    @property
    def overdue(self) -> int:
        return self.by_rag[ragging.OVERDUE.key]


def summarise(rows: list[Row], *, recommendations: int, partnership_name: str) -> Summary:
    summary = Summary(recommendations=recommendations, actions=len(rows))
    by_org: dict[str, OrganisationRow] = {}
    for row in rows:
        summary.by_rag[row.rag.key] += 1
        summary.by_status[row.action.status] += 1
        name = (
            str(row.action.owner_member.organisation)
            if row.action.owner_member_id
            else f"{partnership_name} business unit"
        )
        org = by_org.setdefault(name, OrganisationRow(name=name, counts=Counter()))
        org.counts[row.rag.key] += 1
        org.total += 1
    # Organisations with overdue actions first, then by name.
    summary.by_organisation = sorted(by_org.values(), key=lambda o: (-o.overdue, o.name.lower()))
    return summary


def overdue_first(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=lambda r: (r.rag.order, r.action.due_date, r.action.pk))


# ----------------------------------------------------------------------------------------------
# Plans


def plans_for(ctx: TenantContext):
    """The plans this person may see (filtered by reviews.action_plans.filters.PlanFilter)."""
    return ActionPlanPolicy.filter(
        ctx, ActionPlan.objects.for_partnership(ctx.partnership).select_related("notification")
    )


def plan_summaries(
    ctx: TenantContext, plans: list[ActionPlan], w: ragging.Windows, *, numbers: dict[int, int] | None = None
) -> dict[int, Summary]:
    """The summary of each plan on a page of plans: two grouped queries whatever the number of
    plans and actions (the actions are counted by plan, RAG, status and owner in the database,
    never read one by one); one when the caller has counted the recommendations (`numbers`)."""
    ids = [p.pk for p in plans]
    if numbers is None:
        numbers = dict(
            Recommendation.objects.for_partnership(ctx.partnership)
            .filter(plan_id__in=ids)
            .values("plan_id")
            .annotate(n=Count("number", distinct=True))
            .order_by()
            .values_list("plan_id", "n")
        )
    groups = _summary_groups(
        shape=_shape(),
        partnership=ctx.partnership.pk,
        plans=tuple(ids),
        today=w.today,
        due_soon_by=w.due_soon_by,
        recent_since=w.recent_since,
    )
    summaries = {plan.pk: Summary(recommendations=numbers.get(plan.pk, 0), actions=0) for plan in plans}
    by_org: dict[int, dict[str, OrganisationRow]] = defaultdict(dict)
    business_unit = f"{ctx.partnership.name} business unit"
    for group in groups:
        summary, n = summaries[group["plan_id"]], group["n"]
        summary.actions += n
        summary.by_rag[group["rag_key"]] += n
        summary.by_status[group["status"]] += n
        name = group["owner_member__organisation__name"] or business_unit
        org = by_org[group["plan_id"]].setdefault(name, OrganisationRow(name=name, counts=Counter()))
        org.counts[group["rag_key"]] += n
        org.total += n
    for plan_id, summary in summaries.items():
        summary.by_organisation = sorted(by_org[plan_id].values(), key=lambda o: (-o.overdue, o.name.lower()))
    return summaries


@dataclass
class PlanPage:
    plan: ActionPlan
    summary: Summary
    rows: list[Row]
    ratifications: list[Ratification]
    recommendations: list[Recommendation]

    def by_recommendation(self) -> dict[int, list[Row]]:
        grouped: dict[int, list[Row]] = defaultdict(list)
        for row in self.rows:
            grouped[row.action.recommendation_id].append(row)
        return grouped

    def ratification(self, stage: str) -> Ratification | None:
        return next((r for r in self.ratifications if r.stage == stage), None)

    def stages(self) -> list[tuple[str, str, Ratification | None]]:
        return [(value, label, self.ratification(value)) for value, label in Stage.choices]


def plan_page(ctx: TenantContext, plan: ActionPlan, *, w: ragging.Windows | None = None) -> PlanPage:
    """Everything a plan's page, its exports and its report show: a fixed number of queries."""
    w = w or windows_for(ctx)
    recommendations = list(Recommendation.objects.for_partnership(ctx.partnership).filter(plan=plan))
    actions = annotated(ctx, Action.objects.for_partnership(ctx.partnership).filter(plan=plan), today=w.today)
    rows = rows_for(actions, w)
    for row in rows:
        row.action.plan = plan
    ratifications = ratifications_for(ctx, plan)
    summary = summarise(
        rows, recommendations=len({r.number for r in recommendations}), partnership_name=ctx.partnership.name
    )
    return PlanPage(plan, summary, rows, ratifications, recommendations)


ATTENTION_SHOWN = 25  # overdue and at-risk actions, and those awaiting acceptance, on a plan's page


@dataclass
class PlanScreen:
    """What a plan's page shows, bounded whatever the plan's size: the summary counted by the
    database, the actions of the page's recommendations only, and the first ATTENTION_SHOWN
    actions needing attention (overdue first) and awaiting acceptance, with how many there are."""

    plan: ActionPlan
    summary: Summary
    ratifications: list[Ratification]
    recommendations: list[Recommendation]
    urgent: list[Row]
    awaiting: list[Row]

    @property
    def urgent_total(self) -> int:
        return self.summary.by_rag[ragging.OVERDUE.key] + self.summary.by_rag[ragging.AT_RISK.key]

    @property
    def awaiting_total(self) -> int:
        return self.summary.by_rag[ragging.AWAITING.key]

    def ratification(self, stage: str) -> Ratification | None:
        return next((r for r in self.ratifications if r.stage == stage), None)

    def stages(self) -> list[tuple[str, str, Ratification | None]]:
        return [(value, label, self.ratification(value)) for value, label in Stage.choices]


def plan_screen(ctx: TenantContext, plan: ActionPlan, *, w: ragging.Windows | None = None) -> PlanScreen:
    """A plan's page but for its recommendations' actions (plan_rows, for the page of them): four
    queries, and rows read for at most 2 x ATTENTION_SHOWN actions.

    The actions needing attention are the first overdue or at risk, overdue first, by due date
    (overdue_first); those awaiting acceptance are the first by status alone (RAG's AWAITING is
    that status), in the plan's order. Both are chosen by two light subqueries ordered and limited
    in the database, with RAG worked out once per action (a window over the RAG expression
    repeated it in the partition and the ordering, and cost as much to build as to run), and the
    rows chosen are read in full in the same query."""
    w = w or windows_for(ctx)
    recommendations = list(Recommendation.objects.for_partnership(ctx.partnership).filter(plan=plan))
    numbers = {plan.pk: len({r.number for r in recommendations})}
    summary = plan_summaries(ctx, [plan], w, numbers=numbers)[plan.pk]
    shown = _shown_actions(
        shape=_shape(),
        partnership=ctx.partnership.pk,
        plan=plan.pk,
        today=w.today,
        due_soon_by=w.due_soon_by,
        recent_since=w.recent_since,
    )
    rows = rows_for(shown, w)
    for row in rows:
        row.action.plan = plan
    return PlanScreen(
        plan=plan,
        summary=summary,
        ratifications=ratifications_for(ctx, plan),
        recommendations=recommendations,
        urgent=overdue_first([r for r in rows if r.rag in (ragging.OVERDUE, ragging.AT_RISK)]),
        awaiting=[r for r in rows if r.rag is ragging.AWAITING],
    )


def plan_rows(ctx: TenantContext, plan: ActionPlan, recommendations, *, w: ragging.Windows) -> dict[int, list[Row]]:
    """The actions of these recommendations (a page of the plan's), by recommendation id."""
    actions = _recommendations_actions(
        shape=_shape(),
        partnership=ctx.partnership.pk,
        plan=plan.pk,
        recommendations=tuple(r.pk for r in recommendations),
        today=w.today,
    )
    grouped: dict[int, list[Row]] = defaultdict(list)
    for row in rows_for(actions, w):
        row.action.plan = plan
        grouped[row.action.recommendation_id].append(row)
    return grouped


# The queries of a plan's page, compiled once per process (lscp.compiled): built and compiled by the
# ORM they cost about 20 ms a request on the national bench, four times what the database takes to
# run them. Each builder takes every value that varies; the ContentType id the clocks are matched
# by is the shape (_shape).


def _shape() -> tuple:
    return (deadlines.subject_type_id(Action),)


def _building(partnership: int) -> TenantContext:
    """The context a compiled query is built in: the partnership by its id, all a query reads of it."""
    return TenantContext(partnership=Partnership(pk=partnership), user=None, membership=None)


def _windows(today: dt.date, due_soon_by: dt.date, recent_since: dt.date) -> ragging.Windows:
    """The RAG windows the queries read (task_soon_by, the home page's, is not among them)."""
    return ragging.Windows(today=today, due_soon_by=due_soon_by, task_soon_by=due_soon_by, recent_since=recent_since)


@Compiled
def _summary_groups(*, partnership: int, plans: tuple[int, ...], today, due_soon_by, recent_since):
    """The plans' actions counted by plan, RAG, status and owner organisation (plan_summaries)."""
    ctx = _building(partnership)
    return (
        with_rag(
            ctx,
            Action.objects.for_partnership(ctx.partnership).filter(plan_id__in=plans),
            _windows(today, due_soon_by, recent_since),
        )
        .values("plan_id", "rag_key", "status", "owner_member__organisation__name")
        .annotate(n=Count("pk"))
        .order_by()
    )


@Compiled
def _shown_actions(*, partnership: int, plan: int, today, due_soon_by, recent_since):
    """The actions a plan's page shows first (plan_screen): the first ATTENTION_SHOWN overdue or at
    risk, and the first ATTENTION_SHOWN awaiting acceptance, annotated (without their plan)."""
    ctx = _building(partnership)
    actions = Action.objects.for_partnership(ctx.partnership).filter(plan_id=plan)
    urgent = (
        with_rag(ctx, actions, _windows(today, due_soon_by, recent_since))
        .filter(rag_key__in=[ragging.OVERDUE.key, ragging.AT_RISK.key])
        # Among these, overdue is exactly the clock's state (neither complete nor awaiting).
        .order_by(F("is_overdue").desc(), F("due_date").asc(nulls_last=True), "pk")
        .values("pk")[:ATTENTION_SHOWN]
    )
    awaiting = actions.filter(status=ActionStatus.AWAITING_ACCEPTANCE).values("pk")[:ATTENTION_SHOWN]
    # The rows shown, and only they, read in full (in the plan's order).
    shown = Action.objects.for_partnership(ctx.partnership).filter(pk__in=urgent.union(awaiting, all=True))
    return annotated(ctx, shown, today=today, plan=False)


@Compiled
def _recommendations_actions(*, partnership: int, plan: int, recommendations: tuple[int, ...], today):
    """The actions of a page of a plan's recommendations (plan_rows), annotated (without their plan)."""
    ctx = _building(partnership)
    actions = Action.objects.for_partnership(ctx.partnership).filter(
        plan_id=plan, recommendation_id__in=recommendations
    )
    return annotated(ctx, actions, today=today, plan=False)


def ratifications_for(ctx: TenantContext, plan: ActionPlan) -> list[Ratification]:
    return list(Ratification.objects.for_partnership(ctx.partnership).filter(plan=plan).select_related("recorded_by"))


def next_recommendation_number(ctx: TenantContext, plan: ActionPlan) -> int:
    """The number after the plan's highest (what a new recommendation is offered)."""
    numbers = Recommendation.objects.for_partnership(ctx.partnership).filter(plan=plan).values_list("number", flat=True)
    return max(numbers, default=0) + 1


def recommendations_for(ctx: TenantContext):
    return Recommendation.objects.for_partnership(ctx.partnership).select_related("plan")


def ratification_text(page: PlanPage | PlanScreen) -> str:
    """'Ratified by the Learning & Practice Review Group on 5 Sep 2022 (LPRG 22/09), ...' or where it is."""
    done = list(page.ratifications)
    if not done:
        return "Not yet ratified: it goes to the Learning & Practice Review Group, the Management Executive Board and the statutory partners."
    parts = [f"the {_group(r.stage)} on {r.decided_on:%-d %B %Y} ({r.minute_reference})" for r in done]
    if page.plan.status in (PlanStatus.LIVE, PlanStatus.CLOSED):
        return "Ratified by " + ", ".join(parts[:-1]) + " and " + parts[-1] + "."
    waiting = [value for value, _ in Stage.choices if value not in {r.stage for r in done}]
    return f"Going through ratification: ratified by {', '.join(parts)}; next, the {_group(waiting[0])}."


def _group(stage: str) -> str:
    """A group's name in a sentence: 'the Management Executive Board', 'the statutory partners'."""
    return "statutory partners" if stage == Stage.PARTNERS else Stage(stage).label


# ----------------------------------------------------------------------------------------------
# Actions across plans


def actions_for(
    ctx: TenantContext,
    *,
    status: str = "",
    overdue: bool = False,
    open_only: bool = False,
    today: dt.date | None = None,
):
    """The actions this person may see, annotated for lists (filtered by
    reviews.action_plans.filters.ActionFilter)."""
    queryset = annotated(ctx, _actions(ctx), today=today)
    if status:
        queryset = queryset.filter(status=status)
    if open_only:
        queryset = open_actions(queryset)
    if overdue:
        queryset = queryset.filter(is_overdue=True)
    return ActionPolicy.filter(ctx, queryset)


def _actions(ctx: TenantContext):
    """The partnership's actions, with the plans and recommendations joined for the rows and their
    order narrowed to this partnership too (always so): the planner then reads them by index
    instead of scanning every partnership's (issue 15)."""
    return Action.objects.for_partnership(ctx.partnership).filter(
        plan__partnership=ctx.partnership, recommendation__partnership=ctx.partnership
    )


def open_actions(queryset):
    """Actions not yet complete, in plans not closed."""
    return queryset.exclude(status=ActionStatus.COMPLETE).exclude(plan__status=PlanStatus.CLOSED)


def action_detail_queryset(ctx: TenantContext):
    return annotated(ctx, Action.objects.for_partnership(ctx.partnership))


def updates_for(ctx: TenantContext, action: Action):
    return (
        ProgressUpdate.objects.for_partnership(ctx.partnership)
        .filter(action=action)
        .select_related("by")
        .order_by("-on", "-at", "-id")
    )


def due_date_changes_for(ctx: TenantContext, action: Action):
    return (
        DueDateChange.objects.for_partnership(ctx.partnership)
        .filter(action=action)
        .select_related("changed_by")
        .order_by("changed_at", "id")
    )


def progress_updates_for(ctx: TenantContext):
    """Progress updates of the actions this person may see (the API's list)."""
    queryset = ProgressUpdate.objects.for_partnership(ctx.partnership).select_related(
        "by", "action__recommendation", "action__plan"
    )
    return ProgressUpdatePolicy.filter(ctx, queryset).order_by("-on", "-at", "-id")


# ----------------------------------------------------------------------------------------------
# "What needs me now" (the home page's sections, lscp.web.home)


def _action_url(ctx: TenantContext, action: Action) -> str:
    return reverse("action-detail", args=[ctx.partnership.slug, action.pk])


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _task(ctx: TenantContext, row: Row, today: dt.date, soon: dt.date) -> dict:
    action = row.action
    # Overdue is the RAG rule's word (the plan page says the same); due soon is the home page's, as
    # for every other task. An action past its date that the rule does not call overdue is due soon.
    if row.rag is ragging.OVERDUE:
        status = "overdue"
    else:
        status = task_status(action.due_date, today=today, soon=soon).replace("overdue", "due_soon")
    return {
        "label": f"Action {action.number}, {action.plan.title}: {_short(action.description)}",
        "url": _action_url(ctx, action),
        "due": action.due_date,
        "status": status,
        "hint": f"{row.rag.label}. {row.why}",
    }


def home_our_actions(ctx: TenantContext) -> dict | None:
    """An agency lead's organisation's open actions, and any other person's own (as owner person).
    One query; the calendar is read only when there is something to show."""
    if ctx.role == Role.AGENCY_LEAD:
        queryset = ActionPolicy.filter(ctx, _actions(ctx))
        title = f"{possessive(ctx.organisation)} actions" if ctx.organisation else "Your organisation's actions"
    elif ctx.membership is not None and ctx.role != Role.SCRUTINEER:
        queryset = ActionPolicy.filter(ctx, _actions(ctx)).filter(owner=ctx.membership)
        title = "Actions you own"
    else:
        return None
    # Only what a task shows and its RAG needs (the clock's state, the latest progress's date), not
    # every annotation of a list's rows: their subqueries were most of the time to plan it (issue 15).
    today = timezone.localdate()
    queryset = (
        open_actions(queryset)
        .exclude(status=ActionStatus.AWAITING_ACCEPTANCE)
        .select_related("plan", "recommendation")
        .annotate(
            is_overdue=Exists(overdue_clock(ctx, today)),
            latest_progress_on=Subquery(_latest_progress(ctx).values("on")[:1]),
        )
    )
    actions = list(queryset.order_by("due_date", "pk")[:50])
    if not actions:
        return None
    w = windows_for(ctx, today)
    return {"title": title, "tasks": [_task(ctx, row, w.today, w.task_soon_by) for row in rows_for(actions, w)]}


def home_awaiting_acceptance(ctx: TenantContext) -> dict | None:
    """The business unit's: completions to accept or return (one query)."""
    if not ActionPolicy.can(ctx, "manage"):
        return None
    # What a task shows, without the annotations of a list's rows (none of them is shown here).
    queryset = ActionPolicy.filter(
        ctx,
        open_actions(_actions(ctx).filter(status=ActionStatus.AWAITING_ACCEPTANCE)).select_related(
            "plan", "recommendation", "owner_member__organisation"
        ),
    )
    tasks = [
        {
            "label": f"Accept or return action {action.number}, {action.plan.title}: {_short(action.description)}",
            "url": _action_url(ctx, action),
            "due": None,
            "status": "open",
            "hint": f"Marked complete on {action.completed_on:%-d %b %Y} by {action.owner_name}",
        }
        for action in queryset.order_by("completed_on", "pk")[:50]
    ]
    return {"title": "Completed actions waiting for you to accept them", "tasks": tasks}
