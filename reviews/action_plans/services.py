"""Writes to action plans: creating one (by hand, from a spreadsheet, or from another app),
recommendations and actions, ratification in order, progress, evidence and the completion
workflow.

Every function checks permission first (ActionPlanPolicy / ActionPolicy), validates (ValidationError
keyed by the input's name, nothing changed), refuses a step from the wrong state or a stale version
(StateError: a page message, an API 409), writes its activity-log row in the same transaction, keeps
the owner organisation's grant, and refreshes the action's clock in the deadline engine.

Other apps create plans with `plan_create` (e.g. the audits app, from an audit's findings):

    plan_create(ctx, title="Re-audit of neglect cases", source_kind=SourceKind.AUDIT, source=finding,
                recommendations=[RecommendationIn(1, "", "Improve ...", actions=[ActionIn(...)])])
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from lscp import activity, deadlines, documents
from lscp.deadlines.workdays import calendar_for
from lscp.permissions import grant, revoke
from lscp.roles import Role
from lscp.states import StaleVersion, StateError
from lscp.tenancy import TenantContext, TenantOwned
from partners.models import Member, Membership
from reviews.action_plans.models import (
    DONE_STATUSES,
    OWNER_STATUSES,
    STAGE_ORDER,
    Action,
    ActionPlan,
    ActionStatus,
    DueDateChange,
    PlanStatus,
    ProgressUpdate,
    Ratification,
    Recommendation,
    SourceKind,
    Stage,
    UpdateKind,
)
from reviews.action_plans.permissions import OWNER_PERM, ActionPlanPolicy, ActionPolicy

TEXT_MAX = 4000
TITLE_MAX = 200
MAX_RECOMMENDATION = 999
LONGEST_PLAN = dt.timedelta(days=10 * 366)  # no action is due more than ten years after the plan


@dataclass
class ActionIn:
    """One action as another app, the API or a spreadsheet row gives it."""

    description: str
    owner_member: Member | None  # None: the partnership's business unit owns it
    due_date: dt.date | None
    owner: Membership | None = None
    measure_of_success: str = ""
    status: str = ActionStatus.NOT_STARTED
    completed_on: dt.date | None = None
    completion_evidence: str = ""
    completion_link: str = ""
    impact_evidence: str = ""
    row: int | None = None  # the spreadsheet row it came from, for messages


@dataclass
class RecommendationIn:
    number: int | None
    part: str
    text: str
    actions: list[ActionIn] = field(default_factory=list)
    row: int | None = None


@dataclass(frozen=True)
class Problem:
    """A problem with one recommendation or action of a whole plan given at once."""

    row: int | None  # the spreadsheet row, if it came from one
    where: str  # "Recommendation 3a, action 2"
    column: str  # "Due date" (the spreadsheet's column header for the field)
    message: str
    field: str = ""  # "owner person" (how the message names it outside a spreadsheet)

    def __str__(self) -> str:
        if self.row is not None:
            return f"Row {self.row}, {self.column}: {self.message}"
        return f"{self.where}, {self.field or self.column.lower()}: {self.message}"


# ----------------------------------------------------------------------------------------------
# Checks shared by the forms, the API, the spreadsheet import and the services themselves

_NUMBER = re.compile(r"^\s*(\d{1,3})\s*([a-zA-Z]?)\s*$")


def parse_number(value) -> tuple[int, str]:
    """'3a' -> (3, 'a'); '12' -> (12, ''). ValueError with a message for a person otherwise."""
    if isinstance(value, bool):
        raise ValueError("is not a recommendation number")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    match = _NUMBER.match(str(value if value is not None else ""))
    if not match or not 1 <= int(match.group(1)) <= MAX_RECOMMENDATION:
        raise ValueError(
            f"'{value}' is not a recommendation number: use 1 to {MAX_RECOMMENDATION}, or 3a for a sub-part"
        )
    return int(match.group(1)), match.group(2).lower()


def _day(value: dt.date) -> str:
    return f"{value:%-d %b %Y}"


def check_owner(ctx: TenantContext, *, owner_member: Member | None, owner: Membership | None) -> dict[str, str]:
    """{field: message} for an owner organisation or person that cannot own an action here."""
    errors: dict[str, str] = {}
    if owner_member is not None and owner_member.partnership_id != ctx.partnership.pk:
        errors["owner_member"] = f"Choose an organisation that is a member of {ctx.partnership.name}"
        return errors
    if owner is None:
        return errors
    if owner.partnership_id != ctx.partnership.pk or not owner.is_active or not owner.person.is_active:
        errors["owner"] = f"The owner must be an active member of {ctx.partnership.name}"
    elif owner.role == Role.BUSINESS_UNIT:
        pass  # the business unit may own any action
    elif owner.role in (Role.AGENCY_LEAD, Role.EXECUTIVE_LEAD) and owner_member is not None:
        if owner.member_id != owner_member.pk:
            errors["owner"] = f"{owner.person.get_full_name()} is not a member of {owner_member.organisation}"
    elif owner_member is None:
        errors["owner"] = "The business unit owns this action: the owner must be a member of the business unit"
    else:
        errors["owner"] = f"The owner must be a member of {owner_member.organisation} or of the business unit"
    return errors


def check_due_date(due_date: dt.date | None, *, created_on: dt.date) -> str | None:
    if due_date is None:
        return "Enter the due date"
    if due_date < created_on:
        return f"The due date, {_day(due_date)}, is before the plan was drawn up ({_day(created_on)})"
    if due_date - created_on > LONGEST_PLAN:
        return "The due date must be within ten years of the plan"
    return None


def _check_text(value: str, *, required: str | None, name: str, limit: int = TEXT_MAX) -> str | None:
    text = (value or "").strip()
    if required and not text:
        return required
    if len(text) > limit:
        return f"{name} must be {limit:,} characters or fewer"
    return None


def _check_link(link: str) -> str | None:
    if not link:
        return None
    try:
        URLValidator(schemes=["http", "https"])(link)
    except ValidationError:
        return "Enter a link that starts with https://, like https://www.example.org/policy.pdf"
    return None


def _check_done(status: str, *, completed_on, evidence: str, link: str, created_on: dt.date, today: dt.date):
    """{field: message} for a completed action's date and evidence."""
    errors: dict[str, str] = {}
    if status not in DONE_STATUSES:
        return errors
    if completed_on is None:
        errors["completed_on"] = "Enter the date the action was completed"
    elif completed_on > today:
        errors["completed_on"] = "The date it was completed must be today or in the past"
    elif completed_on < created_on:
        errors["completed_on"] = f"The date it was completed is before the plan was drawn up ({_day(created_on)})"
    if not (evidence or "").strip() and not (link or "").strip():
        errors["completion_evidence"] = "Give the evidence of completion: a description or a link"
    return errors


# The spreadsheet's column for each field: problems with a whole plan name the column.
COLUMNS = {
    "number": "Recommendation number",
    "text": "Recommendation",
    "description": "Action",
    "owner_member": "Owner organisation",
    "owner": "Owner email",
    "due_date": "Due date",
    "measure_of_success": "Measure of success",
    "status": "Status",
    "completed_on": "Completed on",
    "completion_evidence": "Evidence of completion",
    "completion_link": "Evidence link",
    "impact_evidence": "Evidence of impact",
}


# ... and outside a spreadsheet (the API, another app), where they differ from the column.
FIELDS = {"owner": "owner person", "completion_link": "evidence link", "number": "number", "text": "text"}


def check_recommendations(
    ctx: TenantContext, recommendations: list[RecommendationIn], *, created_on: dt.date
) -> list[Problem]:
    """Every problem with a whole plan's recommendations and actions, in order."""
    today = timezone.localdate()
    problems: list[Problem] = []
    seen: dict[tuple, int | None] = {}
    for rec in recommendations:
        label = f"{rec.number}{rec.part}" if rec.number else "?"
        where = f"Recommendation {label}"

        def add(row, where_, name, message):
            problems.append(Problem(row, where_, COLUMNS[name], message, FIELDS.get(name, "")))

        if rec.number is None or not 1 <= rec.number <= MAX_RECOMMENDATION or not re.fullmatch(r"[a-z]?", rec.part):
            add(rec.row, where, "number", f"Give a number from 1 to {MAX_RECOMMENDATION}, and a letter for a sub-part")
        elif (rec.number, rec.part) in seen:
            add(rec.row, where, "number", f"Recommendation {label} is given twice")
        seen[(rec.number, rec.part)] = rec.row
        message = _check_text(rec.text, required="Enter the recommendation", name="The recommendation")
        if message:
            add(rec.row, where, "text", message)
        for index, action in enumerate(rec.actions, start=1):
            at = f"{where}, action {index}"
            row = action.row
            message = _check_text(action.description, required="Enter what the action is", name="The action")
            if message:
                add(row, at, "description", message)
            for name, text in check_owner(ctx, owner_member=action.owner_member, owner=action.owner).items():
                add(row, at, name, text)
            message = check_due_date(action.due_date, created_on=created_on)
            if message:
                add(row, at, "due_date", message)
            message = _check_text(action.measure_of_success, required=None, name="The measure of success")
            if message:
                add(row, at, "measure_of_success", message)
            if action.status not in ActionStatus.values:
                add(row, at, "status", "Choose not started, on track, at risk, awaiting acceptance or complete")
                continue
            for name, text in _check_done(
                action.status,
                completed_on=action.completed_on,
                evidence=action.completion_evidence,
                link=action.completion_link,
                created_on=created_on,
                today=today,
            ).items():
                add(row, at, name, text)
            message = _check_link(action.completion_link)
            if message:
                add(row, at, "completion_link", message)
            for name, value in (
                ("completion_evidence", action.completion_evidence),
                ("impact_evidence", action.impact_evidence),
            ):
                message = _check_text(value, required=None, name="The evidence")
                if message:
                    add(row, at, name, message)
    return problems


# ----------------------------------------------------------------------------------------------
# Locking and grants


def _locked(model, ctx: TenantContext, obj, expected_version: int | None, what: str):
    locked = model.objects.for_partnership(ctx.partnership).select_for_update().get(pk=obj.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(
            f"{what} was changed by someone else while you were looking at it, so your changes have not been saved. "
            "The latest details are shown: check them, then try again.",
            version=locked.version,
        )
    return locked


def _locked_action(ctx: TenantContext, action: Action, expected_version: int | None = None) -> Action:
    locked = _locked(Action, ctx, action, expected_version, f"Action {action.number}")
    locked.plan = ActionPlan.objects.for_partnership(ctx.partnership).get(pk=locked.plan_id)
    locked.recommendation = Recommendation.objects.for_partnership(ctx.partnership).get(pk=locked.recommendation_id)
    return locked


def _locked_plan(ctx: TenantContext, plan: ActionPlan, expected_version: int | None = None) -> ActionPlan:
    return _locked(ActionPlan, ctx, plan, expected_version, plan.title)


def _regrant(action: Action, old_member_id: int | None) -> None:
    """The owner organisation's agency leads, and no other organisation's, hold the grant."""
    if old_member_id == action.owner_member_id:
        return
    if old_member_id is not None:
        revoke(action, [Member.objects.for_partnership(action.partnership).get(pk=old_member_id)], OWNER_PERM)
    if action.owner_member_id is not None:
        grant(action, [action.owner_member], OWNER_PERM)


def _refresh(actions, partnership) -> None:
    calendar = calendar_for(partnership)
    policies = deadlines.policies_of(partnership)
    for action in actions:
        deadlines.refresh(action, calendar=calendar, policies=policies)


def _check_writable(plan: ActionPlan) -> None:
    if plan.status == PlanStatus.CLOSED:
        raise StateError(f"{plan.title} is closed: nothing in it can be changed.")


# ----------------------------------------------------------------------------------------------
# Plans


def _check_plan_fields(ctx, *, title, source_kind, source_reference, notification, summary, created_on, today):
    errors: dict[str, list[str]] = {}
    message = _check_text(title, required="Enter the plan's title", name="The title", limit=TITLE_MAX)
    if message:
        errors["title"] = [message]
    if source_kind not in SourceKind.values:
        errors["source_kind"] = ["Choose where the plan comes from"]
    message = _check_text(source_reference, required=None, name="The source", limit=200)
    if message:
        errors["source_reference"] = [message]
    if notification is not None and notification.partnership_id != ctx.partnership.pk:
        errors["notification"] = ["Choose one of this partnership's notifications"]
    message = _check_text(summary, required=None, name="The summary")
    if message:
        errors["summary"] = [message]
    if created_on is None:
        errors["created_on"] = ["Enter the date the plan was drawn up"]
    elif created_on > today:
        errors["created_on"] = ["The date the plan was drawn up must be today or in the past"]
    return errors


@transaction.atomic
def plan_create(
    ctx: TenantContext,
    *,
    title: str,
    source_kind: str,
    source_reference: str = "",
    notification=None,
    source: TenantOwned | None = None,
    summary: str = "",
    created_on: dt.date | None = None,
    recommendations: list[RecommendationIn] | tuple = (),
    submission_key: str = "",
    problems_key: str = "recommendations",
    earlier_problems: list[Problem] | tuple = (),
    event: str = "action_plan.created",
) -> ActionPlan:
    """A new plan (a draft until ratified), with its recommendations and actions if given.

    `source` links any tenant-owned record of this partnership (an audit finding); `notification`
    a notification. The same `submission_key` twice returns the first plan and changes nothing.
    Problems with the recommendations and actions are all reported at once under `problems_key`.
    """
    ActionPlanPolicy.require(ctx, "manage")
    submission_key = (submission_key or "").strip()[:64]
    if submission_key:
        existing = ActionPlan.objects.for_partnership(ctx.partnership).filter(submission_key=submission_key).first()
        if existing is not None:
            return existing
    today = timezone.localdate()
    created_on = created_on or today
    errors = _check_plan_fields(
        ctx,
        title=title,
        source_kind=source_kind,
        source_reference=source_reference,
        notification=notification,
        summary=summary,
        created_on=created_on,
        today=today,
    )
    if source is not None and (not isinstance(source, TenantOwned) or source.partnership_id != ctx.partnership.pk):
        errors["source"] = ["The source record must be one of this partnership's records"]
    problems = [*earlier_problems]
    if "created_on" not in errors:
        reported = {(p.row, p.column) for p in problems if p.row is not None}
        problems += [
            p
            for p in check_recommendations(ctx, list(recommendations), created_on=created_on)
            if p.row is None or (p.row, p.column) not in reported
        ]
    if problems:
        ordered = sorted(problems, key=lambda p: (p.row is None, p.row or 0))
        errors[problems_key] = [str(p) for p in ordered]
    if errors:
        raise ValidationError(errors)

    plan = ActionPlan(
        partnership=ctx.partnership,
        title=title.strip(),
        source_kind=source_kind,
        source_reference=(source_reference or "").strip(),
        notification=notification,
        summary=(summary or "").strip(),
        created_on=created_on,
        created_by=ctx.user,
        submission_key=submission_key,
    )
    if source is not None:
        from django.contrib.contenttypes.models import ContentType

        plan.source_type = ContentType.objects.get_for_model(source, for_concrete_model=True)
        plan.source_id = source.pk
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:  # the same submission, committed by a concurrent request
        return ActionPlan.objects.for_partnership(ctx.partnership).get(submission_key=submission_key)
    actions = _create_contents(ctx, plan, list(recommendations), today=today)
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


def _create_contents(ctx, plan: ActionPlan, recommendations: list[RecommendationIn], *, today) -> list[Action]:
    """Recommendations and actions in bulk (a spreadsheet may hold thousands), grants per organisation."""
    recs = Recommendation.objects.for_partnership(ctx.partnership).bulk_create(
        [
            Recommendation(partnership=ctx.partnership, plan=plan, number=r.number, part=r.part, text=r.text.strip())
            for r in recommendations
        ]
    )
    actions: list[Action] = []
    first_updates: list[tuple[Action, ActionIn]] = []
    for rec, given in zip(recs, recommendations, strict=True):
        for position, a in enumerate(given.actions, start=1):
            done = a.status in DONE_STATUSES
            action = Action(
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
                completed_on=a.completed_on if done else None,
                completion_evidence=(a.completion_evidence or "").strip(),
                completion_link=(a.completion_link or "").strip(),
                impact_evidence=(a.impact_evidence or "").strip(),
                accepted_on=today if a.status == ActionStatus.COMPLETE else None,
                accepted_by=ctx.user if a.status == ActionStatus.COMPLETE else None,
                created_on=plan.created_on,
            )
            actions.append(action)
            if done:
                first_updates.append((action, a))
    Action.objects.for_partnership(ctx.partnership).bulk_create(actions)
    updates = []
    for action, given in first_updates:
        updates.append(
            ProgressUpdate(
                partnership=ctx.partnership,
                action=action,
                kind=UpdateKind.COMPLETED,
                on=given.completed_on,
                text=(given.completion_evidence or given.completion_link).strip(),
                status=given.status,
                by=ctx.user,
            )
        )
    ProgressUpdate.objects.for_partnership(ctx.partnership).bulk_create(updates)
    by_member: dict[int, list[Action]] = defaultdict(list)
    members = {}
    for action in actions:
        if action.owner_member_id is not None:
            by_member[action.owner_member_id].append(action)
            members[action.owner_member_id] = action.owner_member
    for member_id, owned in by_member.items():
        grant(owned, [members[member_id]], OWNER_PERM)
    _refresh(actions, ctx.partnership)
    return actions


@transaction.atomic
def plan_update(
    ctx: TenantContext,
    plan: ActionPlan,
    *,
    title: str,
    source_kind: str,
    source_reference: str = "",
    notification=None,
    summary: str = "",
    created_on: dt.date | None = None,
    expected_version: int | None = None,
) -> ActionPlan:
    ActionPlanPolicy.require(ctx, "manage", plan)
    plan = _locked_plan(ctx, plan, expected_version)
    _check_writable(plan)
    created_on = created_on or plan.created_on
    errors = _check_plan_fields(
        ctx,
        title=title,
        source_kind=source_kind,
        source_reference=source_reference,
        notification=notification,
        summary=summary,
        created_on=created_on,
        today=timezone.localdate(),
    )
    if created_on != plan.created_on and "created_on" not in errors:
        if plan.is_live:
            errors["created_on"] = ["The plan is live: the date it was drawn up can no longer change"]
        else:
            earliest = Action.objects.for_partnership(ctx.partnership).filter(plan=plan).order_by("due_date").first()
            if earliest is not None and earliest.due_date < created_on:
                errors["created_on"] = [
                    f"Action {earliest.number} is due on {_day(earliest.due_date)}, before this date"
                ]
    if errors:
        raise ValidationError(errors)
    fields = ["title", "source_kind", "source_reference", "notification", "summary", "created_on"]
    before = activity.snapshot(plan, fields)
    plan.title, plan.source_kind = title.strip(), source_kind
    plan.source_reference, plan.notification = (source_reference or "").strip(), notification
    plan.summary, plan.created_on = (summary or "").strip(), created_on
    changes = activity.changes_between(before, activity.snapshot(plan, fields))
    if not changes:
        return plan
    plan.version += 1
    plan.save()
    activity.record(ctx, event="action_plan.changed", obj=plan, changes=changes)
    return plan


def next_stage(plan: ActionPlan, recorded: list[str] | None = None) -> str | None:
    """The group whose ratification comes next, or None once the statutory partners have ratified."""
    if recorded is None:
        recorded = list(plan.ratifications.values_list("stage", flat=True))
    return next((stage for stage in STAGE_ORDER if stage not in recorded), None)


@transaction.atomic
def ratify(
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
    plan = _locked_plan(ctx, plan, expected_version)
    _check_writable(plan)
    recorded = {r.stage: r for r in plan.ratifications.all()}
    expected = next_stage(plan, list(recorded))
    if stage not in Stage.values:
        raise ValidationError({"stage": ["Choose the group"]})
    if expected is None or stage in recorded:
        raise StateError(f"The {Stage(stage).label} has already ratified {plan.title}.")
    if stage != expected:
        raise StateError(
            f"{plan.title} is ratified in order: the {Stage(expected).label} decides before the {Stage(stage).label}."
        )
    if not Action.objects.for_partnership(ctx.partnership).filter(plan=plan).exists():
        raise StateError(f"{plan.title} has no actions yet: add them before it is ratified.")
    errors: dict[str, list[str]] = {}
    previous = recorded.get(STAGE_ORDER[STAGE_ORDER.index(stage) - 1]) if stage != STAGE_ORDER[0] else None
    if decided_on is None:
        errors["decided_on"] = ["Enter the date of the decision"]
    elif decided_on > timezone.localdate():
        errors["decided_on"] = ["The date of the decision must be today or in the past"]
    elif decided_on < plan.created_on:
        errors["decided_on"] = [f"The date of the decision is before the plan was drawn up ({_day(plan.created_on)})"]
    elif previous is not None and decided_on < previous.decided_on:
        errors["decided_on"] = [
            f"The date must be the same as or after the {previous.get_stage_display()}'s decision "
            f"({_day(previous.decided_on)})"
        ]
    message = _check_text(
        minute_reference, required="Enter the minute reference", name="The minute reference", limit=100
    )
    if message:
        errors["minute_reference"] = [message]
    if errors:
        raise ValidationError(errors)
    decision = Ratification.objects.for_partnership(ctx.partnership).create(
        partnership=ctx.partnership,
        plan=plan,
        stage=stage,
        decided_on=decided_on,
        minute_reference=minute_reference.strip(),
        recorded_by=ctx.user,
    )
    before = plan.status
    plan.status = PlanStatus.LIVE if stage == Stage.PARTNERS else PlanStatus.RATIFYING
    if stage == Stage.PARTNERS:
        plan.live_on = decided_on
    plan.version += 1
    plan.save()
    activity.record(
        ctx,
        event="action_plan.ratified",
        obj=plan,
        changes={
            "stage": {"old": None, "new": stage},
            "decided_on": {"old": None, "new": decided_on},
            "minute_reference": {"old": None, "new": decision.minute_reference},
            "status": {"old": before, "new": plan.status},
        },
    )
    if stage == Stage.PARTNERS:  # every action's clock starts
        actions = list(
            Action.objects.for_partnership(ctx.partnership).filter(plan=plan).select_related("plan", "recommendation")
        )
        _refresh(actions, ctx.partnership)
    return decision


@transaction.atomic
def plan_close(ctx: TenantContext, plan: ActionPlan, *, expected_version: int | None = None) -> ActionPlan:
    """Close a live plan whose every action is complete (accepted)."""
    ActionPlanPolicy.require(ctx, "manage", plan)
    plan = _locked_plan(ctx, plan, expected_version)
    if plan.status == PlanStatus.CLOSED:
        return plan
    if plan.status != PlanStatus.LIVE:
        raise StateError(
            f"{plan.title} is not live yet: a plan is closed once it is ratified and every action is complete."
        )
    open_count = (
        Action.objects.for_partnership(ctx.partnership).filter(plan=plan).exclude(status=ActionStatus.COMPLETE).count()
    )
    if open_count:
        raise StateError(
            f"{plan.title} has {open_count} action{'s' if open_count != 1 else ''} not yet complete: "
            "a plan is closed once every action is complete."
        )
    plan.status, plan.closed_on = PlanStatus.CLOSED, timezone.localdate()
    plan.version += 1
    plan.save()
    activity.record(ctx, event="action_plan.closed", obj=plan, changes={"status": {"old": "live", "new": "closed"}})
    return plan


# ----------------------------------------------------------------------------------------------
# Recommendations


def _check_recommendation(plan, *, number, part, text, exclude_pk=None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if number is None or not 1 <= number <= MAX_RECOMMENDATION:
        errors["number"] = [f"Enter a number from 1 to {MAX_RECOMMENDATION}"]
    if not re.fullmatch(r"[a-z]?", part or ""):
        errors["part"] = ["Enter one letter for a sub-part, like a, or leave it blank"]
    if not errors:
        clash = Recommendation.objects.for_partnership(plan.partnership).filter(plan=plan, number=number, part=part)
        if exclude_pk:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            errors["number"] = [f"The plan already has recommendation {number}{part}"]
    message = _check_text(text, required="Enter the recommendation", name="The recommendation")
    if message:
        errors["text"] = [message]
    return errors


@transaction.atomic
def recommendation_add(
    ctx: TenantContext, plan: ActionPlan, *, number: int | None, part: str = "", text: str
) -> Recommendation:
    ActionPlanPolicy.require(ctx, "manage", plan)
    plan = _locked_plan(ctx, plan)
    _check_writable(plan)
    part = (part or "").strip().lower()
    errors = _check_recommendation(plan, number=number, part=part, text=text)
    if errors:
        raise ValidationError(errors)
    recommendation = Recommendation.objects.for_partnership(ctx.partnership).create(
        partnership=ctx.partnership, plan=plan, number=number, part=part, text=text.strip()
    )
    activity.record(
        ctx, event="recommendation.added", obj=plan, changes=activity.created(recommendation, ["label", "text"])
    )
    return recommendation


@transaction.atomic
def recommendation_update(
    ctx: TenantContext, recommendation: Recommendation, *, number: int | None, part: str = "", text: str
) -> Recommendation:
    ActionPlanPolicy.require(ctx, "manage", recommendation.plan)
    plan = _locked_plan(ctx, recommendation.plan)
    _check_writable(plan)
    part = (part or "").strip().lower()
    errors = _check_recommendation(plan, number=number, part=part, text=text, exclude_pk=recommendation.pk)
    if errors:
        raise ValidationError(errors)
    before = activity.snapshot(recommendation, ["label", "text"])
    recommendation.number, recommendation.part, recommendation.text = number, part, text.strip()
    changes = activity.changes_between(before, activity.snapshot(recommendation, ["label", "text"]))
    if not changes:
        return recommendation
    recommendation.save()
    activity.record(ctx, event="recommendation.changed", obj=plan, changes=changes)
    return recommendation


@transaction.atomic
def recommendation_remove(ctx: TenantContext, recommendation: Recommendation) -> None:
    ActionPlanPolicy.require(ctx, "manage", recommendation.plan)
    plan = _locked_plan(ctx, recommendation.plan)
    if plan.is_live:
        raise StateError(f"{plan.title} is live: its recommendations are no longer removed.")
    if recommendation.actions.exists():
        raise StateError(f"Recommendation {recommendation.label} has actions: remove them first.")
    label = recommendation.label
    recommendation.delete()
    activity.record(
        ctx, event="recommendation.removed", obj=plan, changes={"recommendation": {"old": label, "new": None}}
    )


# ----------------------------------------------------------------------------------------------
# Actions: what, who, when (the business unit)

ACTION_FIELDS = ["description", "owner_member", "owner", "due_date", "measure_of_success"]


@transaction.atomic
def action_add(
    ctx: TenantContext,
    recommendation: Recommendation,
    *,
    description: str,
    owner_member: Member | None,
    due_date: dt.date | None,
    owner: Membership | None = None,
    measure_of_success: str = "",
) -> Action:
    ActionPlanPolicy.require(ctx, "manage", recommendation.plan)
    plan = _locked_plan(ctx, recommendation.plan)
    _check_writable(plan)
    errors: dict[str, list[str]] = {}
    message = _check_text(description, required="Enter what the action is", name="The action")
    if message:
        errors["description"] = [message]
    errors.update({k: [v] for k, v in check_owner(ctx, owner_member=owner_member, owner=owner).items()})
    message = check_due_date(due_date, created_on=plan.created_on)
    if message:
        errors["due_date"] = [message]
    message = _check_text(measure_of_success, required=None, name="The measure of success")
    if message:
        errors["measure_of_success"] = [message]
    if errors:
        raise ValidationError(errors)
    position = (recommendation.actions.aggregate(last=Max("position"))["last"] or 0) + 1
    action = Action.objects.for_partnership(ctx.partnership).create(
        partnership=ctx.partnership,
        plan=plan,
        recommendation=recommendation,
        position=position,
        description=description.strip(),
        owner_member=owner_member,
        owner=owner,
        due_date=due_date,
        measure_of_success=(measure_of_success or "").strip(),
        created_on=timezone.localdate(),
    )
    _regrant(action, None)
    activity.record(ctx, event="action.added", obj=action, changes=activity.created(action, ACTION_FIELDS))
    deadlines.refresh(action)
    return action


@transaction.atomic
def action_update(
    ctx: TenantContext,
    action: Action,
    *,
    description: str,
    owner_member: Member | None,
    due_date: dt.date | None,
    owner: Membership | None = None,
    measure_of_success: str = "",
    reason: str = "",
    expected_version: int | None = None,
) -> Action:
    """Change what an action is, who owns it, or when it is due. Once the plan is live, a new due
    date needs a reason, and the date before, the new date and the reason are recorded."""
    ActionPolicy.require(ctx, "manage", action)
    action = _locked_action(ctx, action, expected_version)
    _check_writable(action.plan)
    errors: dict[str, list[str]] = {}
    message = _check_text(description, required="Enter what the action is", name="The action")
    if message:
        errors["description"] = [message]
    owners = (owner_member.pk if owner_member else None, owner.pk if owner else None)
    if owners != (action.owner_member_id, action.owner_id):  # an owner who has since left stays until changed
        errors.update({k: [v] for k, v in check_owner(ctx, owner_member=owner_member, owner=owner).items()})
    message = check_due_date(due_date, created_on=action.plan.created_on)
    if message:
        errors["due_date"] = [message]
    message = _check_text(measure_of_success, required=None, name="The measure of success")
    if message:
        errors["measure_of_success"] = [message]
    moving = due_date is not None and due_date != action.due_date and action.plan.is_live
    reason = (reason or "").strip()
    if moving and not reason:
        errors["reason"] = [f"The plan is live: give the reason for changing the due date from {_day(action.due_date)}"]
    if errors:
        raise ValidationError(errors)
    before = activity.snapshot(action, ACTION_FIELDS)
    old_member_id, old_due = action.owner_member_id, action.due_date
    action.description, action.owner_member, action.owner = description.strip(), owner_member, owner
    action.due_date, action.measure_of_success = due_date, (measure_of_success or "").strip()
    changes = activity.changes_between(before, activity.snapshot(action, ACTION_FIELDS))
    if not changes:
        return action
    action.version += 1
    action.save()
    if moving:
        DueDateChange.objects.for_partnership(ctx.partnership).create(
            partnership=ctx.partnership,
            action=action,
            old_date=old_due,
            new_date=due_date,
            reason=reason,
            changed_by=ctx.user,
        )
        changes["reason"] = {"old": None, "new": reason}
    _regrant(action, old_member_id)
    activity.record(ctx, event="action.changed", obj=action, changes=changes)
    deadlines.refresh(action)
    return action


@transaction.atomic
def action_remove(ctx: TenantContext, action: Action) -> None:
    ActionPolicy.require(ctx, "manage", action)
    action = _locked_action(ctx, action)
    if action.plan.is_live:
        raise StateError(f"{action.plan.title} is live: its actions are no longer removed.")
    number, plan = action.number, action.plan
    if action.owner_member_id is not None:
        revoke(action, [action.owner_member], OWNER_PERM)
    # A draft plan's action has a clock that never started (and so no escalations): it goes too.
    action.deadlines.all().delete()
    action.delete()
    activity.record(ctx, event="action.removed", obj=plan, changes={"action": {"old": number, "new": None}})


# ----------------------------------------------------------------------------------------------
# Progress, evidence and completion (the owner), acceptance (the business unit)


def _check_on(on: dt.date | None, *, plan: ActionPlan, name: str = "on") -> dict[str, list[str]]:
    if on is None:
        return {name: ["Enter the date"]}
    if on > timezone.localdate():
        return {name: ["The date must be today or in the past"]}
    if on < plan.created_on:
        return {name: [f"The date is before the plan was drawn up ({_day(plan.created_on)})"]}
    return {}


def _attach(ctx: TenantContext, action: Action, document, title: str = ""):
    """Store an evidence document: a DocumentField's (upload, content, kind) or a raw upload."""
    if document is None:
        return None
    if isinstance(document, tuple):
        upload, content, kind = document
    else:
        try:
            content, kind = documents.check_upload(document)
        except ValidationError as error:
            raise ValidationError({"document": error.messages}) from None
        upload = document
    return documents.attach(ctx, about=action, upload=upload, content=content, kind=kind, title=title)


@transaction.atomic
def progress_add(
    ctx: TenantContext,
    action: Action,
    *,
    on: dt.date | None,
    text: str,
    status: str,
    expected_version: int | None = None,
) -> ProgressUpdate:
    """A dated progress update by the owner, with the status it leaves the action in."""
    ActionPolicy.require(ctx, "update", action)
    action = _locked_action(ctx, action, expected_version)
    _check_writable(action.plan)
    if action.is_done:
        raise StateError(
            f"Action {action.number} is {action.get_status_display().lower()}: "
            + (
                "the business unit accepts or returns it before progress is updated again."
                if action.status == ActionStatus.AWAITING_ACCEPTANCE
                else "add evidence of impact instead."
            )
        )
    errors = _check_on(on, plan=action.plan)
    message = _check_text(text, required="Describe the progress", name="The update")
    if message:
        errors["text"] = [message]
    if status not in OWNER_STATUSES:
        errors["status"] = ["Choose not started, on track or at risk (mark it complete with its evidence instead)"]
    if errors:
        raise ValidationError(errors)
    update = ProgressUpdate.objects.for_partnership(ctx.partnership).create(
        partnership=ctx.partnership,
        action=action,
        kind=UpdateKind.PROGRESS,
        on=on,
        text=text.strip(),
        status=status,
        by=ctx.user,
    )
    before = action.status
    action.status = status
    action.version += 1
    action.save(update_fields=["status", "version"])
    activity.record(
        ctx,
        event="action.progress",
        obj=action,
        changes={"status": {"old": before, "new": status}, "on": {"old": None, "new": on}},
    )
    return update


@transaction.atomic
def action_complete(
    ctx: TenantContext,
    action: Action,
    *,
    completed_on: dt.date | None,
    completion_evidence: str = "",
    completion_link: str = "",
    impact_evidence: str = "",
    document=None,
    expected_version: int | None = None,
) -> Action:
    """The owner marks the action complete with its evidence (a description, a link or a document):
    it then waits for the business unit to accept it. The clock is met on the completion date."""
    ActionPolicy.require(ctx, "update", action)
    action = _locked_action(ctx, action, expected_version)
    _check_writable(action.plan)
    if action.is_done:
        raise StateError(f"Action {action.number} is already {action.get_status_display().lower()}.")
    completion_link = (completion_link or "").strip()
    errors = {
        k: [v]
        for k, v in _check_done(
            ActionStatus.AWAITING_ACCEPTANCE,
            completed_on=completed_on,
            evidence=completion_evidence or ("document" if document is not None else ""),
            link=completion_link,
            created_on=action.plan.created_on,
            today=timezone.localdate(),
        ).items()
    }
    if "completion_evidence" in errors:
        errors["completion_evidence"] = ["Give the evidence of completion: a description, a link or a document"]
    message = _check_link(completion_link)
    if message:
        errors["completion_link"] = [message]
    for name, value in (("completion_evidence", completion_evidence), ("impact_evidence", impact_evidence)):
        message = _check_text(value, required=None, name="The evidence")
        if message and name not in errors:
            errors[name] = [message]
    if errors:
        raise ValidationError(errors)
    fields = ["status", "completed_on", "completion_evidence", "completion_link", "impact_evidence"]
    before = activity.snapshot(action, fields)
    action.status = ActionStatus.AWAITING_ACCEPTANCE
    action.completed_on = completed_on
    action.completion_evidence = (completion_evidence or "").strip()
    action.completion_link = completion_link
    if impact_evidence and impact_evidence.strip():
        action.impact_evidence = impact_evidence.strip()
    action.version += 1
    action.save()
    stored = _attach(ctx, action, document, title=f"Evidence of completion of action {action.number}")
    ProgressUpdate.objects.for_partnership(ctx.partnership).create(
        partnership=ctx.partnership,
        action=action,
        kind=UpdateKind.COMPLETED,
        on=completed_on,
        text=action.completion_evidence or action.completion_link or f"Evidence: {stored.original_name}",
        status=action.status,
        by=ctx.user,
    )
    activity.record(
        ctx,
        event="action.completed",
        obj=action,
        changes=activity.changes_between(before, activity.snapshot(action, fields)),
    )
    deadlines.refresh(action)
    return action


@transaction.atomic
def evidence_update(
    ctx: TenantContext,
    action: Action,
    *,
    completion_evidence: str | None = None,
    completion_link: str | None = None,
    impact_evidence: str | None = None,
    document=None,
    expected_version: int | None = None,
) -> Action:
    """Add or change evidence: of completion until the completion is accepted; of impact at any
    time (impact is often seen months later); documents at any time. None leaves a field alone."""
    ActionPolicy.require(ctx, "update", action)
    action = _locked_action(ctx, action, expected_version)
    errors: dict[str, list[str]] = {}
    completion_changes = (
        completion_evidence is not None and completion_evidence.strip() != action.completion_evidence
    ) or (completion_link is not None and completion_link.strip() != action.completion_link)
    if completion_changes and action.status == ActionStatus.COMPLETE:
        raise StateError(
            f"The business unit has accepted action {action.number}'s evidence of completion: add evidence of impact "
            "or a document instead."
        )
    if completion_link is not None:
        message = _check_link(completion_link.strip())
        if message:
            errors["completion_link"] = [message]
    for name, value in (("completion_evidence", completion_evidence), ("impact_evidence", impact_evidence)):
        message = _check_text(value or "", required=None, name="The evidence")
        if message:
            errors[name] = [message]
    if (
        action.status == ActionStatus.AWAITING_ACCEPTANCE
        and completion_evidence is not None
        and completion_link is not None
        and not completion_evidence.strip()
        and not completion_link.strip()
        and document is None
        and "completion_evidence" not in errors
    ):
        errors["completion_evidence"] = ["An action awaiting acceptance needs its evidence of completion"]
    if errors:
        raise ValidationError(errors)
    fields = ["completion_evidence", "completion_link", "impact_evidence"]
    before = activity.snapshot(action, fields)
    if completion_evidence is not None:
        action.completion_evidence = completion_evidence.strip()
    if completion_link is not None:
        action.completion_link = completion_link.strip()
    if impact_evidence is not None:
        action.impact_evidence = impact_evidence.strip()
    changes = activity.changes_between(before, activity.snapshot(action, fields))
    if not changes and document is None:
        return action
    if changes:
        action.version += 1
        action.save(update_fields=[*fields, "version"])
        activity.record(ctx, event="action.evidence", obj=action, changes=changes)
    _attach(ctx, action, document, title=f"Evidence for action {action.number}")
    return action


@transaction.atomic
def action_accept(
    ctx: TenantContext,
    action: Action,
    *,
    note: str = "",
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Action:
    """The business unit accepts the owner's evidence: the action is complete. `on` is the date
    of the decision (today unless it was taken earlier, e.g. at a Learning & Practice Review Group)."""
    ActionPolicy.require(ctx, "manage", action)
    action = _locked_action(ctx, action, expected_version)
    _check_writable(action.plan)
    if action.status != ActionStatus.AWAITING_ACCEPTANCE:
        raise StateError(
            f"Action {action.number} is {action.get_status_display().lower()}: only an action marked complete by "
            "its owner is accepted."
        )
    errors: dict[str, list[str]] = {}
    message = _check_text(note, required=None, name="The note")
    if message:
        errors["note"] = [message]
    today = timezone.localdate()
    on = on or today
    if on > today:
        errors["on"] = ["The date it was accepted must be today or in the past"]
    elif action.completed_on and on < action.completed_on:
        errors["on"] = [f"The date it was accepted is before it was completed ({_day(action.completed_on)})"]
    if errors:
        raise ValidationError(errors)
    action.status, action.accepted_on, action.accepted_by = ActionStatus.COMPLETE, on, ctx.user
    action.version += 1
    action.save()
    ProgressUpdate.objects.for_partnership(ctx.partnership).create(
        partnership=ctx.partnership,
        action=action,
        kind=UpdateKind.ACCEPTED,
        on=on,
        text=(note or "").strip() or "The evidence of completion was accepted.",
        status=action.status,
        by=ctx.user,
    )
    activity.record(
        ctx, event="action.accepted", obj=action, changes={"status": {"old": "awaiting_acceptance", "new": "complete"}}
    )
    deadlines.refresh(action)
    return action


@transaction.atomic
def action_return(
    ctx: TenantContext, action: Action, *, reason: str, status: str, expected_version: int | None = None
) -> Action:
    """The business unit returns a completion with its reason: the action is open again (its clock
    too), at the status the business unit gives it."""
    ActionPolicy.require(ctx, "manage", action)
    action = _locked_action(ctx, action, expected_version)
    _check_writable(action.plan)
    if action.status != ActionStatus.AWAITING_ACCEPTANCE:
        raise StateError(
            f"Action {action.number} is {action.get_status_display().lower()}: only an action marked complete by "
            "its owner is returned."
        )
    errors: dict[str, list[str]] = {}
    message = _check_text(
        reason, required="Give the reason for returning it, so the owner knows what is missing", name="The reason"
    )
    if message:
        errors["reason"] = [message]
    if status not in (ActionStatus.ON_TRACK, ActionStatus.AT_RISK):
        errors["status"] = ["Choose on track or at risk"]
    if errors:
        raise ValidationError(errors)
    completed_on = action.completed_on
    action.status, action.completed_on = status, None
    action.version += 1
    action.save()
    ProgressUpdate.objects.for_partnership(ctx.partnership).create(
        partnership=ctx.partnership,
        action=action,
        kind=UpdateKind.RETURNED,
        on=timezone.localdate(),
        text=reason.strip(),
        status=status,
        by=ctx.user,
    )
    activity.record(
        ctx,
        event="action.returned",
        obj=action,
        changes={
            "status": {"old": "awaiting_acceptance", "new": status},
            "completed_on": {"old": completed_on, "new": None},
            "reason": {"old": None, "new": reason.strip()},
        },
    )
    deadlines.refresh(action)
    return action


# ----------------------------------------------------------------------------------------------
# A plan from a spreadsheet


@transaction.atomic
def plan_import(
    ctx: TenantContext,
    *,
    upload,
    title: str,
    source_kind: str,
    source_reference: str = "",
    notification=None,
    summary: str = "",
    created_on: dt.date | None = None,
    submission_key: str = "",
) -> ActionPlan:
    """A new plan from an .xlsx file, one row per action: every row loads, or none does and every
    problem is listed under `file` as "Row N, Column: message"."""
    from lscp.spreadsheets import SpreadsheetError
    from reviews.action_plans import sheets

    ActionPlanPolicy.require(ctx, "manage")
    if submission_key:
        existing = ActionPlan.objects.for_partnership(ctx.partnership).filter(submission_key=submission_key).first()
        if existing is not None:
            return existing
    try:
        recommendations, problems = sheets.read_plan(ctx, upload)
    except SpreadsheetError as error:
        raise ValidationError({"file": [str(error)]}) from None
    return plan_create(
        ctx,
        title=title,
        source_kind=source_kind,
        source_reference=source_reference,
        notification=notification,
        summary=summary,
        created_on=created_on,
        recommendations=recommendations,
        submission_key=submission_key,
        problems_key="file",
        earlier_problems=problems,
        event="action_plan.imported",
    )
