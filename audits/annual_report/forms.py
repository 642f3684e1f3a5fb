"""Forms for the annual report: its period, and its narrative section by section."""

from __future__ import annotations

from django import forms

from lscp.web.forms import GovukDateField, TenantForm, VersionedForm

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


class AnnualReportForm(VersionedForm, AnnualReportStartForm):
    """The title, period and narrative of a report, with the version read."""

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
