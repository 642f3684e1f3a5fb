"""The retention API, through the same services and policy as the pages:
- `retention-rules/`: list, retrieve, PATCH (years, action, version; a stale version is 409);
- `legal-holds/`: list, retrieve, create, POST `<id>/lift/`;
- `disposal-records/`: list, retrieve (read-only).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from lscp.api import PartnershipChoice, TenantSerializer, TenantViewSet
from retention import selectors, services
from retention.models import DisposalAction, DisposalRecord, LegalHold, RetentionRule
from retention.permissions import RetentionPolicy
from reviews.notifications.models import Notification


class RuleOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    years = serializers.IntegerField()
    action = serializers.CharField()
    version = serializers.IntegerField()
    default_reason = serializers.CharField()


class RuleIn(serializers.Serializer):
    years = serializers.IntegerField()
    action = serializers.ChoiceField(choices=DisposalAction.choices)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class HoldOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    reason = serializers.CharField()
    notification = serializers.IntegerField(source="notification_id", allow_null=True)
    case_reference = serializers.CharField(allow_blank=True)
    on_everything = serializers.BooleanField()
    placed_on = serializers.DateField()
    until = serializers.DateField(allow_null=True)
    lifted_on = serializers.DateField(allow_null=True)
    lift_reason = serializers.CharField(allow_blank=True)


class HoldIn(TenantSerializer):
    name = serializers.CharField(max_length=200)
    reason = serializers.CharField()
    notification = PartnershipChoice(Notification, required=False, allow_null=True, default=None)
    until = serializers.DateField(required=False, allow_null=True, default=None)


class LiftIn(serializers.Serializer):
    reason = serializers.CharField()


class DisposalOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    action = serializers.CharField()
    count = serializers.IntegerField()
    rule = serializers.IntegerField(source="rule_id", allow_null=True)
    rule_years = serializers.IntegerField()
    at = serializers.DateTimeField()
    by = serializers.CharField(source="by.username", default=None, allow_null=True)
    by_task = serializers.CharField(allow_blank=True)


@extend_schema_view(partial_update=extend_schema(request=RuleIn, responses={200: RuleOut, 409: None}))
class RetentionRuleViewSet(TenantViewSet):
    """The partnership's retention schedule: each record kind's years and action."""

    model = RetentionRule
    policy = RetentionPolicy
    input_serializers = {"partial_update": RuleIn}
    serializer_class = RuleOut
    http_method_names = ["get", "patch", "head", "options"]

    def tenant_queryset(self):
        return selectors.rules(self.ctx)

    def partial_update(self, request, *args, **kwargs):
        rule = self.get_object()
        data = RuleIn(data={"years": rule.years, "action": rule.action, **request.data})
        data.is_valid(raise_exception=True)
        rule = services.rule_change(self.ctx, rule, **data.validated_data)
        return Response(RuleOut(rule).data)


@extend_schema_view(
    create=extend_schema(request=HoldIn, responses={201: HoldOut}),
    lift=extend_schema(request=LiftIn, responses={200: HoldOut}),
)
class LegalHoldViewSet(TenantViewSet):
    """Legal holds: nothing they cover is disposed of while they are in force."""

    model = LegalHold
    policy = RetentionPolicy
    action_permissions = {"list": "view", "retrieve": "view", "create": "manage", "lift": "manage"}
    input_serializers = {"create": HoldIn, "lift": LiftIn}
    serializer_class = HoldOut
    http_method_names = ["get", "post", "head", "options"]

    def tenant_queryset(self):
        return selectors.holds(self.ctx)

    def create(self, request, *args, **kwargs):
        data = HoldIn(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        hold = services.hold_place(self.ctx, **data.validated_data)
        return Response(HoldOut(hold).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def lift(self, request, *args, **kwargs):
        hold = self.get_object()
        data = LiftIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(HoldOut(services.hold_lift(self.ctx, hold, **data.validated_data)).data)


class DisposalRecordViewSet(TenantViewSet):
    """What was disposed of: kind, how many, under which rule, when, by whom. Read-only."""

    model = DisposalRecord
    policy = RetentionPolicy
    serializer_class = DisposalOut
    http_method_names = ["get", "head", "options"]

    def tenant_queryset(self):
        return selectors.disposals(self.ctx)
