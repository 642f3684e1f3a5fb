"""An action's progress and completion: the owner's dated progress updates and evidence, marking it
complete (its clock is met), and the business unit accepting or returning the completion (the
clock runs again)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lscp import activity, deadlines, documents
from lscp.checks import Errors
from lscp.states import StateError
from lscp.tenancy import TenantContext
from reviews.action_plans.models import OWNER_STATUSES, Action, ActionStatus, ProgressUpdate, UpdateKind
from reviews.action_plans.permissions import ActionPolicy
from reviews.action_plans.services.checks import check_completion, check_evidence, check_link, check_text
from reviews.action_plans.services.records import action_refusal, created, locked_action, refuse, save_changed

EVIDENCE_FIELDS = ["completion_evidence", "completion_link", "impact_evidence"]


def _locked_for(ctx: TenantContext, action: Action, step: str, expected_version: int | None) -> Action:
    """The action, checked by its policy (`step`'s permission), locked, at the version read, and
    in a state that allows `step`."""
    ActionPolicy.require(ctx, "manage" if step in ("accept", "return") else "update", action)
    action = locked_action(ctx, action, expected_version)
    refuse(action_refusal(action, step))
    return action


def _entry(ctx: TenantContext, action: Action, *, kind: str, on: dt.date, text: str) -> ProgressUpdate:
    """A dated entry on the action's record, with the status it leaves the action in."""
    return created(ctx, ProgressUpdate, action=action, kind=kind, on=on, text=text, status=action.status, by=ctx.user)


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
    action = _locked_for(ctx, action, "progress", expected_version)
    errors = Errors()
    name = "The date of the update"
    errors.date_not_in_future("on", on, name=name)
    if "on" not in errors:
        errors.date_not_before(
            "on", on, action.plan.created_on, name=name, earliest_name="the date the plan was drawn up"
        )
    check_text(errors, "text", text, label="The update", missing="Describe the progress")
    if status not in OWNER_STATUSES:
        errors.add("status", "Choose not started, on track or at risk (mark it complete with its evidence instead)")
    errors.raise_if_any()
    before = action.status
    action.status = status
    save_changed(action, fields=["status"])
    update = _entry(ctx, action, kind=UpdateKind.PROGRESS, on=on, text=text.strip())
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
    action = _locked_for(ctx, action, "complete", expected_version)
    errors = Errors()
    check_completion(
        errors,
        completed_on=completed_on,
        evidence=completion_evidence or ("document" if document is not None else ""),
        link=completion_link,
        created_on=action.plan.created_on,
        missing_evidence="Give the evidence of completion: a description, a link or a document",
    )
    completion_link = check_link(errors, completion_link)
    check_evidence(errors, completion_evidence=completion_evidence, impact_evidence=impact_evidence)
    errors.raise_if_any()
    fields = ["status", "completed_on", *EVIDENCE_FIELDS]
    before = activity.snapshot(action, fields)
    action.status = ActionStatus.AWAITING_ACCEPTANCE
    action.completed_on = completed_on
    action.completion_evidence = (completion_evidence or "").strip()
    action.completion_link = completion_link
    if impact_evidence and impact_evidence.strip():
        action.impact_evidence = impact_evidence.strip()
    save_changed(action)
    stored = _attach(ctx, action, document, title=f"Evidence of completion of action {action.number}")
    _entry(
        ctx,
        action,
        kind=UpdateKind.COMPLETED,
        on=completed_on,
        text=action.completion_evidence or action.completion_link or f"Evidence: {stored.original_name}",
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
    action = _locked_for(ctx, action, "evidence", expected_version)
    _refuse_accepted_completion_change(action, completion_evidence, completion_link)
    errors = Errors()
    if completion_link is not None:
        check_link(errors, completion_link)
    check_evidence(errors, completion_evidence=completion_evidence, impact_evidence=impact_evidence)
    emptied = completion_evidence is not None and completion_link is not None
    emptied = emptied and not completion_evidence.strip() and not completion_link.strip() and document is None
    if action.status == ActionStatus.AWAITING_ACCEPTANCE and emptied and "completion_evidence" not in errors:
        errors.add("completion_evidence", "An action awaiting acceptance needs its evidence of completion")
    errors.raise_if_any()
    before = activity.snapshot(action, EVIDENCE_FIELDS)
    for name, value in zip(EVIDENCE_FIELDS, (completion_evidence, completion_link, impact_evidence), strict=True):
        if value is not None:
            setattr(action, name, value.strip())
    changes = activity.changes_between(before, activity.snapshot(action, EVIDENCE_FIELDS))
    if changes:
        save_changed(action, fields=EVIDENCE_FIELDS)
        activity.record(ctx, event="action.evidence", obj=action, changes=changes)
    _attach(ctx, action, document, title=f"Evidence for action {action.number}")
    return action


def _refuse_accepted_completion_change(action: Action, completion_evidence, completion_link) -> None:
    """Once accepted, the evidence of completion is the record: impact and documents may still come."""
    changes = (completion_evidence is not None and completion_evidence.strip() != action.completion_evidence) or (
        completion_link is not None and completion_link.strip() != action.completion_link
    )
    if changes and action.status == ActionStatus.COMPLETE:
        raise StateError(
            f"The business unit has accepted action {action.number}'s evidence of completion: add evidence of impact "
            "or a document instead."
        )


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
    action = _locked_for(ctx, action, "accept", expected_version)
    errors = Errors()
    check_text(errors, "note", note, label="The note")
    on = on or timezone.localdate()
    name = "The date it was accepted"
    errors.date_not_in_future("on", on, name=name)
    if "on" not in errors:
        errors.date_not_before("on", on, action.completed_on, name=name, earliest_name="the date it was completed")
    errors.raise_if_any()
    action.status, action.accepted_on, action.accepted_by = ActionStatus.COMPLETE, on, ctx.user
    save_changed(action)
    _entry(
        ctx,
        action,
        kind=UpdateKind.ACCEPTED,
        on=on,
        text=(note or "").strip() or "The evidence of completion was accepted.",
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
    action = _locked_for(ctx, action, "return", expected_version)
    errors = Errors()
    reason = check_text(
        errors,
        "reason",
        reason,
        label="The reason",
        missing="Give the reason for returning it, so the owner knows what is missing",
    )
    if status not in (ActionStatus.ON_TRACK, ActionStatus.AT_RISK):
        errors.add("status", "Choose on track or at risk")
    errors.raise_if_any()
    completed_on = action.completed_on
    action.status, action.completed_on = status, None
    save_changed(action)
    _entry(ctx, action, kind=UpdateKind.RETURNED, on=timezone.localdate(), text=reason)
    activity.record(
        ctx,
        event="action.returned",
        obj=action,
        changes={
            "status": {"old": "awaiting_acceptance", "new": status},
            "completed_on": {"old": completed_on, "new": None},
            "reason": {"old": None, "new": reason},
        },
    )
    deadlines.refresh(action)
    return action
