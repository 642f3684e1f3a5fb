"""The audit form. It parses what people type; the rules are the services' (so the pages and the
API agree)."""

from __future__ import annotations

from django import forms

from audits.forms import OrganisationChoice, OrganisationChoices, member_choices, quarter_choices
from audits.programme.models import Audit, AuditKind, AuditStatus, Priority
from lscp.web.forms import GovukDateField, VersionedForm


class AuditForm(VersionedForm):
    """Planning an audit (no version yet), or changing one."""

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
        if audit is None:
            del self.fields["version"]
        self.fields["when"].choices = quarter_choices()
        self.fields["priority"].queryset = Priority.objects.for_partnership(self.ctx.partnership).filter(is_active=True)
        keep = [audit.lead_member_id, *audit.participants.values_list("pk", flat=True)] if audit is not None else []
        self.fields["lead_member"].queryset = member_choices(self.ctx, keep)
        self.fields["participants"].queryset = member_choices(self.ctx, keep)
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
