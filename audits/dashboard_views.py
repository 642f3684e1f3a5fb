"""The scrutineer dashboard: every figure as a server-rendered chart beside the table it shows.
Read-only for everyone; no child details (cases are named by their reference only)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from audits import dashboard
from audits.permissions import DashboardPolicy
from lscp.charts import bar_chart, progress_chart, stacked_chart
from lscp.web.views import PartnershipPage

RAG_COLOURS = ["#d4351c", "#f47738", "#00703c", "#b1b4b6"]


def _percent(value: Decimal) -> str:
    return f"{value}%"


def _funding(ctx):
    """The latest financial year's contributions by sector (empty when no year is recorded)."""
    from funding.models import FinancialYear
    from funding.selectors import year_summary

    year = FinancialYear.objects.for_partnership(ctx.partnership).order_by("-label").first()
    if year is None:
        return None, None
    summary = year_summary(ctx, year)
    return summary, year.display


def figures(ctx) -> dict:
    """Everything the dashboard shows, for the page and the API alike."""
    year_start = dashboard.current_year_start()
    summary, funding_year = _funding(ctx)
    return {
        "timeliness": dashboard.timeliness(ctx),
        "coverage": dashboard.audit_coverage(ctx, year_start=year_start),
        "heatmap": dashboard.heatmap(ctx),
        "funding": summary.by_sector if summary else None,
        "funding_summary": summary,
        "funding_year": funding_year,
        "challenges": dashboard.challenges(ctx, recent=5),
        "actions": dashboard.actions_by_organisation(ctx),
    }


class DashboardView(PartnershipPage):
    template_name = "audits/dashboard.html"
    policy = DashboardPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = figures(self.ctx)
        timeliness = data["timeliness"]
        coverage = data["coverage"]
        heat = data["heatmap"]
        context.update(data)
        context.update(
            today=timezone.localdate(),
            late=[(t.label, late) for t in timeliness for late in t.late],
            timeliness_chart=bar_chart(
                [(t.label, t.percent_on_time or Decimal(0)) for t in timeliness],
                title="Per cent of each statutory clock met on time",
                format_value=_percent,
                width=640,
            ),
            coverage_chart=progress_chart(
                [(q.label.split(" (")[0], Decimal(q.planned), Decimal(q.complete)) for q in coverage.quarters],
                title=f"Audits planned and completed by quarter, {coverage.year_start}-{str(coverage.year_start + 1)[-2:]}",
                planned_name="Planned",
                done_name="Completed",
                format_value=lambda v: str(int(v)),
                can_exceed=False,
            ),
            heatmap_chart=stacked_chart(
                [
                    (
                        standard,
                        [
                            Decimal(counts["red"]),
                            Decimal(counts["amber"]),
                            Decimal(counts["green"]),
                            Decimal(counts[""]),
                        ],
                    )
                    for standard, counts in zip(heat.standards, heat.counts, strict=True)
                ],
                series=["Red", "Amber", "Green", "Not graded"],
                colours=RAG_COLOURS,
                title=f"Grades by standard, {heat.cycle}" if heat.cycle else "Grades by standard",
                width=640,
            )
            if heat.cycle
            else None,
            actions_chart=progress_chart(
                [(row.organisation, Decimal(row.open), Decimal(row.overdue)) for row in data["actions"] if row.open],
                title="Open actions by organisation, and how many of them are overdue",
                planned_name="Open",
                done_name="Of which overdue",
                format_value=lambda v: str(int(v)),
                width=640,
                done_colour="#d4351c",
                can_exceed=False,
            )
            if data["actions"]
            else None,
            funding_chart=data["funding_summary"].sector_chart() if data["funding_summary"] else None,
        )
        return context
