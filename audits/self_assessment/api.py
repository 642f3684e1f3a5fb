"""API for self-assessment cycles and returns: the same services and policies as the pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from audits.self_assessment import selectors, services
from audits.self_assessment.models import Cycle, Framework, Grade, Moderation, SelfAssessment
from audits.self_assessment.permissions import SelfAssessmentPolicy
from lscp.api import PartnershipChoice, TenantSerializer, TenantViewSet
from lscp.roles import Role
from partners.models import Member
from partners.selectors import current_members


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
    members = PartnershipChoice(Member, rows=current_members, many=True)


@extend_schema_view(
    create=extend_schema(request=CycleIn, responses={201: CycleOut}),
)
class CycleViewSet(TenantViewSet):
    """Self-assessment cycles, with their standards and each organisation's return status."""

    model = Cycle
    policy = SelfAssessmentPolicy
    action_permissions = {"list": "view", "retrieve": "view", "create": "manage"}
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
        if getattr(self, "ctx", None) is not None and self.ctx.role == Role.AGENCY_LEAD:
            context["visible_returns"] = set(selectors.returns(self.ctx).values_list("pk", flat=True))
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
    partial_update=extend_schema(request=ReturnIn, responses=SelfAssessmentOut),
    moderate=extend_schema(request=ModerationIn, responses=SelfAssessmentOut),
)
class SelfAssessmentViewSet(TenantViewSet):
    """Returns: an agency lead's own organisation's (PATCH grades; `submit: true` submits and locks);
    the business unit moderates, and may record a return an organisation sent in (with
    `received_on`)."""

    model = SelfAssessment
    policy = SelfAssessmentPolicy
    action_permissions = {"list": "view", "retrieve": "view", "partial_update": "answer", "moderate": "moderate"}
    input_serializers = {"partial_update": ReturnIn, "moderate": ModerationIn}
    serializer_class = SelfAssessmentOut

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
            version=data.validated_data.get("version"),
            received_on=data.validated_data["received_on"],
        )
        return Response(SelfAssessmentOut(self.tenant_queryset().get(pk=assessment.pk)).data)

    @action(detail=True, methods=["post"])
    def moderate(self, request, *args, **kwargs):
        assessment = self.get_object()
        data = ModerationIn(data=request.data)
        data.is_valid(raise_exception=True)
        decisions = {row["id"]: row for row in data.validated_data["decisions"]}
        assessment = services.return_moderate(self.ctx, assessment, decisions=decisions)
        return Response(SelfAssessmentOut(self.tenant_queryset().get(pk=assessment.pk)).data)
