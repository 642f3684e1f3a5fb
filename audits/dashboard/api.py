"""API for the dashboard's figures: what the page shows, from the same selector."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from audits.dashboard.permissions import DashboardPolicy
from audits.dashboard.selectors import figures
from lscp.api import TenantAPIMixin


def _decimal(value):
    """Figures travel as strings, as money does, so no consumer sees 54.300000000000004."""
    return None if value is None else str(value)


def _late(late) -> dict:
    return {
        "reference": late.reference,
        "month": late.month,
        "due_date": late.due_date,
        "met_on": late.met_on,
        "working_days_late": late.working_days_late,
    }


def _timeliness(t) -> dict:
    return {
        "clock": t.kind,
        "label": t.label,
        "met": t.met,
        "on_time": t.on_time,
        "met_late": t.met_late,
        "open": t.open,
        "overdue": t.overdue,
        "percent_on_time": _decimal(t.percent_on_time),
        "median_working_days": _decimal(t.median_working_days),
        "late": [_late(late) for late in t.late],
    }


def _coverage(coverage) -> dict:
    return {
        "year_start": coverage.year_start,
        "total": coverage.total,
        "complete": coverage.complete,
        "quarters": [
            {"quarter": q.label, "planned": q.planned, "complete": q.complete, "cancelled": q.cancelled}
            for q in coverage.quarters
        ],
        "priorities_covered": coverage.priorities_covered,
        "priorities_not_covered": coverage.priorities_not_covered,
    }


def _heatmap(heat) -> dict:
    return {
        "cycle": heat.cycle.name if heat.cycle else None,
        "standards": heat.standards,
        "organisations": [
            {"organisation": row.organisation, "status": row.assessment.status, "grades": row.cells}
            for row in heat.rows
        ],
    }


def dashboard_figures(ctx) -> dict:
    """The page's figures (audits.dashboard.selectors.figures) as JSON."""
    data = figures(ctx)
    return {
        "timeliness": [_timeliness(t) for t in data["timeliness"]],
        "audits": _coverage(data["coverage"]),
        "self_assessment": _heatmap(data["heatmap"]),
        "funding_by_sector": [
            {"sector": s.label, "amount": str(s.amount), "share": str(s.share)} for s in data["funding"] or []
        ],
        "funding_year": data["funding_year"],
        "actions_by_organisation": [
            {"organisation": row.organisation, "open": row.open, "overdue": row.overdue, "complete": row.complete}
            for row in data["actions"]
        ],
        "challenges": {
            "open": data["challenges"].open,
            "responded": data["challenges"].responded,
            "closed": data["challenges"].closed,
        },
        "as_of": timezone.localdate(),
    }


class DashboardView(TenantAPIMixin, APIView):
    """The scrutiny dashboard's figures: clocks' timeliness, audit coverage, the latest
    self-assessment heatmap, funding by sector and the challenge log. No child details."""

    policy = DashboardPolicy
    action_permissions = {"get": "view"}

    @extend_schema(responses=dict)
    def get(self, request, *args, **kwargs):
        return Response(dashboard_figures(self.ctx))
