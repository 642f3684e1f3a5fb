"""Writes for the partnership's priorities and its audit programme. Same rules as every service:
permission first, ValidationError by field, the activity log in the same transaction."""

from __future__ import annotations

from django.db import transaction

from audits.changes import locked_with_values
from audits.programme.models import Audit, AuditKind, AuditStatus, Priority
from audits.programme.permissions import AuditPolicy
from audits.quarters import check_quarter
from lscp import activity
from lscp.checks import Errors
from lscp.tenancy import TenantContext


@transaction.atomic
def priority_create(ctx: TenantContext, *, name: str, description: str = "") -> Priority:
    AuditPolicy.require(ctx, "manage")
    errors = Errors()
    name = " ".join((name or "").split())
    if not name:
        errors.add("name", "Enter the priority")
    elif Priority.objects.for_partnership(ctx.partnership).filter(name__iexact=name).exists():
        errors.add("name", "The partnership already has this priority")
    errors.raise_if_any()
    priority = Priority.objects.for_partnership(ctx.partnership).create(
        partnership=ctx.partnership, name=name, description=description.strip()
    )
    activity.record(ctx, event="priority.created", obj=priority, changes=activity.created(priority, ["name"]))
    return priority


AUDIT_FIELDS = [
    "title",
    "kind",
    "priority",
    "year_start",
    "quarter",
    "status",
    "lead_member",
    "children_involved",
    "families_involved",
    "practitioners_involved",
    "scope",
    "findings",
    "you_said_we_did",
    "completed_on",
    "re_audit_of",
]


def _check_audit(ctx: TenantContext, values: dict, audit: Audit | None) -> None:
    errors = Errors()
    if not (values.get("title") or "").strip():
        errors.add("title", "Enter the audit's title")
    if values.get("kind") not in AuditKind.values:
        errors.add("kind", "Choose the kind of audit")
    check_quarter(errors, values.get("year_start"), values.get("quarter"))
    for name in ("priority", "lead_member", "re_audit_of"):
        value = values.get(name)
        if value is not None and value.partnership_id != ctx.partnership.pk:
            errors.add(name, "Choose one of this partnership's")
    if any(member.partnership_id != ctx.partnership.pk for member in values.get("participants") or []):
        errors.add("participants", "Choose organisations that are members of this partnership")
    earlier = values.get("re_audit_of")
    if earlier is not None and "year_start" not in errors and "quarter" not in errors:
        if audit is not None and earlier.pk == audit.pk:
            errors.add("re_audit_of", "An audit cannot re-audit itself")
        elif (earlier.year_start, earlier.quarter) >= (values["year_start"], values["quarter"]):
            errors.add("re_audit_of", f"A re-audit comes after the audit it revisits ({earlier.quarter_label})")
    status = values.get("status", AuditStatus.PLANNED)
    if status not in AuditStatus.values:
        errors.add("status", "Choose the status")
    completed_on = values.get("completed_on")
    if status == AuditStatus.COMPLETE:
        if not (values.get("findings") or "").strip():
            errors.add("findings", "Record the findings before marking the audit complete")
        if completed_on is None:
            errors.add("completed_on", "Enter the date the audit was completed")
    errors.date_not_in_future("completed_on", completed_on, name="The completion date", required=False)
    errors.raise_if_any()


def _participant_changes(audit: Audit, participants) -> dict:
    if participants is None:
        return {}
    old = sorted(str(m) for m in audit.participants.all()) if audit.pk else []
    new = sorted(str(m) for m in participants)
    return {"participants": {"old": old, "new": new}} if old != new else {}


@transaction.atomic
def audit_save(ctx: TenantContext, audit: Audit | None = None, *, version: int | None = None, **values) -> Audit:
    """Plan an audit, or change one (its status, findings and what was done about them). A stale
    `version` is refused (someone else saved the audit since it was read)."""
    AuditPolicy.require(ctx, "manage", audit)
    if audit is not None:
        audit, values = locked_with_values(
            ctx, audit, version=version, what="This audit", fields=AUDIT_FIELDS, values=values
        )
    _check_audit(ctx, values, audit)
    participants = values.pop("participants", None)
    before = activity.snapshot(audit, AUDIT_FIELDS) if audit else {}
    if audit is None:
        audit = Audit(partnership=ctx.partnership, version=0)
    for name in AUDIT_FIELDS:
        if name in values:
            value = values[name]
            setattr(audit, name, value.strip() if isinstance(value, str) else value)
    changes = activity.changes_between(before, activity.snapshot(audit, AUDIT_FIELDS))
    changes.update(_participant_changes(audit, participants))
    if audit.pk and not changes:
        return audit
    audit.bump_version()
    audit.save()
    if participants is not None:
        audit.participants.set(participants)
    activity.record(ctx, event="audit.planned" if not before else "audit.changed", obj=audit, changes=changes)
    return audit
