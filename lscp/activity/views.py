"""The activity log page: the business unit reads and filters it; nobody changes it."""

from __future__ import annotations

from django import forms
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from lscp.api import TenantAPIMixin
from lscp.models import ActivityEvent
from lscp.permissions import Policy
from lscp.roles import BUSINESS_UNIT
from lscp.web.forms import GovukDateField, TenantForm
from lscp.web.lists import paginate
from lscp.web.views import PartnershipPage
from partners.models import Membership


class ActivityPolicy(Policy):
    resource = "activity log"
    rules = {"view": BUSINESS_UNIT}


class ActivityFilterForm(TenantForm):
    person = forms.ChoiceField(label="Person", required=False)
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Changes and views"), *ActivityEvent.Kind.choices]
    )
    event = forms.CharField(label="Event", required=False, help_text="For example person.added")
    record = forms.CharField(label="Record", required=False, help_text="Part of the record's name")
    date_from = GovukDateField(label="From", required=False)
    date_to = GovukDateField(label="To", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = (
            Membership.objects.for_partnership(self.ctx.partnership)
            .select_related("person")
            .order_by("person__first_name", "person__last_name")
        )
        self.fields["person"].choices = [("", "Anyone")] + [
            (str(m.person_id), m.person.get_full_name() or m.person.username) for m in people
        ]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return data


def activity_for(
    ctx,
    *,
    person: int | str | None = None,
    kind: str = "",
    event: str = "",
    record: str = "",
    date_from=None,
    date_to=None,
):
    ActivityPolicy.require(ctx, "view")
    queryset = ActivityEvent.objects.for_partnership(ctx.partnership).select_related("actor", "object_type")
    if person:
        queryset = queryset.filter(actor_id=person)
    if kind:
        queryset = queryset.filter(kind=kind)
    if event:
        queryset = queryset.filter(event__icontains=event.strip())
    if record:
        queryset = queryset.filter(object_repr__icontains=record.strip())
    if date_from:
        queryset = queryset.filter(at__date__gte=date_from)
    if date_to:
        queryset = queryset.filter(at__date__lte=date_to)
    return queryset.order_by("-at", "-id")


class ActivityListView(PartnershipPage):
    template_name = "activity_list.html"
    policy = ActivityPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = ActivityFilterForm(self.request.GET or None, ctx=self.ctx)
        values = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
        context["filters"] = filters
        context["page"] = paginate(self.request, activity_for(self.ctx, **values), per_page=50)
        return context


# ----------------------------------------------------------------------------------------------
# API


class ActivityOut(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)
    kind = serializers.CharField()
    event = serializers.CharField()
    object_type = serializers.CharField(source="object_type.model", default=None, allow_null=True)
    object_id = serializers.CharField()
    object_repr = serializers.CharField()
    changes = serializers.JSONField()


class ActivityFilterIn(serializers.Serializer):
    """The list's query parameters: a bad one is a 400 naming it."""

    person = serializers.IntegerField(required=False, help_text="A person's id")
    kind = serializers.ChoiceField(choices=ActivityEvent.Kind.choices, required=False)
    event = serializers.CharField(required=False, help_text="Part of the event's name, e.g. person.added")
    record = serializers.CharField(required=False, help_text="Part of the record's name")
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)

    def validate(self, data):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise serializers.ValidationError({"date_to": ["The end date must be the same as or after the start date"]})
        return data


@extend_schema_view(list=extend_schema(parameters=[ActivityFilterIn]))
class ActivityViewSet(TenantAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The activity log, newest first. Filters: `person` (id), `kind`, `event`, `record`,
    `date_from`, `date_to` (YYYY-MM-DD). Read-only for everyone, always."""

    model = ActivityEvent
    policy = ActivityPolicy
    action_permissions = {"list": "view"}
    serializer_class = ActivityOut

    def tenant_queryset(self):
        filters = ActivityFilterIn(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return activity_for(self.ctx, **filters.validated_data)
