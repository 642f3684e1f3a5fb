"""The audit programme's filter, shared by the page and the API: `year`, the financial year by its
starting year (2026 for 2026-27). Another value is the page's error and the API's 400."""

import django_filters

from audits.programme.models import Audit
from audits.quarters import FINANCIAL_YEARS
from lscp.web.filters import TenantFilterSet


class AuditFilter(TenantFilterSet):
    year = django_filters.ChoiceFilter(
        field_name="year_start", choices=[(str(year), str(year)) for year in FINANCIAL_YEARS], label="Year"
    )

    class Meta:
        model = Audit
        fields = ["year"]
