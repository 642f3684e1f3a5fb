"""API for the multi-agency dataset, through the same services, policies and filter as the pages.

- `indicators/`: list (`?priority=`, `?active=`), create, retrieve, PATCH; each with its quarterly
  values. POST `indicators/<id>/values/` enters or corrects a quarter's value (a quarter that does
  not exist or has not started is 400 by field).

Values are strings with two decimal places ("41.50"), never JSON numbers.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from audits.dataset import selectors, services
from audits.dataset.filters import IndicatorFilter
from audits.dataset.models import Direction, Indicator, IndicatorValue, Unit
from audits.dataset.permissions import DatasetPolicy
from audits.programme.models import Priority
from audits.quarters import quarter_label
from lscp.api import PartnershipChoice, TenantSerializer, TenantViewSet
from partners.models import Member
from partners.selectors import current_members


def Value(**kwargs):
    return serializers.DecimalField(max_digits=12, decimal_places=2, **kwargs)


class Ref(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


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
    priority = PartnershipChoice(Priority, required=False, allow_null=True, default=None)
    reporting_member = PartnershipChoice(Member, rows=current_members)
    is_active = serializers.BooleanField(required=False, default=True)


class IndicatorPatchIn(TenantSerializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    unit = serializers.ChoiceField(choices=Unit.choices, required=False)
    direction = serializers.ChoiceField(choices=Direction.choices, required=False)
    priority = PartnershipChoice(Priority, required=False, allow_null=True)
    reporting_member = PartnershipChoice(Member, rows=current_members, required=False)
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
            OpenApiParameter("priority", str, description="A priority's id, or none"),
            OpenApiParameter("active", str, enum=["yes", "no", "all"], description="In use (default all)"),
        ]
    ),
    create=extend_schema(request=IndicatorIn, responses={201: IndicatorOut}),
    partial_update=extend_schema(request=IndicatorPatchIn, responses=IndicatorOut),
    values=extend_schema(request=ValueIn, responses={201: ValueOut, 200: ValueOut, 400: None}),
)
class IndicatorViewSet(TenantViewSet):
    """The multi-agency dataset: indicators, each with its quarterly values."""

    model = Indicator
    policy = DatasetPolicy
    action_permissions = {
        "list": "view",
        "retrieve": "view",
        "create": "manage",
        "partial_update": "manage",
        "values": "manage",
    }
    input_serializers = {"create": IndicatorIn, "partial_update": IndicatorPatchIn, "values": ValueIn}
    serializer_class = IndicatorOut
    filterset_class = IndicatorFilter

    def tenant_queryset(self):
        return selectors.indicators(self.ctx).prefetch_related("values").order_by("name", "pk")

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
        indicator = services.indicator_save(self.ctx, indicator, version=values.pop("version", None), **values)
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
        row = services.indicator_value_set(self.ctx, indicator, **values)
        return Response(ValueOut(row).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)
