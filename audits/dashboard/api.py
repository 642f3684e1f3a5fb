"""API for the dashboard's figures: what the page shows, from the same selector."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from audits.dashboard.permissions import DashboardPolicy
from audits.dashboard.selectors import figures
from lscp.api import SLUG_PARAMETER, TenantAPIMixin


def _decimal(value):
    """Figures travel as strings, as money does, so no consumer sees 54.300000000000004."""
    return None if value is None else str(value)


def dashboard_figures(ctx) -> dict:
    data = figures(ctx)
    return {
        "timeliness": [
            {
                "clock": t.kind,
                "label": t.label,
                "met": t.met,
                "on_time": t.on_time,
                "met_late": t.met_late,
                "open": t.open,
                "overdue": t.overdue,
                "percent_on_time": _decimal(t.percent_on_time),
                "median_working_days": _decimal(t.median_working_days),
                "late": [
                    {
                        "reference": late.reference,
                        "month": late.month,
                        "due_date": late.due_date,
                        "met_on": late.met_on,
                        "working_days_late": late.working_days_late,
                    }
                    for late in t.late
                ],
            }
            for t in data["timeliness"]
        ],
        "audits": {
            "year_start": data["coverage"].year_start,
            "total": data["coverage"].total,
            "complete": data["coverage"].complete,
            "quarters": [
                {"quarter": q.label, "planned": q.planned, "complete": q.complete, "cancelled": q.cancelled}
                for q in data["coverage"].quarters
            ],
            "priorities_covered": data["coverage"].priorities_covered,
            "priorities_not_covered": data["coverage"].priorities_not_covered,
        },
        "self_assessment": {
            "cycle": data["heatmap"].cycle.name if data["heatmap"].cycle else None,
            "standards": data["heatmap"].standards,
            "organisations": [
                {"organisation": row.organisation, "status": row.assessment.status, "grades": row.cells}
                for row in data["heatmap"].rows
            ],
        },
        "funding_by_sector": [
            {"sector": s.label, "amount": str(s.amount), "share": str(s.share)} for s in data["funding"]
        ]
        if data["funding"]
        else [],
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
    policy_actions = {"get": "view"}

    @extend_schema(parameters=[SLUG_PARAMETER], responses=dict)
    def get(self, request, *args, **kwargs):
        return Response(dashboard_figures(self.ctx))
