"""What every write to a plan or an action shares: the record locked and checked against the version
the person read (lscp.states.check_version), the step refused by the record's state (the
`*_refusal` functions, which the pages ask too before showing a step's form), the owner
organisation's grant, and the action's clock in the deadline engine."""

from __future__ import annotations

from lscp import deadlines
from lscp.deadlines.workdays import calendar_for
from lscp.permissions import grant, revoke
from lscp.states import StateError, check_version
from lscp.tenancy import TenantContext
from partners.models import Member
from reviews.action_plans.models import (
    STAGE_ORDER,
    Action,
    ActionPlan,
    ActionStatus,
    PlanStatus,
    Recommendation,
    Stage,
)
from reviews.action_plans.permissions import OWNER_PERM

# ----------------------------------------------------------------------------------------------
# Refusals by state: None when the step can be taken now, else why not.


def refuse(reason: str | None) -> None:
    if reason:
        raise StateError(reason)


def next_stage(plan: ActionPlan, recorded: list[str] | None = None) -> str | None:
    """The group whose ratification comes next, or None once the statutory partners have ratified."""
    if recorded is None:
        recorded = list(plan.ratifications.values_list("stage", flat=True))
    return next((stage for stage in STAGE_ORDER if stage not in recorded), None)


def plan_refusal(plan: ActionPlan, step: str, *, stage: str | None = None) -> str | None:
    """Why the plan's `step` cannot be taken now: "change" (its details, recommendations and
    actions), "ratify" (by `stage`, else the next group), "close"."""
    if plan.status == PlanStatus.CLOSED:
        return f"{plan.title} is closed: nothing in it can be changed."
    if step == "ratify":
        return _ratification_refusal(plan, stage)
    if step == "close":
        if plan.status != PlanStatus.LIVE:
            return f"{plan.title} is not live yet: a plan is closed once it is ratified and every action is complete."
        open_count = plan.actions.exclude(status=ActionStatus.COMPLETE).count()
        if open_count:
            return (
                f"{plan.title} has {open_count} action{'s' if open_count != 1 else ''} not yet complete: "
                "a plan is closed once every action is complete."
            )
    return None


def _ratification_refusal(plan: ActionPlan, stage: str | None) -> str | None:
    recorded = list(plan.ratifications.values_list("stage", flat=True))
    expected = next_stage(plan, recorded)
    if stage is None and expected is None:
        return f"{plan.title} has been ratified by every group already."
    if stage is not None and (expected is None or stage in recorded):
        return f"The {Stage(stage).label} has already ratified {plan.title}."
    if stage is not None and stage != expected:
        return (
            f"{plan.title} is ratified in order: the {Stage(expected).label} decides before the {Stage(stage).label}."
        )
    if not plan.actions.exists():
        return f"{plan.title} has no actions yet: add them before it is ratified."
    return None


def recommendation_refusal(recommendation: Recommendation, step: str) -> str | None:
    """Why `step` ("change", "add_action", "remove") cannot be taken on the recommendation now."""
    plan = recommendation.plan
    if step == "remove":
        if plan.is_live:
            return f"{plan.title} is live: its recommendations are no longer removed."
        if recommendation.actions.exists():
            return f"Recommendation {recommendation.label} has actions: remove them first."
        return None
    return plan_refusal(plan, "change")


def action_refusal(action: Action, step: str) -> str | None:
    """Why `step` cannot be taken on the action now: "change" (what, who, when), "remove",
    "progress", "complete", "evidence", "accept" or "return" (a completion)."""
    plan = action.plan
    if step == "remove":
        return f"{plan.title} is live: its actions are no longer removed." if plan.is_live else None
    refusal = plan_refusal(plan, "change")
    if refusal:
        return refusal
    status = action.get_status_display().lower()
    if step == "progress" and action.is_done:
        return f"Action {action.number} is {status}: " + (
            "the business unit accepts or returns it before progress is updated again."
            if action.status == ActionStatus.AWAITING_ACCEPTANCE
            else "add evidence of impact instead."
        )
    if step == "complete" and action.is_done:
        return f"Action {action.number} is already {status}."
    if step in ("accept", "return") and action.status != ActionStatus.AWAITING_ACCEPTANCE:
        verb = "accepted" if step == "accept" else "returned"
        return f"Action {action.number} is {status}: only an action marked complete by its owner is {verb}."
    return None


# ----------------------------------------------------------------------------------------------
# Locking, grants and clocks


def locked_plan(ctx: TenantContext, plan: ActionPlan, expected_version: int | None = None) -> ActionPlan:
    locked = ActionPlan.objects.for_partnership(ctx.partnership).select_for_update().get(pk=plan.pk)
    check_version(locked, expected_version, what=plan.title)
    return locked


def locked_action(ctx: TenantContext, action: Action, expected_version: int | None = None) -> Action:
    locked = Action.objects.for_partnership(ctx.partnership).select_for_update().get(pk=action.pk)
    check_version(locked, expected_version, what=f"Action {action.number}")
    locked.plan = ActionPlan.objects.for_partnership(ctx.partnership).get(pk=locked.plan_id)
    locked.recommendation = Recommendation.objects.for_partnership(ctx.partnership).get(pk=locked.recommendation_id)
    return locked


def created(ctx: TenantContext, model, **fields):
    """A new row of `model` in this partnership."""
    return model.objects.for_partnership(ctx.partnership).create(partnership=ctx.partnership, **fields)


def save_changed(record: ActionPlan | Action, *, fields: list[str] | None = None) -> None:
    """Save a change to a plan or an action, raising its version (so a stale change is refused)."""
    record.bump_version()
    record.save(update_fields=[*fields, "version"] if fields else None)


def regrant(action: Action, old_member_id: int | None) -> None:
    """The owner organisation's agency leads, and no other organisation's, hold the grant."""
    if old_member_id == action.owner_member_id:
        return
    if old_member_id is not None:
        revoke(action, [Member.objects.for_partnership(action.partnership).get(pk=old_member_id)], OWNER_PERM)
    if action.owner_member_id is not None:
        grant(action, [action.owner_member], OWNER_PERM)


def refresh_clocks(actions, partnership) -> None:
    calendar = calendar_for(partnership)
    rules = deadlines.rules_of(partnership)
    for action in actions:
        deadlines.refresh(action, calendar=calendar, rules=rules)
