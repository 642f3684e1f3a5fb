"""A plan's contents, by the business unit: recommendations (numbered, with sub-parts) and their
actions (what, who, when). Once the plan is live nothing is removed, and a new due date needs its
reason, recorded with the date before."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Required, TypedDict, Unpack

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from lscp import activity, deadlines
from lscp.checks import Errors
from lscp.permissions import grant, revoke
from lscp.tenancy import TenantContext
from partners.models import Member, Membership
from reviews.action_plans.models import (
    DONE_STATUSES,
    Action,
    ActionPlan,
    ActionStatus,
    DueDateChange,
    ProgressUpdate,
    Recommendation,
    UpdateKind,
)
from reviews.action_plans.permissions import OWNER_PERM, ActionPlanPolicy, ActionPolicy
from reviews.action_plans.services.checks import (
    ACTION_FIELDS,
    ActionIn,
    RecommendationIn,
    check_action,
    check_recommendation_number,
    check_text,
    check_theme,
    day,
)
from reviews.action_plans.services.records import (
    action_refusal,
    created,
    locked_action,
    locked_plan,
    plan_refusal,
    recommendation_refusal,
    refresh_clocks,
    refuse,
    regrant,
    save_changed,
)

# ----------------------------------------------------------------------------------------------
# A whole plan's recommendations and actions at once (a new plan's)


def create_contents(ctx: TenantContext, plan: ActionPlan, recommendations: list[RecommendationIn]) -> list[Action]:
    """Recommendations and actions in bulk (a spreadsheet may hold thousands), grants per organisation."""
    recs = Recommendation.objects.for_partnership(ctx.partnership).bulk_create(
        [
            Recommendation(
                partnership=ctx.partnership, plan=plan, number=r.number, part=r.part, text=r.text.strip(), theme=r.theme
            )
            for r in recommendations
        ]
    )
    given = [
        (_new_action(ctx, plan, rec, position, a), a)
        for rec, r in zip(recs, recommendations, strict=True)
        for position, a in enumerate(r.actions, start=1)
    ]
    actions = Action.objects.for_partnership(ctx.partnership).bulk_create([action for action, _ in given])
    ProgressUpdate.objects.for_partnership(ctx.partnership).bulk_create(
        [
            ProgressUpdate(
                partnership=ctx.partnership,
                action=action,
                kind=UpdateKind.COMPLETED,
                on=a.completed_on,
                text=(a.completion_evidence or a.completion_link).strip(),
                status=a.status,
                by=ctx.user,
            )
            for action, a in given
            if a.status in DONE_STATUSES
        ]
    )
    by_member: dict[int, list[Action]] = defaultdict(list)
    for action in actions:
        if action.owner_member_id is not None:
            by_member[action.owner_member_id].append(action)
    for owned in by_member.values():
        grant(owned, [owned[0].owner_member], OWNER_PERM)
    refresh_clocks(actions, ctx.partnership)
    return actions


def _new_action(ctx: TenantContext, plan: ActionPlan, rec: Recommendation, position: int, a: ActionIn) -> Action:
    accepted = a.status == ActionStatus.COMPLETE
    return Action(
        partnership=ctx.partnership,
        plan=plan,
        recommendation=rec,
        position=position,
        description=a.description.strip(),
        owner_member=a.owner_member,
        owner=a.owner,
        due_date=a.due_date,
        measure_of_success=(a.measure_of_success or "").strip(),
        status=a.status,
        completed_on=a.completed_on if a.status in DONE_STATUSES else None,
        completion_evidence=(a.completion_evidence or "").strip(),
        completion_link=(a.completion_link or "").strip(),
        impact_evidence=(a.impact_evidence or "").strip(),
        accepted_on=timezone.localdate() if accepted else None,
        accepted_by=ctx.user if accepted else None,
        created_on=plan.created_on,
    )


# ----------------------------------------------------------------------------------------------
# Recommendations


def _check_recommendation(plan: ActionPlan, *, number, part: str, text_: str, theme: str, exclude_pk=None) -> None:
    errors = Errors()
    check_theme(errors, theme)
    check_recommendation_number(errors, number=number, part=part)
    if not errors:
        clash = Recommendation.objects.for_partnership(plan.partnership).filter(plan=plan, number=number, part=part)
        if clash.exclude(pk=exclude_pk).exists():
            errors.add("number", f"The plan already has recommendation {number}{part}")
    check_text(errors, "text", text_, label="The recommendation", missing="Enter the recommendation")
    errors.raise_if_any()


@transaction.atomic
def recommendation_add(
    ctx: TenantContext, plan: ActionPlan, *, number: int | None, part: str = "", text: str, theme: str = ""
) -> Recommendation:
    ActionPlanPolicy.require(ctx, "manage", plan)
    plan = locked_plan(ctx, plan)
    refuse(plan_refusal(plan, "change"))
    part = (part or "").strip().lower()
    theme = theme or ""
    _check_recommendation(plan, number=number, part=part, text_=text, theme=theme)
    recommendation = created(ctx, Recommendation, plan=plan, number=number, part=part, text=text.strip(), theme=theme)
    activity.record(
        ctx,
        event="recommendation.added",
        obj=plan,
        changes=activity.created(recommendation, ["label", "text", "theme"]),
    )
    return recommendation


@transaction.atomic
def recommendation_update(
    ctx: TenantContext,
    recommendation: Recommendation,
    *,
    number: int | None,
    part: str = "",
    text: str,
    theme: str | None = None,
) -> Recommendation:
    ActionPlanPolicy.require(ctx, "manage", recommendation.plan)
    recommendation.plan = plan = locked_plan(ctx, recommendation.plan)
    refuse(recommendation_refusal(recommendation, "change"))
    part = (part or "").strip().lower()
    theme = recommendation.theme if theme is None else theme
    _check_recommendation(plan, number=number, part=part, text_=text, theme=theme, exclude_pk=recommendation.pk)
    before = activity.snapshot(recommendation, ["label", "text", "theme"])
    recommendation.number, recommendation.part, recommendation.text = number, part, text.strip()
    recommendation.theme = theme
    changes = activity.changes_between(before, activity.snapshot(recommendation, ["label", "text", "theme"]))
    if not changes:
        return recommendation
    recommendation.save()
    activity.record(ctx, event="recommendation.changed", obj=plan, changes=changes)
    return recommendation


@transaction.atomic
def recommendation_remove(ctx: TenantContext, recommendation: Recommendation) -> None:
    ActionPlanPolicy.require(ctx, "manage", recommendation.plan)
    recommendation.plan = plan = locked_plan(ctx, recommendation.plan)
    refuse(recommendation_refusal(recommendation, "remove"))
    label = recommendation.label
    recommendation.delete()
    activity.record(
        ctx, event="recommendation.removed", obj=plan, changes={"recommendation": {"old": label, "new": None}}
    )


# ----------------------------------------------------------------------------------------------
# Actions: what, who, when


class ActionFields(TypedDict, total=False):
    """What an action is, who owns it and when it is due, as action_add and action_update take them."""

    description: Required[str]
    owner_member: Required[Member | None]  # None: the partnership's business unit owns it
    due_date: Required[dt.date | None]
    owner: Membership | None  # the owner person
    measure_of_success: str


OPTIONAL: ActionFields = {"owner": None, "measure_of_success": ""}


@transaction.atomic
def action_add(ctx: TenantContext, recommendation: Recommendation, **given: Unpack[ActionFields]) -> Action:
    ActionPlanPolicy.require(ctx, "manage", recommendation.plan)
    recommendation.plan = plan = locked_plan(ctx, recommendation.plan)
    refuse(recommendation_refusal(recommendation, "add_action"))
    errors = Errors()
    fields = check_action(errors, ctx, {**OPTIONAL, **given}, created_on=plan.created_on)
    errors.raise_if_any()
    position = (recommendation.actions.aggregate(last=Max("position"))["last"] or 0) + 1
    action = created(
        ctx,
        Action,
        plan=plan,
        recommendation=recommendation,
        position=position,
        created_on=timezone.localdate(),
        **fields,
    )
    regrant(action, None)
    activity.record(ctx, event="action.added", obj=action, changes=activity.created(action, ACTION_FIELDS))
    deadlines.refresh(action)
    return action


@transaction.atomic
def action_update(
    ctx: TenantContext,
    action: Action,
    *,
    reason: str = "",
    expected_version: int | None = None,
    **given: Unpack[ActionFields],
) -> Action:
    """Change what an action is, who owns it, or when it is due. Once the plan is live, a new due
    date needs a reason, and the date before, the new date and the reason are recorded."""
    ActionPolicy.require(ctx, "manage", action)
    action = locked_action(ctx, action, expected_version)
    refuse(action_refusal(action, "change"))
    errors = Errors()
    given = {**OPTIONAL, **given}
    fields = check_action(
        errors,
        ctx,
        given,
        created_on=action.plan.created_on,
        owner_changed=(_pk(given["owner_member"]), _pk(given["owner"])) != (action.owner_member_id, action.owner_id),
    )
    due_date = fields["due_date"]
    moving = due_date is not None and due_date != action.due_date and action.plan.is_live
    reason = (reason or "").strip()
    if moving and not reason:
        errors.add("reason", f"The plan is live: give the reason for changing the due date from {day(action.due_date)}")
    errors.raise_if_any()
    before = activity.snapshot(action, ACTION_FIELDS)
    old_member_id, old_due = action.owner_member_id, action.due_date
    for name, value in fields.items():
        setattr(action, name, value)
    changes = activity.changes_between(before, activity.snapshot(action, ACTION_FIELDS))
    if not changes:
        return action
    save_changed(action)
    if moving:
        created(
            ctx,
            DueDateChange,
            action=action,
            old_date=old_due,
            new_date=due_date,
            reason=reason,
            changed_by=ctx.user,
        )
        changes["reason"] = {"old": None, "new": reason}
    regrant(action, old_member_id)
    activity.record(ctx, event="action.changed", obj=action, changes=changes)
    deadlines.refresh(action)
    return action


def _pk(record) -> int | None:
    return record.pk if record is not None else None


@transaction.atomic
def action_remove(ctx: TenantContext, action: Action) -> None:
    ActionPolicy.require(ctx, "manage", action)
    action = locked_action(ctx, action)
    refuse(action_refusal(action, "remove"))
    number, plan = action.number, action.plan
    if action.owner_member_id is not None:
        revoke(action, [action.owner_member], OWNER_PERM)
    # A draft plan's action has a clock that never started (and so no escalations): it goes too.
    action.deadlines.all().delete()
    action.delete()
    activity.record(ctx, event="action.removed", obj=plan, changes={"action": {"old": number, "new": None}})
