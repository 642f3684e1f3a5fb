"""One record of every action-plan model per world (see OBJECT_MAKERS in tests/world.py), made
through the services: a live plan (ratified by all three groups) with one recommendation and one
action owned by the world's relevant agency, a progress update by its agency lead, and a due date
moved once the plan was live."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from reviews.action_plans import services
from reviews.action_plans.models import (
    Action,
    ActionPlan,
    DueDateChange,
    ProgressUpdate,
    Ratification,
    Recommendation,
    SourceKind,
    Stage,
)
from tests.support.world import World, maker


def plan_with(world: World, recommendations, *, created_on: dt.date | None = None, title="Test plan", **extra):
    """A plan from a compact list: [("3a", "text", [(description, member key or None, due date), ...]), ...],
    each recommendation optionally with a fourth item, its practice theme."""
    given = []
    for label, text, actions, *theme in recommendations:
        number, part = services.parse_number(label)
        given.append(
            services.RecommendationIn(
                number=number,
                part=part,
                text=text,
                theme=theme[0] if theme else "",
                actions=[
                    services.ActionIn(
                        description=description, owner_member=world.members[member] if member else None, due_date=due
                    )
                    for description, member, due in actions
                ],
            )
        )
    extra.setdefault("source_kind", SourceKind.LOCAL_REVIEW)
    return services.plan_create(world.ctx(), title=title, created_on=created_on, recommendations=given, **extra)


def ratify_all(world: World, plan: ActionPlan, *days: dt.date) -> None:
    """Ratified by the three groups in order, on one day each (or all on the one day given)."""
    for stage, day in zip((Stage.LPRG, Stage.MEB, Stage.PARTNERS), days * 3 if len(days) == 1 else days, strict=False):
        services.plan_ratify(world.ctx(), plan, stage=stage, decided_on=day, minute_reference=f"{stage} item 1")


def make_plan(world: World, *, title: str = "Child Q rapid review action plan", live: bool = True, actions: int = 1):
    """A plan with one recommendation and `actions` actions owned by the world's relevant agency."""
    today = timezone.localdate()
    plan = services.plan_create(
        world.ctx(),
        title=title,
        source_kind=SourceKind.RAPID_REVIEW,
        source_reference="Rapid review of Child Q",
        created_on=today - dt.timedelta(days=30),
        recommendations=[
            services.RecommendationIn(
                number=1,
                part="",
                text="Agencies share information about children who go missing.",
                actions=[
                    services.ActionIn(
                        description=f"Agree a missing-children information protocol ({n + 1})",
                        owner_member=world.members["agency"],
                        due_date=today + dt.timedelta(days=60 + n),
                        measure_of_success="Protocol signed by every agency",
                    )
                    for n in range(actions)
                ],
            )
        ],
    )
    if live:
        for stage, days in ((Stage.LPRG, 20), (Stage.MEB, 15), (Stage.PARTNERS, 10)):
            services.plan_ratify(
                world.ctx(),
                plan,
                stage=stage,
                decided_on=today - dt.timedelta(days=days),
                minute_reference=f"{stage} 1",
            )
    return plan


def _plan(world: World) -> ActionPlan:
    plan = getattr(world, "_action_plan", None)
    if plan is None:
        plan = world._action_plan = make_plan(world)
    return plan


def _action(world: World) -> Action:
    return (
        Action.objects.for_partnership(world.partnership)
        .select_related("plan", "recommendation")
        .get(plan=_plan(world))
    )


@maker(ActionPlan)
def _make_plan(world: World) -> ActionPlan:
    return _plan(world)


@maker(Ratification)
def _ratification(world: World) -> Ratification:
    return Ratification.objects.for_partnership(world.partnership).filter(plan=_plan(world)).first()


@maker(Recommendation)
def _recommendation(world: World) -> Recommendation:
    return Recommendation.objects.for_partnership(world.partnership).get(plan=_plan(world))


@maker(Action)
def _make_action(world: World) -> Action:
    return _action(world)


@maker(ProgressUpdate)
def _update(world: World) -> ProgressUpdate:
    return services.progress_add(
        world.ctx("agency"), _action(world), on=timezone.localdate(), text="Protocol drafted", status="on_track"
    )


@maker(DueDateChange)
def _change(world: World) -> DueDateChange:
    action = _action(world)
    services.action_update(
        world.ctx(),
        action,
        description=action.description,
        owner_member=action.owner_member,
        due_date=action.due_date + dt.timedelta(days=14),
        measure_of_success=action.measure_of_success,
        reason="The protocol waits for the SET procedures update",
    )
    return DueDateChange.objects.for_partnership(world.partnership).get(action=action)
