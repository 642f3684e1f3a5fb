"""Writes to action plans: creating one (by hand, from a spreadsheet, or from another app),
recommendations and actions, ratification in order, progress, evidence and the completion
workflow. By concern:

- checks.py      what a person gave (ActionIn, RecommendationIn, Problem, the messages);
- records.py     the step refused by state (`plan_refusal`, `recommendation_refusal`,
                 `action_refusal`, asked by the pages too), locking, versions, grants, clocks;
- plans.py       a plan's life: create, import, change, ratify, close;
- contents.py    recommendations and actions (what, who, when);
- completion.py  progress, evidence, completion, acceptance and return.

Every function checks permission first (ActionPlanPolicy / ActionPolicy), validates (ValidationError
keyed by the input's name, nothing changed), refuses a step from the wrong state or a stale version
(StateError: a page message, an API 409), writes its activity-log row in the same transaction, keeps
the owner organisation's grant, and refreshes the action's clock in the deadline engine.

Other apps create plans with `plan_create` (e.g. the audits app, from an audit's findings):

    plan_create(ctx, title="Re-audit of neglect cases", source_kind=SourceKind.AUDIT, source=finding,
                recommendations=[RecommendationIn(1, "", "Improve ...", actions=[ActionIn(...)])])
"""

from lscp.states import StaleVersion, StateError
from reviews.action_plans.services.checks import ActionIn, Problem, RecommendationIn, parse_number
from reviews.action_plans.services.completion import (
    action_accept,
    action_complete,
    action_return,
    evidence_update,
    progress_add,
)
from reviews.action_plans.services.contents import (
    action_add,
    action_remove,
    action_update,
    recommendation_add,
    recommendation_remove,
    recommendation_update,
)
from reviews.action_plans.services.plans import plan_close, plan_create, plan_import, plan_ratify, plan_update
from reviews.action_plans.services.records import action_refusal, next_stage, plan_refusal, recommendation_refusal

__all__ = [
    "ActionIn",
    "Problem",
    "RecommendationIn",
    "StaleVersion",
    "StateError",
    "action_accept",
    "action_add",
    "action_complete",
    "action_refusal",
    "action_remove",
    "action_return",
    "action_update",
    "evidence_update",
    "next_stage",
    "parse_number",
    "plan_close",
    "plan_create",
    "plan_import",
    "plan_ratify",
    "plan_refusal",
    "plan_update",
    "progress_add",
    "recommendation_add",
    "recommendation_refusal",
    "recommendation_remove",
    "recommendation_update",
]
