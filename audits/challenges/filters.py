"""The challenge log's filter, shared by the page and the API: `status` (open, responded or
closed). Another value is the page's form error and the API's 400, never an unfiltered list."""

import django_filters

from audits.challenges.models import Challenge, ChallengeStatus
from lscp.web.filters import TenantFilterSet


class ChallengeFilter(TenantFilterSet):
    status = django_filters.ChoiceFilter(choices=ChallengeStatus.choices, label="Status")

    class Meta:
        model = Challenge
        fields = ["status"]
