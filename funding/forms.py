"""Funding forms: they parse what people type; the rules are the services' (so the API agrees)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from funding.models import AuthorityType, IncomeKind, SpendingKind
from funding.planning import MAX_YEARS
from lscp.checks import parse_whole_number
from lscp.web.forms import GovukDateField, GovukForm, MoneyField, PercentField, TenantForm
from partners.models import Organisation

NOTES = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class YearAddForm(TenantForm):
    label = forms.CharField(
        label="Financial year",
        help_text="April to March, for example 2020/21",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "spellcheck": "false"}),
        error_messages={"required": "Enter the financial year, like 2020/21"},
    )
    copy_previous = forms.BooleanField(
        label="Start from the previous year's agreed contributions and budget lines",
        required=False,
        help_text="Invoices, payments and actual spending are not copied",
    )


class ContributionForm(TenantForm):
    agreed = MoneyField(label="Agreed amount", help_text="What the organisation agreed to contribute this year")
    invoiced_on = GovukDateField(label="Date invoiced", required=False, help_text="For example, 1 5 2020")
    invoiced = MoneyField(label="Amount invoiced", required=False)
    received_on = GovukDateField(label="Date received", required=False, allow_future=False)
    received = MoneyField(label="Amount received", required=False)
    notes = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when more was received than invoiced",
    )


class OrganisationChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=Organisation.objects.none(),
            label="Organisation",
            empty_label="Choose an organisation",
            error_messages={
                "required": "Choose the organisation that contributes",
                "invalid_choice": "Choose an organisation that is a member of the partnership",
            },
            **kwargs,
        )


class ContributionAddForm(ContributionForm):
    organisation = OrganisationChoiceField(help_text="Only the partnership's member organisations contribute")
    field_order = ["organisation", "agreed", "invoiced_on", "invoiced", "received_on", "received", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The shared directory narrowed to this partnership's members.
        self.fields["organisation"].queryset = Organisation.objects.filter(
            memberships__partnership=self.ctx.partnership
        ).order_by("name")


class IncomeForm(TenantForm):
    kind = forms.ChoiceField(label="Kind of income", choices=IncomeKind.choices, widget=forms.RadioSelect)
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=200,
        help_text="For example, Walk Online roadshow for schools",
    )
    amount = MoneyField(label="Amount")
    received_on = GovukDateField(label="Date received", required=False, allow_future=False)
    notes = NOTES


class SpendingForm(TenantForm):
    kind = forms.ChoiceField(label="Spending line", choices=SpendingKind.choices, widget=forms.RadioSelect)
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=200,
        help_text="Needed for other spending; optional otherwise",
    )
    budget = MoneyField(label="Budget")
    actual = MoneyField(label="Actual spending", required=False, help_text="Spent so far; leave blank for £0")
    notes = NOTES


class BenchmarkForm(TenantForm):
    name = forms.CharField(label="Partnership", max_length=200)
    year = forms.CharField(
        label="Financial year",
        help_text="For example 2016/17",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "spellcheck": "false"}),
    )
    authority_type = forms.ChoiceField(
        label="Kind of area",
        required=False,
        choices=[*AuthorityType.choices, ("", "Not known")],
        widget=forms.RadioSelect,
    )
    council = MoneyField(label="Local authority contribution")
    health = MoneyField(label="Health contribution")
    police = MoneyField(label="Police contribution")
    other = MoneyField(
        label="Other agencies' contributions", help_text="Probation, CRC, CAFCASS, district councils and others"
    )
    training_income = MoneyField(label="Training income", required=False, help_text="Leave blank if not reported")
    other_income = MoneyField(label="Other income", required=False, help_text="Leave blank if not reported")
    population = forms.CharField(
        label="Population",
        required=False,
        help_text="Of the local-authority area, for example 167,025",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric", "spellcheck": "false"}),
    )
    budget = MoneyField(label="Budget", required=False, help_text="The partnership's budget for the year, for per head")
    is_this_partnership = forms.BooleanField(label="This row is our own partnership", required=False)
    notes = NOTES

    def clean_population(self):
        text = (self.cleaned_data.get("population") or "").strip()
        if not text:
            return None
        population = parse_whole_number(text)
        if population is None or population < 0:
            raise ValidationError("The population must be a whole number of people, like 167025")
        return population


class BenchmarkUploadForm(TenantForm):
    file = forms.FileField(
        label="Spreadsheet (.xlsx)",
        help_text=(
            "Columns: Partnership, Year, Local authority, Health, Police, Other agencies; and if you have them "
            "Training income, Other income, Population, Budget, Authority type, This partnership, Notes"
        ),
        error_messages={"required": "Choose a spreadsheet to upload"},
    )


class ConfirmForm(TenantForm):
    """A button and nothing else: the POST is the decision."""


class PlanningForm(GovukForm):
    council = PercentField(label="Local authority")
    health = PercentField(label="Health")
    police = PercentField(label="Police")
    other = PercentField(label="Other agencies")
    years = forms.CharField(
        label="Over how many years",
        help_text=f"From 1 to {MAX_YEARS}",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-2", "inputmode": "numeric"}),
        error_messages={"required": "Enter the number of years"},
    )
    new_total = MoneyField(
        label="New total", required=False, help_text="Leave blank to keep this year's total contributions"
    )

    def clean_years(self):
        years = parse_whole_number(self.cleaned_data.get("years"))
        if years is None or years < 0:
            raise ValidationError(f"Enter the number of years as a whole number from 1 to {MAX_YEARS}")
        return years


class BudgetSignForm(TenantForm):
    """Signing the year's budget as read (the hash of its contributions: a change since is refused)."""

    content_hash = forms.CharField(widget=forms.HiddenInput, required=False)
