"""API for the dashboard's figures: what the page shows, from the same selector."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from audits.dashboard.permissions import DashboardPolicy
from audits.dashboard.selectors import figures, late_clocks, name_late
from lscp.api import TenantAPIMixin
from lscp.models import Deadline


def _decimal(value):
    """Figures travel as strings, as money does, so no consumer sees 54.300000000000004."""
    return None if value is None else str(value)


def _late(late) -> dict:
    return {
        "clock": late.kind,
        "label": late.label,
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
        "late_count": t.late,  # how many are late: the clocks are in "latest_late" and at "late_url"
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
        "late_count": data["late_count"],
        "latest_late": [_late(late) for late in data["late"]],
        "late_url": reverse("api-dashboard-late", args=[ctx.partnership.slug]),
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


class LateOut(serializers.Serializer):
    clock = serializers.CharField(source="kind", help_text="The clock's kind, e.g. lcspr_completion")
    label = serializers.CharField(help_text="The clock's label, e.g. 'Complete the LCSPR'")
    reference = serializers.CharField(help_text="The record: a case by its reference only")
    month = serializers.CharField(help_text="The month it was due, e.g. 'Dec 2026'")
    due_date = serializers.DateField()
    met_on = serializers.DateField(allow_null=True, help_text="Empty while still open")
    working_days_late = serializers.IntegerField(help_text="To the day it was met, or to today")


class LateClocksView(TenantAPIMixin, generics.ListAPIView):
    """Every late clock (met after its due date, or still open past it), latest due first, a page
    at a time: the dashboard's `latest_late` are the first of them."""

    policy = DashboardPolicy
    action_permissions = {"get": "view"}
    serializer_class = LateOut

    def tenant_queryset(self):
        return late_clocks(self.ctx)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Deadline.dangerously_unscoped.none()
        return self.tenant_queryset()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(LateOut(name_late(self.ctx, page), many=True).data)
