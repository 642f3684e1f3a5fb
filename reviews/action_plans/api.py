"""API for action plans, under /api/v1/<slug>/action-plans/: plans (with their recommendations,
actions, ratification and computed progress), recommendations, actions (filterable by owner
organisation, status, overdue and due-date range) and progress updates. The same services,
selectors and policies as the pages: invalid input is a 400 by field, a step in the wrong state or
a stale `version` is a 409, another organisation's action is a 404 to an agency lead.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.db.models import prefetch_related_objects
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from lscp.api import LeanOutput, PartnershipChoice, TenantViewSet
from lscp.api_pagination import PageOfRows
from partners.models import Member, Membership
from partners.selectors import current_members
from reviews.action_plans import selectors, services
from reviews.action_plans.filters import ActionFilter, PlanFilter, ProgressUpdateFilter, RecommendationFilter
from reviews.action_plans.models import (
    Action,
    ActionPlan,
    ActionStatus,
    PlanStatus,
    ProgressUpdate,
    Recommendation,
    SourceKind,
    Stage,
)
from reviews.action_plans.permissions import ActionPlanPolicy, ActionPolicy, ProgressUpdatePolicy
from reviews.models import Notification
from reviews.themes import PracticeTheme

# ----------------------------------------------------------------------------------------------
# Output


class OwnerOrganisationOut(LeanOutput):
    member = serializers.IntegerField(source="pk", help_text="The member organisation's id (see /members/)")
    name = serializers.CharField(source="organisation.name")


class OwnerPersonOut(LeanOutput):
    membership = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="person.get_full_name")
    email = serializers.EmailField(source="person.email")


class ClockOut(LeanOutput):
    starts_on = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    met_on = serializers.DateField(allow_null=True)
    status = serializers.SerializerMethodField(help_text="pending, open, overdue, met or met_late")
    explanation = serializers.CharField()

    @cached_property
    def _today(self):
        # One day for every clock of the answer: a list's one serializer writes them all.
        return timezone.localdate()

    def get_status(self, deadline) -> str:
        return deadline.status_on(self._today)


class ActionOut(LeanOutput):
    id = serializers.IntegerField(source="action.pk")
    plan = serializers.IntegerField(source="action.plan_id")
    plan_title = serializers.CharField(source="action.plan.title")
    recommendation = serializers.IntegerField(source="action.recommendation_id")
    number = serializers.CharField(source="action.number", help_text="Recommendation and position, like 3a.2")
    description = serializers.CharField(source="action.description")
    owner_organisation = OwnerOrganisationOut(
        source="action.owner_member", allow_null=True, help_text="null: the partnership's business unit owns it"
    )
    owner = OwnerPersonOut(source="action.owner", allow_null=True)
    due_date = serializers.DateField(source="action.due_date")
    original_due_date = serializers.DateField(
        source="action.first_due_date", allow_null=True, help_text="The due date before its first change once live"
    )
    measure_of_success = serializers.CharField(source="action.measure_of_success")
    status = serializers.ChoiceField(source="action.status", choices=ActionStatus.choices)
    rag = serializers.CharField(source="rag.key", help_text="complete, awaiting_acceptance, overdue, at_risk, on_track")
    rag_reason = serializers.CharField(source="why")
    overdue = serializers.BooleanField(source="action.is_overdue", help_text="The due date's clock is overdue")
    clock = serializers.SerializerMethodField()
    completed_on = serializers.DateField(source="action.completed_on", allow_null=True)
    completion_evidence = serializers.CharField(source="action.completion_evidence")
    completion_link = serializers.CharField(source="action.completion_link")
    impact_evidence = serializers.CharField(source="action.impact_evidence")
    accepted_on = serializers.DateField(source="action.accepted_on", allow_null=True)
    latest_progress_on = serializers.DateField(source="action.latest_progress_on", allow_null=True)
    latest_progress = serializers.CharField(source="action.latest_progress", allow_null=True)
    version = serializers.IntegerField(source="action.version")

    @cached_property
    def _clock_out(self) -> ClockOut:
        # One serializer for every row's clock, not one built (its fields copied) per row.
        return ClockOut(context=self.context)

    def get_clock(self, row) -> dict | None:
        clocks = list(row.action.deadlines.all())
        return self._clock_out.to_representation(clocks[0]) if clocks else None


class RatificationOut(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    decided_on = serializers.DateField()
    minute_reference = serializers.CharField()


class ProgressOut(serializers.Serializer):
    sentence = serializers.CharField(help_text="For example '10 recommendations, 14 actions: 6 complete, 8 on track'")
    recommendations = serializers.IntegerField()
    actions = serializers.IntegerField()
    by_rag = serializers.SerializerMethodField()
    by_status = serializers.SerializerMethodField()

    def get_by_rag(self, summary) -> dict[str, int]:
        return {r.key: count for r, count in summary.rag_cells()}

    def get_by_status(self, summary) -> dict[str, int]:
        return {value: count for value, _, count in summary.status_cells()}


class PlanOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    source_kind = serializers.ChoiceField(choices=SourceKind.choices)
    source_reference = serializers.CharField()
    notification = serializers.IntegerField(source="notification_id", allow_null=True)
    source_record = serializers.SerializerMethodField(help_text="Another app's record the plan came from")
    summary = serializers.CharField()
    created_on = serializers.DateField()
    status = serializers.ChoiceField(choices=PlanStatus.choices)
    live_on = serializers.DateField(allow_null=True)
    closed_on = serializers.DateField(allow_null=True)
    ratifications = RatificationOut(many=True, source="ratifications.all")
    progress = serializers.SerializerMethodField()
    version = serializers.IntegerField()

    def get_source_record(self, plan) -> dict | None:
        if plan.source_type_id is None:
            return None
        content_type = ContentType.objects.get_for_id(plan.source_type_id)
        return {"type": f"{content_type.app_label}.{content_type.model}", "id": plan.source_id}

    def get_progress(self, plan) -> dict:
        return ProgressOut(self.context["summaries"][plan.pk]).data


class RecommendationOut(serializers.Serializer):
    id = serializers.IntegerField()
    plan = serializers.IntegerField(source="plan_id")
    number = serializers.CharField(source="label", help_text="1, 2 ... or 3a for a sub-part")
    text = serializers.CharField()
    theme = serializers.CharField(help_text="The practice theme it addresses (reviews.themes), or empty")


class RecommendationWithActionsOut(RecommendationOut):
    actions = serializers.SerializerMethodField()

    def get_actions(self, recommendation) -> list[dict]:
        return ActionOut(self.context["by_recommendation"].get(recommendation.pk, []), many=True).data


class PlanDetailOut(PlanOut):
    recommendations = serializers.SerializerMethodField()

    def get_recommendations(self, plan) -> list[dict]:
        return RecommendationWithActionsOut(self.context["recommendations"], many=True, context=self.context).data


class ProgressUpdateOut(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.IntegerField(source="action_id")
    kind = serializers.CharField(help_text="progress, completed, accepted or returned")
    on = serializers.DateField()
    text = serializers.CharField()
    status = serializers.CharField(help_text="The action's status after it")
    by = serializers.CharField(source="by.get_full_name")
    at = serializers.DateTimeField()


# ----------------------------------------------------------------------------------------------
# Input


class VersionIn(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="The version you read; a stale one is refused (409)")


def arguments(data: dict) -> dict:
    """An input's values as the service's arguments: the version read is `expected_version`."""
    values = dict(data)
    values["expected_version"] = values.pop("version", None)
    return values


class OwnerIn(serializers.Serializer):
    owner_organisation = PartnershipChoice(
        Member,
        rows=current_members,
        allow_null=True,
        help_text="The member organisation's id; null for the partnership's business unit",
    )
    owner = PartnershipChoice(
        Membership,
        allow_null=True,
        required=False,
        default=None,
        help_text="The owner person's membership id (see /people/)",
    )


class ActionIn(OwnerIn):
    description = serializers.CharField()
    due_date = serializers.DateField()
    measure_of_success = serializers.CharField(required=False, allow_blank=True, default="")
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False, default=ActionStatus.NOT_STARTED)
    completed_on = serializers.DateField(required=False, allow_null=True, default=None)
    completion_evidence = serializers.CharField(required=False, allow_blank=True, default="")
    completion_link = serializers.CharField(required=False, allow_blank=True, default="")
    impact_evidence = serializers.CharField(required=False, allow_blank=True, default="")


class RecommendationNumberIn(serializers.Serializer):
    number = serializers.CharField(help_text="1, 2 ... or 3a for a sub-part")

    def validate_number(self, value):
        try:
            return services.parse_number(value)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None


class RecommendationIn(RecommendationNumberIn):
    text = serializers.CharField()
    theme = serializers.ChoiceField(
        choices=PracticeTheme.choices, required=False, allow_blank=True, help_text="The practice theme it addresses"
    )
    actions = ActionIn(many=True, required=False, default=list)


class PlanFieldsIn(serializers.Serializer):
    title = serializers.CharField()
    source_kind = serializers.ChoiceField(choices=SourceKind.choices)
    source_reference = serializers.CharField(required=False, allow_blank=True, default="")
    notification = PartnershipChoice(Notification, required=False, allow_null=True, default=None)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    created_on = serializers.DateField(required=False, allow_null=True, default=None)


class PlanIn(PlanFieldsIn):
    recommendations = RecommendationIn(many=True, required=False, default=list)
    submission_key = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="Send it again: the first plan is returned",
    )


class PlanUpdateIn(PlanFieldsIn, VersionIn):
    pass


class RatificationIn(VersionIn):
    stage = serializers.ChoiceField(choices=Stage.choices)
    decided_on = serializers.DateField()
    minute_reference = serializers.CharField()


class RecommendationCreateIn(RecommendationNumberIn):
    plan = PartnershipChoice(ActionPlan)
    text = serializers.CharField()
    theme = serializers.ChoiceField(
        choices=PracticeTheme.choices, required=False, allow_blank=True, help_text="The practice theme it addresses"
    )


class RecommendationUpdateIn(RecommendationNumberIn):
    number = serializers.CharField(required=False)
    text = serializers.CharField(required=False)
    theme = serializers.ChoiceField(
        choices=PracticeTheme.choices, required=False, allow_blank=True, help_text="The practice theme it addresses"
    )


class ActionCreateIn(OwnerIn):
    recommendation = PartnershipChoice(Recommendation)
    description = serializers.CharField()
    due_date = serializers.DateField()
    measure_of_success = serializers.CharField(required=False, allow_blank=True, default="")


class ActionUpdateIn(OwnerIn, VersionIn):
    owner_organisation = PartnershipChoice(
        Member,
        rows=current_members,
        allow_null=True,
        required=False,
        help_text="The member organisation's id; null for the partnership's business unit",
    )
    owner = PartnershipChoice(
        Membership, allow_null=True, required=False, help_text="The owner person's membership id (see /people/)"
    )
    description = serializers.CharField(required=False)
    due_date = serializers.DateField(required=False)
    measure_of_success = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Needed for a new due date once the plan is live"
    )


class CompleteIn(VersionIn):
    completed_on = serializers.DateField()
    completion_evidence = serializers.CharField(required=False, allow_blank=True, default="")
    completion_link = serializers.CharField(required=False, allow_blank=True, default="")
    impact_evidence = serializers.CharField(required=False, allow_blank=True, default="")
    document = serializers.FileField(required=False, allow_null=True, default=None)


class EvidenceIn(VersionIn):
    completion_evidence = serializers.CharField(required=False, allow_blank=True, default=None, allow_null=True)
    completion_link = serializers.CharField(required=False, allow_blank=True, default=None, allow_null=True)
    impact_evidence = serializers.CharField(required=False, allow_blank=True, default=None, allow_null=True)
    document = serializers.FileField(required=False, allow_null=True, default=None)


class AcceptIn(VersionIn):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="The date accepted; today if not given"
    )


class ReturnIn(VersionIn):
    reason = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=ActionStatus.choices, help_text="on_track or at_risk")


class ProgressIn(VersionIn):
    # Only the actions this person may see: another organisation's is "does not exist".
    action = PartnershipChoice(
        Action, rows=lambda ctx: ActionPolicy.filter(ctx, Action.objects.for_partnership(ctx.partnership))
    )
    on = serializers.DateField()
    text = serializers.CharField(allow_blank=True)  # the service says what is missing, with the status
    status = serializers.ChoiceField(
        choices=ActionStatus.choices,
        help_text="not_started, on_track or at_risk (complete it with its evidence instead)",
    )


def _action_in(data: dict) -> services.ActionIn:
    values = dict(data)
    return services.ActionIn(owner_member=values.pop("owner_organisation"), **values)


def _recommendation_in(data: dict) -> services.RecommendationIn:
    number, part = data["number"]
    return services.RecommendationIn(
        number=number,
        part=part,
        text=data["text"],
        theme=data.get("theme", ""),
        actions=[_action_in(a) for a in data.get("actions", [])],
    )


# ----------------------------------------------------------------------------------------------
# Views


def _plan_context(ctx, plans) -> dict:
    return {"summaries": selectors.plan_summaries(ctx, plans, selectors.windows_for(ctx))}


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=PlanStatus.values),
            OpenApiParameter("source_kind", str, enum=SourceKind.values),
            OpenApiParameter("q", str, description="Words in the title or the source"),
        ],
        responses=PlanOut(many=True),
    ),
    retrieve=extend_schema(responses=PlanDetailOut),
    create=extend_schema(request=PlanIn, responses={201: PlanDetailOut}),
    partial_update=extend_schema(request=PlanUpdateIn, responses=PlanDetailOut),
    ratifications=extend_schema(request=RatificationIn, responses={201: PlanDetailOut, 409: None}),
    close=extend_schema(request=VersionIn, responses={200: PlanDetailOut, 409: None}),
)
class ActionPlanViewSet(TenantViewSet):
    """Action plans, each with its computed progress. Create one with its recommendations and
    actions in one request (all or nothing); record ratification decisions in order."""

    model = ActionPlan
    policy = ActionPlanPolicy
    action_permissions = {
        "list": "view",
        "retrieve": "view",
        "create": "manage",
        "partial_update": "manage",
        "ratifications": "manage",
        "close": "manage",
    }
    input_serializers = {
        "create": PlanIn,
        "partial_update": PlanUpdateIn,
        "ratifications": RatificationIn,
        "close": VersionIn,
    }
    filterset_class = PlanFilter
    lookup_value_regex = "[0-9]+"

    def tenant_queryset(self):
        return selectors.plans_for(self.ctx).prefetch_related("ratifications").order_by("-created_on", "-pk")

    def list(self, request, *args, **kwargs):
        plans = list(self.paginate_queryset(self.filter_queryset(self.get_queryset())))
        data = PlanOut(plans, many=True, context=_plan_context(self.ctx, plans)).data
        return self.get_paginated_response(data)

    def _detail(self, plan, code=status.HTTP_200_OK, *, fetched: bool = False):
        if not fetched:  # after a change: read it again as the list reads it
            plan = self.tenant_queryset().get(pk=plan.pk)
        page = selectors.plan_page(self.ctx, plan)
        prefetch_related_objects([r.action for r in page.rows], "deadlines")
        context = {
            "summaries": {plan.pk: page.summary},
            "recommendations": page.recommendations,
            "by_recommendation": page.by_recommendation(),
        }
        return Response(PlanDetailOut(plan, context=context).data, status=code)

    def _input(self, serializer, **kwargs) -> dict:
        data = serializer(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object(), fetched=True)

    def create(self, request, *args, **kwargs):
        values = self._input(PlanIn)
        recommendations = [_recommendation_in(rec) for rec in values.pop("recommendations")]
        key = values.pop("submission_key") or request.headers.get("Idempotency-Key", "")
        plan = services.plan_create(self.ctx, recommendations=recommendations, submission_key=key[:64], **values)
        return self._detail(plan, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        plan = self.get_object()
        current = {
            name: getattr(plan, name)
            for name in ("title", "source_kind", "source_reference", "notification", "summary", "created_on")
        }
        plan = services.plan_update(self.ctx, plan, **arguments({**current, **self._input(PlanUpdateIn, partial=True)}))
        return self._detail(plan)

    @action(detail=True, methods=["post"])
    def ratifications(self, request, *args, **kwargs):
        plan = self.get_object()
        services.plan_ratify(self.ctx, plan, **arguments(self._input(RatificationIn)))
        return self._detail(plan, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        plan = self.get_object()
        services.plan_close(self.ctx, plan, **arguments(self._input(VersionIn)))
        return self._detail(plan)


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("plan", int)], responses=RecommendationOut(many=True)),
    retrieve=extend_schema(responses=RecommendationOut),
    create=extend_schema(request=RecommendationCreateIn, responses={201: RecommendationOut}),
    partial_update=extend_schema(request=RecommendationUpdateIn, responses=RecommendationOut),
)
class RecommendationViewSet(TenantViewSet):
    """A plan's recommendations (numbered, with sub-parts like 3a). Filter by `plan`."""

    model = Recommendation
    policy = ActionPlanPolicy
    input_serializers = {"create": RecommendationCreateIn, "partial_update": RecommendationUpdateIn}
    serializer_class = RecommendationOut
    filterset_class = RecommendationFilter

    def tenant_queryset(self):
        return selectors.recommendations_for(self.ctx).order_by("plan_id", "number", "part", "pk")

    def create(self, request, *args, **kwargs):
        data = RecommendationCreateIn(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        number, part = data.validated_data["number"]
        recommendation = services.recommendation_add(
            self.ctx,
            data.validated_data["plan"],
            number=number,
            part=part,
            text=data.validated_data["text"],
            theme=data.validated_data.get("theme", ""),
        )
        return Response(RecommendationOut(recommendation).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        recommendation = self.get_object()
        data = RecommendationUpdateIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        number, part = data.validated_data.get("number", (recommendation.number, recommendation.part))
        recommendation = services.recommendation_update(
            self.ctx,
            recommendation,
            number=number,
            part=part,
            text=data.validated_data.get("text", recommendation.text),
            theme=data.validated_data.get("theme", recommendation.theme),
        )
        return Response(RecommendationOut(recommendation).data)


ACTION_FILTERS = [
    OpenApiParameter(
        "owner_organisation",
        str,
        description="A member organisation's id, or 'business_unit' for the partnership's own",
    ),
    OpenApiParameter("status", str, enum=ActionStatus.values),
    OpenApiParameter("overdue", bool, description="Only actions whose due date's clock is overdue"),
    OpenApiParameter("open", bool, description="Only actions not yet complete, in plans not closed"),
    OpenApiParameter("due_from", dt.date, description="Due on or after this date (YYYY-MM-DD)"),
    OpenApiParameter("due_to", dt.date, description="Due on or before this date (YYYY-MM-DD)"),
    OpenApiParameter("plan", int),
]


def _action_schema(serializer, code=200):
    return extend_schema(request=serializer, responses={code: ActionOut, 409: None})


@extend_schema_view(
    list=extend_schema(parameters=ACTION_FILTERS, responses=ActionOut(many=True)),
    retrieve=extend_schema(responses=ActionOut),
    create=_action_schema(ActionCreateIn, 201),
    partial_update=_action_schema(ActionUpdateIn),
    complete=_action_schema(CompleteIn),
    evidence=_action_schema(EvidenceIn),
    accept=_action_schema(AcceptIn),
    return_=_action_schema(ReturnIn),
)
class ActionViewSet(TenantViewSet):
    """Actions across plans. An agency lead sees and updates only their organisation's."""

    model = Action
    policy = ActionPolicy
    action_permissions = {
        "list": "view",
        "retrieve": "view",
        "create": "manage",
        "partial_update": "manage",
        "complete": "update",
        "evidence": "update",
        "accept": "manage",
        "return_": "manage",
    }
    input_serializers = {
        "create": ActionCreateIn,
        "partial_update": ActionUpdateIn,
        "complete": CompleteIn,
        "evidence": EvidenceIn,
        "accept": AcceptIn,
        "return_": ReturnIn,
    }
    filterset_class = ActionFilter

    def tenant_queryset(self):
        return (
            selectors.actions_for(self.ctx)
            .prefetch_related("deadlines")
            .order_by("due_date", "plan_id", "recommendation__number", "recommendation__part", "position", "pk")
        )

    def _rows(self, actions):
        return selectors.rows_for(actions, selectors.windows_for(self.ctx))

    def list(self, request, *args, **kwargs):
        # The page chosen by the filters, then its 50 rows read with their owners and annotations.
        rows = self.get_queryset()
        page = self.paginate_queryset(PageOfRows(self.filter_queryset(rows), rows))
        return self.get_paginated_response(ActionOut(self._rows(page), many=True).data)

    def _output(self, action, code=status.HTTP_200_OK):
        action = self.tenant_queryset().get(pk=action.pk)
        [row] = self._rows([action])
        return Response(ActionOut(row).data, status=code)

    def _input(self, serializer, **kwargs) -> dict:
        data = serializer(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    def retrieve(self, request, *args, **kwargs):
        return self._output(self.get_object())

    def create(self, request, *args, **kwargs):
        values = self._input(ActionCreateIn)
        action_ = services.action_add(
            self.ctx, values.pop("recommendation"), owner_member=values.pop("owner_organisation"), **values
        )
        return self._output(action_, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        action_ = self.get_object()
        given = self._input(ActionUpdateIn, partial=True)
        values = {
            "description": action_.description,
            "owner_member": given.pop("owner_organisation", action_.owner_member),
            "owner": action_.owner,
            "due_date": action_.due_date,
            "measure_of_success": action_.measure_of_success,
            "reason": "",
            **given,
        }
        return self._output(services.action_update(self.ctx, action_, **arguments(values)))

    def _step(self, serializer, service):
        action_ = self.get_object()
        return self._output(service(self.ctx, action_, **arguments(self._input(serializer))))

    @action(detail=True, methods=["post"])
    def complete(self, request, *args, **kwargs):
        return self._step(CompleteIn, services.action_complete)

    @action(detail=True, methods=["post"])
    def evidence(self, request, *args, **kwargs):
        return self._step(EvidenceIn, services.evidence_update)

    @action(detail=True, methods=["post"])
    def accept(self, request, *args, **kwargs):
        return self._step(AcceptIn, services.action_accept)

    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, *args, **kwargs):
        return self._step(ReturnIn, services.action_return)


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("action", int)], responses=ProgressUpdateOut(many=True)),
    retrieve=extend_schema(responses=ProgressUpdateOut),
    create=extend_schema(request=ProgressIn, responses={201: ProgressUpdateOut, 409: None}),
)
class ProgressUpdateViewSet(TenantViewSet):
    """Dated progress updates (and the completion workflow's entries) on the actions you may see.
    POST one to update an action's progress and status."""

    model = ProgressUpdate
    policy = ProgressUpdatePolicy
    action_permissions = {"list": "view", "retrieve": "view", "create": "update"}
    input_serializers = {"create": ProgressIn}
    serializer_class = ProgressUpdateOut
    filterset_class = ProgressUpdateFilter
    http_method_names = ["get", "post", "head", "options"]

    def tenant_queryset(self):
        return selectors.progress_updates_for(self.ctx)

    def create(self, request, *args, **kwargs):
        data = ProgressIn(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = arguments(data.validated_data)
        update = services.progress_add(self.ctx, values.pop("action"), **values)
        return Response(ProgressUpdateOut(update).data, status=status.HTTP_201_CREATED)


__all__ = ["ActionPlanViewSet", "ActionViewSet", "ProgressUpdateViewSet", "RecommendationViewSet"]
