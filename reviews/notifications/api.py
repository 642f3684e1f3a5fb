"""API for notifications: the same services and rules as the pages.

POST /api/v1/<slug>/notifications/ submits one; each statutory step (steps.STEPS) is a POST to
/api/v1/<slug>/notifications/<id>/<step>/. A step from the wrong state is 409 with the reason.
The list's filters are the page's (filters.NotificationFilter): a bad value is a 400.
"""

from __future__ import annotations

import uuid
from functools import cached_property

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from lscp import deadlines, outbox
from lscp.api import LeanOutput, PartnershipChoice, TenantAPIMixin, TenantSerializer
from lscp.models import Escalation
from lscp.outbox.api import EmailOut
from partners.models import Member
from partners.selectors import current_members
from reviews import corrections
from reviews.corrections_api import CorrectionIn
from reviews.lcspr.api import LcsprActions
from reviews.notifications import models, selectors, services
from reviews.notifications.criteria import evaluate
from reviews.notifications.filters import NotificationFilter
from reviews.notifications.permissions import NotificationPolicy
from reviews.notifications.steps import STEPS
from reviews.rapid_review.api import NamedClockOut, RapidReviewActions


class DeadlineOut(NamedClockOut):
    label = serializers.SerializerMethodField()
    starts_on = serializers.DateField(allow_null=True)

    def get_label(self, deadline) -> str:
        return deadlines.label_for(deadline)


class EscalationOut(serializers.Serializer):
    """One step of a clock's escalation ladder, decided once (lscp.deadlines)."""

    clock = serializers.CharField(source="deadline.kind")
    label = serializers.SerializerMethodField()
    step = serializers.ChoiceField(choices=Escalation.Step.choices)
    repeat = serializers.IntegerField(help_text="0 for the step's first time under its due date, 1 for its repeat ...")
    repeat_through = serializers.IntegerField(
        allow_null=True, help_text="The last repeat this one stands for, when several were passed over at once"
    )
    step_date = serializers.DateField(help_text="The day this step fell due")
    decided_at = serializers.DateTimeField()
    superseded = serializers.BooleanField(help_text="Not sent: a later step was already due")
    email_status = serializers.CharField(source="email.status", default=None, allow_null=True)

    def get_label(self, escalation) -> str:
        return deadlines.label_for(escalation.deadline)


class ChildOut(LeanOutput):
    reference = serializers.CharField()
    age_years = serializers.IntegerField()
    age_months = serializers.IntegerField(allow_null=True)
    sex = serializers.CharField()
    ethnicity = serializers.CharField()
    looked_after = serializers.BooleanField()
    home_area = serializers.CharField()
    known_to = serializers.SerializerMethodField()
    disability = serializers.CharField()
    plan = serializers.CharField()
    known_to_agency = serializers.CharField()
    placement_type = serializers.CharField(allow_blank=True)
    care_leaver = serializers.BooleanField()
    resident_authority = serializers.CharField(allow_blank=True)

    def get_known_to(self, child) -> list[int]:
        return [member.pk for member in selectors.known_to_of(child)]


class CriteriaOut(LeanOutput):
    result = serializers.CharField()
    reason = serializers.CharField()
    evaluated = serializers.CharField()
    decision = serializers.CharField(allow_blank=True)
    rationale = serializers.CharField(allow_blank=True)


class NotificationSummaryOut(LeanOutput):
    """What a scrutineer sees: status and timeliness, no child details."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.CharField()
    pathway = serializers.CharField()
    notifying_organisation = serializers.CharField(source="notifying_member.organisation.name")
    received_on = serializers.DateField()
    panel_notified_on = serializers.DateField(allow_null=True)
    rapid_review_started_on = serializers.DateField(allow_null=True)
    rapid_review_completed_on = serializers.DateField(allow_null=True)
    outcome_sent_on = serializers.DateField(allow_null=True)
    panel_response_received_on = serializers.DateField(allow_null=True)
    deadlines = serializers.SerializerMethodField()

    @cached_property
    def _clock_out(self) -> DeadlineOut:
        # One serializer for every row's clocks (a list of 50 built 50 of them, each copying its fields).
        return DeadlineOut(context=self.context)

    def get_deadlines(self, notification) -> list[dict]:
        return [
            self._clock_out.to_representation(clock)
            for clock in deadlines.in_registered_order(selectors.clocks_of(notification))
        ]


class NotificationOut(NotificationSummaryOut):
    """A notification with its children, incident and decisions. Those who may not see a case's
    details (scrutineers) get NotificationSummaryOut from the same URLs, so the schema documents
    every field beyond the summary as one that may be absent."""

    def get_fields(self):
        fields = super().get_fields()
        for name in fields.keys() - NotificationSummaryOut._declared_fields.keys():
            # Not required, and not read-only (which drf-spectacular documents as required too):
            # this serializer only ever writes output.
            fields[name].required = False
            fields[name].read_only = False
        return fields

    notifying_member = serializers.IntegerField(source="notifying_member_id")
    notifier_name = serializers.CharField()
    notifier_role = serializers.CharField(allow_blank=True)
    notifier_email = serializers.EmailField()
    notifier_phone = serializers.CharField(allow_blank=True)
    incident_date = serializers.DateField()
    incident_time = serializers.TimeField(allow_null=True)
    aware_date = serializers.DateField()
    location = serializers.CharField()
    nature = serializers.CharField()
    abuse_or_neglect = serializers.CharField()
    summary = serializers.CharField()
    other_children = serializers.CharField(allow_blank=True)
    # The children as selectors.with_children() reads them (the viewset's queryset, the only
    # source of what this serializer writes): a list, not a related manager.
    children = ChildOut(many=True, source="child_rows")
    criteria = serializers.SerializerMethodField()
    panel_reference = serializers.CharField(allow_blank=True)
    sos_notified_on = serializers.DateField(allow_null=True)
    ofsted_notified_on = serializers.DateField(allow_null=True)
    panel_response = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField()

    @cached_property
    def _criteria_out(self) -> CriteriaOut:
        return CriteriaOut(context=self.context)

    def get_criteria(self, notification) -> dict:
        # Evaluated once, from the children already read (Notification.criteria_result evaluates
        # again, and evaluation reads the children through the related manager).
        evaluation = evaluate(notification, children=selectors.children_of(notification))
        return self._criteria_out.to_representation(
            {
                "result": notification.criteria_decision or evaluation.result,
                "reason": evaluation.reason
                if not notification.criteria_decision or notification.criteria_decision == evaluation.result
                else notification.criteria_rationale,
                "evaluated": evaluation.result,
                "decision": notification.criteria_decision,
                "rationale": notification.criteria_rationale,
            }
        )


class NotificationDetailOut(NotificationOut):
    """One notification, with what escalation did about its clocks (for the business unit, as on
    the case page; null for anyone else)."""

    escalations = serializers.SerializerMethodField()
    emails = serializers.SerializerMethodField()

    def _shown(self, notification) -> bool:
        ctx = self.context.get("ctx")
        return ctx is not None and NotificationPolicy.can(ctx, "manage", notification)

    @extend_schema_field(EscalationOut(many=True, allow_null=True))
    def get_escalations(self, notification):
        if not self._shown(notification):
            return None
        return EscalationOut(deadlines.escalations_for(notification), many=True).data

    @extend_schema_field(EmailOut(many=True, allow_null=True))
    def get_emails(self, notification):
        if not self._shown(notification):
            return None
        emails = outbox.emails_about(self.context["ctx"].partnership, notification).order_by("created_at", "id")
        return EmailOut(emails, many=True).data


class ChildIn(TenantSerializer):
    reference = serializers.CharField(max_length=40)
    age_years = serializers.IntegerField(
        min_value=0, max_value=models.CARE_LEAVER_MAX_AGE, help_text="Up to 17; up to 24 for a care leaver"
    )
    age_months = serializers.IntegerField(min_value=0, max_value=11, required=False, allow_null=True, default=None)
    sex = serializers.ChoiceField(choices=models.Sex.choices)
    ethnicity = serializers.ChoiceField(choices=models.ETHNICITY_CHOICES)
    looked_after = serializers.BooleanField()
    home_area = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    known_to = PartnershipChoice(Member, rows=current_members, many=True, required=False, default=list)
    disability = serializers.ChoiceField(
        choices=models.YesNoUnknown.choices, required=False, default=models.YesNoUnknown.UNKNOWN
    )
    plan = serializers.ChoiceField(choices=models.Plan.choices, required=False, default=models.Plan.UNKNOWN)
    known_to_agency = serializers.ChoiceField(
        choices=models.YesNoUnknown.choices, required=False, default=models.YesNoUnknown.UNKNOWN
    )
    placement_type = serializers.ChoiceField(
        choices=models.Placement.choices, required=False, allow_blank=True, default=""
    )
    care_leaver = serializers.BooleanField(required=False, default=False)
    resident_authority = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class NotificationIn(TenantSerializer):
    pathway = serializers.ChoiceField(choices=models.Pathway.choices)
    notifying_member = PartnershipChoice(
        Member,
        rows=current_members,
        required=False,
        allow_null=True,
        default=None,
        help_text="The notifying member organisation; an agency lead's own by default",
    )
    notifier_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    notifier_role = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    notifier_email = serializers.EmailField(required=False, allow_blank=True, default="")
    notifier_phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    incident_date = serializers.DateField()
    incident_time = serializers.TimeField(required=False, allow_null=True, default=None)
    aware_date = serializers.DateField()
    location = serializers.ChoiceField(choices=models.Location.choices)
    nature = serializers.ChoiceField(choices=models.Nature.choices, help_text=models.NATURE_HINT)
    abuse_or_neglect = serializers.ChoiceField(choices=models.AbuseOrNeglect.choices)
    children = ChildIn(many=True, allow_empty=True)
    summary = serializers.CharField()
    other_children = serializers.CharField(required=False, allow_blank=True, default="")
    submission_key = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="Send the same key again (or an Idempotency-Key header) and the first notification is returned",
    )

    def validate_children(self, children):
        if len(children) > services.MAX_CHILDREN:
            raise serializers.ValidationError(
                f"A notification can cover up to {services.MAX_CHILDREN} children: describe the others in "
                "other_children"
            )
        return children


class StepIn(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="The version you read; a stale one is refused (409)")
    confirm = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Save a date the case makes unusual: until true, such a date is answered 400 with the warning "
        "under 'confirm'",
    )


class PanelNotifiedIn(StepIn):
    sent_on = serializers.DateField()
    panel_reference = serializers.CharField(max_length=50)
    sos_notified_on = serializers.DateField(required=False, allow_null=True, default=None)
    ofsted_notified_on = serializers.DateField(required=False, allow_null=True, default=None)


class StartedIn(StepIn):
    started_on = serializers.DateField()


class CompletedIn(StepIn):
    completed_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Defaults to the day the last of the three partners signed",
    )


class SentIn(StepIn):
    sent_on = serializers.DateField()


class SosOfstedIn(StepIn):
    sos_notified_on = serializers.DateField()
    ofsted_notified_on = serializers.DateField()


class RespondedIn(StepIn):
    received_on = serializers.DateField()
    response = serializers.CharField()


class CriteriaIn(StepIn):
    result = serializers.ChoiceField(choices=models.CriteriaResult.choices)
    rationale = serializers.CharField(required=False, allow_blank=True, default="")


# Each statutory step's input, in the steps' order (steps.STEPS declares the steps themselves).
STEP_INPUTS = dict(zip(STEPS, [PanelNotifiedIn, StartedIn, CompletedIn, SentIn, RespondedIn, SosOfstedIn], strict=True))

LIST_FILTERS = [
    OpenApiParameter("status", str, enum=models.Status.values),
    OpenApiParameter("pathway", str, enum=models.Pathway.values),
    OpenApiParameter("overdue", bool, description="Only notifications with an overdue clock"),
    OpenApiParameter("q", str, description="Part of the reference or the Panel reference"),
]


def _step_schema(serializer):
    return extend_schema(request=serializer, responses={200: NotificationOut, 409: None})


@extend_schema_view(
    list=extend_schema(parameters=LIST_FILTERS, responses=NotificationOut(many=True)),
    retrieve=extend_schema(responses=NotificationDetailOut),
    create=extend_schema(request=NotificationIn, responses={201: NotificationOut}),
    criteria=_step_schema(CriteriaIn),
    corrections=extend_schema(request=CorrectionIn, responses={200: NotificationOut, 409: None}),
)
class NotificationViewSet(
    RapidReviewActions,
    LcsprActions,
    TenantAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Serious-incident notifications. Scrutineers get status and timeliness only. The statutory
    steps' actions (one per steps.STEPS) are added below the class."""

    model = models.Notification
    policy = NotificationPolicy
    filterset_class = NotificationFilter
    action_permissions = {
        "list": "view",
        "retrieve": "view",
        "create": "submit",
        "criteria": "manage",
        "corrections": "manage",
        **dict.fromkeys(STEP_INPUTS, "manage"),
    }
    action_policies = {**RapidReviewActions.action_policies, **LcsprActions.action_policies}
    input_serializers = {
        **RapidReviewActions.input_serializers,
        **LcsprActions.input_serializers,
        "create": NotificationIn,
        "criteria": CriteriaIn,
        "corrections": CorrectionIn,
        **STEP_INPUTS,
    }

    def output_serializer_class(self):
        if not NotificationPolicy.can(self.ctx, "view_details"):
            return NotificationSummaryOut
        return NotificationDetailOut if self.action == "retrieve" else NotificationOut

    def get_serializer_class(self):
        return self.input_serializer_class() or self.output_serializer_class()

    def tenant_queryset(self):
        return selectors.with_children(self.ctx, selectors.notifications_for(self.ctx)).order_by("-received_on", "-pk")

    def filter_queryset(self, queryset):
        # The list's filters (a bad value is a 400); one notification is found whatever they say.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def _output(self, notification, code=status.HTTP_200_OK):
        notification = self.tenant_queryset().get(pk=notification.pk)
        return Response(self.output_serializer_class()(notification).data, status=code)

    def create(self, request, *args, **kwargs):
        data = NotificationIn(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        children = [services.ChildAnswer(**child) for child in values.pop("children")]
        key = values.pop("submission_key") or request.headers.get("Idempotency-Key", "") or uuid.uuid4().hex
        notification = services.notification_submit(self.ctx, submission_key=key[:64], children=children, **values)
        return self._output(notification, status.HTTP_201_CREATED)

    def _step(self, request, step: str):
        notification = self.get_object()
        data = STEP_INPUTS[step](data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = values.pop("version", None)
        on = values.pop(STEPS[step].date_input)
        notification = services.record_step(
            self.ctx, notification, step=step, on=on, expected_version=version, **values
        )
        return self._output(notification)

    @action(detail=True, methods=["post"])
    def criteria(self, request, *args, **kwargs):
        notification = self.get_object()
        data = CriteriaIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        notification = services.decide_criteria(
            self.ctx,
            notification,
            result=values["result"],
            rationale=values["rationale"],
            expected_version=values.get("version"),
        )
        return self._output(notification)

    @action(detail=True, methods=["post"])
    def corrections(self, request, *args, **kwargs):
        """Correct a recorded date with a reason (reviews/corrections.py): 400 by field, 409 on a stale version."""
        notification = self.get_object()
        data = CorrectionIn(data=request.data)
        data.is_valid(raise_exception=True)
        notification = corrections.correct(self.ctx, notification, **data.validated_data)
        return self._output(notification)


def _step_action(spec):
    def record(self, request, *args, **kwargs):
        return self._step(request, spec.key)

    record.__name__ = record.__qualname__ = spec.key
    return _step_schema(STEP_INPUTS[spec.key])(action(detail=True, methods=["post"], url_path=spec.slug)(record))


for _spec in STEPS.values():
    setattr(NotificationViewSet, _spec.key, _step_action(_spec))
