"""A plan's life: created (by hand, from a spreadsheet, or by another app) with its recommendations
and actions, its details changed, ratified in order (the statutory partners' decision makes it
live and starts every action's clock), and closed once every action is complete."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, TypedDict, Unpack

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lscp import activity
from lscp.checks import Errors
from lscp.spreadsheets import SpreadsheetError
from lscp.tenancy import TenantContext, TenantOwned
from reviews.action_plans import sheets
from reviews.action_plans.models import (
    STAGE_ORDER,
    Action,
    ActionPlan,
    PlanStatus,
    Ratification,
    Stage,
)
from reviews.action_plans.permissions import ActionPlanPolicy
from reviews.action_plans.services.checks import (
    Problem,
    RecommendationIn,
    check_plan_fields,
    check_recommendations,
    check_text,
    day,
)
from reviews.action_plans.services.contents import create_contents
from reviews.action_plans.services.records import (
    created,
    locked_plan,
    plan_refusal,
    refresh_clocks,
    refuse,
    save_changed,
)

if TYPE_CHECKING:
    from reviews.models import Notification


class PlanFields(TypedDict, total=False):
    """A plan's own fields, as plan_create, plan_import and plan_update take them."""

    title: str
    source_kind: str
    source_reference: str
    notification: Notification | None
    summary: str
    created_on: dt.date | None  # the date the plan was drawn up (plan_create: today if not given)


PLAN_FIELDS = list(PlanFields.__annotations__)


def _checked(errors: Errors, ctx: TenantContext, given: PlanFields, *, created_on: dt.date) -> dict:
    """The plan's fields cleaned (texts trimmed, the date given or else `created_on`), and their
    problems added to `errors`."""
    fields = {"title": "", "source_kind": "", "source_reference": "", "notification": None, "summary": "", **given}
    fields["created_on"] = given.get("created_on") or created_on
    check_plan_fields(errors, ctx, **fields)
    return {name: value.strip() if isinstance(value, str) else value for name, value in fields.items()}


def _submitted(ctx: TenantContext, submission_key: str) -> ActionPlan | None:
    """The plan a resent submission made already (a double click, a retried request)."""
    if not submission_key:
        return None
    return ActionPlan.objects.for_partnership(ctx.partnership).filter(submission_key=submission_key).first()


@transaction.atomic
def plan_create(
    ctx: TenantContext,
    *,
    source: TenantOwned | None = None,
    recommendations: list[RecommendationIn] | tuple = (),
    submission_key: str = "",
    problems_key: str = "recommendations",
    earlier_problems: list[Problem] | tuple = (),
    event: str = "action_plan.created",
    **given: Unpack[PlanFields],
) -> ActionPlan:
    """A new plan (a draft until ratified), with its recommendations and actions if given.

    `source` links any tenant-owned record of this partnership (an audit finding); `notification`
    a notification. The same `submission_key` twice returns the first plan and changes nothing.
    Problems with the recommendations and actions are all reported at once under `problems_key`.
    """
    ActionPlanPolicy.require(ctx, "manage")
    submission_key = (submission_key or "").strip()[:64]
    existing = _submitted(ctx, submission_key)
    if existing is not None:
        return existing
    errors = Errors()
    fields = _checked(errors, ctx, given, created_on=timezone.localdate())
    if source is not None and (not isinstance(source, TenantOwned) or source.partnership_id != ctx.partnership.pk):
        errors.add("source", "The source record must be one of this partnership's records")
    problems = list(earlier_problems)
    if "created_on" not in errors:
        reported = {(p.row, p.column) for p in problems if p.row is not None}
        problems += [
            p
            for p in check_recommendations(ctx, list(recommendations), created_on=fields["created_on"])
            if p.row is None or (p.row, p.column) not in reported
        ]
    for problem in sorted(problems, key=lambda p: (p.row is None, p.row or 0)):
        errors.add(problems_key, str(problem))
    errors.raise_if_any()
    plan = ActionPlan(partnership=ctx.partnership, created_by=ctx.user, submission_key=submission_key, **fields)
    if source is not None:
        plan.source_type = ContentType.objects.get_for_model(source, for_concrete_model=True)
        plan.source_id = source.pk
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:  # the same submission, committed by a concurrent request
        return ActionPlan.objects.for_partnership(ctx.partnership).get(submission_key=submission_key)
    actions = create_contents(ctx, plan, list(recommendations))
    activity.record(
        ctx,
        event=event,
        obj=plan,
        changes={
            **activity.created(plan, ["title", "source_kind", "source_reference", "created_on"]),
            "recommendations": {"old": None, "new": len(recommendations)},
            "actions": {"old": None, "new": len(actions)},
        },
    )
    return plan


@transaction.atomic
def plan_update(
    ctx: TenantContext, plan: ActionPlan, *, expected_version: int | None = None, **given: Unpack[PlanFields]
) -> ActionPlan:
    ActionPlanPolicy.require(ctx, "manage", plan)
    plan = locked_plan(ctx, plan, expected_version)
    refuse(plan_refusal(plan, "change"))
    errors = Errors()
    fields = _checked(errors, ctx, given, created_on=plan.created_on)
    if fields["created_on"] != plan.created_on and "created_on" not in errors:
        _check_new_start(errors, ctx, plan, fields["created_on"])
    errors.raise_if_any()
    before = activity.snapshot(plan, PLAN_FIELDS)
    for name, value in fields.items():
        setattr(plan, name, value)
    changes = activity.changes_between(before, activity.snapshot(plan, PLAN_FIELDS))
    if not changes:
        return plan
    save_changed(plan)
    activity.record(ctx, event="action_plan.changed", obj=plan, changes=changes)
    return plan


def _check_new_start(errors: Errors, ctx: TenantContext, plan: ActionPlan, created_on: dt.date) -> None:
    """A draft plan's date may move, but not past an action's due date; a live plan's is fixed."""
    if plan.is_live:
        errors.add("created_on", "The plan is live: the date it was drawn up can no longer change")
        return
    earliest = Action.objects.for_partnership(ctx.partnership).filter(plan=plan).order_by("due_date").first()
    if earliest is not None and earliest.due_date < created_on:
        errors.add("created_on", f"Action {earliest.number} is due on {day(earliest.due_date)}, before this date")


@transaction.atomic
def plan_ratify(
    ctx: TenantContext,
    plan: ActionPlan,
    *,
    stage: str,
    decided_on: dt.date | None,
    minute_reference: str,
    expected_version: int | None = None,
) -> Ratification:
    """Record one group's dated decision ratifying the plan, in order: the Learning & Practice Review
    Group, then the Management Executive Board, then the statutory partners (the plan goes live)."""
    ActionPlanPolicy.require(ctx, "manage", plan)
    plan = locked_plan(ctx, plan, expected_version)
    if stage not in Stage.values:
        raise ValidationError({"stage": ["Choose the group"]})
    refuse(plan_refusal(plan, "ratify", stage=stage))
    errors = Errors()
    name = "The date of the decision"
    errors.date_not_in_future("decided_on", decided_on, name=name)
    earlier = [(plan.created_on, "the date the plan was drawn up")]
    if stage != STAGE_ORDER[0]:
        previous = plan.ratifications.get(stage=STAGE_ORDER[STAGE_ORDER.index(stage) - 1])
        earlier.append((previous.decided_on, f"the {previous.get_stage_display()}'s decision"))
    for earliest, earliest_name in earlier:
        if "decided_on" not in errors:
            errors.date_not_before("decided_on", decided_on, earliest, name=name, earliest_name=earliest_name)
    check_text(
        errors,
        "minute_reference",
        minute_reference,
        label="The minute reference",
        missing="Enter the minute reference",
        max_length=100,
    )
    errors.raise_if_any()
    decision = created(
        ctx,
        Ratification,
        plan=plan,
        stage=stage,
        decided_on=decided_on,
        minute_reference=minute_reference.strip(),
        recorded_by=ctx.user,
    )
    _record_ratification(ctx, plan, decision)
    return decision


def _record_ratification(ctx: TenantContext, plan: ActionPlan, decision: Ratification) -> None:
    """The plan's status after the decision; the statutory partners' starts every action's clock."""
    before = plan.status
    live = decision.stage == Stage.PARTNERS
    plan.status = PlanStatus.LIVE if live else PlanStatus.RATIFYING
    if live:
        plan.live_on = decision.decided_on
    save_changed(plan)
    activity.record(
        ctx,
        event="action_plan.ratified",
        obj=plan,
        changes={
            "stage": {"old": None, "new": decision.stage},
            "decided_on": {"old": None, "new": decision.decided_on},
            "minute_reference": {"old": None, "new": decision.minute_reference},
            "status": {"old": before, "new": plan.status},
        },
    )
    if live:
        actions = (
            Action.objects.for_partnership(ctx.partnership).filter(plan=plan).select_related("plan", "recommendation")
        )
        refresh_clocks(list(actions), ctx.partnership)


@transaction.atomic
def plan_close(ctx: TenantContext, plan: ActionPlan, *, expected_version: int | None = None) -> ActionPlan:
    """Close a live plan whose every action is complete (accepted)."""
    ActionPlanPolicy.require(ctx, "manage", plan)
    plan = locked_plan(ctx, plan, expected_version)
    if plan.status == PlanStatus.CLOSED:
        return plan
    refuse(plan_refusal(plan, "close"))
    plan.status, plan.closed_on = PlanStatus.CLOSED, timezone.localdate()
    save_changed(plan)
    activity.record(ctx, event="action_plan.closed", obj=plan, changes={"status": {"old": "live", "new": "closed"}})
    return plan


@transaction.atomic
def plan_import(ctx: TenantContext, *, upload, submission_key: str = "", **given: Unpack[PlanFields]) -> ActionPlan:
    """A new plan from an .xlsx file, one row per action: every row loads, or none does and every
    problem is listed under `file` as "Row N, Column: message"."""

    ActionPlanPolicy.require(ctx, "manage")
    existing = _submitted(ctx, (submission_key or "").strip()[:64])
    if existing is not None:
        return existing
    try:
        recommendations, problems = sheets.read_plan(ctx, upload)
    except SpreadsheetError as error:
        raise ValidationError({"file": [str(error)]}) from None
    return plan_create(
        ctx,
        recommendations=recommendations,
        submission_key=submission_key,
        problems_key="file",
        earlier_problems=problems,
        event="action_plan.imported",
        **given,
    )
