"""Forms for the multi-agency dataset. They parse what people type; the rules are the services'
(so the pages and the API agree)."""

from __future__ import annotations

from django import forms

from audits.dataset.models import Direction, IndicatorValue, Unit
from audits.dataset.selectors import value_text
from audits.forms import OrganisationChoice, member_choices
from audits.programme.models import Priority
from audits.quarters import quarter_label, started_quarters
from lscp.web.forms import TenantForm, VersionedForm

UNIT_SUFFIX = {Unit.PERCENT: "%", Unit.RATE: "per 10,000", Unit.DAYS: "days"}


class IndicatorForm(VersionedForm):
    """Adding an indicator (no version yet), or changing one (`editing`)."""

    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="For example, children subject to a child protection plan per 10,000 children",
        error_messages={"required": "Enter the indicator's name"},
    )
    description = forms.CharField(
        label="What it measures",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How it is counted, and why the partnership watches it",
    )
    unit = forms.ChoiceField(
        label="Unit",
        choices=Unit.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the unit the indicator is counted in"},
    )
    direction = forms.ChoiceField(
        label="Which way is better",
        choices=Direction.choices,
        widget=forms.RadioSelect(attrs={"data-inline": True}),
        initial=Direction.NEITHER,
        error_messages={"required": "Choose which way is better, or neither"},
        help_text="Used to say whether a change is better or worse; choose neither when a change needs reading in context",
    )
    priority = forms.ModelChoiceField(
        queryset=None, label="Priority", required=False, empty_label="None of the priorities"
    )
    reporting_member = OrganisationChoice(
        queryset=None,
        label="Reported by",
        empty_label="Choose the organisation",
        error_messages={"required": "Choose the member organisation that reports it"},
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = Priority.objects.for_partnership(self.ctx.partnership).filter(is_active=True)
        keep = [self.initial.get("reporting_member")] if editing else []
        self.fields["reporting_member"].queryset = member_choices(self.ctx, keep)
        if not editing:
            del self.fields["version"]
        else:
            self.fields["is_active"] = forms.BooleanField(
                label="In use: values are still reported", required=False, initial=True
            )

    def values(self) -> dict:
        """What the service takes: every field but the version read with the page."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class ValueForm(TenantForm):
    """A quarter's value: the quarter (any that has started, newest first) and the value as typed,
    which the service reads (so that '41.5', '1,204' and '78%' mean the same on the page and in
    the API)."""

    quarter = forms.ChoiceField(label="Quarter", error_messages={"required": "Choose the quarter"})
    value = forms.CharField(
        label="Value",
        max_length=40,
        error_messages={"required": "Enter the value, as a number like 41.5"},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=300,
        help_text="Optional: what explains the figure, or where it came from",
    )

    def __init__(self, *args, indicator, quarter=None, earlier=None, **kwargs):
        """`quarter`: correcting that quarter's value (it is fixed). `earlier`: an older quarter to
        offer beside the last twelve (reached from the indicator's earlier quarters)."""
        super().__init__(*args, **kwargs)
        if quarter is not None:
            del self.fields["quarter"]
        else:
            offered = started_quarters(12)
            if earlier is not None and earlier < offered[-1]:
                offered.append(earlier)
            held = {
                (row.year_start, row.quarter): row.value
                for row in IndicatorValue.objects.for_partnership(self.ctx.partnership).filter(indicator=indicator)
            }
            self.fields["quarter"].choices = [
                (
                    f"{year}-{number}",
                    quarter_label(year, number)
                    + (
                        f": {value_text(held[(year, number)], indicator.unit)} recorded"
                        if (year, number) in held
                        else ""
                    ),
                )
                for year, number in offered
            ]
            self.fields["quarter"].help_text = "A quarter that already has a value is corrected"
        self.fields["value"].widget.attrs.update(
            {"class": "govuk-input--width-10", "inputmode": "decimal", "spellcheck": "false"}
        )
        suffix = UNIT_SUFFIX.get(indicator.unit)
        if suffix:
            self.fields["value"].widget.attrs["data-suffix"] = suffix
        self.fields["value"].help_text = {
            Unit.PERCENT: "A per cent, like 78.5",
            Unit.RATE: "A rate per 10,000 children, like 41.5",
            Unit.DAYS: "A number of days, like 23",
        }.get(indicator.unit, "A number, like 312")
        self.quarter_of_value = quarter

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        if self.quarter_of_value is not None:
            data["year_start"], data["quarter"] = self.quarter_of_value
        else:
            year, number = data.pop("quarter").split("-")
            data["year_start"], data["quarter"] = int(year), int(number)
        return data


class DatasetUploadForm(TenantForm):
    service_error_fields = {"spreadsheet": "file"}

    file = forms.FileField(
        label="Spreadsheet (.xlsx)",
        help_text="Columns: Indicator, Year, Quarter, Value, and if you have them Note",
        error_messages={"required": "Choose a spreadsheet to upload"},
    )
