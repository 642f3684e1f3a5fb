"""API for a notification's local child safeguarding practice review, under the notification
(mixed into the notifications' viewset): /api/v1/<slug>/notifications/<id>/lcspr/ ...
The same services and rules as the pages: 400 per field, 403 not allowed, 404 hidden, 409 wrong state."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from lscp import activity, deadlines
from lscp.documents import check_upload
from partners.api import PartnerSignOffStateOut, SignatureOut, sign_off_state
from reviews import corrections
from reviews.corrections_api import LcsprCorrectionIn
from reviews.lcspr import services
from reviews.lcspr.models import ReviewerKind
from reviews.lcspr.permissions import LcsprPolicy
from reviews.lcspr.selectors import lcspr_for
from reviews.rapid_review.api import NamedClockOut, schema


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
    version = serializers.IntegerField()
    meetings = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    decision_sign_off = serializers.SerializerMethodField()

    @extend_schema_field(PartnerSignOffStateOut)
    def get_decision_sign_off(self, lcspr) -> dict:
        return sign_off_state(services.decision_sign_off(lcspr))

    def get_meetings(self, lcspr) -> list[dict]:
        return [{"date": m.date, "notes": m.notes} for m in lcspr.meetings.all()]

    @extend_schema_field(NamedClockOut(many=True))
    def get_deadlines(self, lcspr):
        return NamedClockOut(deadlines.clocks_for(lcspr), many=True).data


class CommissionIn(serializers.Serializer):
    decision_date = serializers.DateField()
    reviewer_name = serializers.CharField(max_length=200)
    reviewer_kind = serializers.ChoiceField(choices=ReviewerKind.choices)
    terms_of_reference = serializers.CharField()
    scope_from = serializers.DateField()
    scope_to = serializers.DateField()


class LcsprDecisionIn(CommissionIn):
    version = serializers.IntegerField(required=False, help_text="The version you read; a stale one is refused (409)")


class SignDecisionIn(serializers.Serializer):
    content_hash = serializers.CharField(
        required=False, help_text="The decision's content_hash you read; if it changed since, refused (409)"
    )


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
        try:
            content, kind = check_upload(upload)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return (upload, content, kind)


class LcsprActions:
    """Mixed into NotificationViewSet: the practice review of a notification the caller may see."""

    action_policies = {
        "lcspr": (LcsprPolicy, "view"),
        "commission_lcspr": (LcsprPolicy, "manage"),
        "lcspr_meetings": (LcsprPolicy, "manage"),
        "lcspr_reports": (LcsprPolicy, "manage"),
        "lcspr_publication_date": (LcsprPolicy, "manage"),
        "lcspr_sent_to_panel": (LcsprPolicy, "manage"),
        "lcspr_published": (LcsprPolicy, "manage"),
        "lcspr_not_publishing": (LcsprPolicy, "manage"),
        "lcspr_decision": (LcsprPolicy, "manage"),
        "lcspr_sign_offs": (LcsprPolicy, "view"),
        "sign_lcspr_decision": (LcsprPolicy, "sign"),
        "lcspr_corrections": (LcsprPolicy, "manage"),
    }
    input_serializers = {
        "commission_lcspr": CommissionIn,
        "lcspr_meetings": MeetingIn,
        "lcspr_reports": ReportIn,
        "lcspr_publication_date": PublicationDateIn,
        "lcspr_sent_to_panel": LcsprSentIn,
        "lcspr_published": PublishedIn,
        "lcspr_not_publishing": NotPublishingIn,
        "lcspr_decision": LcsprDecisionIn,
        "sign_lcspr_decision": SignDecisionIn,
        "lcspr_corrections": LcsprCorrectionIn,
    }

    def _lcspr(self, notification):
        found = lcspr_for(notification)
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

    @schema(response=LcsprOut)
    @action(detail=True, methods=["get"], url_path="lcspr")
    def lcspr(self, request, *args, **kwargs):
        lcspr = self._lcspr(self.get_object())
        activity.record_view(self.ctx, lcspr, event="lcspr.viewed")
        return Response(LcsprOut(lcspr).data)

    @schema(CommissionIn, {201: LcsprOut})
    @lcspr.mapping.post
    def commission_lcspr(self, request, *args, **kwargs):
        notification = self.get_object()
        data = CommissionIn(data=request.data)
        data.is_valid(raise_exception=True)
        lcspr = services.commission(self.ctx, notification, **data.validated_data)
        return Response(LcsprOut(lcspr).data, status=status.HTTP_201_CREATED)

    @schema(LcsprCorrectionIn, {200: LcsprOut, 409: None})
    @action(detail=True, methods=["post"], url_path="lcspr/corrections")
    def lcspr_corrections(self, request, *args, **kwargs):
        """Correct a recorded date of the LCSPR with a reason (reviews/corrections.py): 400 by field, 409 on a stale version."""
        lcspr = self._lcspr(self.get_object())
        data = LcsprCorrectionIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(LcsprOut(corrections.correct(self.ctx, lcspr, **data.validated_data)).data)

    @schema(MeetingIn, LcsprOut)
    @action(detail=True, methods=["post"], url_path="lcspr/meetings")
    def lcspr_meetings(self, request, *args, **kwargs):
        return self._lcspr_step(request, MeetingIn, services.add_meeting)

    @schema(ReportIn, LcsprOut)
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
        services.receive_report(
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

    @schema(PublicationDateIn, LcsprOut)
    @action(detail=True, methods=["post"], url_path="lcspr/publication-date")
    def lcspr_publication_date(self, request, *args, **kwargs):
        return self._lcspr_step(request, PublicationDateIn, services.plan_publication)

    @schema(LcsprSentIn, LcsprOut)
    @action(detail=True, methods=["post"], url_path="lcspr/sent-to-panel")
    def lcspr_sent_to_panel(self, request, *args, **kwargs):
        return self._lcspr_step(request, LcsprSentIn, services.send_to_panel)

    @schema(PublishedIn, LcsprOut)
    @action(detail=True, methods=["post"], url_path="lcspr/published")
    def lcspr_published(self, request, *args, **kwargs):
        return self._lcspr_step(request, PublishedIn, services.publish)

    @schema(NotPublishingIn, LcsprOut)
    @action(detail=True, methods=["post"], url_path="lcspr/not-publishing")
    def lcspr_not_publishing(self, request, *args, **kwargs):
        return self._lcspr_step(request, NotPublishingIn, services.decide_not_to_publish)

    @schema(LcsprDecisionIn, LcsprOut)
    @action(detail=True, methods=["post"], url_path="lcspr/decision")
    def lcspr_decision(self, request, *args, **kwargs):
        """Change the decision: the partners' standing signatures of it are withdrawn."""
        lcspr = self._lcspr(self.get_object())
        data = LcsprDecisionIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        services.change_decision(self.ctx, lcspr, expected_version=values.pop("version", None), **values)
        lcspr.refresh_from_db()
        return Response(LcsprOut(lcspr).data)

    @schema(response=PartnerSignOffStateOut)
    @action(detail=True, methods=["get"], url_path="lcspr/sign-offs")
    def lcspr_sign_offs(self, request, *args, **kwargs):
        """Who has signed the decision, who is still to, and the withdrawn signatures."""
        lcspr = self._lcspr(self.get_object())
        return Response(sign_off_state(services.decision_sign_off(lcspr)))

    @schema(SignDecisionIn, {201: SignatureOut})
    @lcspr_sign_offs.mapping.post
    def sign_lcspr_decision(self, request, *args, **kwargs):
        """Sign the decision for your member, in your seat at the partnership's signing level."""
        lcspr = self._lcspr(self.get_object())
        data = SignDecisionIn(data=request.data)
        data.is_valid(raise_exception=True)
        signature = services.sign_decision(self.ctx, lcspr, expected_hash=data.validated_data.get("content_hash"))
        return Response(SignatureOut(signature).data, status=status.HTTP_201_CREATED)
