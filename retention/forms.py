"""Forms for retention. They parse what people type; the rules are the services'."""

from __future__ import annotations

from django import forms

from lscp.web.forms import GovukDateField, TenantForm, VersionedForm
from retention.models import DisposalAction
from reviews.notifications.models import Notification


class RuleForm(VersionedForm):
    years = forms.IntegerField(
        label="Years kept after closing",
        help_text="Counted from the day the case or plan closed",
        error_messages={
            "required": "Enter how many years the records are kept",
            "invalid": "Enter a whole number of years",
        },
    )
    action = forms.ChoiceField(
        label="Then",
        choices=DisposalAction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the records are deleted or anonymised"},
    )


class HoldForm(TenantForm):
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="For example, the Child Q inquiry",
        error_messages={"required": "Enter the hold's name"},
    )
    reason = forms.CharField(
        label="Why the records must be kept",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the records must be kept"},
    )
    notification = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Case",
        empty_label="Every record of the partnership",
        help_text="The case the hold is on, or every record",
    )
    until = GovukDateField(label="Until (optional)", required=False, help_text="Leave empty until it is lifted")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notification"].queryset = Notification.objects.for_partnership(self.ctx.partnership).order_by(
            "-received_on", "-pk"
        )


class LiftForm(TenantForm):
    reason = forms.CharField(
        label="Why the hold is lifted",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the hold is lifted"},
    )
