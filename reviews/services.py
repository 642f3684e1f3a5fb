"""Writes to notifications: submission, the criteria decision and the statutory steps.

Every function checks permission with NotificationPolicy, validates (ValidationError keyed by the
input's name), moves state only from the state before it (StateError otherwise: a page message,
an API 409), logs to the activity log and refreshes the notification's clocks, in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from lscp import activity, deadlines, outbox
from lscp.permissions import grant
from lscp.roles import Role
from lscp.states import StaleVersion, StateError
from lscp.tenancy import TenantContext
from partners.models import Member, Membership, Partnership, StatutoryRole
from reviews.criteria import evaluate
from reviews.models import (
    AbuseOrNeglect,
    Child,
    CriteriaResult,
    Location,
    Notification,
    Outcome,
    Pathway,
    Sex,
    Status,
)
from reviews.permissions import VIEW_PERM, NotificationPolicy

MAX_CHILDREN = 4


@dataclass
class ChildAnswer:
    reference: str
    age_years: int | None
    sex: str
    ethnicity: str
    looked_after: bool
    home_area: str
    known_to: list[Member] = field(default_factory=list)
    age_months: int | None = None


# ----------------------------------------------------------------------------------------------
# Validation shared by the question pages, the API and the service itself


def check_incident_dates(*, incident_date, aware_date, today: dt.date | None = None) -> dict[str, list[str]]:
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if incident_date and incident_date > today:
        errors["incident_date"] = ["The incident date must be today or in the past"]
    if aware_date and aware_date > today:
        errors["aware_date"] = ["The date the local authority became aware must be today or in the past"]
    if incident_date and aware_date and incident_date > aware_date and "incident_date" not in errors:
        errors["incident_date"] = [
            "The incident date must be the same as or before the date the local authority became aware"
        ]
    return errors


def check_child(child: ChildAnswer, *, partnership: Partnership) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not (child.reference or "").strip():
        errors["reference"] = ["Enter the child's case reference, for example Child Q"]
    if child.age_years is None:
        errors["age_years"] = ["Enter the child's age in years (0 for a baby under one)"]
    elif not 0 <= child.age_years <= 17:
        errors["age_years"] = ["A child's age must be between 0 and 17"]
    if child.age_months is not None and (child.age_years != 0 or not 0 <= child.age_months <= 11):
        errors["age_months"] = ["Give months only for a baby under one, from 0 to 11"]
    if child.sex not in Sex.values:
        errors["sex"] = ["Choose the child's sex"]
    from reviews.models import ETHNICITY_CHOICES

    if child.ethnicity not in dict(ETHNICITY_CHOICES):
        errors["ethnicity"] = ["Choose the child's ethnicity, or not known"]
    if child.looked_after not in (True, False):
        errors["looked_after"] = ["Say whether the child is looked after"]
    if not (child.home_area or "").strip():
        errors["home_area"] = ["Enter the child's home area"]
    if any(member.partnership_id != partnership.pk for member in child.known_to):
        errors["known_to"] = ["Choose organisations that are members of this partnership"]
    return errors


def check_children(children: list[ChildAnswer], *, partnership: Partnership) -> dict[str, list[str]]:
    if not children:
        return {"children": ["Add at least one child"]}
    if len(children) > MAX_CHILDREN:
        return {"children": [f"A notification can cover up to {MAX_CHILDREN} children: notify the others separately"]}
    messages = []
    for index, child in enumerate(children, start=1):
        for field_name, problems in check_child(child, partnership=partnership).items():
            messages += [f"Child {index}, {field_name.replace('_', ' ')}: {problem}" for problem in problems]
    references = [c.reference.strip().lower() for c in children]
    if len(set(references)) != len(references):
        messages.append("Each child needs a different case reference")
    return {"children": messages} if messages else {}


def check_notifier(ctx: TenantContext, *, pathway: str, notifying_member: Member | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if pathway not in Pathway.values:
        errors["pathway"] = ["Choose the pathway"]
    if notifying_member is None or notifying_member.partnership_id != ctx.partnership.pk:
        errors["notifying_member"] = [f"Choose an organisation that is a member of {ctx.partnership.name}"]
        return errors
    if ctx.role == Role.AGENCY_LEAD and notifying_member.pk != (ctx.member.pk if ctx.member else None):
        errors["notifying_member"] = [f"You can notify only on behalf of {ctx.organisation}"]
    if pathway == Pathway.MANDATORY and notifying_member.statutory_role != StatutoryRole.COUNCIL:
        errors["pathway"] = [
            f"The mandatory notification is the local authority's: {notifying_member} can notify through the "
            "member organisation pathway"
        ]
    return errors


# ----------------------------------------------------------------------------------------------
# Submission


def _next_reference(partnership: Partnership, year: int) -> str:
    Partnership.objects.select_for_update().get(pk=partnership.pk)  # one reference at a time
    prefix = partnership.slug.replace("-", "")[:3].upper()
    taken = Notification.objects.for_partnership(partnership).filter(reference__startswith=f"{prefix}-{year}-").count()
    return f"{prefix}-{year}-{taken + 1:03d}"


@transaction.atomic
def notification_submit(
    ctx: TenantContext,
    *,
    submission_key: str,
    pathway: str,
    notifying_member: Member | None,
    notifier_name: str,
    notifier_email: str,
    incident_date: dt.date,
    aware_date: dt.date,
    location: str,
    outcome: str,
    abuse_or_neglect: str,
    children: list[ChildAnswer],
    summary: str,
    notifier_role: str = "",
    notifier_phone: str = "",
    incident_time: dt.time | None = None,
    received_on: dt.date | None = None,
) -> Notification:
    """Record a serious-incident notification. The same submission_key twice from the same person
    (a double-clicked submit, a retried request) returns the first notification and records
    nothing more; a key is the submitter's own (see selectors.notification_submitted_as)."""
    from reviews.selectors import notification_submitted_as

    NotificationPolicy.require(ctx, "submit")
    submission_key = (submission_key or "").strip()
    if not submission_key:
        raise ValidationError({"submission_key": ["A submission key is required"]})
    existing = notification_submitted_as(ctx, submission_key)
    if existing is not None:
        return existing
    errors: dict[str, list[str]] = {}
    errors.update(check_notifier(ctx, pathway=pathway, notifying_member=notifying_member))
    if not (notifier_name or "").strip():
        errors["notifier_name"] = ["Enter the name of the person notifying"]
    if not (notifier_email or "").strip():
        errors["notifier_email"] = ["Enter an email address to contact them"]
    if incident_date is None:
        errors["incident_date"] = ["Enter the date of the incident"]
    if aware_date is None:
        errors["aware_date"] = ["Enter the date the local authority became aware"]
    errors.update(check_incident_dates(incident_date=incident_date, aware_date=aware_date))
    for name, value, choices in (
        ("location", location, Location.values),
        ("outcome", outcome, Outcome.values),
        ("abuse_or_neglect", abuse_or_neglect, AbuseOrNeglect.values),
    ):
        if value not in choices:
            errors[name] = [f"Choose the {name.replace('_', ' ')}"]
    errors.update(check_children(children, partnership=ctx.partnership))
    if not (summary or "").strip():
        errors["summary"] = ["Enter a summary of what happened"]
    if errors:
        raise ValidationError(errors)

    received_on = received_on or timezone.localdate()
    notification = Notification(
        partnership=ctx.partnership,
        submission_key=submission_key,
        reference=_next_reference(ctx.partnership, received_on.year),
        pathway=pathway,
        notifying_member=notifying_member,
        notifier_name=notifier_name.strip(),
        notifier_role=(notifier_role or "").strip(),
        notifier_email=notifier_email.strip(),
        notifier_phone=(notifier_phone or "").strip(),
        submitted_by=ctx.user,
        submitted_at=timezone.now(),
        received_on=received_on,
        incident_date=incident_date,
        incident_time=incident_time,
        aware_date=aware_date,
        location=location,
        outcome=outcome,
        abuse_or_neglect=abuse_or_neglect,
        summary=summary.strip(),
    )
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:  # the same submission, committed by a concurrent request
        existing = notification_submitted_as(ctx, submission_key)
        if existing is None:  # theirs, but no longer theirs to see
            raise ValidationError({"submission_key": ["You used this key before: send a new one"]}) from None
        return existing
    involved = {notifying_member.pk: notifying_member}
    for position, answer in enumerate(children, start=1):
        child = Child.objects.for_partnership(ctx.partnership).create(
            partnership=ctx.partnership,
            notification=notification,
            position=position,
            reference=answer.reference.strip(),
            age_years=answer.age_years,
            age_months=answer.age_months,
            sex=answer.sex,
            ethnicity=answer.ethnicity,
            looked_after=answer.looked_after,
            home_area=answer.home_area.strip(),
        )
        child.known_to.set(answer.known_to)
        involved.update({member.pk: member for member in answer.known_to})
    grant(notification, involved.values(), VIEW_PERM)
    result = evaluate(notification)
    activity.record(
        ctx,
        event="notification.submitted",
        obj=notification,
        changes={
            "pathway": {"old": None, "new": pathway},
            "notifying_member": {"old": None, "new": str(notifying_member)},
            "children": {"old": None, "new": len(children)},
            "criteria": {"old": None, "new": result.result},
        },
    )
    deadlines.refresh(notification)
    _tell_business_unit(ctx, notification)
    return notification


def _tell_business_unit(ctx: TenantContext, notification: Notification) -> None:
    from django.conf import settings

    emails = list(
        Membership.objects.for_partnership(ctx.partnership)
        .filter(role=Role.BUSINESS_UNIT, is_active=True)
        .exclude(person__email="")
        .values_list("person__email", flat=True)
    )
    if not emails:
        return
    link = settings.LSCP_BASE_URL.rstrip("/") + reverse(
        "notification-detail", args=[ctx.partnership.slug, notification.pk]
    )
    outbox.enqueue(
        partnership=ctx.partnership,
        key=f"notification:{notification.pk}:received",
        to=emails,
        subject=f"[{ctx.partnership.name}] New serious-incident notification {notification.reference} from {notification.notifying_member}",
        body=(
            f"{notification.notifying_member} has notified a serious incident: {notification.reference}.\n\n"
            f"The product's reading of the criteria: {notification.evaluation.label}.\n\n"
            f"Confirm or override it, and record the steps, here: {link}\n\n"
            "This email holds no details of any child: sign in to see the notification."
        ),
        about=notification,
    )


# ----------------------------------------------------------------------------------------------
# The criteria decision and the case officer


def _locked(ctx: TenantContext, notification: Notification, expected_version: int | None = None) -> Notification:
    locked = Notification.objects.for_partnership(ctx.partnership).select_for_update().get(pk=notification.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(
            f"{locked.reference} was changed by someone else while you were looking at it, so your changes have "
            "not been saved. Check the latest details, then try again.",
            version=locked.version,
        )
    return locked


@transaction.atomic
def decide_criteria(
    ctx: TenantContext,
    notification: Notification,
    *,
    result: str,
    rationale: str = "",
    expected_version: int | None = None,
) -> Notification:
    """Confirm the product's evaluation, or override it with a recorded rationale."""
    NotificationPolicy.require(ctx, "manage", notification)
    notification = _locked(ctx, notification, expected_version)
    if notification.status != Status.SUBMITTED:
        raise StateError(
            f"The criteria can be decided only before the National Panel is notified; {notification.reference} is at "
            f"'{notification.get_status_display()}'."
        )
    if result not in CriteriaResult.values:
        raise ValidationError({"result": ["Choose a decision"]})
    rationale = (rationale or "").strip()
    if result != notification.evaluation.result and not rationale:
        raise ValidationError({"rationale": ["Give the reason for overriding the product's evaluation"]})
    before = activity.snapshot(notification, ["criteria_decision", "criteria_rationale"])
    notification.criteria_decision = result
    notification.criteria_rationale = rationale
    changes = activity.changes_between(
        before, activity.snapshot(notification, ["criteria_decision", "criteria_rationale"])
    )
    if not changes and notification.criteria_decided_at:
        return notification
    notification.criteria_decided_by = ctx.user
    notification.criteria_decided_at = timezone.now()
    notification.version += 1
    notification.save()
    event = (
        "notification.criteria_confirmed"
        if result == notification.evaluation.result
        else "notification.criteria_overridden"
    )
    activity.record(ctx, event=event, obj=notification, changes=changes)
    deadlines.refresh(notification)
    return notification


@transaction.atomic
def set_case_officer(
    ctx: TenantContext, notification: Notification, *, case_officer: Membership | None
) -> Notification:
    NotificationPolicy.require(ctx, "manage", notification)
    notification = _locked(ctx, notification)
    if case_officer is not None and (
        case_officer.partnership_id != ctx.partnership.pk
        or case_officer.role != Role.BUSINESS_UNIT
        or not case_officer.is_active
    ):
        raise ValidationError({"case_officer": ["Choose an active member of the business unit"]})
    if notification.case_officer_id == (case_officer.pk if case_officer else None):
        return notification
    before = str(notification.case_officer.person) if notification.case_officer_id else None
    notification.case_officer = case_officer
    notification.version += 1
    notification.save(update_fields=["case_officer", "version"])
    activity.record(
        ctx,
        event="notification.case_officer_set",
        obj=notification,
        changes={"case_officer": {"old": before, "new": str(case_officer.person) if case_officer else None}},
    )
    return notification


# ----------------------------------------------------------------------------------------------
# The statutory steps


@dataclass(frozen=True)
class StepSpec:
    key: str
    label: str
    from_status: str
    to_status: str
    date_field: str
    date_input: str
    after_field: str
    after_label: str


STEPS = {
    spec.key: spec
    for spec in [
        StepSpec(
            "panel_notified",
            "Notification sent to the National Panel",
            Status.SUBMITTED,
            Status.PANEL_NOTIFIED,
            "panel_notified_on",
            "sent_on",
            "aware_date",
            "the date the local authority became aware",
        ),
        StepSpec(
            "rapid_review_started",
            "Rapid review started",
            Status.PANEL_NOTIFIED,
            Status.RAPID_REVIEW_STARTED,
            "rapid_review_started_on",
            "started_on",
            "panel_notified_on",
            "the date the Panel was notified",
        ),
        StepSpec(
            "rapid_review_completed",
            "Rapid review completed",
            Status.RAPID_REVIEW_STARTED,
            Status.RAPID_REVIEW_COMPLETED,
            "rapid_review_completed_on",
            "completed_on",
            "rapid_review_started_on",
            "the date the rapid review started",
        ),
        StepSpec(
            "outcome_sent",
            "Rapid review outcome sent to the Panel",
            Status.RAPID_REVIEW_COMPLETED,
            Status.OUTCOME_SENT,
            "outcome_sent_on",
            "sent_on",
            "rapid_review_completed_on",
            "the date the rapid review was completed",
        ),
        StepSpec(
            "panel_responded",
            "The Panel's response",
            Status.OUTCOME_SENT,
            Status.PANEL_RESPONDED,
            "panel_response_received_on",
            "received_on",
            "outcome_sent_on",
            "the date the outcome was sent",
        ),
    ]
}
STATUS_ORDER = [choice for choice, _ in Status.choices]


def next_step(notification: Notification) -> StepSpec | None:
    return next((spec for spec in STEPS.values() if spec.from_status == notification.status), None)


def step_refusal(notification: Notification, spec: StepSpec) -> str | None:
    """Why this step cannot be recorded now, or None if it can."""
    if notification.status != spec.from_status:
        if STATUS_ORDER.index(notification.status) >= STATUS_ORDER.index(spec.to_status):
            return f"'{spec.label}' is already recorded for {notification.reference}."
        expected = next_step(notification)
        return (
            f"'{spec.label}' can be recorded only after '{Status(spec.from_status).label.lower()}'. "
            f"{notification.reference} is at '{notification.get_status_display().lower()}'"
            + (f": record '{expected.label.lower()}' first." if expected else ".")
        )
    if spec.key == "panel_notified" and not notification.notifiable:
        return (
            f"{notification.reference} does not meet the criteria for notifying the National Panel. If it should be "
            "notified, first record a criteria decision overriding the evaluation, with the reason."
        )
    if spec.key == "rapid_review_completed":
        from reviews.rapid_review_services import missing_signers, missing_signers_text, rapid_review_for

        review = rapid_review_for(notification)
        if review is None or review.status == "drafting":
            return "The rapid review is complete when its outcome has been recorded and signed off by the three safeguarding partners."
        missing = missing_signers(review)
        if missing:
            return missing_signers_text(missing)
    return None


def _check_date(value, *, field_name: str, after: dt.date | None, after_label: str, today: dt.date) -> list[str]:
    if value is None:
        return ["Enter the date"]
    if value > today:
        return ["The date must be today or in the past"]
    if after is not None and value < after:
        return [f"The date must be the same as or after {after_label} ({after:%-d %b %Y})"]
    return []


@transaction.atomic
def record_step(
    ctx: TenantContext,
    notification: Notification,
    step: str,
    *,
    on: dt.date | None,
    expected_version: int | None = None,
    **values,
) -> Notification:
    """Record one statutory step, only from the state before it."""
    spec = STEPS[step]
    NotificationPolicy.require(ctx, "manage", notification)
    notification = _locked(ctx, notification, expected_version)
    refusal = step_refusal(notification, spec)
    if refusal:
        raise StateError(refusal)
    if on is None and step == "rapid_review_completed":
        from reviews.rapid_review_services import last_signature_date, rapid_review_for

        on = last_signature_date(rapid_review_for(notification))  # the day the third partner signed
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    problems = _check_date(
        on,
        field_name=spec.date_input,
        after=getattr(notification, spec.after_field),
        after_label=spec.after_label,
        today=today,
    )
    if problems:
        errors[spec.date_input] = problems
    updates = {spec.date_field: on}
    if step == "panel_notified":
        reference = (values.get("panel_reference") or "").strip()
        if not reference:
            errors["panel_reference"] = ["Enter the Panel's reference"]
        updates["panel_reference"] = reference
        if notification.is_lac_death:
            for name, label in (("sos_notified_on", "the Secretary of State"), ("ofsted_notified_on", "Ofsted")):
                value = values.get(name)
                if value is None:
                    errors[name] = [f"A looked-after child died: enter the date {label} was notified"]
                else:
                    problems = _check_date(
                        value,
                        field_name=name,
                        after=notification.aware_date,
                        after_label="the date the local authority became aware",
                        today=today,
                    )
                    if problems:
                        errors[name] = problems
                updates[name] = value
    if step == "panel_responded":
        response = (values.get("response") or "").strip()
        if not response:
            errors["response"] = ["Enter what the Panel said"]
        updates["panel_response"] = response
    if errors:
        raise ValidationError(errors)
    before = activity.snapshot(notification, ["status", *updates])
    for name, value in updates.items():
        setattr(notification, name, value)
    notification.status = spec.to_status
    notification.version += 1
    notification.save()
    activity.record(
        ctx,
        event=f"notification.{step}",
        obj=notification,
        changes=activity.changes_between(before, activity.snapshot(notification, ["status", *updates])),
    )
    deadlines.refresh(notification)
    return notification
