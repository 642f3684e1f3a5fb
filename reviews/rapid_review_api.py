"""API for a notification's rapid review and LCSPR, as resources under the notification:
/api/v1/<slug>/notifications/<id>/information-requests/, .../rapid-review/, .../lcspr/ ...
The same services and rules as the pages: 400 per field, 403 not allowed, 404 hidden, 409 wrong state."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from lscp import deadlines
from lscp.api import SLUG_PARAMETER, TenantSerializer
from lscp.documents import check_upload
from lscp.tenancy import get_scoped_or_404
from partners.models import Member
from reviews import lcspr_services, rapid_review_services
from reviews.models import InformationRequest, LcsprCriterion, ReviewerKind, ReviewRecommendation, SignOffDecision
from reviews.permissions import InformationRequestPolicy, LcsprPolicy, RapidReviewPolicy


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
    version = serializers.IntegerField()
    deadline = serializers.SerializerMethodField()

    def get_deadline(self, request) -> dict | None:
        clock = next(iter(request.deadlines.all()), None)
        if clock is None:
            return None
        return {
            "due_date": clock.due_date,
            "met_on": clock.met_on,
            "status": clock.status_on(timezone.localdate()),
            "explanation": clock.explanation,
        }


class RequestsIn(TenantSerializer):
    members = serializers.PrimaryKeyRelatedField(queryset=Member.dangerously_unscoped.all(), many=True)
    reply_by = serializers.DateField()
    message = serializers.CharField(required=False, allow_blank=True, default="")


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


class AttendeeItem(serializers.Serializer):  # nested: narrowed by its parent TenantSerializer
    member = serializers.PrimaryKeyRelatedField(queryset=Member.dangerously_unscoped.all())
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
    version = serializers.IntegerField(required=False, help_text="The version you read; a stale one is refused (409)")

    def validate_criteria(self, value):
        unknown = set(value) - set(LcsprCriterion.values)
        if unknown:
            raise serializers.ValidationError(f"Unknown criteria: {', '.join(sorted(unknown))}")
        return value


class SignOffOut(serializers.Serializer):
    partner = serializers.CharField(source="statutory_role")
    organisation = serializers.CharField(source="member.organisation.name")
    person = serializers.CharField(source="person.get_full_name")
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

    def get_missing_signers(self, review) -> list[str]:
        return rapid_review_services.missing_signers(review)


class SignOffIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=SignOffDecision.choices)
    comments = serializers.CharField(required=False, allow_blank=True, default="")


class LcsprOut(serializers.Serializer):
    status = serializers.CharField()
    decision_date = serializers.DateField()
    reviewer_name = serializers.CharField()
    reviewer_kind = serializers.CharField()
    terms_of_reference = serializers.CharField()
    scope_from = serializers.DateField()
    scope_to = serializers.DateField()
    draft_report_received_on = serializers.DateField(allow_null=True)
    final_report_received_on = serializers.DateField(allow_null=True)
    planned_publication_date = serializers.DateField(allow_null=True)
    sent_to_panel_on = serializers.DateField(allow_null=True)
    published_on = serializers.DateField(allow_null=True)
    published_url = serializers.CharField()
    keep_online_until = serializers.DateField(allow_null=True)
    not_published_rationale = serializers.CharField()
    improvements_summary = serializers.CharField()
    meetings = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()

    def get_meetings(self, lcspr) -> list[dict]:
        return [{"date": m.date, "notes": m.notes} for m in lcspr.meetings.all()]

    def get_deadlines(self, lcspr) -> list[dict]:
        today = timezone.localdate()
        return [
            {
                "kind": d.kind,
                "due_date": d.due_date,
                "met_on": d.met_on,
                "status": d.status_on(today),
                "explanation": d.explanation,
            }
            for d in deadlines.clocks_for(lcspr)
        ]


class CommissionIn(serializers.Serializer):
    decision_date = serializers.DateField()
    reviewer_name = serializers.CharField(max_length=200)
    reviewer_kind = serializers.ChoiceField(choices=ReviewerKind.choices)
    terms_of_reference = serializers.CharField()
    scope_from = serializers.DateField()
    scope_to = serializers.DateField()


class MeetingIn(serializers.Serializer):
    date = serializers.DateField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class PublicationDateIn(serializers.Serializer):
    planned_publication_date = serializers.DateField()


class LcsprSentIn(serializers.Serializer):
    sent_on = serializers.DateField()


class PublishedIn(serializers.Serializer):
    published_on = serializers.DateField()
    published_url = serializers.URLField()


class NotPublishingIn(serializers.Serializer):
    rationale = serializers.CharField()
    improvements_summary = serializers.CharField()


class ReportIn(serializers.Serializer):
    which = serializers.ChoiceField(choices=[("draft", "Draft report"), ("final", "Final report")])
    received_on = serializers.DateField()
    document = serializers.FileField()

    def validate_document(self, upload):
        from django.core.exceptions import ValidationError as DjangoValidationError

        try:
            content, kind = check_upload(upload)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return (upload, content, kind)


def _schema(request=None, response=None):
    return extend_schema(parameters=[SLUG_PARAMETER], request=request, responses=response)


class RapidReviewActions:
    """Mixed into NotificationViewSet: everything is reached through a notification the caller may see."""

    action_policies = {
        "information_requests": (InformationRequestPolicy, "view"),
        "create_information_requests": (InformationRequestPolicy, "request"),
        "information_request": (InformationRequestPolicy, "view"),
        "answer_information_request": (InformationRequestPolicy, "answer"),
        "reopen_information_request": (InformationRequestPolicy, "request"),
        "rapid_review": (RapidReviewPolicy, "view"),
        "save_rapid_review": (RapidReviewPolicy, "manage"),
        "send_for_sign_off": (RapidReviewPolicy, "manage"),
        "sign_offs": (RapidReviewPolicy, "view"),
        "create_sign_off": (RapidReviewPolicy, "sign"),
        "lcspr": (LcsprPolicy, "view"),
        "commission_lcspr": (LcsprPolicy, "manage"),
        "lcspr_meetings": (LcsprPolicy, "manage"),
        "lcspr_reports": (LcsprPolicy, "manage"),
        "lcspr_publication_date": (LcsprPolicy, "manage"),
        "lcspr_sent_to_panel": (LcsprPolicy, "manage"),
        "lcspr_published": (LcsprPolicy, "manage"),
        "lcspr_not_publishing": (LcsprPolicy, "manage"),
    }
    input_serializers = {
        "create_information_requests": RequestsIn,
        "answer_information_request": SummaryIn,
        "reopen_information_request": ReasonIn,
        "save_rapid_review": RapidReviewIn,
        "send_for_sign_off": SendForSignOffIn,
        "create_sign_off": SignOffIn,
        "commission_lcspr": CommissionIn,
        "lcspr_meetings": MeetingIn,
        "lcspr_reports": ReportIn,
        "lcspr_publication_date": PublicationDateIn,
        "lcspr_sent_to_panel": LcsprSentIn,
        "lcspr_published": PublishedIn,
        "lcspr_not_publishing": NotPublishingIn,
    }

    # --- requests for information

    def _requests(self, notification):
        return InformationRequestPolicy.filter(
            self.ctx,
            InformationRequest.objects.for_partnership(self.ctx.partnership)
            .filter(notification=notification)
            .select_related("member__organisation")
            .prefetch_related("chronology", "deadlines"),
        )

    def _request(self, notification, request_id):
        found = get_scoped_or_404(self._requests(notification), partnership=self.ctx.partnership, pk=request_id)
        return found

    @_schema(response=InformationRequestOut(many=True))
    @action(detail=True, methods=["get"], url_path="information-requests")
    def information_requests(self, request, *args, **kwargs):
        page = self.paginate_queryset(self._requests(self.get_object()).order_by("member__organisation__name", "pk"))
        return self.get_paginated_response(InformationRequestOut(page, many=True).data)

    @_schema(RequestsIn, {201: InformationRequestOut(many=True)})
    @information_requests.mapping.post
    def create_information_requests(self, request, *args, **kwargs):
        notification = self.get_object()
        data = RequestsIn(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        created = rapid_review_services.request_information(self.ctx, notification, **data.validated_data)
        return Response(InformationRequestOut(created, many=True).data, status=status.HTTP_201_CREATED)

    @_schema(response=InformationRequestOut)
    @action(detail=True, methods=["get"], url_path=r"information-requests/(?P<information_request_id>[0-9]+)")
    def information_request(self, request, *args, **kwargs):
        from lscp import activity

        found = self._request(self.get_object(), kwargs["information_request_id"])
        activity.record_view(self.ctx, found)
        return Response(InformationRequestOut(found).data)

    @_schema(SummaryIn, InformationRequestOut)
    @information_request.mapping.patch
    def answer_information_request(self, request, *args, **kwargs):
        found = self._request(self.get_object(), kwargs["information_request_id"])
        data = SummaryIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        saved = rapid_review_services.save_agency_summary(
            self.ctx, found, expected_version=values.pop("version", None), **values
        )
        return Response(InformationRequestOut(saved).data)

    @_schema(ReasonIn, InformationRequestOut)
    @action(detail=True, methods=["post"], url_path=r"information-requests/(?P<information_request_id>[0-9]+)/reopen")
    def reopen_information_request(self, request, *args, **kwargs):
        found = self._request(self.get_object(), kwargs["information_request_id"])
        data = ReasonIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            InformationRequestOut(
                rapid_review_services.reopen_agency_summary(self.ctx, found, **data.validated_data)
            ).data
        )

    # --- the meeting record, decision and sign-off

    def _review(self, notification):
        from django.http import Http404

        review = rapid_review_services.rapid_review_for(notification)
        if review is None:
            raise Http404("No rapid review recorded yet")
        return review

    @_schema(response=RapidReviewOut)
    @action(detail=True, methods=["get"], url_path="rapid-review")
    def rapid_review(self, request, *args, **kwargs):
        from lscp import activity

        review = self._review(self.get_object())
        activity.record_view(self.ctx, review, event="rapid_review.viewed")
        return Response(RapidReviewOut(review).data)

    @_schema(RapidReviewIn, RapidReviewOut)
    @rapid_review.mapping.put
    def save_rapid_review(self, request, *args, **kwargs):
        notification = self.get_object()
        data = RapidReviewIn(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        review = rapid_review_services.save_meeting(
            self.ctx, notification, expected_version=values.pop("version", None), **values
        )
        return Response(RapidReviewOut(review).data)

    @_schema(SendForSignOffIn, RapidReviewOut)
    @action(detail=True, methods=["post"], url_path="rapid-review/send-for-sign-off")
    def send_for_sign_off(self, request, *args, **kwargs):
        notification = self.get_object()
        data = SendForSignOffIn(data=request.data)
        data.is_valid(raise_exception=True)
        review = rapid_review_services.send_for_sign_off(
            self.ctx, notification, expected_version=data.validated_data.get("version")
        )
        return Response(RapidReviewOut(review).data)

    @_schema(response=SignOffOut(many=True))
    @action(detail=True, methods=["get"], url_path="rapid-review/sign-offs")
    def sign_offs(self, request, *args, **kwargs):
        review = self._review(self.get_object())
        signed = review.sign_offs.select_related("member__organisation", "person").order_by("at", "pk")
        return self.get_paginated_response(SignOffOut(self.paginate_queryset(signed), many=True).data)

    @_schema(SignOffIn, {201: SignOffOut})
    @sign_offs.mapping.post
    def create_sign_off(self, request, *args, **kwargs):
        notification = self.get_object()
        data = SignOffIn(data=request.data)
        data.is_valid(raise_exception=True)
        record = rapid_review_services.sign_off(self.ctx, notification, **data.validated_data)
        return Response(SignOffOut(record).data, status=status.HTTP_201_CREATED)

    # --- the LCSPR

    def _lcspr(self, notification):
        from django.http import Http404

        found = lcspr_services.lcspr_for(notification)
        if found is None:
            raise Http404("No LCSPR commissioned")
        return found

    def _lcspr_step(self, request, serializer, service):
        lcspr = self._lcspr(self.get_object())
        data = serializer(data=request.data)
        data.is_valid(raise_exception=True)
        service(self.ctx, lcspr, **data.validated_data)
        lcspr.refresh_from_db()
        return Response(LcsprOut(lcspr).data)

    @_schema(response=LcsprOut)
    @action(detail=True, methods=["get"], url_path="lcspr")
    def lcspr(self, request, *args, **kwargs):
        from lscp import activity

        lcspr = self._lcspr(self.get_object())
        activity.record_view(self.ctx, lcspr, event="lcspr.viewed")
        return Response(LcsprOut(lcspr).data)

    @_schema(CommissionIn, {201: LcsprOut})
    @lcspr.mapping.post
    def commission_lcspr(self, request, *args, **kwargs):
        notification = self.get_object()
        data = CommissionIn(data=request.data)
        data.is_valid(raise_exception=True)
        lcspr = lcspr_services.commission(self.ctx, notification, **data.validated_data)
        return Response(LcsprOut(lcspr).data, status=status.HTTP_201_CREATED)

    @_schema(MeetingIn, LcsprOut)
    @action(detail=True, methods=["post"], url_path="lcspr/meetings")
    def lcspr_meetings(self, request, *args, **kwargs):
        return self._lcspr_step(request, MeetingIn, lcspr_services.add_meeting)

    @_schema(ReportIn, LcsprOut)
    @action(
        detail=True,
        methods=["post"],
        url_path="lcspr/reports",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def lcspr_reports(self, request, *args, **kwargs):
        lcspr = self._lcspr(self.get_object())
        data = ReportIn(data=request.data)
        data.is_valid(raise_exception=True)
        upload, content, kind = data.validated_data["document"]
        lcspr_services.receive_report(
            self.ctx,
            lcspr,
            final=data.validated_data["which"] == "final",
            received_on=data.validated_data["received_on"],
            upload=upload,
            content=content,
            kind=kind,
        )
        lcspr.refresh_from_db()
        return Response(LcsprOut(lcspr).data)

    @_schema(PublicationDateIn, LcsprOut)
    @action(detail=True, methods=["post"], url_path="lcspr/publication-date")
    def lcspr_publication_date(self, request, *args, **kwargs):
        return self._lcspr_step(request, PublicationDateIn, lcspr_services.plan_publication)

    @_schema(LcsprSentIn, LcsprOut)
    @action(detail=True, methods=["post"], url_path="lcspr/sent-to-panel")
    def lcspr_sent_to_panel(self, request, *args, **kwargs):
        return self._lcspr_step(request, LcsprSentIn, lcspr_services.send_to_panel)

    @_schema(PublishedIn, LcsprOut)
    @action(detail=True, methods=["post"], url_path="lcspr/published")
    def lcspr_published(self, request, *args, **kwargs):
        return self._lcspr_step(request, PublishedIn, lcspr_services.publish)

    @_schema(NotPublishingIn, LcsprOut)
    @action(detail=True, methods=["post"], url_path="lcspr/not-publishing")
    def lcspr_not_publishing(self, request, *args, **kwargs):
        return self._lcspr_step(request, NotPublishingIn, lcspr_services.decide_not_to_publish)
