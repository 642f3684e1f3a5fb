"""API for the audit programme, self-assessment cycles and returns, and the dashboard's figures.
The same services and policies as the pages."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from audits import services
from audits.models import Audit, AuditKind, AuditStatus, Cycle, Framework, Grade, Moderation, Priority, SelfAssessment
from audits.permissions import AuditPolicy, DashboardPolicy, SelfAssessmentPolicy
from lscp.api import SLUG_PARAMETER, TenantAPIMixin, TenantSerializer
from partners.models import Member


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
    priority = serializers.PrimaryKeyRelatedField(
        queryset=Priority.dangerously_unscoped.all(), required=False, allow_null=True
    )
    lead_member = serializers.PrimaryKeyRelatedField(
        queryset=Member.dangerously_unscoped.all(), required=False, allow_null=True
    )
    participants = serializers.PrimaryKeyRelatedField(
        queryset=Member.dangerously_unscoped.all(), many=True, required=False
    )
    status = serializers.ChoiceField(choices=AuditStatus.choices, required=False)
    children_involved = serializers.BooleanField(required=False)
    families_involved = serializers.BooleanField(required=False)
    practitioners_involved = serializers.BooleanField(required=False)
    scope = serializers.CharField(required=False, allow_blank=True)
    findings = serializers.CharField(required=False, allow_blank=True)
    you_said_we_did = serializers.CharField(required=False, allow_blank=True)
    completed_on = serializers.DateField(required=False, allow_null=True)
    re_audit_of = serializers.PrimaryKeyRelatedField(
        queryset=Audit.dangerously_unscoped.all(), required=False, allow_null=True
    )
    version = serializers.IntegerField(required=False)


class AuditPatchIn(AuditIn):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


@extend_schema_view(
    list=extend_schema(
        parameters=[SLUG_PARAMETER, OpenApiParameter("year", int, description="Financial year by its start")]
    ),
    retrieve=extend_schema(parameters=[SLUG_PARAMETER]),
    create=extend_schema(parameters=[SLUG_PARAMETER], request=AuditIn, responses={201: AuditOut}),
    partial_update=extend_schema(parameters=[SLUG_PARAMETER], request=AuditPatchIn, responses=AuditOut),
)
class AuditViewSet(TenantAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The audit programme. Filter by `year` (2026 for 2026-27)."""

    model = Audit
    policy = AuditPolicy
    policy_actions = {"list": "view", "retrieve": "view", "create": "manage", "partial_update": "manage"}
    input_serializers = {"create": AuditIn, "partial_update": AuditPatchIn}
    serializer_class = AuditOut
    http_method_names = ["get", "post", "patch", "head", "options"]

    def tenant_queryset(self):
        queryset = (
            super()
            .tenant_queryset()
            .select_related("priority")
            .prefetch_related("participants")
            .order_by("year_start", "quarter", "pk")
        )
        year = self.request.query_params.get("year") if self.action == "list" else None
        return queryset.filter(year_start=int(year)) if year and year.isdigit() else queryset

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
        audit = services.audit_save(self.ctx, audit, expected_version=values.pop("version", None), **values)
        return Response(AuditOut(audit).data)


class CycleOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    framework = serializers.CharField()
    opens_on = serializers.DateField()
    due_on = serializers.DateField()
    standards = serializers.SerializerMethodField()
    returns = serializers.SerializerMethodField()

    def get_standards(self, cycle) -> list[dict]:
        return [{"id": s.pk, "number": s.number, "title": s.title} for s in cycle.standards.all()]

    def get_returns(self, cycle) -> list[dict]:
        visible = self.context.get("visible_returns")
        return [
            {"id": r.pk, "member": r.member_id, "organisation": str(r.member.organisation), "status": r.status}
            for r in cycle.returns.all()
            if visible is None or r.pk in visible
        ]


class CycleIn(TenantSerializer):
    name = serializers.CharField(max_length=200)
    framework = serializers.ChoiceField(choices=Framework.choices)
    opens_on = serializers.DateField()
    due_on = serializers.DateField()
    members = serializers.PrimaryKeyRelatedField(queryset=Member.dangerously_unscoped.all(), many=True)


@extend_schema_view(
    list=extend_schema(parameters=[SLUG_PARAMETER]),
    retrieve=extend_schema(parameters=[SLUG_PARAMETER]),
    create=extend_schema(parameters=[SLUG_PARAMETER], request=CycleIn, responses={201: CycleOut}),
)
class CycleViewSet(TenantAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Self-assessment cycles, with their standards and each organisation's return status."""

    model = Cycle
    policy = SelfAssessmentPolicy
    policy_actions = {"list": "view", "retrieve": "view", "create": "manage"}
    input_serializers = {"create": CycleIn}
    serializer_class = CycleOut
    http_method_names = ["get", "post", "head", "options"]

    def tenant_queryset(self):
        return (
            super()
            .tenant_queryset()
            .prefetch_related("standards", "returns__member__organisation")
            .order_by("-opens_on", "-pk")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "ctx", None) is not None and self.ctx.role == "agency_lead":
            context["visible_returns"] = set(
                SelfAssessmentPolicy.filter(
                    self.ctx, SelfAssessment.objects.for_partnership(self.ctx.partnership)
                ).values_list("pk", flat=True)
            )
        return context

    def create(self, request, *args, **kwargs):
        data = CycleIn(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        cycle = services.cycle_create(self.ctx, **data.validated_data)
        return Response(CycleOut(cycle, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)


class GradeOut(serializers.Serializer):
    id = serializers.IntegerField()
    standard = serializers.CharField(source="standard.title")
    number = serializers.IntegerField(source="standard.number")
    grade = serializers.CharField()
    evidence = serializers.CharField()
    improvement_actions = serializers.CharField()
    moderation = serializers.CharField()
    moderation_comment = serializers.CharField()
    agreed_grade = serializers.CharField()
    final_grade = serializers.CharField()


class SelfAssessmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    cycle = serializers.IntegerField(source="cycle_id")
    member = serializers.IntegerField(source="member_id")
    organisation = serializers.CharField(source="member.organisation.name")
    status = serializers.CharField()
    submitted_on = serializers.DateField(allow_null=True)
    recorded_for_organisation = serializers.BooleanField(
        help_text="Recorded by the business unit from the return the organisation sent in"
    )
    moderated_on = serializers.DateField(allow_null=True)
    version = serializers.IntegerField()
    grades = GradeOut(many=True)


class GradeIn(serializers.Serializer):
    id = serializers.IntegerField()
    grade = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="red, amber or green (anything else is refused with a message)",
    )
    evidence = serializers.CharField(required=False, allow_blank=True, default="")
    improvement_actions = serializers.CharField(required=False, allow_blank=True, default="")


class ReturnIn(serializers.Serializer):
    grades = GradeIn(many=True)
    submit = serializers.BooleanField(default=False)
    version = serializers.IntegerField(required=False)
    received_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Business unit only, recording a return the organisation sent in: the date it was received "
        "(default today), which counts as its submission date",
    )


class DecisionIn(serializers.Serializer):
    id = serializers.IntegerField()
    moderation = serializers.ChoiceField(choices=Moderation.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    agreed_grade = serializers.ChoiceField(
        choices=[("", "None"), *Grade.choices], required=False, allow_blank=True, default=""
    )


class ModerationIn(serializers.Serializer):
    decisions = DecisionIn(many=True)


@extend_schema_view(
    list=extend_schema(parameters=[SLUG_PARAMETER]),
    retrieve=extend_schema(parameters=[SLUG_PARAMETER]),
    partial_update=extend_schema(parameters=[SLUG_PARAMETER], request=ReturnIn, responses=SelfAssessmentOut),
    moderate=extend_schema(parameters=[SLUG_PARAMETER], request=ModerationIn, responses=SelfAssessmentOut),
)
class SelfAssessmentViewSet(TenantAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Returns: an agency lead's own organisation's (PATCH grades; `submit: true` submits and locks);
    the business unit moderates, and may record a return an organisation sent in (with
    `received_on`)."""

    model = SelfAssessment
    policy = SelfAssessmentPolicy
    policy_actions = {"list": "view", "retrieve": "view", "partial_update": "answer", "moderate": "moderate"}
    input_serializers = {"partial_update": ReturnIn, "moderate": ModerationIn}
    serializer_class = SelfAssessmentOut
    http_method_names = ["get", "post", "patch", "head", "options"]

    def tenant_queryset(self):
        return (
            super()
            .tenant_queryset()
            .select_related("member__organisation")
            .prefetch_related("grades__standard")
            .order_by("-cycle__opens_on", "member__organisation__name", "pk")
        )

    def partial_update(self, request, *args, **kwargs):
        assessment = self.get_object()
        data = ReturnIn(data=request.data)
        data.is_valid(raise_exception=True)
        grades = {row["id"]: row for row in data.validated_data["grades"]}
        assessment = services.return_save(
            self.ctx,
            assessment,
            grades=grades,
            submit=data.validated_data["submit"],
            expected_version=data.validated_data.get("version"),
            received_on=data.validated_data["received_on"],
        )
        return Response(SelfAssessmentOut(self.tenant_queryset().get(pk=assessment.pk)).data)

    @action(detail=True, methods=["post"])
    def moderate(self, request, *args, **kwargs):
        assessment = self.get_object()
        data = ModerationIn(data=request.data)
        data.is_valid(raise_exception=True)
        decisions = {row["id"]: row for row in data.validated_data["decisions"]}
        assessment = services.moderate(self.ctx, assessment, decisions=decisions)
        return Response(SelfAssessmentOut(self.tenant_queryset().get(pk=assessment.pk)).data)


# ----------------------------------------------------------------------------------------------
# The dashboard's figures


def _decimal(value):
    """Figures travel as strings, as money does, so no consumer sees 54.300000000000004."""
    return None if value is None else str(value)


def dashboard_figures(ctx) -> dict:
    from audits.dashboard_views import figures

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
