"""The filters of the plans list and the actions list: one FilterSet each, used by the page (its
filter form, GOV.UK fields) and by the API (`filterset_class`), so the same parameter means the same
thing in both and a bad value is the page's form error or the API's 400, never a 500 or a silently
unfiltered list. Dates are given as YYYY-MM-DD (the API) or as the page's three date fields.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from lscp.web.filters import DateParamFilter, DateRangeForm, FlagFilter, IdFilter, TenantFilterSet
from lscp.web.forms import GovukForm
from reviews.action_plans import selectors
from reviews.action_plans.forms import BUSINESS_UNIT_CHOICE, owner_choices
from reviews.action_plans.models import ActionStatus, PlanStatus, SourceKind


@extend_schema_field(OpenApiTypes.STR)
class OwnerFilter(django_filters.ChoiceFilter):
    """'business_unit' (the partnership's own business unit), or a member organisation's id."""

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        if value == BUSINESS_UNIT_CHOICE:
            return qs.filter(owner_member__isnull=True)
        return qs.filter(owner_member_id=int(value))


# ----------------------------------------------------------------------------------------------
# Actions


class ActionFilterForm(DateRangeForm):
    date_range = ("due_from", "due_to")


class ActionFilter(TenantFilterSet):
    """The actions list (the page's "Open actions" / "Our actions", and the API's actions)."""

    owner_organisation = OwnerFilter(
        label="Owner organisation",
        empty_label="Any organisation",
        error_messages={"invalid_choice": "Choose the business unit or one of the partnership's member organisations"},
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=ActionStatus.choices,
        empty_label="Any open status",
        error_messages={"invalid_choice": f"Choose one of: {', '.join(ActionStatus.values)}"},
    )
    overdue = FlagFilter(label="Only overdue", method="filter_overdue")
    open = FlagFilter(label="Only open actions", method="filter_open")
    due_from = DateParamFilter(label="Due from", field_name="due_date", lookup_expr="gte")
    due_to = DateParamFilter(label="Due by", field_name="due_date", lookup_expr="lte")
    plan = IdFilter(field_name="plan_id", what="a plan")

    aliases = {"owner": "owner_organisation"}  # the page's name before the API's was shared

    class Meta:
        form = ActionFilterForm
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.ctx is not None:
            ctx = self.ctx
            self.filters["owner_organisation"].extra["choices"] = lambda: owner_choices(ctx)

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(is_overdue=True) if value else queryset

    def filter_open(self, queryset, name, value):
        return selectors.open_actions(queryset) if value else queryset

    def chosen_status(self) -> str:
        """The status asked for, if it is one ('' for any)."""
        if not self.is_bound:
            return ""
        self.form.is_valid()
        return self.form.cleaned_data.get("status") or ""


# ----------------------------------------------------------------------------------------------
# Plans


class PlanFilter(TenantFilterSet):
    q = django_filters.CharFilter(label="Title or source", method="filter_text")
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=PlanStatus.choices,
        empty_label="Any status",
        error_messages={"invalid_choice": f"Choose one of: {', '.join(PlanStatus.values)}"},
    )
    source_kind = django_filters.ChoiceFilter(
        label="Source",
        choices=SourceKind.choices,
        empty_label="Any source",
        error_messages={"invalid_choice": f"Choose one of: {', '.join(SourceKind.values)}"},
    )

    aliases = {"source": "source_kind"}  # the page's name before the API's was shared

    class Meta:
        form = GovukForm
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        text = value.strip()
        return queryset.filter(Q(title__icontains=text) | Q(source_reference__icontains=text)) if text else queryset


class RecommendationFilter(TenantFilterSet):
    plan = IdFilter(field_name="plan_id", what="a plan")

    class Meta:
        form = GovukForm
        fields: list[str] = []


class ProgressUpdateFilter(TenantFilterSet):
    action = IdFilter(field_name="action_id", what="an action")

    class Meta:
        form = GovukForm
        fields: list[str] = []
