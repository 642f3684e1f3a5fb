"""The dataset list's filters, shared by the page and the API: `priority` (a priority's id, or
`none` for the indicators planned against none) and `active` (`yes`, `no` or `all`). A value that
is not one of these is the page's form error and the API's 400, never an unfiltered list."""

import django_filters

from audits.dataset.models import Indicator
from audits.programme.models import Priority
from lscp.web.filters import TenantFilterSet

ACTIVE_CHOICES = [("yes", "In use"), ("no", "No longer reported"), ("all", "All")]


def _priorities(request):
    return Priority.objects.for_partnership(request.tenant.partnership)


class IndicatorFilter(TenantFilterSet):
    priority = django_filters.ModelChoiceFilter(
        queryset=_priorities, null_value="none", null_label="None of the priorities", label="Priority"
    )
    active = django_filters.ChoiceFilter(choices=ACTIVE_CHOICES, method="filter_active", label="In use")

    class Meta:
        model = Indicator
        fields = ["priority", "active"]

    def filter_active(self, queryset, name, value):
        if value in ("yes", "no"):
            return queryset.filter(is_active=value == "yes")
        return queryset
