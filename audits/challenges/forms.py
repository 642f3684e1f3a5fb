"""Forms for the challenge log. They parse what people type; the rules are the services' (so the
pages and the API agree)."""

from __future__ import annotations

from django import forms

from audits.challenges.models import RaisedBy
from audits.forms import OrganisationChoice, member_choices
from lscp.web.forms import GovukDateField, TenantForm
from partners.models import GovernanceGroup


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
        self.fields["to_member"].queryset = member_choices(self.ctx)


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
