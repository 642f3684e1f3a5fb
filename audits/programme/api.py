"""API for the audit programme: the same services, policies and filter as the pages."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response

from audits.programme import services
from audits.programme.filters import AuditFilter
from audits.programme.models import Audit, AuditKind, AuditStatus, Priority
from audits.programme.permissions import AuditPolicy
from lscp.api import PartnershipChoice, TenantSerializer, TenantViewSet
from partners.models import Member
from partners.selectors import current_members


class AuditOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    priority = serializers.CharField(source="priority.name", default=None, allow_null=True)
    year_start = serializers.IntegerField()
    quarter = serializers.IntegerField()
    quarter_label = serializers.CharField()
    status = serializers.CharField()
    lead_member = serializers.IntegerField(source="lead_member_id", allow_null=True)
    participants = serializers.SerializerMethodField()
    children_involved = serializers.BooleanField()
    families_involved = serializers.BooleanField()
    practitioners_involved = serializers.BooleanField()
    scope = serializers.CharField()
    findings = serializers.CharField()
    you_said_we_did = serializers.CharField()
    completed_on = serializers.DateField(allow_null=True)
    re_audit_of = serializers.IntegerField(source="re_audit_of_id", allow_null=True)
    version = serializers.IntegerField()

    def get_participants(self, audit) -> list[int]:
        return [m.pk for m in audit.participants.all()]


class AuditIn(TenantSerializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=AuditKind.choices)
    year_start = serializers.IntegerField()
    quarter = serializers.IntegerField()
    priority = PartnershipChoice(Priority, required=False, allow_null=True)
    lead_member = PartnershipChoice(Member, rows=current_members, required=False, allow_null=True)
    participants = PartnershipChoice(Member, rows=current_members, many=True, required=False)
    status = serializers.ChoiceField(choices=AuditStatus.choices, required=False)
    children_involved = serializers.BooleanField(required=False)
    families_involved = serializers.BooleanField(required=False)
    practitioners_involved = serializers.BooleanField(required=False)
    scope = serializers.CharField(required=False, allow_blank=True)
    findings = serializers.CharField(required=False, allow_blank=True)
    you_said_we_did = serializers.CharField(required=False, allow_blank=True)
    completed_on = serializers.DateField(required=False, allow_null=True)
    re_audit_of = PartnershipChoice(Audit, required=False, allow_null=True)
    version = serializers.IntegerField(required=False)


class AuditPatchIn(AuditIn):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("year", int, description="Financial year by its start")]),
    create=extend_schema(request=AuditIn, responses={201: AuditOut}),
    partial_update=extend_schema(request=AuditPatchIn, responses=AuditOut),
)
class AuditViewSet(TenantViewSet):
    """The audit programme. Filter by `year` (2026 for 2026-27)."""

    model = Audit
    policy = AuditPolicy
    input_serializers = {"create": AuditIn, "partial_update": AuditPatchIn}
    serializer_class = AuditOut
    filterset_class = AuditFilter

    def tenant_queryset(self):
        return (
            super()
            .tenant_queryset()
            .select_related("priority")
            .prefetch_related("participants")
            .order_by("year_start", "quarter", "pk")
        )

    def create(self, request, *args, **kwargs):
        data = AuditIn(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("version", None)
        audit = services.audit_save(self.ctx, **values)
        return Response(AuditOut(audit).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        audit = self.get_object()
        data = AuditPatchIn(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        audit = services.audit_save(self.ctx, audit, version=values.pop("version", None), **values)
        return Response(AuditOut(audit).data)
