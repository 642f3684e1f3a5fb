"""The comparison's parameters (`year`, `group`, `recorded`): one form read by the page and the
API alike, so that a year or group that does not exist is the page's form error and the API's
400, never a quietly different comparison. The comparison is worked out, not a filtered list,
so a plain form is its parameter reader rather than a FilterSet."""

from __future__ import annotations

from typing import Any

from django import forms

from funding import selectors
from funding.models import AuthorityType
from lscp.tenancy import TenantContext
from lscp.web.forms import GovukForm


class ComparisonFilter(GovukForm):
    year = forms.ChoiceField(label="Benchmark year", required=False)
    group = forms.ChoiceField(
        label="Compare with",
        required=False,
        choices=[
            ("", "All areas"),
            (AuthorityType.UNITARY, "Unitary authorities only"),
            (AuthorityType.COUNTY, "County council areas only"),
        ],
    )
    recorded = forms.ChoiceField(label="Also show our recorded year", required=False)

    def __init__(self, *args, benchmark_years: list[str], recorded_years: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y.replace("-", "/")) for y in benchmark_years]
        self.fields["recorded"].choices = [("", "None"), *((y, y.replace("-", "/")) for y in recorded_years)]


def comparison_filter(ctx: TenantContext, params) -> tuple[ComparisonFilter, dict[str, Any]]:
    """The form bound to the request's parameters (unbound when it sent none), and the arguments
    of selectors.comparison it gives (the defaults while it has errors)."""
    recorded_years = {year.label: year for year in selectors.years_for(ctx)}
    benchmark_years = selectors.benchmark_years(ctx)
    form = ComparisonFilter(params or None, benchmark_years=benchmark_years, recorded_years=list(recorded_years))
    values = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, {
        "year": values.get("year", ""),
        "group": values.get("group", ""),
        "recorded": recorded_years.get(values.get("recorded", "")),
        "available": benchmark_years,
    }
