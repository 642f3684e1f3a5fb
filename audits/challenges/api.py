"""API for the challenge log, through the same services, policies and filter as the pages.

- `challenges/`: list (`?status=`), create, retrieve; POST `challenges/<id>/respond/` records the
  response and outcome, or closes it (a closed challenge is 409).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from audits.challenges import selectors, services
from audits.challenges.filters import ChallengeFilter
from audits.challenges.models import Challenge, ChallengeStatus, RaisedBy
from audits.challenges.permissions import ChallengePolicy
from audits.dataset.api import Ref
from lscp.api import PartnershipChoice, TenantSerializer, TenantViewSet
from partners.models import GovernanceGroup, Member
from partners.selectors import current_members


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
    raised_at = PartnershipChoice(GovernanceGroup, required=False, allow_null=True, default=None)
    to_member = PartnershipChoice(Member, rows=current_members)
    subject = serializers.CharField(max_length=200)
    challenge = serializers.CharField()


class RespondIn(serializers.Serializer):
    response = serializers.CharField()
    responded_on = serializers.DateField()
    outcome = serializers.CharField(required=False, allow_blank=True, default="")
    close = serializers.BooleanField(required=False, default=False, help_text="Close it (needs the outcome)")


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("status", str, enum=ChallengeStatus.values)]),
    create=extend_schema(request=ChallengeIn, responses={201: ChallengeOut}),
    respond=extend_schema(request=RespondIn, responses={200: ChallengeOut, 409: None}),
)
class ChallengeViewSet(TenantViewSet):
    """The challenge log: challenges raised at meetings or by the scrutineer, their response and outcome."""

    model = Challenge
    policy = ChallengePolicy
    action_permissions = {"list": "view", "retrieve": "view", "create": "manage", "respond": "manage"}
    input_serializers = {"create": ChallengeIn, "respond": RespondIn}
    serializer_class = ChallengeOut
    filterset_class = ChallengeFilter
    http_method_names = ["get", "post", "head", "options"]

    def tenant_queryset(self):
        return selectors.challenges(self.ctx).order_by("-raised_on", "-pk")

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
