"""The scrutineer dashboard: every figure as a server-rendered chart beside the table it shows.
Read-only for everyone; no child details (cases are named by their reference only)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from audits.dashboard.permissions import DashboardPolicy
from audits.dashboard.selectors import figures, late_clocks, name_late
from lscp.charts import bar_chart, progress_chart, stacked_chart
from lscp.web.lists import paginate
from lscp.web.views import PartnershipPage

RAG_COLOURS = ["#d4351c", "#f47738", "#00703c", "#b1b4b6"]


def _percent(value: Decimal) -> str:
    return f"{value}%"


def _count(value: Decimal) -> str:
    return str(int(value))


def _heatmap_chart(heat):
    if not heat.cycle:
        return None
    return stacked_chart(
        [
            (
                standard,
                [Decimal(counts["red"]), Decimal(counts["amber"]), Decimal(counts["green"]), Decimal(counts[""])],
            )
            for standard, counts in zip(heat.standards, heat.counts, strict=True)
        ],
        series=["Red", "Amber", "Green", "Not graded"],
        colours=RAG_COLOURS,
        title=f"Grades by standard, {heat.cycle}",
        width=640,
    )


def _actions_chart(actions):
    if not actions:
        return None
    return progress_chart(
        [(row.organisation, Decimal(row.open), Decimal(row.overdue)) for row in actions if row.open],
        title="Open actions by organisation, and how many of them are overdue",
        planned_name="Open",
        done_name="Of which overdue",
        format_value=_count,
        width=640,
        done_colour="#d4351c",
        can_exceed=False,
    )


class DashboardView(PartnershipPage):
    template_name = "audits/dashboard.html"
    policy = DashboardPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = figures(self.ctx)
        timeliness, coverage = data["timeliness"], data["coverage"]
        context.update(data)
        context.update(
            today=timezone.localdate(),
            timeliness_chart=bar_chart(
                [(t.label, t.percent_on_time or Decimal(0)) for t in timeliness],
                title="Per cent of each clock met on time",
                format_value=_percent,
                width=640,
            ),
            coverage_chart=progress_chart(
                [(q.label.split(" (")[0], Decimal(q.planned), Decimal(q.complete)) for q in coverage.quarters],
                title=f"Audits planned and completed by quarter, {coverage.year_label}",
                planned_name="Planned",
                done_name="Completed",
                format_value=_count,
                can_exceed=False,
            ),
            heatmap_chart=_heatmap_chart(data["heatmap"]),
            actions_chart=_actions_chart(data["actions"]),
            funding_chart=data["funding_summary"].sector_chart() if data["funding_summary"] else None,
        )
        return context


class LateClocksView(PartnershipPage):
    """Every late clock (met after its due date, or open past it), latest due first, a page at a
    time: the dashboard shows the latest few and links here."""

    template_name = "audits/dashboard_late.html"
    policy = DashboardPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        page = paginate(self.request, late_clocks(self.ctx, today=today))
        context.update(page=page, late=name_late(self.ctx, page.object_list, today=today), today=today)
        return context
