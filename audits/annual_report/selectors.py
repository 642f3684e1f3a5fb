"""The yearly report (Working Together 2023; the annual report before it): its figures assembled
from the records for its 12-month period, section by section, beside the narrative the business
unit writes, the independent scrutineer's commentary and the lead safeguarding partners'
signatures (from the documents register, governance/). Nothing here is stored: each download
computes the figures again from the records.

`annual_report_context(ctx, report)` builds the whole PDF's context from `SECTIONS`, one small
function per section. A section is one line there: its heading, the report's narrative field
written for it, the function that computes its figures from the period and the template that
shows them (under templates/pdf/annual_report/). Another section is added with one line in the
place it belongs in the report.

`annual_report_pdf(ctx, report)` renders it and logs the download.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone

from audits.annual_report.models import AnnualReport
from audits.annual_report.permissions import AnnualReportPolicy
from audits.challenges.selectors import challenge_summary
from audits.dashboard.selectors import actions_by_organisation, timeliness
from audits.dataset.selectors import dataset_for_period
from audits.programme.models import Audit, AuditStatus
from audits.programme.selectors import audit_coverage, percent
from audits.quarters import quarter_of
from audits.self_assessment.models import Cycle
from audits.self_assessment.selectors import heatmap
from funding import selectors as funding_selectors
from funding.models import FinancialYear
from funding.years import label_for
from governance import selectors as governance_selectors
from lscp import activity, pdf
from lscp.roles import Role
from lscp.tenancy import TenantContext
from partners.models import GovernanceGroup, GroupMember, GroupRole, Member, MemberKind, Membership
from reviews.action_plans import selectors as plan_selectors
from reviews.action_plans.models import DONE_STATUSES, Action, ActionPlan, PlanStatus
from reviews.models import Lcspr, Notification, Pathway


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def dates(self) -> tuple[dt.date, dt.date]:
        return (self.start, self.end)

    @property
    def label(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"

    @property
    def financial_years(self) -> list[int]:
        """The starting years of the financial years (April to March) the period overlaps."""
        return list(range(quarter_of(self.start)[0], quarter_of(self.end)[0] + 1))

    @property
    def main_financial_year(self) -> int:
        """The financial year that holds most of the period: the one its middle day falls in."""
        return quarter_of(self.start + (self.end - self.start) / 2)[0]

    def contains(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.end


def financial_year_label(year_start: int) -> str:
    return f"{year_start}/{str(year_start + 1)[-2:]}"


# ----------------------------------------------------------------------------------------------
# One function per section: (ctx, period) -> the figures its template shows


def arrangements(ctx: TenantContext, period: Period) -> dict[str, Any]:
    """Members by kind (statutory partners with their delegated safeguarding partners, relevant agencies by
    sector) and the governance groups with their chairs. Four queries."""
    members = list(Member.objects.for_partnership(ctx.partnership).select_related("organisation"))
    leads = {
        m.member_id: m
        for m in Membership.objects.for_partnership(ctx.partnership)
        .filter(role=Role.DSP, is_active=True)
        .select_related("person")
        .order_by("pk")
    }
    statutory = sorted(
        (m for m in members if m.kind == MemberKind.STATUTORY_PARTNER), key=lambda m: m.get_statutory_role_display()
    )
    agencies = sorted(
        (m for m in members if m.kind == MemberKind.RELEVANT_AGENCY),
        key=lambda m: (m.organisation.get_sector_display(), m.organisation.name.lower()),
    )
    chairs = GroupMember.objects.for_partnership(ctx.partnership).filter(group_role=GroupRole.CHAIR)
    groups = list(
        GovernanceGroup.objects.for_partnership(ctx.partnership)
        .filter(is_active=True)
        .select_related("reports_to")
        .annotate(seat_count=Count("seats"))
        .prefetch_related(
            Prefetch("seats", queryset=chairs.select_related("membership__person"), to_attr="chair_seats")
        )
    )
    return {
        "statutory": [(m, leads.get(m.pk)) for m in statutory],
        "agencies": agencies,
        "agencies_by_sector": sorted(Counter(m.organisation.get_sector_display() for m in agencies).items()),
        "member_count": len(members),
        "groups": groups,
    }


def funding(ctx: TenantContext, period: Period) -> dict[str, Any]:
    """Each recorded financial year the period overlaps: contributions by sector, total income,
    and budget against actual spending (funding.selectors.year_summary). Four queries a year."""
    labels = [label_for(start) for start in period.financial_years]
    years = FinancialYear.objects.for_partnership(ctx.partnership).filter(label__in=labels).order_by("label")
    summaries = [funding_selectors.year_summary(ctx, year) for year in years]
    return {
        "years": [(summary, summary.sector_chart()) for summary in summaries],
        "missing": [label.replace("-", "/") for label in labels if label not in {y.label for y in years}],
    }


def reviews(ctx: TenantContext, period: Period) -> dict[str, Any]:
    """Notifications received, rapid reviews completed, LCSPRs commissioned and published in the
    period, and how timely each statutory clock due in the period was. Five queries, and one per
    kind of record the clocks belong to."""
    received = Notification.objects.for_partnership(ctx.partnership).filter(
        received_on__gte=period.start, received_on__lte=period.end
    )
    by_pathway = dict(received.values_list("pathway").annotate(n=Count("pk")).order_by())
    completed = (
        Notification.objects.for_partnership(ctx.partnership)
        .filter(rapid_review_completed_on__gte=period.start, rapid_review_completed_on__lte=period.end)
        .count()
    )
    lcsprs = Lcspr.objects.for_partnership(ctx.partnership).aggregate(
        commissioned=Count("pk", filter=Q(decision_date__gte=period.start, decision_date__lte=period.end)),
        published=Count("pk", filter=Q(published_on__gte=period.start, published_on__lte=period.end)),
    )
    return {
        "received": sum(by_pathway.values()),
        "by_pathway": [(label, by_pathway.get(value, 0)) for value, label in Pathway.choices],
        "rapid_reviews_completed": completed,
        "lcsprs_commissioned": lcsprs["commissioned"],
        "lcsprs_published": lcsprs["published"],
        "timeliness": timeliness(ctx, period=period.dates),
    }


def audits(ctx: TenantContext, period: Period) -> dict[str, Any]:
    """The audit programme of the financial year the period covers, the audits completed in the
    period, and the heatmap of the latest self-assessment cycle opened in the period."""
    year = period.main_financial_year
    completed = list(
        Audit.objects.for_partnership(ctx.partnership)
        .filter(status=AuditStatus.COMPLETE, completed_on__gte=period.start, completed_on__lte=period.end)
        .select_related("priority", "lead_member__organisation")
        .order_by("completed_on", "title")
    )
    cycle = (
        Cycle.objects.for_partnership(ctx.partnership)
        .filter(opens_on__gte=period.start, opens_on__lte=period.end)
        .order_by("-opens_on", "-id")
        .first()
    )
    heat = heatmap(ctx, cycle=cycle) if cycle else None
    return {
        "year_label": financial_year_label(year),
        "coverage": audit_coverage(ctx, year_start=year),
        "completed": completed,
        "heatmap": heat,
        "heatmap_counts": list(zip(heat.standards, heat.counts, strict=True)) if heat else [],
    }


def scrutiny(ctx: TenantContext, period: Period) -> dict[str, Any]:
    """The challenges raised in the period: how many are open, responded to and closed, and each
    one in the order raised, with its outcome. Two queries."""
    summary = challenge_summary(ctx, period=period.dates, recent=500)
    return {"challenges": summary, "in_order": list(reversed(summary.recent))}


def action_plans(ctx: TenantContext, period: Period) -> dict[str, Any]:
    """The action plans live at any time in the period: per plan, its actions due in the period and
    how many of those were done by their due date, and the actions completed in the period; then
    each plan's progress and the open and overdue actions by organisation as they stand today
    (RAG is worked out from today's clocks, never stored). Four queries and the calendar."""
    plans = list(
        ActionPlan.objects.for_partnership(ctx.partnership)
        .filter(status__in=[PlanStatus.LIVE, PlanStatus.CLOSED], live_on__lte=period.end)
        .exclude(closed_on__lt=period.start)
        .order_by("live_on", "pk")
    )
    done = Q(status__in=DONE_STATUSES)
    counts = {
        row["plan_id"]: row
        for row in Action.objects.for_partnership(ctx.partnership)
        .filter(plan__in=plans)
        .values("plan_id")
        .annotate(
            due=Count("pk", filter=Q(due_date__gte=period.start, due_date__lte=period.end)),
            due_done_on_time=Count(
                "pk",
                filter=Q(due_date__gte=period.start, due_date__lte=period.end)
                & done
                & Q(completed_on__lte=F("due_date")),
            ),
            completed=Count("pk", filter=done & Q(completed_on__gte=period.start, completed_on__lte=period.end)),
        )
        .order_by()
    }
    summaries = plan_selectors.plan_summaries(ctx, plans, plan_selectors.windows_for(ctx)) if plans else {}
    empty = {"due": 0, "due_done_on_time": 0, "completed": 0}
    rows = [(plan, counts.get(plan.pk, empty), summaries[plan.pk]) for plan in plans]
    due = sum(c["due"] for _, c, _ in rows)
    on_time = sum(c["due_done_on_time"] for _, c, _ in rows)
    return {
        "plans": rows,
        "due": due,
        "due_done_on_time": on_time,
        "percent_on_time": percent(on_time, due),
        "completed": sum(c["completed"] for _, c, _ in rows),
        "by_organisation": actions_by_organisation(ctx),
        "as_at": timezone.localdate(),
    }


def dataset(ctx: TenantContext, period: Period) -> dict[str, Any]:
    """Each indicator's value in each quarter of the period, and the change over it."""
    return {"dataset": dataset_for_period(ctx, period.dates)}


# ----------------------------------------------------------------------------------------------
# The report, section by section


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    narrative: str = ""  # the AnnualReport field the business unit writes for this section
    build: Callable[[TenantContext, Period], dict[str, Any]] | None = None
    template: str = ""  # shows what `build` returns (under templates/pdf/annual_report/)


SECTIONS: list[Section] = [
    Section("foreword", "Foreword", narrative="foreword"),
    Section(
        "arrangements", "Arrangements and partners", "arrangements", arrangements, "pdf/annual_report/arrangements.html"
    ),
    Section("funding", "Funding", build=funding, template="pdf/annual_report/funding.html"),
    Section("reviews", "Notifications and reviews", "reviews_narrative", reviews, "pdf/annual_report/reviews.html"),
    Section("review_impact", "Practice reviews: what was done and its impact", narrative="review_impact"),
    Section(
        "learning",
        "Learning and action plans",
        "learning_narrative",
        action_plans,
        "pdf/annual_report/action_plans.html",
    ),
    Section(
        "recommendations",
        "Decisions on local and national review recommendations",
        narrative="recommendation_decisions",
    ),
    Section("audits", "Audits and self-assessments", "audit_narrative", audits, "pdf/annual_report/audits.html"),
    Section("impact", "Evidence of impact", narrative="impact_evidence"),
    Section("little_progress", "Areas where there has been little progress", narrative="little_progress"),
    Section("voices", "How children's and families' views were used", narrative="children_views"),
    Section("scrutiny", "Challenge and scrutiny", "scrutiny_narrative", scrutiny, "pdf/annual_report/scrutiny.html"),
    Section("dataset", "The multi-agency dataset", build=dataset, template="pdf/annual_report/dataset.html"),
    Section("commentary", "The independent scrutineer's commentary", narrative="scrutineer_commentary"),
    Section("priorities", "Priorities for the year ahead", narrative="priorities_ahead"),
]


@dataclass
class ReportSection:
    key: str
    number: int
    heading: str
    narrative: str
    template: str
    data: dict[str, Any] = field(default_factory=dict)


def annual_report_context(ctx: TenantContext, report: AnnualReport) -> dict[str, Any]:
    """Everything the yearly report's PDF shows, computed from the records for its period. A
    section with neither narrative nor figures (an empty foreword) is left out."""
    AnnualReportPolicy.require(ctx, "view", report)
    period = Period(report.period_start, report.period_end)
    sections = []
    for section in SECTIONS:
        narrative = getattr(report, section.narrative) if section.narrative else ""
        if section.build is None and not narrative:
            continue
        sections.append(
            ReportSection(
                key=section.key,
                number=len(sections) + 1,
                heading=section.heading,
                narrative=narrative,
                template=section.template,
                data=section.build(ctx, period) if section.build else {},
            )
        )
    return {
        "partnership": ctx.partnership,
        "report": report,
        "period": period,
        "sections": sections,
        "sign_off": governance_selectors.yearly_report_sign_off(ctx, report),
    }


def annual_report_pdf(ctx: TenantContext, report: AnnualReport) -> bytes:
    """The yearly report as a PDF; each download is written to the activity log."""
    data = pdf.render_pdf("pdf/annual_report.html", annual_report_context(ctx, report))
    activity.record_view(ctx, report, event="annual_report.downloaded")
    return data


def pdf_filename(ctx: TenantContext, report: AnnualReport) -> str:
    return f"{ctx.partnership.slug}-yearly-report-{report.period_start:%Y-%m-%d}-to-{report.period_end:%Y-%m-%d}.pdf"
