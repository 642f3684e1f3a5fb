"""Forms for the multi-agency dataset, the challenge log and the annual report. They parse what
people type; the rules are the services' (so the pages and the API agree)."""

from __future__ import annotations

from django import forms

from audits.dataset import started_quarters, value_text
from audits.forms import OrganisationChoice, _members
from audits.models import Direction, IndicatorValue, Priority, RaisedBy, Unit, quarter_label
from lscp.web.forms import GovukDateField, TenantForm
from partners.models import GovernanceGroup

UNIT_SUFFIX = {Unit.PERCENT: "%", Unit.RATE: "per 10,000", Unit.DAYS: "days"}


# ----------------------------------------------------------------------------------------------
# The dataset


class IndicatorForm(TenantForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
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
        self.fields["reporting_member"].queryset = _members(self.ctx)
        if editing:
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


# ----------------------------------------------------------------------------------------------
# The challenge log


class ChallengeForm(TenantForm):
    raised_on = GovukDateField(label="Date raised", help_text="For example, 14 10 2025")
    raised_by = forms.ChoiceField(
        label="Raised",
        choices=RaisedBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who raised it"},
    )
    raised_at = forms.ModelChoiceField(
        queryset=None,
        label="Meeting",
        required=False,
        empty_label="Not at a meeting",
        help_text="The group whose meeting it was raised at (needed when it was raised at a meeting)",
    )
    raised_by_name = forms.CharField(
        label="Raised by",
        max_length=200,
        help_text="The person, with their role: for example, Ruth Calloway, Independent Chair and Scrutineer",
        error_messages={"required": "Enter who raised it"},
    )
    to_member = OrganisationChoice(
        queryset=None,
        label="Challenge to",
        empty_label="Choose the organisation",
        error_messages={"required": "Choose the member organisation challenged"},
    )
    subject = forms.CharField(
        label="About",
        max_length=200,
        help_text="A short title, like Police attendance at strategy meetings",
        error_messages={"required": "Enter what the challenge is about"},
    )
    challenge = forms.CharField(
        label="The challenge",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What was asked, and the evidence behind it",
        error_messages={"required": "Enter the challenge"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raised_at"].queryset = GovernanceGroup.objects.for_partnership(self.ctx.partnership).filter(
            is_active=True
        )
        self.fields["to_member"].queryset = _members(self.ctx)


class ResponseForm(TenantForm):
    response = forms.CharField(
        label="Response",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the organisation answered",
        error_messages={"required": "Enter the response"},
    )
    responded_on = GovukDateField(label="Date of the response")
    outcome = forms.CharField(
        label="Outcome",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What changed because of the challenge (needed to close it)",
    )
    close = forms.BooleanField(
        label="Close the challenge: the partnership is satisfied with the outcome", required=False
    )


# ----------------------------------------------------------------------------------------------
# The annual report

PERIOD_HINT = "12 months: for example, 1 4 2025 to 31 3 2026"


class AnnualReportStartForm(TenantForm):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, Thurrock LSCP annual report 2025 to 2026",
        error_messages={"required": "Enter the report's title"},
    )
    period_start = GovukDateField(label="First day of the period", help_text=PERIOD_HINT)
    period_end = GovukDateField(label="Last day of the period")


NARRATIVE = [
    ("foreword", "Foreword", "From the safeguarding partners or the independent chair"),
    ("arrangements", "Arrangements and partners", "Shown before the members and the governance groups"),
    ("reviews_narrative", "Notifications and reviews", "Shown before the counts and the timeliness of each deadline"),
    ("learning_narrative", "Learning and action plans", "What was learnt from reviews, and what changed"),
    ("audit_narrative", "Audits and self-assessments", "Shown before the audit programme and the heatmap"),
    ("scrutiny_narrative", "Challenge and scrutiny", "Shown before the challenge log"),
    ("priorities_ahead", "Priorities for the year ahead", "The last section of the report"),
]


class AnnualReportForm(AnnualReportStartForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label, hint in NARRATIVE:
            self.fields[name] = forms.CharField(
                label=label, required=False, help_text=hint, widget=forms.Textarea(attrs={"rows": 8})
            )

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data
