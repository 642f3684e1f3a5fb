"""API for the multi-agency dataset, the challenge log and the annual report, through the same
services and policies as the pages.

- `indicators/`: list, create, retrieve, PATCH; each with its quarterly values. POST
  `indicators/<id>/values/` enters or corrects a quarter's value (a quarter that does not exist or
  has not started is 400 by field).
- `challenges/`: list (`?status=`), create, retrieve; POST `challenges/<id>/respond/` records the
  response and outcome, or closes it (a closed challenge is 409).
- `annual-reports/`: list, create, retrieve, PATCH (send the `version` you read: a stale one is
  409), and GET `annual-reports/<id>/pdf/`, the PDF assembled from the records (logged).

Values are strings with two decimal places ("41.50"), never JSON numbers.
"""

from __future__ import annotations

import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, renderers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from audits import dataset, report, services
from audits.challenge_log import challenges_for
from audits.models import (
    AnnualReport,
    Challenge,
    ChallengeStatus,
    Direction,
    Indicator,
    IndicatorValue,
    Priority,
    RaisedBy,
    Unit,
    quarter_label,
)
from audits.permissions import AnnualReportPolicy, ChallengePolicy, DatasetPolicy
from lscp.api import SLUG_PARAMETER, TenantAPIMixin, TenantSerializer
from lscp.pdf import pdf_response
from partners.models import GovernanceGroup, Member


def Value(**kwargs):
    return serializers.DecimalField(max_digits=12, decimal_places=2, **kwargs)


class Ref(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


# ----------------------------------------------------------------------------------------------
# Indicators


class ValueOut(serializers.Serializer):
    id = serializers.IntegerField()
    year_start = serializers.IntegerField(help_text="The financial year by its starting year: 2025 for 2025-26")
    quarter = serializers.IntegerField(help_text="1 (April to June) to 4 (January to March)")
    label = serializers.SerializerMethodField()
    value = Value()
    note = serializers.CharField(allow_blank=True)
    entered_at = serializers.DateTimeField()

    def get_label(self, row) -> str:
        return quarter_label(row.year_start, row.quarter)


class IndicatorOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    unit = serializers.CharField()
    direction = serializers.CharField()
    priority = Ref(allow_null=True)
    reporting_member = serializers.IntegerField(source="reporting_member_id")
    reporting_organisation = serializers.CharField(source="reporting_member.organisation.name")
    is_active = serializers.BooleanField()
    version = serializers.IntegerField(help_text="Send it back with a change: a stale version is refused (409)")
    latest = serializers.SerializerMethodField()
    values = serializers.SerializerMethodField()

    def _values(self, indicator) -> list[IndicatorValue]:
        return sorted(indicator.values.all(), key=lambda row: (row.year_start, row.quarter))

    @extend_schema_field(ValueOut(allow_null=True))
    def get_latest(self, indicator):
        values = self._values(indicator)
        return ValueOut(values[-1]).data if values else None

    @extend_schema_field(ValueOut(many=True))
    def get_values(self, indicator):
        return ValueOut(self._values(indicator), many=True).data


class IndicatorIn(TenantSerializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    unit = serializers.ChoiceField(choices=Unit.choices)
    direction = serializers.ChoiceField(choices=Direction.choices, required=False, default=Direction.NEITHER)
    priority = serializers.PrimaryKeyRelatedField(
        queryset=Priority.dangerously_unscoped.all(), required=False, allow_null=True, default=None
    )
    reporting_member = serializers.PrimaryKeyRelatedField(queryset=Member.dangerously_unscoped.all())
    is_active = serializers.BooleanField(required=False, default=True)


class IndicatorPatchIn(TenantSerializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    unit = serializers.ChoiceField(choices=Unit.choices, required=False)
    direction = serializers.ChoiceField(choices=Direction.choices, required=False)
    priority = serializers.PrimaryKeyRelatedField(
        queryset=Priority.dangerously_unscoped.all(), required=False, allow_null=True
    )
    reporting_member = serializers.PrimaryKeyRelatedField(queryset=Member.dangerously_unscoped.all(), required=False)
    is_active = serializers.BooleanField(required=False)
    version = serializers.IntegerField(
        required=False, help_text="The version read: if someone has saved the indicator since, 409 and nothing changes"
    )


class ValueIn(serializers.Serializer):
    year_start = serializers.IntegerField(help_text="The financial year by its starting year: 2025 for 2025-26")
    quarter = serializers.IntegerField(help_text="1 (April to June) to 4 (January to March)")
    value = serializers.CharField(max_length=40, help_text='A number, like "41.5"')
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            SLUG_PARAMETER,
            OpenApiParameter("priority", str, description="A priority's id, or none"),
            OpenApiParameter("active", str, enum=["yes", "no", "all"], description="In use (default all)"),
        ]
    ),
    retrieve=extend_schema(parameters=[SLUG_PARAMETER]),
    create=extend_schema(parameters=[SLUG_PARAMETER], request=IndicatorIn, responses={201: IndicatorOut}),
    partial_update=extend_schema(parameters=[SLUG_PARAMETER], request=IndicatorPatchIn, responses=IndicatorOut),
    values=extend_schema(
        parameters=[SLUG_PARAMETER], request=ValueIn, responses={201: ValueOut, 200: ValueOut, 400: None}
    ),
)
class IndicatorViewSet(TenantAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The multi-agency dataset: indicators, each with its quarterly values."""

    model = Indicator
    policy = DatasetPolicy
    policy_actions = {
        "list": "view",
        "retrieve": "view",
        "create": "manage",
        "partial_update": "manage",
        "values": "manage",
    }
    input_serializers = {"create": IndicatorIn, "partial_update": IndicatorPatchIn, "values": ValueIn}
    serializer_class = IndicatorOut
    http_method_names = ["get", "post", "patch", "head", "options"]

    def tenant_queryset(self):
        params = self.request.query_params if self.action == "list" else {}
        return (
            dataset.indicators_for(self.ctx, priority=params.get("priority", ""), active=params.get("active", "all"))
            .prefetch_related("values")
            .order_by("name", "pk")
        )

    def _output(self, indicator, code=status.HTTP_200_OK):
        return Response(IndicatorOut(self.tenant_queryset().get(pk=indicator.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        data = IndicatorIn(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        indicator = services.indicator_save(self.ctx, **data.validated_data)
        return self._output(indicator, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        indicator = self.get_object()
        data = IndicatorPatchIn(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        indicator = services.indicator_save(self.ctx, indicator, expected_version=values.pop("version", None), **values)
        return self._output(indicator)

    @action(detail=True, methods=["post"])
    def values(self, request, *args, **kwargs):
        indicator = self.get_object()
        data = ValueIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        existed = (
            IndicatorValue.objects.for_partnership(self.ctx.partnership)
            .filter(indicator=indicator, year_start=values["year_start"], quarter=values["quarter"])
            .exists()
        )
        row = services.value_set(self.ctx, indicator, **values)
        return Response(ValueOut(row).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


# ----------------------------------------------------------------------------------------------
# The challenge log


class ChallengeOut(serializers.Serializer):
    id = serializers.IntegerField()
    raised_on = serializers.DateField()
    raised_by = serializers.CharField()
    raised_by_name = serializers.CharField()
    raised_at = Ref(allow_null=True, help_text="The governance group whose meeting it was raised at")
    to_member = serializers.IntegerField(source="to_member_id")
    to_organisation = serializers.CharField(source="to_member.organisation.name")
    subject = serializers.CharField()
    challenge = serializers.CharField()
    status = serializers.CharField()
    response = serializers.CharField(allow_blank=True)
    responded_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField(allow_blank=True)


class ChallengeIn(TenantSerializer):
    raised_on = serializers.DateField()
    raised_by = serializers.ChoiceField(choices=RaisedBy.choices)
    raised_by_name = serializers.CharField(max_length=200)
    raised_at = serializers.PrimaryKeyRelatedField(
        queryset=GovernanceGroup.dangerously_unscoped.all(), required=False, allow_null=True, default=None
    )
    to_member = serializers.PrimaryKeyRelatedField(queryset=Member.dangerously_unscoped.all())
    subject = serializers.CharField(max_length=200)
    challenge = serializers.CharField()


class RespondIn(serializers.Serializer):
    response = serializers.CharField()
    responded_on = serializers.DateField()
    outcome = serializers.CharField(required=False, allow_blank=True, default="")
    close = serializers.BooleanField(required=False, default=False, help_text="Close it (needs the outcome)")


@extend_schema_view(
    list=extend_schema(parameters=[SLUG_PARAMETER, OpenApiParameter("status", str, enum=ChallengeStatus.values)]),
    retrieve=extend_schema(parameters=[SLUG_PARAMETER]),
    create=extend_schema(parameters=[SLUG_PARAMETER], request=ChallengeIn, responses={201: ChallengeOut}),
    respond=extend_schema(parameters=[SLUG_PARAMETER], request=RespondIn, responses={200: ChallengeOut, 409: None}),
)
class ChallengeViewSet(TenantAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The challenge log: challenges raised at meetings or by the scrutineer, their response and outcome."""

    model = Challenge
    policy = ChallengePolicy
    policy_actions = {"list": "view", "retrieve": "view", "create": "manage", "respond": "manage"}
    input_serializers = {"create": ChallengeIn, "respond": RespondIn}
    serializer_class = ChallengeOut
    http_method_names = ["get", "post", "head", "options"]

    def tenant_queryset(self):
        params = self.request.query_params if self.action == "list" else {}
        return challenges_for(self.ctx, status=params.get("status", "")).order_by("-raised_on", "-pk")

    def create(self, request, *args, **kwargs):
        data = ChallengeIn(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        challenge = services.challenge_log(self.ctx, **data.validated_data)
        return Response(ChallengeOut(challenge).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def respond(self, request, *args, **kwargs):
        challenge = self.get_object()
        data = RespondIn(data=request.data)
        data.is_valid(raise_exception=True)
        challenge = services.challenge_respond(self.ctx, challenge, **data.validated_data)
        return Response(ChallengeOut(challenge).data)


# ----------------------------------------------------------------------------------------------
# Annual reports


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
    list=extend_schema(parameters=[SLUG_PARAMETER]),
    retrieve=extend_schema(parameters=[SLUG_PARAMETER]),
    create=extend_schema(parameters=[SLUG_PARAMETER], request=AnnualReportIn, responses={201: AnnualReportOut}),
    partial_update=extend_schema(
        parameters=[SLUG_PARAMETER], request=AnnualReportIn, responses={200: AnnualReportOut, 409: None}
    ),
    pdf=extend_schema(
        parameters=[SLUG_PARAMETER],
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The annual report")},
    ),
)
class AnnualReportViewSet(TenantAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Annual reports: their period and narrative; the PDF adds the figures for the period."""

    model = AnnualReport
    policy = AnnualReportPolicy
    policy_actions = {
        "list": "view",
        "retrieve": "view",
        "create": "manage",
        "partial_update": "manage",
        "pdf": "view",
    }
    input_serializers = {"create": AnnualReportIn, "partial_update": AnnualReportIn}
    serializer_class = AnnualReportOut
    http_method_names = ["get", "post", "patch", "head", "options"]

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
        annual_report = services.annual_report_save(self.ctx, annual_report, expected_version=version, **values)
        return Response(AnnualReportOut(annual_report).data)

    @action(detail=True, methods=["get"], renderer_classes=[renderers.JSONRenderer, PdfRenderer])
    def pdf(self, request, *args, **kwargs):
        annual_report = self.get_object()
        data = report.annual_report_pdf(self.ctx, annual_report)
        return pdf_response(data, report.pdf_filename(self.ctx, annual_report))
