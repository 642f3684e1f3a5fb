"""The notifications list's filters, shared by the page and the API (`filterset_class`): a value
that is not one of the choices is a form error on the page and a 400 from the API, never a 500
and never a silently unfiltered list."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone

from lscp.web.filters import FlagFilter, TenantFilterSet
from lscp.web.forms import GovukForm
from lscp.web.lists import filter_compiled
from reviews.notifications.models import Pathway, Status
from reviews.notifications.selectors import case_has_overdue_clock


class NotificationFilter(TenantFilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices, label="Status")
    pathway = django_filters.ChoiceFilter(choices=Pathway.choices, label="Pathway")
    overdue = FlagFilter(method="only_overdue", label="Only with an overdue clock")
    q = django_filters.CharFilter(method="reference_contains", label="Part of the reference or the Panel reference")

    class Meta:
        form = GovukForm
        fields = ["status", "pathway", "overdue", "q"]

    @property
    def form(self):
        # The page's own inputs are named filter-<name>: the error summary links to them.
        if not hasattr(self, "_form"):
            self._form = self.get_form_class()(
                self.data if self.is_bound else None, prefix=self.form_prefix, auto_id="filter-%s"
            )
        return self._form

    def only_overdue(self, queryset, name, value):
        if not value:
            return queryset
        # Written as SQL once for the list's count and its page (lscp.web.lists.filter_compiled).
        return filter_compiled(queryset, case_has_overdue_clock(self.ctx, timezone.localdate()))

    def reference_contains(self, queryset, name, value):
        text = value.strip()
        return queryset.filter(Q(reference__icontains=text) | Q(panel_reference__icontains=text))
