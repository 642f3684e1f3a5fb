"""Forms for the yearly report: its period, its narrative section by section, and the independent
scrutineer's commentary."""

from __future__ import annotations

from django import forms

from lscp.web.forms import GovukDateField, TenantForm, VersionedForm

PERIOD_HINT = "12 months: for example, 1 4 2025 to 31 3 2026"


class AnnualReportStartForm(TenantForm):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, Thurrock LSCP yearly report 2025 to 2026",
        error_messages={"required": "Enter the report's title"},
    )
    period_start = GovukDateField(label="First day of the period", help_text=PERIOD_HINT)
    period_end = GovukDateField(label="Last day of the period")


NARRATIVE = [
    ("foreword", "Foreword", "From the safeguarding partners or the independent chair"),
    ("arrangements", "Arrangements and partners", "Shown before the members and the governance groups"),
    (
        "reviews_narrative",
        "Notifications and reviews",
        "The 12 months' activity: shown before the counts and the timeliness of each deadline",
    ),
    (
        "review_impact",
        "Practice reviews: what was done and its impact",
        "The rapid reviews and local child safeguarding practice reviews, and what changed because of them",
    ),
    ("learning_narrative", "Learning and action plans", "What was learnt from reviews, and what changed"),
    (
        "recommendation_decisions",
        "Decisions on local and national review recommendations",
        "What the partners decided on each review's recommendations, the National Panel's included, and why",
    ),
    ("audit_narrative", "Audits and self-assessments", "Shown before the audit programme and the heatmap"),
    ("impact_evidence", "Evidence of impact", "What shows the arrangements made a difference for children"),
    ("little_progress", "Areas where there has been little progress", "And what the partners will do about them"),
    (
        "children_views",
        "How children's and families' views were used",
        "How the voices of children and families shaped the partnership's work",
    ),
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


class CommentaryForm(VersionedForm):
    """The independent scrutineer's commentary on the report."""

    commentary = forms.CharField(
        label="Your commentary",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Your assessment, as independent scrutineer, of how well the arrangements worked this year",
    )
