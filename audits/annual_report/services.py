"""Writes for the yearly report: a report started for a 12-month period, its title, period and
sections changed by the business unit, and the independent scrutineer's commentary, the one thing
a scrutineer writes. Same rules as every service: permission first, ValidationError by field, a
stale version refused (StaleVersion: the page keeps the text typed), the activity log in the same
transaction.

The lead safeguarding partners sign the report in the documents register (governance/): a change
to a report whose version is being signed withdraws the signatures given, and a published report
is changed only once a new version of it is started in the register."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db import transaction

from audits.annual_report.models import AnnualReport
from audits.annual_report.permissions import AnnualReportPolicy
from audits.changes import locked_with_values
from audits.quarters import FINANCIAL_YEARS
from governance import services as governance
from lscp import activity
from lscp.checks import Errors
from lscp.states import StateError
from lscp.tenancy import TenantContext

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
    "review_impact",
    "recommendation_decisions",
    "impact_evidence",
    "little_progress",
    "children_views",
]
# Shown in the activity log as they are; the narrative's words are not copied into it.
LOGGED_AS_IS = {"title", "period_start", "period_end"}


def twelve_months_from(start: dt.date) -> dt.date:
    """The last day of the 12 months starting on `start` (1 April 2025 -> 31 March 2026)."""
    return start + relativedelta(years=1) - dt.timedelta(days=1)


def _check_report(values: dict) -> None:
    errors = Errors()
    start, end = values.get("period_start"), values.get("period_end")
    errors.text("title", values.get("title"), name="The title", max_length=200, required=False)
    if not (values.get("title") or "").strip():
        errors.add("title", "Enter the report's title")
    if start is None:
        errors.add("period_start", "Enter the first day of the period")
    elif start.year not in FINANCIAL_YEARS:
        errors.add(
            "period_start",
            f"The period must start between {FINANCIAL_YEARS[0]} and {FINANCIAL_YEARS[-1]}, the years the records hold",
        )
    if end is None:
        errors.add("period_end", "Enter the last day of the period")
    if "period_start" not in errors and start and end and end != twelve_months_from(start):
        errors.add(
            "period_end",
            f"The period is 12 months: starting on {start:%-d %B %Y}, it ends on {twelve_months_from(start):%-d %B %Y}",
        )
    errors.raise_if_any()


@transaction.atomic
def annual_report_save(
    ctx: TenantContext, report: AnnualReport | None = None, *, version: int | None = None, **values
) -> AnnualReport:
    """Start a yearly report for a 12-month period, or change its title, period or narrative
    (only the values given change). A stale `version` is refused (someone else saved in between),
    so one person's text never silently replaces another's."""
    AnnualReportPolicy.require(ctx, "manage", report)
    if report is not None:
        _refuse_if_published(report)
        report, values = locked_with_values(
            ctx, report, version=version, what="The report", fields=NARRATIVE_FIELDS, values=values
        )
    _check_report(values)
    before = activity.snapshot(report, NARRATIVE_FIELDS) if report else {}
    report = report or AnnualReport(partnership=ctx.partnership, version=0)
    for field in NARRATIVE_FIELDS:
        if field in values:
            value = values[field]
            setattr(report, field, value.strip() if isinstance(value, str) else (value or ""))
    changes = activity.changes_between(before, activity.snapshot(report, NARRATIVE_FIELDS))
    if report.pk and not changes:
        return report
    report.bump_version()
    report.save()
    activity.record(
        ctx,
        event="annual_report.started" if not before else "annual_report.saved",
        obj=report,
        changes={k: v if k in LOGGED_AS_IS else {"old": None, "new": "changed"} for k, v in changes.items()},
    )
    if before:
        governance.yearly_report_changed(ctx, report)
    return report


def _refuse_if_published(report: AnnualReport) -> None:
    reason = governance.yearly_report_refusal(report)
    if reason:
        raise StateError(reason)


@transaction.atomic
def scrutineer_commentary_save(
    ctx: TenantContext, report: AnnualReport, *, commentary: str, version: int | None = None
) -> AnnualReport:
    """The independent scrutineer's commentary on the report (only the scrutineer writes it). Like
    any change to the report, it withdraws signatures given on the version being signed."""
    AnnualReportPolicy.require(ctx, "comment", report)
    _refuse_if_published(report)
    report, values = locked_with_values(
        ctx,
        report,
        version=version,
        what="The report",
        fields=["scrutineer_commentary"],
        values={"scrutineer_commentary": commentary},
    )
    errors = Errors()
    text = errors.text(
        "commentary", values["scrutineer_commentary"], name="The commentary", max_length=20000, required=False
    )
    errors.raise_if_any()
    if text == report.scrutineer_commentary:
        return report
    report.scrutineer_commentary = text
    report.bump_version()
    report.save(update_fields=["scrutineer_commentary", "version"])
    activity.record(
        ctx,
        event="annual_report.commentary_saved",
        obj=report,
        changes={"scrutineer_commentary": {"old": None, "new": "changed"}},
    )
    governance.yearly_report_changed(ctx, report)
    return report
