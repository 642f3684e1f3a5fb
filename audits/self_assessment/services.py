"""Writes for the standards framework, self-assessment cycles and returns, and their moderation.
Same rules as every service: permission first, ValidationError by field, StateError for the wrong
state (`return_refusal`, `moderation_refusal`), the activity log in the same transaction."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audits.self_assessment.models import (
    Cycle,
    CycleStandard,
    Framework,
    Grade,
    Moderation,
    ReturnStatus,
    SelfAssessment,
    Standard,
    StandardGrade,
)
from audits.self_assessment.permissions import SelfAssessmentPolicy
from lscp import activity, deadlines, outbox
from lscp.checks import Errors, format_date
from lscp.outbox import messages
from lscp.recipients import Recipients
from lscp.states import StateError, check_version
from lscp.tenancy import TenantContext
from partners.models import Member

# The standards organisations evidence under Section 11 / 157 / 175 (seed 004).
DEFAULT_STANDARDS = [
    (
        "Senior management commitment",
        "Senior managers are committed to the importance of safeguarding and promoting children's welfare.",
    ),
    (
        "Accountability",
        "There is a clear statement of the organisation's responsibilities and clear lines of accountability.",
    ),
    (
        "Service development",
        "Service development takes account of the need to safeguard children and is informed by their views.",
    ),
    (
        "Staff training",
        "Staff are trained in safeguarding and promoting the welfare of children, at the level their role needs.",
    ),
    ("Safer recruitment", "Safer recruitment practices, including checks on new staff and volunteers."),
    ("Inter-agency working", "Effective inter-agency working to safeguard and promote the welfare of children."),
    ("Information sharing", "Information is shared in line with the law and the partnership's procedures."),
    ("Working with individual children", "Children are listened to, and their wishes and feelings shape what is done."),
    ("Monitoring and inspection", "Arrangements are monitored, audited and inspected, and learning is acted on."),
]

ANSWERABLE = (ReturnStatus.NOT_STARTED, ReturnStatus.DRAFT)


def return_refusal(assessment: SelfAssessment) -> str | None:
    """Why the return cannot be answered (saved or submitted) now, or None if it can."""
    if assessment.status not in ANSWERABLE:
        return (
            f"{assessment.member}'s return was submitted on {assessment.submitted_on:%-d %B %Y}: "
            "it cannot be submitted or changed again."
        )
    return None


def moderation_refusal(assessment: SelfAssessment) -> str | None:
    """Why the return cannot be moderated now, or None if it can."""
    if assessment.status in ANSWERABLE:
        return f"{assessment.member}'s return has not been submitted yet, so it cannot be moderated."
    return None


# ----------------------------------------------------------------------------------------------
# The standards framework


@transaction.atomic
def standards_install_defaults(ctx: TenantContext, *, framework: str) -> list[Standard]:
    SelfAssessmentPolicy.require(ctx, "manage")
    existing = Standard.objects.for_partnership(ctx.partnership).filter(framework=framework)
    if existing.exists():
        return list(existing)
    created = [
        Standard.objects.for_partnership(ctx.partnership).create(
            partnership=ctx.partnership, framework=framework, number=number, title=title, description=description
        )
        for number, (title, description) in enumerate(DEFAULT_STANDARDS, start=1)
    ]
    activity.record(
        ctx,
        event="standards.installed",
        changes={"framework": {"old": None, "new": framework}, "standards": {"old": None, "new": len(created)}},
    )
    return created


STANDARD_FIELDS = ["framework", "number", "title", "description", "is_active"]


@transaction.atomic
def standard_save(
    ctx: TenantContext,
    standard: Standard | None = None,
    *,
    framework: str,
    number: int | None,
    title: str,
    description: str = "",
    is_active: bool = True,
) -> Standard:
    SelfAssessmentPolicy.require(ctx, "manage")
    errors = Errors()
    if framework not in Framework.values:
        errors.add("framework", "Choose the framework")
    if not isinstance(number, int) or number < 1:
        errors.add("number", "Enter the standard's number, from 1")
    if not (title or "").strip():
        errors.add("title", "Enter the standard")
    taken = Standard.objects.for_partnership(ctx.partnership).filter(framework=framework, number=number)
    if standard is not None:
        taken = taken.exclude(pk=standard.pk)
    if "number" not in errors and taken.exists():
        errors.add("number", f"Standard {number} already exists in this framework")
    errors.raise_if_any()
    before = activity.snapshot(standard, STANDARD_FIELDS) if standard else {}
    standard = standard or Standard(partnership=ctx.partnership)
    standard.framework, standard.number, standard.title = framework, number, title.strip()
    standard.description, standard.is_active = (description or "").strip(), is_active
    changes = activity.changes_between(before, activity.snapshot(standard, STANDARD_FIELDS))
    if standard.pk and not changes:
        return standard
    standard.save()
    activity.record(ctx, event="standard.saved", obj=standard, changes=changes)
    return standard


# ----------------------------------------------------------------------------------------------
# Cycles


def _check_cycle(ctx, *, name, framework, opens_on, due_on, members, standards) -> None:
    errors = Errors()
    if not (name or "").strip():
        errors.add("name", "Enter the cycle's name, like 'Section 11 audit 2026-27'")
    if framework not in Framework.values:
        errors.add("framework", "Choose the framework")
    elif not standards:
        errors.add("framework", "This framework has no standards yet: set them up first")
    if opens_on is None:
        errors.add("opens_on", "Enter the date the cycle opens")
    if due_on is None:
        errors.add("due_on", "Enter the date returns are due")
    elif opens_on and due_on <= opens_on:
        errors.add("due_on", "Returns must be due after the cycle opens")
    if not members:
        errors.add("members", "Choose the organisations taking part")
    elif any(m.partnership_id != ctx.partnership.pk for m in members):
        errors.add("members", "Choose organisations that are members of this partnership")
    elif former := [m for m in members if m.ended_on is not None]:
        errors.add("members", f"{former[0]} is no longer a member (it merged into another): choose today's members")
    errors.raise_if_any()


def _ask_for_return(ctx: TenantContext, assessment: SelfAssessment, recipients: Recipients) -> None:
    """Email the organisation's agency leads that its return is open (none: nobody to tell)."""
    leads = recipients.agency_leads(assessment.member_id)
    if not leads:
        return
    subject, body = messages.message(
        "self_assessment_opened",
        partnership=ctx.partnership,
        cycle=assessment.cycle,
        member=assessment.member,
        due_on=assessment.cycle.due_on,
        link=messages.link("self-assessment-detail", ctx.partnership.slug, assessment.pk),
    )
    outbox.enqueue(
        partnership=ctx.partnership,
        key=f"self-assessment:{assessment.pk}:opened",
        to=leads,
        subject=subject,
        body=body,
        about=assessment,
    )


@transaction.atomic
def cycle_create(
    ctx: TenantContext,
    *,
    name: str,
    framework: str,
    opens_on: dt.date | None,
    due_on: dt.date | None,
    members: list[Member],
) -> Cycle:
    """Open a cycle: each organisation gets a return against a copy of today's standards, and its
    agency leads an email; each return runs a clock to the due date."""
    SelfAssessmentPolicy.require(ctx, "manage")
    standards = list(Standard.objects.for_partnership(ctx.partnership).filter(framework=framework, is_active=True))
    _check_cycle(
        ctx, name=name, framework=framework, opens_on=opens_on, due_on=due_on, members=members, standards=standards
    )
    cycle = Cycle.objects.for_partnership(ctx.partnership).create(
        partnership=ctx.partnership, name=name.strip(), framework=framework, opens_on=opens_on, due_on=due_on
    )
    copies = CycleStandard.objects.for_partnership(ctx.partnership).bulk_create(
        [
            CycleStandard(
                partnership=ctx.partnership, cycle=cycle, number=s.number, title=s.title, description=s.description
            )
            for s in standards
        ]
    )
    recipients = Recipients(ctx.partnership)
    for member in members:
        assessment = SelfAssessment.objects.for_partnership(ctx.partnership).create(
            partnership=ctx.partnership, cycle=cycle, member=member
        )
        StandardGrade.objects.for_partnership(ctx.partnership).bulk_create(
            [
                StandardGrade(partnership=ctx.partnership, assessment=assessment, standard=standard)
                for standard in copies
            ]
        )
        deadlines.refresh(assessment)
        _ask_for_return(ctx, assessment, recipients)
    activity.record(
        ctx,
        event="self_assessment_cycle.opened",
        obj=cycle,
        changes={"organisations": {"old": None, "new": len(members)}, "standards": {"old": None, "new": len(copies)}},
    )
    return cycle


# ----------------------------------------------------------------------------------------------
# Returns


def _locked_return(ctx: TenantContext, assessment: SelfAssessment) -> SelfAssessment:
    return SelfAssessment.objects.for_partnership(ctx.partnership).select_for_update().get(pk=assessment.pk)


def _check_grades(errors: Errors, rows: dict[int, StandardGrade], grades: dict[int, dict], *, submit: bool) -> None:
    """Each grade red, amber or green; submitting needs every standard graded, with evidence, and
    improvement actions for red and amber."""
    for grade_id, values in grades.items():
        row = rows.get(grade_id)
        if row is None:
            raise ValidationError({"grades": ["A grade for a standard that is not in this return"]})
        number = row.standard.number
        grade = (values.get("grade") or "").strip().lower()
        if grade and grade not in Grade.values:
            errors.add(
                f"grade_{grade_id}",
                f"Standard {number}: the grade must be red, amber or green, not '{values.get('grade')}'",
            )
        if not submit:
            continue
        if not grade:
            errors.add(f"grade_{grade_id}", f"Standard {number}: choose red, amber or green")
        elif not (values.get("evidence") or "").strip():
            errors.add(f"evidence_{grade_id}", f"Standard {number}: give the evidence for the grade")
        if grade in (Grade.RED, Grade.AMBER) and not (values.get("improvement_actions") or "").strip():
            errors.add(f"improvement_actions_{grade_id}", f"Standard {number}: say what will improve it")
    if submit:
        for grade_id, row in rows.items():
            if grade_id not in grades and not row.grade:
                errors.add(f"grade_{grade_id}", f"Standard {row.standard.number}: choose red, amber or green")


def _received_on(errors: Errors, assessment: SelfAssessment, answering: str, received_on: dt.date | None) -> dt.date:
    """The date the return counts as submitted: today for the organisation's own; for one the
    business unit records, the date it was received (today or in the past, not before the cycle
    opened)."""
    today = timezone.localdate()
    if answering == SelfAssessmentPolicy.OWN:
        if received_on is not None:
            errors.add("received_on", "Only the business unit records the date a return was received")
        return today
    received_on = received_on or today
    errors.date_not_in_future("received_on", received_on, name="The date received")
    if received_on <= today:
        opened = assessment.cycle.opens_on
        if received_on < opened:
            errors.add("received_on", f"The date received cannot be before the cycle opened ({format_date(opened)})")
    return received_on


def _apply_grades(rows: dict[int, StandardGrade], grades: dict[int, dict]) -> int:
    """Save the grades that changed; how many did."""
    changed = 0
    for grade_id, values in grades.items():
        row = rows[grade_id]
        new = (
            (values.get("grade") or "").strip().lower(),
            (values.get("evidence") or "").strip(),
            (values.get("improvement_actions") or "").strip(),
        )
        if (row.grade, row.evidence, row.improvement_actions) != new:
            row.grade, row.evidence, row.improvement_actions = new
            row.save(update_fields=["grade", "evidence", "improvement_actions"])
            changed += 1
    return changed


@transaction.atomic
def return_save(
    ctx: TenantContext,
    assessment: SelfAssessment,
    *,
    grades: dict[int, dict],
    submit: bool = False,
    version: int | None = None,
    received_on: dt.date | None = None,
) -> SelfAssessment:
    """An organisation's grades, evidence and improvement actions; saved as a draft or submitted.
    `grades` maps each StandardGrade id to {"grade", "evidence", "improvement_actions"}.

    The organisation's agency lead submits it (dated today); or the business unit records a
    return the organisation sent in, submitted as of `received_on` (today if not given), which
    its clock is then measured against."""
    SelfAssessmentPolicy.require(ctx, "answer", assessment)
    answering = SelfAssessmentPolicy.answering_as(ctx, assessment)
    assessment = _locked_return(ctx, assessment)
    refusal = return_refusal(assessment)
    if refusal:
        raise StateError(refusal)
    check_version(assessment, version, what="This return")
    rows = {g.pk: g for g in assessment.grades.select_related("standard")}
    errors = Errors()
    _check_grades(errors, rows, grades, submit=submit)
    received_on = _received_on(errors, assessment, answering, received_on)
    errors.raise_if_any()
    changed = _apply_grades(rows, grades)
    before = assessment.status
    if submit:
        assessment.status, assessment.submitted_by, assessment.submitted_on = (
            ReturnStatus.SUBMITTED,
            ctx.user,
            received_on,
        )
        assessment.recorded_for_organisation = answering == SelfAssessmentPolicy.FOR_ORGANISATION
    elif assessment.status == ReturnStatus.NOT_STARTED:
        assessment.status = ReturnStatus.DRAFT
    assessment.bump_version()
    assessment.save()
    received = (
        {"received from the organisation on": {"old": None, "new": received_on}}
        if submit and assessment.recorded_for_organisation
        else {}
    )
    activity.record(
        ctx,
        event="self_assessment.submitted" if submit else "self_assessment.draft_saved",
        obj=assessment,
        changes={
            "status": {"old": before, "new": assessment.status},
            "standards changed": {"old": None, "new": changed},
            **received,
        },
    )
    deadlines.refresh(assessment)
    return assessment


def _check_decisions(rows: dict[int, StandardGrade], decisions: dict[int, dict]) -> None:
    errors = Errors()
    for grade_id, row in rows.items():
        decision = decisions.get(grade_id) or {}
        moderation = decision.get("moderation") or ""
        number = row.standard.number
        if moderation not in Moderation.values:
            errors.add(f"moderation_{grade_id}", f"Standard {number}: agree the grade or challenge it")
        elif moderation == Moderation.CHALLENGED:
            if not (decision.get("comment") or "").strip():
                errors.add(f"comment_{grade_id}", f"Standard {number}: say why the grade is challenged")
            if (decision.get("agreed_grade") or "") not in Grade.values:
                errors.add(
                    f"agreed_grade_{grade_id}", f"Standard {number}: the agreed grade must be red, amber or green"
                )
    errors.raise_if_any()


@transaction.atomic
def return_moderate(ctx: TenantContext, assessment: SelfAssessment, *, decisions: dict[int, dict]) -> SelfAssessment:
    """The business unit agrees each grade, or challenges it with a comment and an agreed grade."""
    SelfAssessmentPolicy.require(ctx, "moderate", assessment)
    assessment = _locked_return(ctx, assessment)
    refusal = moderation_refusal(assessment)
    if refusal:
        raise StateError(refusal)
    rows = {g.pk: g for g in assessment.grades.select_related("standard")}
    _check_decisions(rows, decisions)
    challenged = 0
    for grade_id, row in rows.items():
        decision = decisions[grade_id]
        row.moderation = decision["moderation"]
        is_challenged = row.moderation == Moderation.CHALLENGED
        row.moderation_comment = (decision.get("comment") or "").strip() if is_challenged else ""
        row.agreed_grade = decision["agreed_grade"] if is_challenged else ""
        challenged += is_challenged
        row.save(update_fields=["moderation", "moderation_comment", "agreed_grade"])
    assessment.status, assessment.moderated_by, assessment.moderated_on = (
        ReturnStatus.MODERATED,
        ctx.user,
        timezone.localdate(),
    )
    assessment.bump_version()
    assessment.save()
    activity.record(
        ctx,
        event="self_assessment.moderated",
        obj=assessment,
        changes={
            "challenged": {"old": None, "new": challenged},
            "agreed": {"old": None, "new": len(rows) - challenged},
        },
    )
    return assessment
