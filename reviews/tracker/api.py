"""The NHS Safeguarding Case Review Tracker export in the API, the same rows as the page's:
`review-tracker/` lists them (paginated, a list read in the activity log), and
`review-tracker/export/?format=xlsx|csv` downloads the file (an export in the log)."""

from __future__ import annotations

import json

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, renderers, serializers, viewsets
from rest_framework.decorators import action

from lscp import spreadsheets
from lscp.api import TenantAPIMixin
from reviews.notifications.models import Notification
from reviews.tracker import selectors, sheets
from reviews.tracker.permissions import TrackerPolicy


class TrackerRowOut(serializers.Serializer):
    partnership = serializers.CharField()
    local_reference = serializers.CharField()
    panel_reference = serializers.CharField(allow_blank=True, help_text="The National Panel's reference")
    date_added = serializers.DateField(help_text="The date the partnership received the notification")
    status = serializers.ChoiceField(
        choices=[("open", "Open"), ("closed", "Closed")],
        help_text="Closed once the LCSPR is published or not to be published, or, with no LCSPR, once the Panel "
        "has responded to a rapid review that did not recommend one",
    )
    review_type = serializers.ChoiceField(choices=list(selectors.ReviewType.LABELS.items()))
    converted_from_rapid_review = serializers.BooleanField()
    stage = serializers.CharField(help_text="The LCSPR's status when there is one, else the notification's")
    stage_label = serializers.CharField()
    themes = serializers.ListField(
        child=serializers.CharField(), help_text="The LCSPR criteria the rapid review found met"
    )
    rapid_review_decision = serializers.CharField(allow_blank=True)
    publication_date = serializers.DateField(allow_null=True)
    publication_link = serializers.CharField(allow_blank=True)
    recommendation_themes = serializers.ListField(
        child=serializers.CharField(), help_text="The recommendations of the action plans that follow, by number"
    )


class _FileRenderer(renderers.BaseRenderer):
    """Lets a client ask for the file by `?format=` or Accept; errors are still JSON."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else json.dumps(data).encode()


class XlsxRenderer(_FileRenderer):
    media_type = spreadsheets.XLSX_TYPE
    format = "xlsx"


class CsvRenderer(_FileRenderer):
    media_type = "text/csv"
    format = "csv"


@extend_schema_view(
    export=extend_schema(
        responses={
            (200, spreadsheets.XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The spreadsheet"),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="The same rows as CSV"),
        },
    ),
)
class ReviewTrackerViewSet(TenantAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The partnership's rapid reviews and LCSPRs in the NHS Safeguarding Case Review Tracker's
    fields, for the business unit and the safeguarding partners. Nothing about the child."""

    model = Notification
    policy = TrackerPolicy
    action_permissions = {"list": "view", "export": "view"}
    serializer_class = TrackerRowOut
    filter_backends: list = []
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.dangerously_unscoped.none()
        return selectors.tracker_reviews(self.ctx)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        rows = [selectors.tracker_row(notification) for notification in page]
        return self.get_paginated_response(TrackerRowOut(rows, many=True).data)

    @action(detail=False, methods=["get"], renderer_classes=[renderers.JSONRenderer, XlsxRenderer, CsvRenderer])
    def export(self, request, *args, **kwargs):
        kind = "csv" if request.accepted_renderer.format == "csv" else "xlsx"
        return sheets.download(self.ctx, selectors.tracker_rows(self.ctx), timezone.localdate(), kind)
