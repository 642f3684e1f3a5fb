"""Forms for the audit programme and the self-assessments."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from audits.dashboard import current_year_start
from audits.models import Audit, AuditKind, AuditStatus, Framework, Grade, Moderation, Priority, quarter_label
from lscp.web.forms import GovukDateField, TenantForm
from partners.models import Member


class OrganisationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj.organisation)


class OrganisationChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj.organisation)


def _members(ctx):
    return Member.objects.for_partnership(ctx.partnership).select_related("organisation").order_by("organisation__name")


def quarter_choices(around: int | None = None) -> list[tuple[str, str]]:
    around = around or current_year_start()
    return [(f"{year}-{q}", quarter_label(year, q)) for year in range(around - 2, around + 3) for q in (1, 2, 3, 4)]


class AuditForm(TenantForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label="Title", max_length=200)
    kind = forms.ChoiceField(label="Kind of audit", choices=AuditKind.choices, widget=forms.RadioSelect)
    when = forms.ChoiceField(label="Quarter", help_text="The financial-year quarter it is planned in")
    priority = forms.ModelChoiceField(
        queryset=None, label="Priority", required=False, empty_label="None of the priorities"
    )
    lead_member = OrganisationChoice(
        queryset=None, label="Lead organisation", required=False, empty_label="The business unit"
    )
    participants = OrganisationChoices(
        queryset=None,
        label="Organisations taking part",
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"data-small": True}),
    )
    children_involved = forms.BooleanField(label="Children took part", required=False)
    families_involved = forms.BooleanField(label="Families took part", required=False)
    practitioners_involved = forms.BooleanField(label="Practitioners took part", required=False)
    scope = forms.CharField(label="Scope", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    re_audit_of = forms.ModelChoiceField(
        queryset=None,
        label="Re-audit of",
        required=False,
        empty_label="Not a re-audit",
        help_text="An earlier audit this one revisits, to show the impact of what changed",
    )
    status = forms.ChoiceField(
        label="Status", choices=AuditStatus.choices, widget=forms.RadioSelect(attrs={"data-inline": True})
    )
    findings = forms.CharField(label="Findings", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    you_said_we_did = forms.CharField(
        label="You said, we did",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For questionnaires: what people told us, and what changed because of it",
    )
    completed_on = GovukDateField(label="Date completed", required=False, allow_future=True)

    def __init__(self, *args, audit: Audit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["when"].choices = quarter_choices()
        self.fields["priority"].queryset = Priority.objects.for_partnership(self.ctx.partnership).filter(is_active=True)
        self.fields["lead_member"].queryset = _members(self.ctx)
        self.fields["participants"].queryset = _members(self.ctx)
        earlier = Audit.objects.for_partnership(self.ctx.partnership).order_by("-year_start", "-quarter", "title")
        if audit is not None:
            earlier = earlier.exclude(pk=audit.pk)
        self.fields["re_audit_of"].queryset = earlier
        self.fields["re_audit_of"].label_from_instance = lambda a: f"{a.title} ({a.quarter_label})"

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        year, quarter = data.pop("when").split("-")
        data["year_start"], data["quarter"] = int(year), int(quarter)
        data["participants"] = list(data["participants"])
        return data


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
        self.fields["members"].queryset = _members(self.ctx)
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


class ReturnForm(TenantForm):
    """One grade, evidence and improvement actions per standard of the cycle."""

    version = forms.IntegerField(widget=forms.HiddenInput)

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

    def rows(self):
        return [
            (row, self[f"grade_{row.pk}"], self[f"evidence_{row.pk}"], self[f"improvement_actions_{row.pk}"])
            for row in self.grade_rows
        ]

    def grades(self) -> dict[int, dict]:
        data = self.cleaned_data
        return {
            row.pk: {
                "grade": data.get(f"grade_{row.pk}") or "",
                "evidence": data.get(f"evidence_{row.pk}") or "",
                "improvement_actions": data.get(f"improvement_actions_{row.pk}") or "",
            }
            for row in self.grade_rows
        }


class ModerationForm(TenantForm):
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

    def rows(self):
        return [
            (row, self[f"moderation_{row.pk}"], self[f"comment_{row.pk}"], self[f"agreed_grade_{row.pk}"])
            for row in self.grade_rows
        ]

    def decisions(self) -> dict[int, dict]:
        data = self.cleaned_data
        return {
            row.pk: {
                "moderation": data.get(f"moderation_{row.pk}") or "",
                "comment": data.get(f"comment_{row.pk}") or "",
                "agreed_grade": data.get(f"agreed_grade_{row.pk}") or "",
            }
            for row in self.grade_rows
        }
