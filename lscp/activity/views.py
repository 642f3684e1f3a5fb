"""The activity log page: the business unit reads and filters it; nobody changes it."""

from __future__ import annotations

import django_filters
from rest_framework import mixins, serializers, viewsets

from lscp.activity.describe import codes_saying, describe
from lscp.api import TenantAPIMixin
from lscp.api_pagination import NewestFirstCursor
from lscp.models import ActivityEvent
from lscp.permissions import Policy
from lscp.roles import BUSINESS_UNIT
from lscp.web.filters import DateParamFilter, DateRangeForm, TenantFilterSet
from lscp.web.lists import keyset_paginate
from lscp.web.views import PartnershipPage
from partners.models import Person


class ActivityPolicy(Policy):
    resource = "activity log"
    rules = {"view": BUSINESS_UNIT}


def _people(request):
    """The people of the request's partnership (read only when the field is drawn or checked)."""
    ctx = getattr(request, "tenant", None)
    if ctx is None:
        return Person.objects.none()
    return (
        Person.objects.filter(memberships__partnership=ctx.partnership)
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )


class PersonFilter(django_filters.ModelChoiceFilter):
    """A person of this partnership by id, shown by name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, queryset=_people, **kwargs)

    @property
    def field(self):
        field = super().field
        field.label_from_instance = lambda person: person.get_full_name() or person.username
        return field


class ActivityFilter(TenantFilterSet):
    """The log's filters, for the page and the API alike. `person` (a person's id in this
    partnership), `kind`, `event` (an event's whole code, e.g. person.added, or part of its words as the
    page shows them, e.g. "Person added": either way an exact match on codes, read by the index on
    (partnership, event, at, id)), `record` (part of the record's name), `date_from` and `date_to`."""

    person = PersonFilter(label="Person", field_name="actor", empty_label="Anyone")
    kind = django_filters.ChoiceFilter(label="Kind", choices=ActivityEvent.Kind.choices, empty_label="Any kind")
    event = django_filters.CharFilter(label="Event", method="by_event", help_text="For example Person added")
    record = django_filters.CharFilter(
        label="Record", field_name="object_repr", lookup_expr="icontains", help_text="Part of the record's name"
    )
    date_from = DateParamFilter(label="From", field_name="at", lookup_expr="date__gte")
    date_to = DateParamFilter(label="To", field_name="at", lookup_expr="date__lte")

    def by_event(self, queryset, name, value):
        """The event's whole code (as the API gives it), or the codes whose words contain the text
        (as the page shows them): exact matches on codes, never a scan of every row's text."""
        return queryset.filter(event__in={value.strip(), *codes_saying(value)})

    class Meta:
        model = ActivityEvent
        fields = ["person", "kind", "event", "record", "date_from", "date_to"]
        form = DateRangeForm


def activity_for(ctx):
    """The partnership's activity log, newest first (ActivityFilter narrows it)."""
    ActivityPolicy.require(ctx, "view")
    return (
        ActivityEvent.objects.for_partnership(ctx.partnership)
        .select_related("actor", "object_type")
        .order_by("-at", "-id")
    )


class ActivityListView(PartnershipPage):
    template_name = "activity_list.html"
    policy = ActivityPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Always bound (an unbound FilterSet is never valid: the page read no rows without a filter).
        filters = ActivityFilter(self.request.GET, queryset=activity_for(self.ctx), request=self.request)
        context["filters"] = filters.form
        rows = filters.qs if filters.is_valid() else ActivityEvent.objects.none()
        context["page"] = keyset_paginate(self.request, rows, per_page=50)
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
    details = serializers.JSONField()
    description = serializers.SerializerMethodField(help_text="The event in words, as the activity log page reads it")

    def get_description(self, event) -> str:
        return str(describe(event))


class ActivityViewSet(TenantAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The activity log, newest first. Filters: `person` (id), `kind`, `event` (exact code),
    `record`, `date_from`, `date_to` (YYYY-MM-DD). Paged by ?cursor= (the `next` and `previous`
    links), with no count. Read-only for everyone, always."""

    model = ActivityEvent
    policy = ActivityPolicy
    action_permissions = {"list": "view"}
    serializer_class = ActivityOut
    pagination_class = NewestFirstCursor

    filterset_class = ActivityFilter

    def tenant_queryset(self):
        return activity_for(self.ctx)
