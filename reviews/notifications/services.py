"""Writes to notifications: submission, the criteria decision and the statutory steps.

Every function checks permission with NotificationPolicy, validates (ValidationError keyed by the
input's name), moves state only from the state before it (StateError with `step_refusal`'s reason
otherwise: a page message, an API 409), refuses a change made from a stale read (StaleVersion),
logs to the activity log and refreshes the notification's clocks, in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lscp import activity, dates, deadlines, outbox
from lscp.checks import Errors, in_sentence
from lscp.outbox.messages import link, message
from lscp.permissions import grant
from lscp.recipients import Recipients
from lscp.roles import Role
from lscp.states import StateError, check_version
from lscp.tenancy import TenantContext
from partners.models import Member, Membership, Partnership, StatutoryRole
from reviews.notifications.criteria import evaluate, rapid_review_reason
from reviews.notifications.models import (
    CARE_LEAVER_MAX_AGE,
    ETHNICITY_CHOICES,
    AbuseOrNeglect,
    Child,
    CriteriaResult,
    Location,
    Nature,
    Notification,
    Pathway,
    Placement,
    Plan,
    Sex,
    Status,
    YesNoUnknown,
)
from reviews.notifications.permissions import VIEW_PERM, NotificationPolicy
from reviews.notifications.selectors import notification_submitted_as
from reviews.notifications.steps import STATUS_ORDER, STEPS, StepSpec, next_step
from reviews.rapid_review.models import ReviewStatus
from reviews.rapid_review.selectors import last_signature_date, missing_signers, missing_signers_text, rapid_review_for
from reviews.rapid_review.services import close_unanswered_requests

MAX_CHILDREN = 4


@dataclass
class ChildAnswer:
    reference: str
    age_years: int | None
    sex: str
    ethnicity: str
    looked_after: bool
    home_area: str = ""  # the partnership's area when not given (default_home_area)
    known_to: list[Member] = field(default_factory=list)
    age_months: int | None = None
    disability: str = YesNoUnknown.UNKNOWN
    plan: str = Plan.UNKNOWN
    known_to_agency: str = YesNoUnknown.UNKNOWN
    placement_type: str = ""  # for a looked-after child
    care_leaver: bool = False
    resident_authority: str = ""  # when not the notifying local authority


# ----------------------------------------------------------------------------------------------
# Validation shared by the question pages, the API and the service itself


def check_incident_dates(errors: Errors, *, incident_date, aware_date) -> None:
    """Both dates have happened, and the incident was not after the local authority knew of it
    (the table of lscp.dates)."""
    dates.add_refusals(
        errors,
        "notification",
        {"incident_date": incident_date, "aware_date": aware_date},
        changed={"incident_date", "aware_date"},
    )


def check_child(child: ChildAnswer, *, partnership: Partnership) -> Errors:
    errors = Errors()
    if not (child.reference or "").strip():
        errors.add("reference", "Enter the child's case reference, for example Child Q")
    if child.age_years is None:
        errors.add("age_years", "Enter the child's age in years (0 for a baby under one)")
    elif child.care_leaver and not 0 <= child.age_years <= CARE_LEAVER_MAX_AGE:
        errors.add("age_years", f"A care leaver's age must be between 0 and {CARE_LEAVER_MAX_AGE}")
    elif not child.care_leaver and not 0 <= child.age_years <= 17:
        errors.add(
            "age_years", f"A child's age must be between 0 and 17 (up to {CARE_LEAVER_MAX_AGE} for a care leaver)"
        )
    if child.age_months is not None and (child.age_years != 0 or not 0 <= child.age_months <= 11):
        errors.add("age_months", "Give months only for a baby under one, from 0 to 11")
    if child.sex not in Sex.values:
        errors.add("sex", "Choose the child's sex")
    if child.ethnicity not in dict(ETHNICITY_CHOICES):
        errors.add("ethnicity", "Choose the child's ethnicity, or not known")
    if child.looked_after not in (True, False):
        errors.add("looked_after", "Say whether the child is looked after")
    if not (child.home_area or "").strip():
        errors.add("home_area", "Enter the child's home area")
    for name, value, choices, words in (
        ("disability", child.disability, YesNoUnknown.values, "Say whether the child has a disability, or not known"),
        ("plan", child.plan, Plan.values, "Say whether the child had a child in need or child protection plan"),
        ("known_to_agency", child.known_to_agency, YesNoUnknown.values, "Say whether any agency knew the child"),
    ):
        if value not in choices:
            errors.add(name, words)
    if child.known_to and child.known_to_agency == YesNoUnknown.NO:
        errors.add("known_to_agency", "Organisations are recorded as knowing the child: answer yes or not known")
    if child.placement_type and child.placement_type not in Placement.values:
        errors.add("placement_type", "Choose the placement type")
    elif child.placement_type and child.looked_after is False:
        errors.add("placement_type", "Give a placement type only for a looked-after child")
    if child.care_leaver not in (True, False):
        errors.add("care_leaver", "Say whether the child is a care leaver")
    elif child.care_leaver and child.looked_after is True:
        errors.add("care_leaver", "A care leaver is no longer looked after: answer one or the other")
    if any(member.partnership_id != partnership.pk for member in child.known_to):
        errors.add("known_to", "Choose organisations that are members of this partnership")
    return errors


def check_children(errors: Errors, children: list[ChildAnswer], *, partnership: Partnership) -> None:
    if not children:
        errors.add("children", "Add at least one child")
        return
    if len(children) > MAX_CHILDREN:
        errors.add(
            "children",
            f"A notification can cover up to {MAX_CHILDREN} children: describe the others under "
            "'other children involved'",
        )
        return
    for index, child in enumerate(children, start=1):
        for field_name, problems in check_child(child, partnership=partnership).by_field.items():
            for problem in problems:
                errors.add("children", f"Child {index}, {field_name.replace('_', ' ')}: {problem}")
    references = [c.reference.strip().lower() for c in children]
    if len(set(references)) != len(references):
        errors.add("children", "Each child needs a different case reference")


def check_notifier(errors: Errors, ctx: TenantContext, *, pathway: str, notifying_member: Member | None) -> None:
    if pathway not in Pathway.values:
        errors.add("pathway", "Choose the pathway")
    if notifying_member is None or notifying_member.partnership_id != ctx.partnership.pk:
        errors.add("notifying_member", f"Choose an organisation that is a member of {ctx.partnership.name}")
        return
    if ctx.role == Role.AGENCY_LEAD and notifying_member.pk != (ctx.member.pk if ctx.member else None):
        errors.add("notifying_member", f"You can notify only on behalf of {ctx.organisation}")
    if pathway == Pathway.MANDATORY and notifying_member.statutory_role != StatutoryRole.COUNCIL:
        errors.add(
            "pathway",
            f"The mandatory notification is the local authority's: {notifying_member} can notify through the "
            "member organisation pathway",
        )


def check_submission(
    ctx: TenantContext,
    *,
    pathway: str,
    notifying_member: Member | None,
    notifier_name: str,
    notifier_email: str,
    incident_date: dt.date | None,
    aware_date: dt.date | None,
    location: str,
    nature: str,
    abuse_or_neglect: str,
    children: list[ChildAnswer],
    summary: str,
    other_children: str = "",
) -> None:
    """Every problem with a submission at once, by field (a ValidationError), or None."""
    errors = Errors()
    check_notifier(errors, ctx, pathway=pathway, notifying_member=notifying_member)
    if not (notifier_name or "").strip():
        errors.add("notifier_name", "Enter the name of the person notifying")
    if not (notifier_email or "").strip():
        errors.add("notifier_email", "Enter an email address to contact them")
    if incident_date is None:
        errors.add("incident_date", "Enter the date of the incident")
    if aware_date is None:
        errors.add("aware_date", "Enter the date the local authority became aware")
    check_incident_dates(errors, incident_date=incident_date, aware_date=aware_date)
    for name, value, choices in (
        ("location", location, Location.values),
        ("nature", nature, Nature.values),
        ("abuse_or_neglect", abuse_or_neglect, AbuseOrNeglect.values),
    ):
        if value not in choices:
            errors.add(name, f"Choose the {name.replace('_', ' ')}")
    check_children(errors, children, partnership=ctx.partnership)
    if not (summary or "").strip():
        errors.add("summary", "Enter a summary of what happened")
    errors.raise_if_any()


# ----------------------------------------------------------------------------------------------
# Submission defaults: what a page offers first and what the API assumes when it is not sent


def default_notifying_member(ctx: TenantContext) -> Member | None:
    """An agency lead notifies for their own organisation."""
    return ctx.member if ctx.role == Role.AGENCY_LEAD else None


def pathways_for(ctx: TenantContext) -> list[str]:
    """The pathways this person may notify through (check_notifier's rule): an agency lead notifies
    for their own organisation, so the local authority's mandatory pathway is theirs only when that
    organisation is the local authority."""
    if ctx.role == Role.AGENCY_LEAD and (ctx.member is None or ctx.member.statutory_role != StatutoryRole.COUNCIL):
        return [Pathway.AGENCY]
    return list(Pathway.values)


def default_home_area(ctx: TenantContext) -> str:
    """A child's home area, unless said otherwise: the partnership's area."""
    return ctx.partnership.area


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
    nature: str,
    abuse_or_neglect: str,
    children: list[ChildAnswer],
    summary: str,
    other_children: str = "",
    notifier_role: str = "",
    notifier_phone: str = "",
    incident_time: dt.time | None = None,
    received_on: dt.date | None = None,
) -> Notification:
    """Record a serious-incident notification. The same submission_key twice from the same person
    (a double-clicked submit, a retried request) returns the first notification and records
    nothing more; a key is the submitter's own (see selectors.notification_submitted_as).
    What is not given takes the submission defaults: an agency lead's own organisation, the
    submitter's name and email, the partnership's area as a child's home area."""
    NotificationPolicy.require(ctx, "submit")
    submission_key = (submission_key or "").strip()
    if not submission_key:
        raise ValidationError({"submission_key": ["A submission key is required"]})
    existing = notification_submitted_as(ctx, submission_key)
    if existing is not None:
        return existing
    for child in children:
        child.home_area = (child.home_area or "").strip() or default_home_area(ctx)
    answers = dict(
        pathway=pathway,
        notifying_member=notifying_member or default_notifying_member(ctx),
        notifier_name=(notifier_name or "").strip() or ctx.user.get_full_name(),
        notifier_email=(notifier_email or "").strip() or ctx.user.email,
        incident_date=incident_date,
        aware_date=aware_date,
        location=location,
        nature=nature,
        abuse_or_neglect=abuse_or_neglect,
        summary=(summary or "").strip(),
        other_children=(other_children or "").strip(),
    )
    check_submission(ctx, children=children, **answers)
    received_on = received_on or timezone.localdate()
    notification = Notification(
        partnership=ctx.partnership,
        submission_key=submission_key,
        reference=_next_reference(ctx.partnership, received_on.year),
        notifier_role=(notifier_role or "").strip(),
        notifier_phone=(notifier_phone or "").strip(),
        submitted_by=ctx.user,
        submitted_at=timezone.now(),
        received_on=received_on,
        incident_time=incident_time,
        **answers,
    )
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:  # the same submission, committed by a concurrent request
        existing = notification_submitted_as(ctx, submission_key)
        if existing is None:  # theirs, but no longer theirs to see
            raise ValidationError({"submission_key": ["You used this key before: send a new one"]}) from None
        return existing
    _submitted(ctx, notification, children)
    return notification


def _submitted(ctx: TenantContext, notification: Notification, children: list[ChildAnswer]) -> None:
    """A new notification's children, who may see it, its log entry, clocks and email."""
    involved = {notification.notifying_member_id: notification.notifying_member}
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
            home_area=answer.home_area,
            disability=answer.disability,
            plan=answer.plan,
            # Organisations recorded as knowing the child: known to an agency.
            known_to_agency=YesNoUnknown.YES if answer.known_to else answer.known_to_agency,
            placement_type=answer.placement_type or "",
            care_leaver=answer.care_leaver,
            resident_authority=(answer.resident_authority or "").strip(),
        )
        child.known_to.set(answer.known_to)
        involved.update({member.pk: member for member in answer.known_to})
    grant(notification, involved.values(), VIEW_PERM)
    activity.record(
        ctx,
        event="notification.submitted",
        obj=notification,
        changes={
            "pathway": {"old": None, "new": notification.pathway},
            "notifying_member": {"old": None, "new": str(notification.notifying_member)},
            "children": {"old": None, "new": len(children)},
            "criteria": {"old": None, "new": evaluate(notification).result},
        },
    )
    deadlines.refresh(notification)
    subject, body = message(
        "notification_received",
        partnership=ctx.partnership,
        notification=notification,
        link=link("notification-detail", ctx.partnership.slug, notification.pk),
    )
    to = Recipients(ctx.partnership).business_unit()
    if to:
        outbox.enqueue(
            partnership=ctx.partnership,
            key=f"notification:{notification.pk}:received",
            to=to,
            subject=subject,
            body=body,
            about=notification,
        )


# ----------------------------------------------------------------------------------------------
# The criteria decision and the case officer


def _locked(ctx: TenantContext, notification: Notification, expected_version: int | None = None) -> Notification:
    locked = Notification.objects.for_partnership(ctx.partnership).select_for_update().get(pk=notification.pk)
    check_version(locked, expected_version, what=locked.reference)
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
        raise ValidationError({"rationale": ["Give the reason for overriding this service's evaluation"]})
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
    notification.bump_version()
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
    ctx: TenantContext,
    notification: Notification,
    *,
    case_officer: Membership | None,
    expected_version: int | None = None,
) -> Notification:
    NotificationPolicy.require(ctx, "manage", notification)
    notification = _locked(ctx, notification, expected_version)
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
    notification.bump_version()
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


def step_refusal(notification: Notification, spec: StepSpec) -> str | None:
    """Why this step cannot be recorded now, or None if it can."""
    if spec.key == "sos_ofsted_notified" and not notification.is_care_leaver_death:
        return (
            f"'{spec.label}' is the step for a care leaver's death only; {notification.reference} goes to the "
            "National Panel (the Secretary of State and Ofsted are recorded with that step where they are told)."
        )
    if spec.key != "sos_ofsted_notified" and notification.is_care_leaver_death:
        return (
            f"{notification.reference} is a care leaver's death: it is notified to the Secretary of State and Ofsted "
            "only, with no National Panel notification and no rapid review."
        )
    if notification.status != spec.from_status:
        if STATUS_ORDER.index(notification.status) >= STATUS_ORDER.index(spec.to_status):
            return f"'{spec.label}' is already recorded for {notification.reference}."
        expected = next_step(notification)
        return (
            f"'{spec.label}' can be recorded only after '{in_sentence(Status(spec.from_status).label)}'. "
            f"{notification.reference} is at '{notification.get_status_display().lower()}'"
            + (f": record '{in_sentence(expected.label)}' first." if expected else ".")
        )
    if spec.key == "panel_notified" and not notification.criteria_decision:
        return (
            f"The criteria decision for {notification.reference} is not yet decided: decide on the criteria "
            "(confirm or override this service's evaluation) before notifying the National Panel."
        )
    if spec.key == "panel_notified" and not notification.notifiable:
        return (
            f"{notification.reference} does not meet the criteria for notifying the National Panel. If it should be "
            "notified, first record a criteria decision overriding the evaluation, with the reason."
        )
    if spec.key == "rapid_review_started":
        needed, reason = rapid_review_reason(notification)
        if not needed:
            return f"{notification.reference}: {reason[0].lower()}{reason[1:]}."
    if spec.key == "rapid_review_completed":
        review = rapid_review_for(notification)
        if review is None or review.status == ReviewStatus.DRAFTING:
            return "The rapid review is complete when its outcome has been recorded and signed off by every safeguarding partner."
        missing = missing_signers(review)
        if missing:
            return missing_signers_text(missing)
    return None


def _who_died(notification: Notification) -> str:
    return "A looked-after child" if notification.is_lac_death else "A care leaver"


def _step_updates(notification: Notification, spec: StepSpec, on: dt.date | None, values: dict) -> dict:
    """The notification's fields this step sets, checked against the case's dates by the one
    table (lscp.dates; a ValidationError by input name, a warning until `confirm`)."""
    errors = Errors()
    errors.required(spec.date_input, on, name="The date")
    updates = {spec.date_field: on}
    inputs = {spec.date_field: spec.date_input}
    if spec.key == "panel_notified":
        updates["panel_reference"] = (values.get("panel_reference") or "").strip()
        if not updates["panel_reference"]:
            errors.add("panel_reference", "Enter the Panel's reference")
        if notification.tells_sos_and_ofsted:
            for name, label in (("sos_notified_on", "the Secretary of State"), ("ofsted_notified_on", "Ofsted")):
                updates[name] = values.get(name)
                if updates[name] is None:
                    errors.add(name, f"{_who_died(notification)} died: enter the date {label} was notified")
    if spec.key == "sos_ofsted_notified":
        updates["ofsted_notified_on"] = errors.required(
            "ofsted_notified_on", values.get("ofsted_notified_on"), name="The date Ofsted was notified"
        )
    if spec.key == "panel_responded":
        updates["panel_response"] = (values.get("response") or "").strip()
        if not updates["panel_response"]:
            errors.add("response", "Enter what the Panel said")
    dates.check(
        "notification",
        dates.notification_values(notification) | updates,
        changed={name for name in updates if name in dates.NOTIFICATION_DATES},
        inputs=inputs,
        confirmed=bool(values.get(dates.CONFIRM)),
        errors=errors,
    )
    return updates


@transaction.atomic
def record_step(
    ctx: TenantContext,
    notification: Notification,
    *,
    step: str,
    on: dt.date | None,
    expected_version: int | None = None,
    **values,
) -> Notification:
    """Record one statutory step (a key of steps.STEPS), only from the state before it. The
    rapid review's completion defaults to the day the last of the three partners signed."""
    spec = STEPS[step]
    NotificationPolicy.require(ctx, "manage", notification)
    notification = _locked(ctx, notification, expected_version)
    refusal = step_refusal(notification, spec)
    if refusal:
        raise StateError(refusal)
    if on is None and step == "rapid_review_completed":
        on = last_signature_date(rapid_review_for(notification))
    updates = _step_updates(notification, spec, on, values)
    before = activity.snapshot(notification, ["status", *updates])
    for name, value in updates.items():
        setattr(notification, name, value)
    notification.status = spec.to_status
    notification.bump_version()
    notification.save()
    activity.record(
        ctx,
        event=f"notification.{step}",
        obj=notification,
        changes=activity.changes_between(before, activity.snapshot(notification, ["status", *updates])),
    )
    deadlines.refresh(notification)
    if step == "rapid_review_completed":
        close_unanswered_requests(ctx, notification, on=notification.rapid_review_completed_on)
    return notification
