"""API for annual reports, through the same services and policies as the pages.

- `annual-reports/`: list, create, retrieve, PATCH (send the `version` you read: a stale one is
  409), and GET `annual-reports/<id>/pdf/`, the PDF assembled from the records (logged).
"""

from __future__ import annotations

import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import renderers, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from audits.annual_report import selectors, services
from audits.annual_report.models import AnnualReport
from audits.annual_report.permissions import AnnualReportPolicy
from lscp.api import TenantViewSet
from lscp.pdf import pdf_response


class AnnualReportOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    foreword = serializers.CharField(allow_blank=True)
    arrangements = serializers.CharField(allow_blank=True)
    reviews_narrative = serializers.CharField(allow_blank=True)
    learning_narrative = serializers.CharField(allow_blank=True)
    audit_narrative = serializers.CharField(allow_blank=True)
    scrutiny_narrative = serializers.CharField(allow_blank=True)
    priorities_ahead = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(help_text="Send it back with a change: a stale one is refused (409)")


NARRATIVE_NAMES = [name for name in services.NARRATIVE_FIELDS if name not in ("title", "period_start", "period_end")]


class AnnualReportIn(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    period_start = serializers.DateField()
    period_end = serializers.DateField(help_text="12 months after period_start, less a day")

    def __init__(self, *args, partial_update: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in NARRATIVE_NAMES:
            self.fields[name] = serializers.CharField(required=False, allow_blank=True)
        if partial_update:
            for field in self.fields.values():
                field.required = False
            self.fields["version"] = serializers.IntegerField(
                required=False, help_text="The version you read: a stale one is refused (409)"
            )


class PdfRenderer(renderers.BaseRenderer):
    """Lets a client ask for application/pdf; errors are still JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else json.dumps(data).encode()


@extend_schema_view(
    create=extend_schema(request=AnnualReportIn, responses={201: AnnualReportOut}),
    partial_update=extend_schema(request=AnnualReportIn, responses={200: AnnualReportOut, 409: None}),
    pdf=extend_schema(
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The annual report")},
    ),
)
class AnnualReportViewSet(TenantViewSet):
    """Annual reports: their period and narrative; the PDF adds the figures for the period."""

    model = AnnualReport
    policy = AnnualReportPolicy
    action_permissions = {
        "list": "view",
        "retrieve": "view",
        "create": "manage",
        "partial_update": "manage",
        "pdf": "view",
    }
    input_serializers = {"create": AnnualReportIn, "partial_update": AnnualReportIn}
    serializer_class = AnnualReportOut

    def tenant_queryset(self):
        return super().tenant_queryset().order_by("-period_start", "-pk")

    def create(self, request, *args, **kwargs):
        data = AnnualReportIn(data=request.data)
        data.is_valid(raise_exception=True)
        annual_report = services.annual_report_save(self.ctx, **data.validated_data)
        return Response(AnnualReportOut(annual_report).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        annual_report = self.get_object()
        data = AnnualReportIn(data=request.data, partial_update=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = values.pop("version", None)
        annual_report = services.annual_report_save(self.ctx, annual_report, version=version, **values)
        return Response(AnnualReportOut(annual_report).data)

    @action(detail=True, methods=["get"], renderer_classes=[renderers.JSONRenderer, PdfRenderer])
    def pdf(self, request, *args, **kwargs):
        annual_report = self.get_object()
        data = selectors.annual_report_pdf(self.ctx, annual_report)
        return pdf_response(data, selectors.pdf_filename(self.ctx, annual_report))
