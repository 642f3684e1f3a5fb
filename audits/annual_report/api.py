"""API for yearly reports (Working Together 2023; the route keeps the annual report's name),
through the same services and policies as the pages.

- `annual-reports/`: list, create, retrieve, PATCH (send the `version` you read: a stale one is
  409; a published report is 409 until a new version is started in the register), and GET
  `annual-reports/<id>/pdf/`, the PDF assembled from the records (logged);
- `annual-reports/<id>/commentary/`: GET the independent scrutineer's commentary, POST to write it
  (the scrutineer's only write);
- each report says where its sign-off stands (`sign_off`: its entry in `governance-documents/`,
  the version's status and who has signed).
"""

from __future__ import annotations

import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import renderers, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from audits.annual_report import selectors, services
from audits.annual_report.models import AnnualReport
from audits.annual_report.permissions import AnnualReportPolicy
from governance import selectors as governance_selectors
from lscp.api import TenantViewSet
from lscp.pdf import pdf_response


class YearlyReportSignOffOut(serializers.Serializer):
    document = serializers.IntegerField(help_text="Its entry in governance-documents/")
    version = serializers.CharField(allow_null=True)
    status = serializers.CharField(allow_null=True)
    published_on = serializers.DateField(allow_null=True)
    signed_by = serializers.ListField(child=serializers.CharField())
    waiting_for = serializers.ListField(child=serializers.CharField())


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
    review_impact = serializers.CharField(allow_blank=True)
    recommendation_decisions = serializers.CharField(allow_blank=True)
    impact_evidence = serializers.CharField(allow_blank=True)
    little_progress = serializers.CharField(allow_blank=True)
    children_views = serializers.CharField(allow_blank=True)
    scrutineer_commentary = serializers.CharField(allow_blank=True, help_text="Written by the scrutineer alone")
    version = serializers.IntegerField(help_text="Send it back with a change: a stale one is refused (409)")


class AnnualReportDetailOut(AnnualReportOut):
    """One report, with where its sign-off stands (a few queries: the list leaves it out)."""

    sign_off = serializers.SerializerMethodField()

    @extend_schema_field(YearlyReportSignOffOut(allow_null=True))
    def get_sign_off(self, report):
        state = governance_selectors.yearly_report_sign_off(self.context["ctx"], report)
        if state.document is None:
            return None
        version = state.version
        return {
            "document": state.document.pk,
            "version": version.number if version else None,
            "status": version.status if version else None,
            "published_on": version.published_on if version else None,
            "signed_by": [s.member.organisation.name for s in state.state.signatures] if version else [],
            "waiting_for": [m.organisation.name for m in state.state.missing] if version else [],
        }


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


class CommentaryIn(serializers.Serializer):
    commentary = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(required=False, help_text="The version you read: a stale one is refused (409)")


class PdfRenderer(renderers.BaseRenderer):
    """Lets a client ask for application/pdf; errors are still JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else json.dumps(data).encode()


@extend_schema_view(
    retrieve=extend_schema(responses={200: AnnualReportDetailOut}),
    create=extend_schema(request=AnnualReportIn, responses={201: AnnualReportDetailOut}),
    partial_update=extend_schema(request=AnnualReportIn, responses={200: AnnualReportDetailOut, 409: None}),
    read_commentary=extend_schema(responses={200: CommentaryIn}),
    pdf=extend_schema(
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The yearly report")},
    ),
)
class AnnualReportViewSet(TenantViewSet):
    """Yearly reports: their period, narrative and the scrutineer's commentary; the PDF adds the
    figures for the period and the lead safeguarding partners' signatures."""

    model = AnnualReport
    policy = AnnualReportPolicy
    action_permissions = {
        "list": "view",
        "retrieve": "view",
        "create": "manage",
        "partial_update": "manage",
        "pdf": "view",
        "read_commentary": "view",
        "commentary": "comment",
    }
    input_serializers = {"create": AnnualReportIn, "partial_update": AnnualReportIn, "commentary": CommentaryIn}
    serializer_class = AnnualReportOut

    def tenant_queryset(self):
        return super().tenant_queryset().order_by("-period_start", "-pk")

    def create(self, request, *args, **kwargs):
        data = AnnualReportIn(data=request.data)
        data.is_valid(raise_exception=True)
        annual_report = services.annual_report_save(self.ctx, **data.validated_data)
        return Response(self._out(annual_report), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        annual_report = self.get_object()
        data = AnnualReportIn(data=request.data, partial_update=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = values.pop("version", None)
        annual_report = services.annual_report_save(self.ctx, annual_report, version=version, **values)
        return Response(self._out(annual_report))

    def _out(self, annual_report):
        return AnnualReportDetailOut(annual_report, context=self.get_serializer_context()).data

    def retrieve(self, request, *args, **kwargs):
        return Response(self._out(self.get_object()))

    @action(detail=True, methods=["get"], url_path="commentary")
    def read_commentary(self, request, *args, **kwargs):
        """The scrutineer's commentary, with the version to send back with a change."""
        annual_report = self.get_object()
        return Response({"commentary": annual_report.scrutineer_commentary, "version": annual_report.version})

    @extend_schema(request=CommentaryIn, responses={200: AnnualReportDetailOut, 409: None})
    @read_commentary.mapping.post
    def commentary(self, request, *args, **kwargs):
        annual_report = self.get_object()
        data = CommentaryIn(data=request.data)
        data.is_valid(raise_exception=True)
        annual_report = services.scrutineer_commentary_save(self.ctx, annual_report, **data.validated_data)
        return Response(self._out(annual_report))

    @action(detail=True, methods=["get"], renderer_classes=[renderers.JSONRenderer, PdfRenderer])
    def pdf(self, request, *args, **kwargs):
        annual_report = self.get_object()
        data = selectors.annual_report_pdf(self.ctx, annual_report)
        return pdf_response(data, selectors.pdf_filename(self.ctx, annual_report))
