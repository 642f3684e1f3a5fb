"""API for a notification's rapid review, as resources under the notification (mixed into the
notifications' viewset): /api/v1/<slug>/notifications/<id>/information-requests/, .../rapid-review/ ...
The same services and rules as the pages: 400 per field, 403 not allowed, 404 hidden, 409 wrong state."""

from __future__ import annotations

from functools import cached_property

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from lscp import activity
from lscp.api import LeanOutput, PartnershipChoice, TenantSerializer
from lscp.tenancy import get_scoped_or_404
from partners.models import Member
from partners.selectors import current_members
from reviews import corrections
from reviews.corrections_api import InformationRequestCorrectionIn
from reviews.rapid_review import selectors, services
from reviews.rapid_review.models import LcsprCriterion, ReviewRecommendation, SignOffDecision
from reviews.rapid_review.permissions import InformationRequestPolicy, RapidReviewPolicy
from reviews.themes import PracticeTheme


class ClockOut(LeanOutput):
    """A clock of the deadline engine as the API shows it (the notifications', a request's, an LCSPR's)."""

    due_date = serializers.DateField(allow_null=True)
    met_on = serializers.DateField(allow_null=True)
    status = serializers.SerializerMethodField()
    explanation = serializers.CharField()

    @cached_property
    def _today(self):
        # One day for every clock of the answer: a list's one serializer writes them all.
        return timezone.localdate()

    def get_status(self, deadline) -> str:
        return deadline.status_on(self._today)


class NamedClockOut(ClockOut):
    kind = serializers.CharField()


class ChronologyItem(serializers.Serializer):
    date = serializers.DateField()
    event = serializers.CharField()
    agency_action = serializers.CharField(required=False, allow_blank=True, default="")


class InformationRequestOut(serializers.Serializer):
    id = serializers.IntegerField()
    member = serializers.IntegerField(source="member_id")
    organisation = serializers.CharField(source="member.organisation.name")
    requested_on = serializers.DateField()
    reply_by = serializers.DateField()
    message = serializers.CharField()
    status = serializers.CharField()
    involvement = serializers.CharField()
    immediate_actions = serializers.CharField()
    learning = serializers.CharField()
    chronology = ChronologyItem(many=True)
    submitted_on = serializers.DateField(allow_null=True)
    closed_on = serializers.DateField(allow_null=True, help_text="When it was closed or withdrawn, unanswered")
    closed_reason = serializers.CharField()
    version = serializers.IntegerField()
    deadline = serializers.SerializerMethodField()

    @extend_schema_field(ClockOut(allow_null=True))
    def get_deadline(self, request):
        clock = next(iter(request.deadlines.all()), None)
        return ClockOut(clock).data if clock is not None else None


class RequestsIn(TenantSerializer):
    members = PartnershipChoice(Member, rows=current_members, many=True)
    reply_by = serializers.DateField()
    message = serializers.CharField(required=False, allow_blank=True, default="")
    confirm = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Ask with a reply-by date after the rapid review's due date: until true, answered 400 with the "
        "warning under 'confirm'",
    )


class SummaryIn(serializers.Serializer):
    involvement = serializers.CharField(required=False, allow_blank=True, default="")
    immediate_actions = serializers.CharField(required=False, allow_blank=True, default="")
    learning = serializers.CharField(required=False, allow_blank=True, default="")
    chronology = ChronologyItem(many=True, required=False, default=list)
    submit = serializers.BooleanField(
        default=False, help_text="true submits (and locks) the summary; false saves a draft"
    )
    version = serializers.IntegerField(required=False)


class SendForSignOffIn(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="The version you read; a stale one is refused (409)")


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField()


class WithdrawIn(serializers.Serializer):
    reason = serializers.CharField(error_messages={"required": "Say why the request is being withdrawn"})
    version = serializers.IntegerField(required=False, help_text="The version you read; a stale one is refused (409)")


class AttendeeItem(serializers.Serializer):
    member = PartnershipChoice(Member, rows=current_members)
    name = serializers.CharField(max_length=200)
    role = serializers.CharField(max_length=200)


class CriterionItem(serializers.Serializer):
    met = serializers.BooleanField(allow_null=True, required=False, default=None)
    rationale = serializers.CharField(required=False, allow_blank=True, default="")


class RapidReviewIn(TenantSerializer):
    meeting_date = serializers.DateField(required=False, allow_null=True, default=None)
    attendees = AttendeeItem(many=True, required=False, default=list)
    key_practice_episodes = serializers.CharField(required=False, allow_blank=True, default="")
    learning = serializers.CharField(required=False, allow_blank=True, default="")
    immediate_actions = serializers.CharField(required=False, allow_blank=True, default="")
    context = serializers.CharField(required=False, allow_blank=True, default="")
    criteria = serializers.DictField(
        child=CriterionItem(),
        required=False,
        default=dict,
        help_text=f"Keyed by criterion: {', '.join(LcsprCriterion.values)}",
    )
    recommendation = serializers.ChoiceField(
        choices=ReviewRecommendation.choices, required=False, allow_blank=True, default=""
    )
    recommendation_rationale = serializers.CharField(required=False, allow_blank=True, default="")
    themes = serializers.ListField(
        child=serializers.ChoiceField(choices=PracticeTheme.choices),
        required=False,
        default=list,
        help_text="The practice themes the review identified",
    )
    version = serializers.IntegerField(required=False, help_text="The version you read; a stale one is refused (409)")

    def validate_criteria(self, value):
        unknown = set(value) - set(LcsprCriterion.values)
        if unknown:
            raise serializers.ValidationError(f"Unknown criteria: {', '.join(sorted(unknown))}")
        return value


class SignOffOut(serializers.Serializer):
    partner = serializers.CharField(source="statutory_role")
    member = serializers.IntegerField(source="member_id")
    organisation = serializers.CharField(source="member.organisation.name")
    person = serializers.CharField(source="person.get_full_name")
    seat = serializers.CharField(source="level")
    signed_version = serializers.IntegerField(allow_null=True)
    decision = serializers.CharField()
    comments = serializers.CharField()
    at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)


class RapidReviewOut(serializers.Serializer):
    status = serializers.CharField()
    meeting_date = serializers.DateField(allow_null=True)
    attendees = serializers.SerializerMethodField()
    key_practice_episodes = serializers.CharField()
    learning = serializers.CharField()
    immediate_actions = serializers.CharField()
    context = serializers.CharField()
    criteria = serializers.JSONField()
    themes = serializers.ListField(child=serializers.ChoiceField(choices=PracticeTheme.choices))
    recommendation = serializers.CharField()
    recommendation_rationale = serializers.CharField()
    version = serializers.IntegerField()
    sign_offs = SignOffOut(many=True)
    missing_signers = serializers.SerializerMethodField()

    def get_attendees(self, review) -> list[dict]:
        return [
            {"member": a.member_id, "organisation": str(a.member.organisation), "name": a.name, "role": a.role}
            for a in review.attendees.select_related("member__organisation")
        ]

    def get_missing_signers(self, review) -> list[dict]:
        """The members still to sign: each current statutory partner member (several councils each sign)."""
        return [
            {"member": m.pk, "organisation": m.organisation.name, "partner": m.statutory_role}
            for m in selectors.missing_signers(review)
        ]


class SignOffIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=SignOffDecision.choices)
    comments = serializers.CharField(required=False, allow_blank=True, default="")


def schema(request=None, response=None):
    return extend_schema(request=request, responses=response)


class RapidReviewActions:
    """Mixed into NotificationViewSet: everything is reached through a notification the caller may
    see; each action is decided by its own resource's policy (and its service's object rules)."""

    action_policies = {
        "information_requests": (InformationRequestPolicy, "view"),
        "create_information_requests": (InformationRequestPolicy, "request"),
        "information_request": (InformationRequestPolicy, "view"),
        "answer_information_request": (InformationRequestPolicy, "answer"),
        "reopen_information_request": (InformationRequestPolicy, "request"),
        "withdraw_information_request": (InformationRequestPolicy, "request"),
        "information_request_corrections": (InformationRequestPolicy, "request"),
        "rapid_review": (RapidReviewPolicy, "view"),
        "save_rapid_review": (RapidReviewPolicy, "manage"),
        "send_for_sign_off": (RapidReviewPolicy, "manage"),
        "sign_offs": (RapidReviewPolicy, "view"),
        "create_sign_off": (RapidReviewPolicy, "sign"),
    }
    input_serializers = {
        "create_information_requests": RequestsIn,
        "answer_information_request": SummaryIn,
        "reopen_information_request": ReasonIn,
        "withdraw_information_request": WithdrawIn,
        "information_request_corrections": InformationRequestCorrectionIn,
        "save_rapid_review": RapidReviewIn,
        "send_for_sign_off": SendForSignOffIn,
        "create_sign_off": SignOffIn,
    }

    # --- requests for information

    def _requests(self, notification):
        return selectors.information_requests(self.ctx, notification=notification).prefetch_related("chronology")

    def _request(self, notification, request_id):
        return get_scoped_or_404(self._requests(notification), partnership=self.ctx.partnership, pk=request_id)

    @schema(response=InformationRequestOut(many=True))
    @action(detail=True, methods=["get"], url_path="information-requests")
    def information_requests(self, request, *args, **kwargs):
        page = self.paginate_queryset(self._requests(self.get_object()).order_by("member__organisation__name", "pk"))
        return self.get_paginated_response(InformationRequestOut(page, many=True).data)

    @schema(RequestsIn, {201: InformationRequestOut(many=True)})
    @information_requests.mapping.post
    def create_information_requests(self, request, *args, **kwargs):
        notification = self.get_object()
        data = RequestsIn(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        created = services.request_information(self.ctx, notification, **data.validated_data)
        return Response(InformationRequestOut(created, many=True).data, status=status.HTTP_201_CREATED)

    @schema(response=InformationRequestOut)
    @action(detail=True, methods=["get"], url_path=r"information-requests/(?P<information_request_id>[0-9]+)")
    def information_request(self, request, *args, **kwargs):
        found = self._request(self.get_object(), kwargs["information_request_id"])
        activity.record_view(self.ctx, found)
        return Response(InformationRequestOut(found).data)

    @schema(SummaryIn, InformationRequestOut)
    @information_request.mapping.patch
    def answer_information_request(self, request, *args, **kwargs):
        found = self._request(self.get_object(), kwargs["information_request_id"])
        data = SummaryIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        saved = services.save_agency_summary(self.ctx, found, expected_version=values.pop("version", None), **values)
        return Response(InformationRequestOut(saved).data)

    @schema(ReasonIn, InformationRequestOut)
    @action(detail=True, methods=["post"], url_path=r"information-requests/(?P<information_request_id>[0-9]+)/reopen")
    def reopen_information_request(self, request, *args, **kwargs):
        found = self._request(self.get_object(), kwargs["information_request_id"])
        data = ReasonIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            InformationRequestOut(services.reopen_agency_summary(self.ctx, found, **data.validated_data)).data
        )

    @schema(WithdrawIn, InformationRequestOut)
    @action(detail=True, methods=["post"], url_path=r"information-requests/(?P<information_request_id>[0-9]+)/withdraw")
    def withdraw_information_request(self, request, *args, **kwargs):
        """Withdraw a request not yet answered, with the reason: its clock stops as not needed."""
        found = self._request(self.get_object(), kwargs["information_request_id"])
        data = WithdrawIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        withdrawn = services.withdraw_information_request(
            self.ctx, found, reason=values["reason"], expected_version=values.get("version")
        )
        return Response(InformationRequestOut(withdrawn).data)

    @schema(InformationRequestCorrectionIn, {200: InformationRequestOut, 409: None})
    @action(
        detail=True, methods=["post"], url_path=r"information-requests/(?P<information_request_id>[0-9]+)/corrections"
    )
    def information_request_corrections(self, request, *args, **kwargs):
        """Correct the request's reply-by date with a reason (reviews/corrections.py): its clock is re-derived."""
        found = self._request(self.get_object(), kwargs["information_request_id"])
        data = InformationRequestCorrectionIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(InformationRequestOut(corrections.correct(self.ctx, found, **data.validated_data)).data)

    # --- the meeting record, decision and sign-off

    def _review(self, notification):
        review = selectors.rapid_review_for(notification)
        if review is None:
            raise Http404("No rapid review recorded yet")
        return review

    @schema(response=RapidReviewOut)
    @action(detail=True, methods=["get"], url_path="rapid-review")
    def rapid_review(self, request, *args, **kwargs):
        review = self._review(self.get_object())
        activity.record_view(self.ctx, review, event="rapid_review.viewed")
        return Response(RapidReviewOut(review).data)

    @schema(RapidReviewIn, RapidReviewOut)
    @rapid_review.mapping.put
    def save_rapid_review(self, request, *args, **kwargs):
        notification = self.get_object()
        data = RapidReviewIn(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        review = services.save_meeting(self.ctx, notification, expected_version=values.pop("version", None), **values)
        return Response(RapidReviewOut(review).data)

    @schema(SendForSignOffIn, RapidReviewOut)
    @action(detail=True, methods=["post"], url_path="rapid-review/send-for-sign-off")
    def send_for_sign_off(self, request, *args, **kwargs):
        notification = self.get_object()
        data = SendForSignOffIn(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.send_for_sign_off(self.ctx, notification, expected_version=data.validated_data.get("version"))
        return Response(RapidReviewOut(review).data)

    @schema(response=SignOffOut(many=True))
    @action(detail=True, methods=["get"], url_path="rapid-review/sign-offs")
    def sign_offs(self, request, *args, **kwargs):
        review = self._review(self.get_object())
        signed = review.sign_offs.select_related("member__organisation", "person").order_by("at", "pk")
        return self.get_paginated_response(SignOffOut(self.paginate_queryset(signed), many=True).data)

    @schema(SignOffIn, {201: SignOffOut})
    @sign_offs.mapping.post
    def create_sign_off(self, request, *args, **kwargs):
        notification = self.get_object()
        data = SignOffIn(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.sign_off(self.ctx, notification, **data.validated_data)
        return Response(SignOffOut(record).data, status=status.HTTP_201_CREATED)
