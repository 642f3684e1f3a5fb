"""Forms for the standards, cycles, returns and their moderation. They parse what people type; the
rules are the services' (so the pages and the API agree)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from audits.forms import OrganisationChoices, member_choices
from audits.self_assessment.models import Framework, Grade, Moderation
from lscp.web.forms import GovukDateField, TenantForm, VersionedForm


class CycleForm(TenantForm):
    name = forms.CharField(label="Name", max_length=200, help_text="For example, Section 11 audit 2026-27")
    framework = forms.ChoiceField(label="Framework", choices=Framework.choices, widget=forms.RadioSelect)
    opens_on = GovukDateField(label="Opens on")
    due_on = GovukDateField(label="Returns due by")
    members = OrganisationChoices(
        queryset=None,
        label="Organisations taking part",
        widget=forms.CheckboxSelectMultiple(attrs={"data-small": True}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = member_choices(self.ctx)
        self.fields["opens_on"].initial = timezone.localdate()


class StandardForm(TenantForm):
    framework = forms.ChoiceField(label="Framework", choices=Framework.choices, widget=forms.RadioSelect)
    number = forms.IntegerField(
        label="Number", min_value=1, widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"})
    )
    title = forms.CharField(label="Standard", max_length=200)
    description = forms.CharField(
        label="What organisations must show", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_active = forms.BooleanField(label="In use for new cycles", required=False, initial=True)


GRADE_CHOICES = [("", "Not graded yet"), *Grade.choices]


class GradeRows:
    """A form with the same fields for each standard of a return (`row_fields`, named
    `<field>_<StandardGrade id>`): the page shows them row by row, the service takes them by id."""

    row_fields: tuple[str, ...] = ()
    grade_rows: list = []

    def rows(self):
        return [(row, *(self[f"{name}_{row.pk}"] for name in self.row_fields)) for row in self.grade_rows]

    def row_values(self) -> dict[int, dict]:
        data = self.cleaned_data
        return {
            row.pk: {name: data.get(f"{name}_{row.pk}") or "" for name in self.row_fields} for row in self.grade_rows
        }


class ReturnForm(GradeRows, VersionedForm):
    """One grade, evidence and improvement actions per standard of the cycle."""

    row_fields = ("grade", "evidence", "improvement_actions")

    def __init__(self, *args, grades, for_organisation: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if for_organisation:
            self.fields["received_on"] = GovukDateField(
                label="Date the return was received",
                required=False,
                initial=timezone.localdate(),
                help_text="Used as the date it was submitted, for whether it was on time. For example, 3 11 2026",
                error_messages={"required": "Enter the date the return was received"},
            )
        self.grade_rows = list(grades)
        for row in self.grade_rows:
            self.fields[f"grade_{row.pk}"] = forms.ChoiceField(
                label="Grade",
                choices=GRADE_CHOICES,
                required=False,
                widget=forms.RadioSelect(attrs={"data-inline": True}),
                initial=row.grade,
            )
            self.fields[f"evidence_{row.pk}"] = forms.CharField(
                label="Evidence", required=False, initial=row.evidence, widget=forms.Textarea(attrs={"rows": 3})
            )
            self.fields[f"improvement_actions_{row.pk}"] = forms.CharField(
                label="Improvement actions",
                required=False,
                initial=row.improvement_actions,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Required for red and amber",
            )

    def grades(self) -> dict[int, dict]:
        """{StandardGrade id: {"grade", "evidence", "improvement_actions"}}, as return_save takes them."""
        return self.row_values()


class ModerationForm(GradeRows, TenantForm):
    row_fields = ("moderation", "comment", "agreed_grade")

    def __init__(self, *args, grades, **kwargs):
        super().__init__(*args, **kwargs)
        self.grade_rows = list(grades)
        for row in self.grade_rows:
            self.fields[f"moderation_{row.pk}"] = forms.ChoiceField(
                label="Moderation",
                choices=Moderation.choices,
                widget=forms.RadioSelect(attrs={"data-inline": True}),
                initial=row.moderation or None,
                required=False,
            )
            self.fields[f"comment_{row.pk}"] = forms.CharField(
                label="Comment",
                required=False,
                initial=row.moderation_comment,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Required when you challenge the grade",
            )
            self.fields[f"agreed_grade_{row.pk}"] = forms.ChoiceField(
                label="Agreed grade",
                choices=GRADE_CHOICES,
                required=False,
                initial=row.agreed_grade,
                widget=forms.RadioSelect(attrs={"data-inline": True}),
            )

    def decisions(self) -> dict[int, dict]:
        """{StandardGrade id: {"moderation", "comment", "agreed_grade"}}, as return_moderate takes them."""
        return self.row_values()
