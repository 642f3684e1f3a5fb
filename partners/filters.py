"""The people list's and the members API's filters: one FilterSet each, read by the page and the API alike, so that a bad
value is the page's form error and the API's 400, never an unfiltered list."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from lscp.roles import MEMBERSHIP_ROLES
from lscp.web.filters import TenantFilterSet
from lscp.web.forms import GovukForm
from partners.models import STATUTORY_ROLE_OF, Member, MemberKind, Membership, PartnerKind

STATUSES = [("active", "Active"), ("deactivated", "Deactivated"), ("all", "All")]


class PeopleFilter(TenantFilterSet):
    """`q` (name, email or job title), `role`, `status` (active, the default; deactivated; all)."""

    q = django_filters.CharFilter(label="Name, email or job title", method="search")
    role = django_filters.ChoiceFilter(label="Role", choices=MEMBERSHIP_ROLES, empty_label="Any role")
    status = django_filters.ChoiceFilter(label="Status", choices=STATUSES, empty_label=None, method="by_status")

    class Meta:
        model = Membership
        fields = ["q", "role", "status"]
        form = GovukForm

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("status"):
            data["status"] = "active"
        super().__init__(data, *args, **kwargs)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(person__first_name__icontains=value)
            | Q(person__last_name__icontains=value)
            | Q(person__email__icontains=value)
            | Q(job_title__icontains=value)
        )

    def by_status(self, queryset, name, value):
        if value == "all":
            return queryset
        return queryset.filter(is_active=value == "active")


class MemberFilter(TenantFilterSet):
    """The members API's filters: `kind` (statutory_partner | relevant_agency |
    designated_education_agency) and `partner_kind` (local_authority | police | health)."""

    kind = django_filters.ChoiceFilter(label="Membership", choices=MemberKind.choices, empty_label="Any membership")
    partner_kind = django_filters.ChoiceFilter(
        label="Safeguarding partner", choices=PartnerKind.choices, empty_label="Any", method="by_partner_kind"
    )

    class Meta:
        model = Member
        fields = ["kind", "partner_kind"]
        form = GovukForm

    def by_partner_kind(self, queryset, name, value):
        return queryset.filter(statutory_role=STATUTORY_ROLE_OF[PartnerKind(value)])
