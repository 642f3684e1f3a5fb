"""Writes for audits, self-assessments, the dataset, the challenge log and the annual report's
narrative. Same rules as every service: permission first, ValidationError by field, StateError
for the wrong state, the activity log in the same transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from audits.models import (
    FINANCIAL_YEARS,
    AnnualReport,
    Audit,
    AuditKind,
    AuditStatus,
    Challenge,
    ChallengeStatus,
    Cycle,
    CycleStandard,
    Direction,
    Framework,
    Grade,
    Indicator,
    IndicatorValue,
    Moderation,
    Priority,
    RaisedBy,
    ReturnStatus,
    SelfAssessment,
    Standard,
    StandardGrade,
    Unit,
    quarter_dates,
    quarter_label,
)
from audits.permissions import AnnualReportPolicy, AuditPolicy, ChallengePolicy, DatasetPolicy, SelfAssessmentPolicy
from lscp import activity, deadlines, outbox, spreadsheets
from lscp.roles import Role
from lscp.states import StaleVersion, StateError
from lscp.tenancy import TenantContext
from partners.models import Member, Membership

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


def _errors() -> dict[str, list[str]]:
    return {}


def _check_quarter(year_start, quarter, errors, *, field="quarter", allow_future=True):
    if not isinstance(year_start, int) or year_start not in FINANCIAL_YEARS:
        errors["year_start"] = ["Enter the financial year, like 2026 for 2026-27"]
        return
    if quarter not in (1, 2, 3, 4):
        errors[field] = ["The quarter must be Q1, Q2, Q3 or Q4"]
        return
    if not allow_future and quarter_dates(year_start, quarter)[0] > timezone.localdate():
        errors[field] = [f"{quarter_label(year_start, quarter)} has not started yet"]


# ----------------------------------------------------------------------------------------------
# Priorities and the audit programme


@transaction.atomic
def priority_create(ctx: TenantContext, *, name: str, description: str = "") -> Priority:
    AuditPolicy.require(ctx, "manage")
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": ["Enter the priority"]})
    if Priority.objects.for_partnership(ctx.partnership).filter(name__iexact=name).exists():
        raise ValidationError({"name": ["The partnership already has this priority"]})
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


def _check_audit(ctx, values: dict, audit: Audit | None) -> dict[str, list[str]]:
    errors = _errors()
    if not (values.get("title") or "").strip():
        errors["title"] = ["Enter the audit's title"]
    if values.get("kind") not in AuditKind.values:
        errors["kind"] = ["Choose the kind of audit"]
    _check_quarter(values.get("year_start"), values.get("quarter"), errors)
    for name in ("priority", "lead_member", "re_audit_of"):
        value = values.get(name)
        if value is not None and value.partnership_id != ctx.partnership.pk:
            errors[name] = ["Choose one of this partnership's"]
    for member in values.get("participants") or []:
        if member.partnership_id != ctx.partnership.pk:
            errors["participants"] = ["Choose organisations that are members of this partnership"]
    earlier = values.get("re_audit_of")
    if earlier is not None and "year_start" not in errors and "quarter" not in errors:
        if audit is not None and earlier.pk == audit.pk:
            errors["re_audit_of"] = ["An audit cannot re-audit itself"]
        elif (earlier.year_start, earlier.quarter) >= (values["year_start"], values["quarter"]):
            errors["re_audit_of"] = [f"A re-audit comes after the audit it revisits ({earlier.quarter_label})"]
    status = values.get("status", AuditStatus.PLANNED)
    if status not in AuditStatus.values:
        errors["status"] = ["Choose the status"]
    if status == AuditStatus.COMPLETE:
        if not (values.get("findings") or "").strip():
            errors["findings"] = ["Record the findings before marking the audit complete"]
        if values.get("completed_on") is None:
            errors["completed_on"] = ["Enter the date the audit was completed"]
    completed_on = values.get("completed_on")
    if completed_on is not None and completed_on > timezone.localdate():
        errors["completed_on"] = ["The completion date must be today or in the past"]
    return errors


@transaction.atomic
def audit_save(
    ctx: TenantContext, audit: Audit | None = None, *, expected_version: int | None = None, **values
) -> Audit:
    """Plan an audit, or change one (its status, findings and what was done about them)."""
    AuditPolicy.require(ctx, "manage", audit)
    if audit is not None:
        audit = Audit.objects.for_partnership(ctx.partnership).select_for_update().get(pk=audit.pk)
        if expected_version is not None and audit.version != expected_version:
            raise StaleVersion(
                "This audit was changed by someone else while you were editing it, so your changes have not been "
                "saved. Your input is below: check the audit as it is now, then save again.",
                version=audit.version,
            )
        values = {**{name: getattr(audit, name) for name in AUDIT_FIELDS}, **values}
    errors = _check_audit(ctx, values, audit)
    if errors:
        raise ValidationError(errors)
    participants = values.pop("participants", None)
    before = activity.snapshot(audit, AUDIT_FIELDS) if audit else {}
    if audit is None:
        audit = Audit(partnership=ctx.partnership, version=0)
    for name in AUDIT_FIELDS:
        if name in values:
            value = values[name]
            setattr(audit, name, value.strip() if isinstance(value, str) else value)
    changes = activity.changes_between(before, activity.snapshot(audit, AUDIT_FIELDS))
    if participants is not None:
        old = sorted(str(m) for m in audit.participants.all()) if audit.pk else []
        new = sorted(str(m) for m in participants)
        if old != new:
            changes["participants"] = {"old": old, "new": new}
    if audit.pk and not changes:
        return audit
    audit.version += 1
    audit.save()
    if participants is not None:
        audit.participants.set(participants)
    activity.record(ctx, event="audit.planned" if not before else "audit.changed", obj=audit, changes=changes)
    return audit


# ----------------------------------------------------------------------------------------------
# The standards framework and self-assessment cycles


@transaction.atomic
def install_default_standards(ctx: TenantContext, framework: str) -> list[Standard]:
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
    errors = _errors()
    if framework not in Framework.values:
        errors["framework"] = ["Choose the framework"]
    if not isinstance(number, int) or number < 1:
        errors["number"] = ["Enter the standard's number, from 1"]
    if not (title or "").strip():
        errors["title"] = ["Enter the standard"]
    taken = Standard.objects.for_partnership(ctx.partnership).filter(framework=framework, number=number)
    if standard is not None:
        taken = taken.exclude(pk=standard.pk)
    if "number" not in errors and taken.exists():
        errors["number"] = [f"Standard {number} already exists in this framework"]
    if errors:
        raise ValidationError(errors)
    fields = ["framework", "number", "title", "description", "is_active"]
    before = activity.snapshot(standard, fields) if standard else {}
    standard = standard or Standard(partnership=ctx.partnership)
    standard.framework, standard.number, standard.title = framework, number, title.strip()
    standard.description, standard.is_active = (description or "").strip(), is_active
    changes = activity.changes_between(before, activity.snapshot(standard, fields))
    if standard.pk and not changes:
        return standard
    standard.save()
    activity.record(ctx, event="standard.saved", obj=standard, changes=changes)
    return standard


def _agency_leads(partnership, member) -> list[str]:
    return sorted(
        {
            m.person.email
            for m in Membership.objects.for_partnership(partnership)
            .filter(role=Role.AGENCY_LEAD, member=member, is_active=True)
            .select_related("person")
            if m.person.email
        }
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
    errors = _errors()
    if not (name or "").strip():
        errors["name"] = ["Enter the cycle's name, like 'Section 11 audit 2026-27'"]
    if framework not in Framework.values:
        errors["framework"] = ["Choose the framework"]
    if opens_on is None:
        errors["opens_on"] = ["Enter the date the cycle opens"]
    if due_on is None:
        errors["due_on"] = ["Enter the date returns are due"]
    elif opens_on and due_on <= opens_on:
        errors["due_on"] = ["Returns must be due after the cycle opens"]
    if not members:
        errors["members"] = ["Choose the organisations taking part"]
    elif any(m.partnership_id != ctx.partnership.pk for m in members):
        errors["members"] = ["Choose organisations that are members of this partnership"]
    standards = list(Standard.objects.for_partnership(ctx.partnership).filter(framework=framework, is_active=True))
    if framework in Framework.values and not standards:
        errors["framework"] = ["This framework has no standards yet: set them up first"]
    if errors:
        raise ValidationError(errors)
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
        leads = _agency_leads(ctx.partnership, member)
        if leads:
            link = settings.LSCP_BASE_URL.rstrip("/") + reverse(
                "self-assessment-detail", args=[ctx.partnership.slug, assessment.pk]
            )
            outbox.enqueue(
                partnership=ctx.partnership,
                key=f"self-assessment:{assessment.pk}:opened",
                to=leads,
                subject=f"[{ctx.partnership.name}] {cycle.name}: {member}'s self-assessment is due {due_on:%a %-d %b %Y}",
                body=f"Grade {member} red, amber or green against each standard, with evidence and improvement actions.\n\n"
                f"Open the return here: {link}\n",
                about=assessment,
            )
    activity.record(
        ctx,
        event="self_assessment_cycle.opened",
        obj=cycle,
        changes={"organisations": {"old": None, "new": len(members)}, "standards": {"old": None, "new": len(copies)}},
    )
    return cycle


@transaction.atomic
def return_save(
    ctx: TenantContext,
    assessment: SelfAssessment,
    *,
    grades: dict[int, dict],
    submit: bool = False,
    expected_version: int | None = None,
    received_on: dt.date | None = None,
) -> SelfAssessment:
    """An organisation's grades, evidence and improvement actions; saved as a draft or submitted.
    `grades` maps each StandardGrade id to {"grade", "evidence", "improvement_actions"}.

    The organisation's agency lead submits it (dated today); or the business unit records a
    return the organisation sent in, submitted as of `received_on` (today if not given), which
    its clock is then measured against."""
    SelfAssessmentPolicy.require(ctx, "answer", assessment)
    answering = SelfAssessmentPolicy.answering_as(ctx, assessment)
    if answering is None:
        raise PermissionDenied(f"This return is {assessment.member}'s.")
    assessment = SelfAssessment.objects.for_partnership(ctx.partnership).select_for_update().get(pk=assessment.pk)
    if assessment.status in (ReturnStatus.SUBMITTED, ReturnStatus.MODERATED):
        raise StateError(
            f"{assessment.member}'s return was submitted on {assessment.submitted_on:%-d %B %Y}: it cannot be submitted or changed again."
        )
    if expected_version is not None and assessment.version != expected_version:
        raise StaleVersion(
            "This return was changed by someone else while you were editing it, so your changes have not been "
            "saved. Your input is below: check the return as it is now, then save again.",
            version=assessment.version,
        )
    rows = {g.pk: g for g in assessment.grades.select_related("standard")}
    errors = _errors()
    for grade_id, values in grades.items():
        row = rows.get(grade_id)
        if row is None:
            raise ValidationError({"grades": ["A grade for a standard that is not in this return"]})
        grade = (values.get("grade") or "").strip().lower()
        if grade and grade not in Grade.values:
            errors[f"grade_{grade_id}"] = [
                f"Standard {row.standard.number}: the grade must be red, amber or green, not '{values.get('grade')}'"
            ]
        if submit and not grade:
            errors[f"grade_{grade_id}"] = [f"Standard {row.standard.number}: choose red, amber or green"]
        if submit and grade and not (values.get("evidence") or "").strip():
            errors[f"evidence_{grade_id}"] = [f"Standard {row.standard.number}: give the evidence for the grade"]
        if submit and grade in (Grade.RED, Grade.AMBER) and not (values.get("improvement_actions") or "").strip():
            errors[f"improvement_actions_{grade_id}"] = [f"Standard {row.standard.number}: say what will improve it"]
    if submit:
        for grade_id, row in rows.items():
            if grade_id not in grades and not row.grade:
                errors[f"grade_{grade_id}"] = [f"Standard {row.standard.number}: choose red, amber or green"]
    today = timezone.localdate()
    if answering == SelfAssessmentPolicy.OWN:
        if received_on is not None:
            errors["received_on"] = ["Only the business unit records the date a return was received"]
        received_on = today
    else:
        received_on = received_on or today
        opened = assessment.cycle.opens_on
        if received_on > today:
            errors["received_on"] = ["The date received must be today or in the past"]
        elif received_on < opened:
            errors["received_on"] = [
                f"The date received cannot be before the cycle opened ({opened.day} {opened:%B %Y})"
            ]
    if errors:
        raise ValidationError(errors)
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
    assessment.version += 1
    assessment.save()
    activity.record(
        ctx,
        event="self_assessment.submitted" if submit else "self_assessment.draft_saved",
        obj=assessment,
        changes={
            "status": {"old": before, "new": assessment.status},
            "standards changed": {"old": None, "new": changed},
            **(
                {"received from the organisation on": {"old": None, "new": received_on}}
                if submit and assessment.recorded_for_organisation
                else {}
            ),
        },
    )
    deadlines.refresh(assessment)
    return assessment


@transaction.atomic
def moderate(ctx: TenantContext, assessment: SelfAssessment, *, decisions: dict[int, dict]) -> SelfAssessment:
    """The business unit agrees each grade, or challenges it with a comment and an agreed grade."""
    SelfAssessmentPolicy.require(ctx, "moderate", assessment)
    assessment = SelfAssessment.objects.for_partnership(ctx.partnership).select_for_update().get(pk=assessment.pk)
    if assessment.status not in (ReturnStatus.SUBMITTED, ReturnStatus.MODERATED):
        raise StateError(f"{assessment.member}'s return has not been submitted yet, so it cannot be moderated.")
    rows = {g.pk: g for g in assessment.grades.select_related("standard")}
    errors = _errors()
    for grade_id, row in rows.items():
        decision = decisions.get(grade_id) or {}
        moderation = decision.get("moderation") or ""
        if moderation not in Moderation.values:
            errors[f"moderation_{grade_id}"] = [f"Standard {row.standard.number}: agree the grade or challenge it"]
        elif moderation == Moderation.CHALLENGED:
            if not (decision.get("comment") or "").strip():
                errors[f"comment_{grade_id}"] = [f"Standard {row.standard.number}: say why the grade is challenged"]
            if (decision.get("agreed_grade") or "") not in Grade.values:
                errors[f"agreed_grade_{grade_id}"] = [
                    f"Standard {row.standard.number}: the agreed grade must be red, amber or green"
                ]
    if errors:
        raise ValidationError(errors)
    challenged = 0
    for grade_id, row in rows.items():
        decision = decisions[grade_id]
        row.moderation = decision["moderation"]
        row.moderation_comment = (
            (decision.get("comment") or "").strip() if row.moderation == Moderation.CHALLENGED else ""
        )
        row.agreed_grade = decision["agreed_grade"] if row.moderation == Moderation.CHALLENGED else ""
        challenged += row.moderation == Moderation.CHALLENGED
        row.save(update_fields=["moderation", "moderation_comment", "agreed_grade"])
    assessment.status, assessment.moderated_by, assessment.moderated_on = (
        ReturnStatus.MODERATED,
        ctx.user,
        timezone.localdate(),
    )
    assessment.version += 1
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


# ----------------------------------------------------------------------------------------------
# The multi-agency dataset

INDICATOR_FIELDS = ["name", "unit", "priority", "reporting_member", "description", "direction", "is_active"]
# The largest value an indicator holds (the column has 12 digits, 2 after the point).
VALUE_LIMIT = Decimal("9999999999.99")


@transaction.atomic
def indicator_save(
    ctx: TenantContext, indicator: Indicator | None = None, *, expected_version: int | None = None, **values
) -> Indicator:
    """Add an indicator to the dataset, or change one (only the values given change). A stale
    `expected_version` is refused (someone else saved the indicator since it was read)."""
    DatasetPolicy.require(ctx, "manage", indicator)
    if indicator is not None:
        indicator = Indicator.objects.for_partnership(ctx.partnership).select_for_update().get(pk=indicator.pk)
        if expected_version is not None and indicator.version != expected_version:
            raise StaleVersion(
                "This indicator was changed by someone else while you were editing it, so your changes have not "
                "been saved. Check the indicator as it is now, then save again.",
                version=indicator.version,
            )
        values = {**{name: getattr(indicator, name) for name in INDICATOR_FIELDS}, **values}
    errors = _errors()
    name = " ".join((values.get("name") or "").split())
    if not name:
        errors["name"] = ["Enter the indicator's name"]
    elif len(name) > 200:
        errors["name"] = ["The name must be 200 characters or fewer"]
    elif (
        Indicator.objects.for_partnership(ctx.partnership)
        .filter(name__iexact=name)
        .exclude(pk=getattr(indicator, "pk", None))
        .exists()
    ):
        errors["name"] = ["The dataset already has an indicator with this name"]
    if values.get("unit") not in Unit.values:
        errors["unit"] = ["Choose what the indicator counts: a number, a per cent, a rate per 10,000 children or days"]
    values.setdefault("direction", Direction.NEITHER)
    if values.get("direction") not in Direction.values:
        errors["direction"] = ["Choose whether higher or lower is better, or neither"]
    member = values.get("reporting_member")
    if member is None or member.partnership_id != ctx.partnership.pk:
        errors["reporting_member"] = ["Choose the member organisation that reports it"]
    priority = values.get("priority")
    if priority is not None and priority.partnership_id != ctx.partnership.pk:
        errors["priority"] = ["Choose one of the partnership's priorities"]
    if errors:
        raise ValidationError(errors)
    before = activity.snapshot(indicator, INDICATOR_FIELDS) if indicator else {}
    indicator = indicator or Indicator(partnership=ctx.partnership, version=0)
    values["name"] = name
    values["description"] = (values.get("description") or "").strip()
    values["is_active"] = bool(values.get("is_active", True))
    for field in INDICATOR_FIELDS:
        if field in values:
            setattr(indicator, field, values[field])
    changes = activity.changes_between(before, activity.snapshot(indicator, INDICATOR_FIELDS))
    if indicator.pk and not changes:
        return indicator
    indicator.version += 1
    indicator.save()
    activity.record(ctx, event="indicator.added" if not before else "indicator.changed", obj=indicator, changes=changes)
    return indicator


def _value(raw) -> Decimal:
    """A value as typed or as a spreadsheet cell: a number, with at most 2 decimal places."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueError("Enter the value, as a number like 41.5")
    if isinstance(raw, bool):
        raise ValueError(f"'{raw}' is not a number")
    text = repr(raw) if isinstance(raw, float) else str(raw)
    text = text.strip().replace(",", "").removesuffix("%").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"'{raw}' is not a number: enter a number like 41.5") from None
    if not value.is_finite():
        raise ValueError(f"'{raw}' is not a number: enter a number like 41.5")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"'{raw}' has more than 2 decimal places")
    if abs(value) > VALUE_LIMIT:
        raise ValueError(f"'{raw}' is too large for an indicator")
    return value.quantize(Decimal("0.01"))


class ValueOutcome:
    ADDED = "added"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


def _set_value(
    ctx: TenantContext, indicator: Indicator, *, year_start, quarter, value, note: str = ""
) -> tuple[IndicatorValue, str]:
    DatasetPolicy.require(ctx, "manage", indicator)
    if indicator.partnership_id != ctx.partnership.pk:
        raise Http404("No such record")
    errors = _errors()
    _check_quarter(year_start, quarter, errors, allow_future=False)
    try:
        amount = _value(value)
    except ValueError as error:
        errors["value"] = [str(error)]
    note = (note or "").strip()
    if len(note) > 300:
        errors["note"] = ["The note must be 300 characters or fewer"]
    if errors:
        raise ValidationError(errors)
    row = (
        IndicatorValue.objects.for_partnership(ctx.partnership)
        .select_for_update()
        .filter(indicator=indicator, year_start=year_start, quarter=quarter)
        .first()
    )
    old = row.value if row else None
    if row is None:
        row = IndicatorValue(
            partnership=ctx.partnership,
            indicator=indicator,
            year_start=year_start,
            quarter=quarter,
            entered_by=ctx.user,
        )
    elif row.value == amount and row.note == note:
        return row, ValueOutcome.UNCHANGED
    outcome = ValueOutcome.ADDED if row.pk is None else ValueOutcome.CHANGED
    row.value, row.note, row.entered_by = amount, note, ctx.user
    row.save()
    changes = {quarter_label(year_start, quarter): {"old": old, "new": amount}}
    if note:
        changes["note"] = {"old": None, "new": note}
    activity.record(ctx, event="indicator.value_set", obj=indicator, changes=changes)
    return row, outcome


@transaction.atomic
def value_set(
    ctx: TenantContext, indicator: Indicator, *, year_start: int, quarter: int, value, note: str = ""
) -> IndicatorValue:
    """Enter or correct one quarter's value. A quarter that does not exist or has not started yet
    is refused; entering the value already held changes nothing."""
    row, _ = _set_value(ctx, indicator, year_start=year_start, quarter=quarter, value=value, note=note)
    return row


def _parse_year(raw) -> int:
    text = (repr(raw) if isinstance(raw, float) else str(raw or "")).strip().replace("/", "-")
    try:
        if "-" in text:
            first, second = text.split("-", 1)
            start = int(first)
            if len(second) not in (2, 4) or int(second) % 100 != (start + 1) % 100:
                raise ValueError
        else:
            number = Decimal(text)
            if number != number.to_integral_value():
                raise ValueError
            start = int(number)
    except (ValueError, InvalidOperation):
        raise ValueError(f"'{raw}' is not a financial year: write it like 2026-27") from None
    if start not in FINANCIAL_YEARS:
        raise ValueError(f"'{raw}' is not a financial year the dataset holds: write it like 2026-27")
    return start


def _parse_quarter(raw) -> int:
    text = (repr(raw) if isinstance(raw, float) else str(raw or "")).strip().upper().removeprefix("Q")
    try:
        quarter = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"'{raw}' is not a quarter: write Q1, Q2, Q3 or Q4") from None
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"'{raw}' is not a quarter: write Q1, Q2, Q3 or Q4")
    return int(quarter)


def _parse_value(raw) -> Decimal | None:
    """A blank value is a quarter not reported yet (a row of the template left empty): skipped."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return _value(raw)


DATASET_COLUMNS = [
    spreadsheets.Column("Indicator", "indicator"),
    spreadsheets.Column("Year", "year_start", parse=_parse_year),
    spreadsheets.Column("Quarter", "quarter", parse=_parse_quarter),
    spreadsheets.Column("Value", "value", parse=_parse_value),
    spreadsheets.Column(
        "Note", "note", parse=lambda v: spreadsheets.parse_text(v, required=False, max_length=300), required=False
    ),
]


@dataclass(frozen=True)
class ImportResult:
    rows: int
    added: int
    changed: int
    unchanged: int
    skipped: int  # rows without a value


def _row_number(message: str) -> int:
    return int(message.split(",")[0].split(":")[0].removeprefix("Row "))


@transaction.atomic
def import_values(ctx: TenantContext, upload) -> ImportResult:
    """Load a spreadsheet of quarterly values: every row, or none (each problem by row and column).
    Unknown indicators, quarters that do not exist or have not started, and the same indicator
    and quarter twice are refused. A row with no value (a quarter not reported yet in the
    template) is skipped."""
    DatasetPolicy.require(ctx, "manage")
    try:
        rows, problems = spreadsheets.read_xlsx(upload, DATASET_COLUMNS, max_rows=5000)
    except spreadsheets.SpreadsheetError as error:
        raise ValidationError({"spreadsheet": [str(error)]}) from None
    indicators = {i.name.lower(): i for i in Indicator.objects.for_partnership(ctx.partnership)}
    messages = [str(p) for p in problems]
    today = timezone.localdate()
    seen: dict[tuple[str, int, int], int] = {}
    for row in rows:
        name = " ".join(row["indicator"].split()).lower() if "indicator" in row else None
        if name is not None and name not in indicators:
            messages.append(f"Row {row['_row']}, Indicator: '{row['indicator']}' is not an indicator of the dataset")
        if "year_start" not in row or "quarter" not in row:
            continue
        label = quarter_label(row["year_start"], row["quarter"])
        if quarter_dates(row["year_start"], row["quarter"])[0] > today:
            messages.append(f"Row {row['_row']}, Quarter: {label} has not started yet")
        elif name in indicators and row.get("value") is not None:
            key = (name, row["year_start"], row["quarter"])
            if key in seen:
                messages.append(f"Row {row['_row']}: {label} for this indicator is already on row {seen[key]}")
            seen.setdefault(key, row["_row"])
    if messages:
        raise ValidationError({"spreadsheet": sorted(messages, key=_row_number)})
    filled = [row for row in rows if row["value"] is not None]
    if not filled:
        raise ValidationError({"spreadsheet": ["The spreadsheet has no values to load: fill in the Value column"]})
    outcomes = [
        _set_value(
            ctx,
            indicators[" ".join(row["indicator"].split()).lower()],
            year_start=row["year_start"],
            quarter=row["quarter"],
            value=row["value"],
            note=row.get("note") or "",
        )[1]
        for row in filled
    ]
    return ImportResult(
        rows=len(rows),
        added=outcomes.count(ValueOutcome.ADDED),
        changed=outcomes.count(ValueOutcome.CHANGED),
        unchanged=outcomes.count(ValueOutcome.UNCHANGED),
        skipped=len(rows) - len(filled),
    )


# ----------------------------------------------------------------------------------------------
# The challenge log


@transaction.atomic
def challenge_log(
    ctx: TenantContext,
    *,
    raised_on: dt.date | None,
    raised_by: str,
    raised_by_name: str,
    to_member: Member | None,
    subject: str,
    challenge: str,
    raised_at=None,
) -> Challenge:
    """Record a challenge: when, by whom (at which meeting, when raised at one), to which member
    organisation, and what it asks."""
    ChallengePolicy.require(ctx, "manage")
    errors = _errors()
    if raised_on is None:
        errors["raised_on"] = ["Enter the date the challenge was raised"]
    elif raised_on > timezone.localdate():
        errors["raised_on"] = ["The date must be today or in the past"]
    if raised_by not in RaisedBy.values:
        errors["raised_by"] = ["Choose who raised it"]
    if not (raised_by_name or "").strip():
        errors["raised_by_name"] = ["Enter who raised it"]
    elif len(raised_by_name.strip()) > 200:
        errors["raised_by_name"] = ["Who raised it must be 200 characters or fewer"]
    if to_member is None or to_member.partnership_id != ctx.partnership.pk:
        errors["to_member"] = ["Choose the member organisation challenged"]
    if not (subject or "").strip():
        errors["subject"] = ["Enter what the challenge is about"]
    elif len(subject.strip()) > 200:
        errors["subject"] = ["What it is about must be 200 characters or fewer"]
    if not (challenge or "").strip():
        errors["challenge"] = ["Enter the challenge"]
    if raised_at is not None and raised_at.partnership_id != ctx.partnership.pk:
        errors["raised_at"] = ["Choose one of this partnership's groups"]
    elif raised_at is None and raised_by == RaisedBy.MEETING:
        errors["raised_at"] = ["Choose the meeting (the group) it was raised at"]
    if errors:
        raise ValidationError(errors)
    record = Challenge.objects.for_partnership(ctx.partnership).create(
        partnership=ctx.partnership,
        raised_on=raised_on,
        raised_by=raised_by,
        raised_by_name=raised_by_name.strip(),
        to_member=to_member,
        subject=subject.strip(),
        challenge=challenge.strip(),
        raised_at=raised_at,
    )
    activity.record(
        ctx,
        event="challenge.logged",
        obj=record,
        changes=activity.created(record, ["raised_on", "subject", "to_member", "raised_by", "raised_at"]),
    )
    return record


@transaction.atomic
def challenge_respond(
    ctx: TenantContext,
    record: Challenge,
    *,
    response: str,
    responded_on: dt.date | None,
    outcome: str = "",
    close: bool = False,
) -> Challenge:
    """Record the response (and its outcome), or correct it; closing needs the outcome. A closed
    challenge is evidence and is not changed again."""
    ChallengePolicy.require(ctx, "manage", record)
    record = Challenge.objects.for_partnership(ctx.partnership).select_for_update().get(pk=record.pk)
    if record.status == ChallengeStatus.CLOSED:
        raise StateError(f"The challenge '{record.subject}' is closed, so its response cannot be changed.")
    errors = _errors()
    if not (response or "").strip():
        errors["response"] = ["Enter the response"]
    if responded_on is None:
        errors["responded_on"] = ["Enter the date of the response"]
    elif responded_on < record.raised_on:
        errors["responded_on"] = [
            f"The response cannot come before the challenge was raised ({record.raised_on:%-d %B %Y})"
        ]
    elif responded_on > timezone.localdate():
        errors["responded_on"] = ["The date must be today or in the past"]
    if close and not (outcome or "").strip():
        errors["outcome"] = ["Record the outcome before closing the challenge"]
    if errors:
        raise ValidationError(errors)
    fields = ["response", "responded_on", "outcome", "status"]
    before = activity.snapshot(record, fields)
    record.response, record.responded_on, record.outcome = response.strip(), responded_on, (outcome or "").strip()
    record.status = ChallengeStatus.CLOSED if close else ChallengeStatus.RESPONDED
    changes = activity.changes_between(before, activity.snapshot(record, fields))
    if not changes:
        return record
    record.save()
    activity.record(ctx, event="challenge.closed" if close else "challenge.responded", obj=record, changes=changes)
    return record


# ----------------------------------------------------------------------------------------------
# The annual report's narrative

NARRATIVE_FIELDS = [
    "title",
    "period_start",
    "period_end",
    "foreword",
    "arrangements",
    "reviews_narrative",
    "learning_narrative",
    "audit_narrative",
    "scrutiny_narrative",
    "priorities_ahead",
]


def twelve_months_from(start: dt.date) -> dt.date:
    """The last day of the 12 months starting on `start` (1 April 2025 -> 31 March 2026)."""
    from dateutil.relativedelta import relativedelta

    return start + relativedelta(years=1) - dt.timedelta(days=1)


@transaction.atomic
def annual_report_save(
    ctx: TenantContext, report: AnnualReport | None = None, *, expected_version: int | None = None, **values
) -> AnnualReport:
    """Start an annual report for a 12-month period, or change its title, period or narrative
    (only the values given change). A stale `expected_version` is refused (someone else saved
    in between), so one person's text never silently replaces another's."""
    AnnualReportPolicy.require(ctx, "manage", report)
    if report is not None:
        report = AnnualReport.objects.for_partnership(ctx.partnership).select_for_update().get(pk=report.pk)
        if expected_version is not None and report.version != expected_version:
            raise StateError(
                "The report was changed by someone else while you were editing it: your text is below, check and save again."
            )
        values = {**{name: getattr(report, name) for name in NARRATIVE_FIELDS}, **values}
    errors = _errors()
    start, end = values.get("period_start"), values.get("period_end")
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = ["Enter the report's title"]
    elif len(title) > 200:
        errors["title"] = ["The title must be 200 characters or fewer"]
    if start is None:
        errors["period_start"] = ["Enter the first day of the period"]
    elif start.year not in FINANCIAL_YEARS:
        errors["period_start"] = [
            f"The period must start between {FINANCIAL_YEARS[0]} and {FINANCIAL_YEARS[-1]}, the years the records hold"
        ]
    if end is None:
        errors["period_end"] = ["Enter the last day of the period"]
    if "period_start" not in errors and start and end and end != twelve_months_from(start):
        errors["period_end"] = [
            f"The period is 12 months: starting on {start:%-d %B %Y}, it ends on {twelve_months_from(start):%-d %B %Y}"
        ]
    if errors:
        raise ValidationError(errors)
    before = activity.snapshot(report, NARRATIVE_FIELDS) if report else {}
    report = report or AnnualReport(partnership=ctx.partnership, version=0)
    for field in NARRATIVE_FIELDS:
        if field in values:
            value = values[field]
            setattr(report, field, value.strip() if isinstance(value, str) else (value or ""))
    changes = activity.changes_between(before, activity.snapshot(report, NARRATIVE_FIELDS))
    if report.pk and not changes:
        return report
    report.version += 1
    report.save()
    # The narrative's words are not copied into the log: the log says which sections changed.
    shown = {"title", "period_start", "period_end"}
    activity.record(
        ctx,
        event="annual_report.started" if not before else "annual_report.saved",
        obj=report,
        changes={k: v if k in shown else {"old": None, "new": "changed"} for k, v in changes.items()},
    )
    return report
