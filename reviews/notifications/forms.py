"""Forms for notifications: the question pages of a submission, and the business unit's steps.

The business rules live in reviews/notifications/services.py; forms call the same checks so that a
page can show a problem by its field before the final submit."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from lscp.checks import Errors
from lscp.roles import Role
from lscp.web.forms import GovukDateField, GovukForm, TenantForm, VersionedForm
from partners.models import Membership
from partners.selectors import current_members
from reviews.notifications import services
from reviews.notifications.models import (
    CARE_LEAVER_MAX_AGE,
    ETHNICITY_CHOICES,
    NATURE_HINT,
    AbuseOrNeglect,
    CriteriaResult,
    Location,
    Nature,
    Pathway,
    Placement,
    Plan,
    Sex,
    YesNoUnknown,
)

YES_NO = [("yes", "Yes"), ("no", "No")]


def members_of(ctx):
    """Today's member organisations by name, of every kind: the choices of every "which organisation"."""
    return current_members(ctx)


class OrganisationChoice(forms.ModelChoiceField):
    """One of the partnership's member organisations, shown by name (MembersForm sets the choices)."""

    def __init__(self, **kwargs):
        super().__init__(queryset=None, **kwargs)

    def label_from_instance(self, obj):
        return str(obj.organisation)


class OrganisationChoices(forms.ModelMultipleChoiceField):
    """Any of the partnership's member organisations, shown by name (MembersForm sets the choices)."""

    def __init__(self, **kwargs):
        super().__init__(queryset=None, **kwargs)

    def label_from_instance(self, obj):
        return str(obj.organisation)


class MembersForm(TenantForm):
    """A form that asks which member organisations: its choices are the partnership's members."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, (OrganisationChoice, OrganisationChoices)):
                field.queryset = members_of(self.ctx)


class PathwayForm(TenantForm):
    pathway = forms.ChoiceField(
        label="Which pathway is this notification?", choices=Pathway.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offered = services.pathways_for(self.ctx)
        self.fields["pathway"].choices = [(value, label) for value, label in Pathway.choices if value in offered]


class NotifierForm(MembersForm):
    notifying_member = OrganisationChoice(
        label="Notifying organisation",
        empty_label="Choose an organisation",
    )
    notifier_name = forms.CharField(label="Name of the person notifying", max_length=200)
    notifier_role = forms.CharField(label="Their role", max_length=200, required=False)
    notifier_email = forms.EmailField(
        label="Their email address", widget=forms.EmailInput(attrs={"spellcheck": "false"})
    )
    notifier_phone = forms.CharField(
        label="Their telephone number",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "type": "tel"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.ctx.role == Role.AGENCY_LEAD:  # services.check_notifier: their own organisation only
            field = self.fields["notifying_member"]
            field.queryset = field.queryset.filter(pk=self.ctx.member.pk if self.ctx.member else None)
            field.help_text = "Agency leads notify on behalf of their own organisation"


class IncidentForm(TenantForm):
    incident_date = GovukDateField(label="Date of the incident", help_text="For example, 27 3 2026")
    incident_time = forms.TimeField(
        label="Time of the incident, if known",
        required=False,
        help_text="For example, 14:30",
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={"invalid": "Enter the time like 14:30"},
    )
    aware_date = GovukDateField(
        label="Date the local authority became aware",
        help_text="The National Panel must be notified within 5 working days of this date",
    )
    location = forms.ChoiceField(label="Where did it happen?", choices=Location.choices, widget=forms.RadioSelect)
    nature = forms.ChoiceField(
        label="What was the nature of the incident?",
        choices=Nature.choices,
        widget=forms.RadioSelect,
        help_text=NATURE_HINT,
    )
    abuse_or_neglect = forms.ChoiceField(
        label="Is abuse or neglect known or suspected?", choices=AbuseOrNeglect.choices, widget=forms.RadioSelect
    )

    def clean(self):
        data = super().clean()
        errors = Errors()
        services.check_incident_dates(
            errors, incident_date=data.get("incident_date"), aware_date=data.get("aware_date")
        )
        self.add_check_errors(errors)
        return data


class ChildForm(MembersForm):
    reference = forms.CharField(
        label="Case reference",
        max_length=40,
        help_text="For example Child Q. Do not enter the child's name.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "autocomplete": "off"}),
    )
    age_years = forms.IntegerField(
        label="Age in years",
        min_value=0,
        max_value=CARE_LEAVER_MAX_AGE,
        help_text="0 for a baby under one; up to 24 for a care leaver",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        error_messages={
            "required": "Enter the child's age in years (0 for a baby under one)",
            "min_value": "A child's age must be between 0 and 17 (up to 24 for a care leaver)",
            "max_value": "A child's age must be between 0 and 17 (up to 24 for a care leaver)",
            "invalid": "Enter the age as a whole number of years",
        },
    )
    age_months = forms.IntegerField(
        label="Age in months, for a baby under one",
        required=False,
        min_value=0,
        max_value=11,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect(attrs={"data-inline": True}))
    ethnicity = forms.ChoiceField(label="Ethnicity", choices=[("", "Choose ethnicity"), *ETHNICITY_CHOICES])
    looked_after = forms.ChoiceField(
        label="Is the child looked after (in care)?",
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"data-inline": True}),
    )
    placement_type = forms.ChoiceField(
        label="Placement type, for a looked-after child",
        required=False,
        choices=[("", "Choose a placement type"), *Placement.choices],
    )
    care_leaver = forms.ChoiceField(
        required=False,
        label="Is this a care leaver (up to and including age 24)?",
        choices=YES_NO,
        initial="no",
        widget=forms.RadioSelect(attrs={"data-inline": True}),
    )
    disability = forms.ChoiceField(
        required=False,
        label="Does the child have a disability?",
        choices=YesNoUnknown.choices,
        initial=YesNoUnknown.UNKNOWN,
        widget=forms.RadioSelect(attrs={"data-inline": True}),
    )
    plan = forms.ChoiceField(
        required=False,
        label="Did the child have a child in need plan or a child protection plan?",
        choices=Plan.choices,
        initial=Plan.UNKNOWN,
        widget=forms.RadioSelect,
    )
    known_to_agency = forms.ChoiceField(
        required=False,
        label="Was the child known to any agency?",
        choices=YesNoUnknown.choices,
        initial=YesNoUnknown.UNKNOWN,
        widget=forms.RadioSelect(attrs={"data-inline": True}),
    )
    resident_authority = forms.CharField(
        label="Local authority where the child lives, if not the notifying one",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    home_area = forms.CharField(
        label="Home area", max_length=200, widget=forms.TextInput(attrs={"class": "govuk-input--width-20"})
    )
    known_to = OrganisationChoices(
        label="Which organisations knew the child?",
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"data-small": True}),
        help_text="Their agency leads will be able to see this notification",
    )

    def clean(self):
        data = super().clean()
        if data.get("age_months") is not None and data.get("age_years") not in (None, 0):
            self.add_error("age_months", "Give months only for a baby under one")
        # Not answered: not a care leaver, and the rest not known (as the DfE's form records it).
        data["care_leaver"] = data.get("care_leaver") or "no"
        for name in ("disability", "plan", "known_to_agency"):
            data[name] = data.get(name) or YesNoUnknown.UNKNOWN
        leaver = data["care_leaver"] == "yes"
        if data.get("age_years") is not None and data["age_years"] > 17 and not leaver:
            self.add_error("age_years", "A child's age must be between 0 and 17 (up to 24 for a care leaver)")
        if leaver and data.get("looked_after") == "yes":
            self.add_error("care_leaver", "A care leaver is no longer looked after: answer one or the other")
        if data.get("placement_type") and data.get("looked_after") == "no":
            self.add_error("placement_type", "Give a placement type only for a looked-after child")
        return data


class AnotherChildForm(GovukForm):
    add_another = forms.ChoiceField(
        label="Does the notification cover another child?",
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"data-inline": True}),
        help_text="One notification can cover up to 4 children",
    )


class SummaryForm(TenantForm):
    summary = forms.CharField(
        label="Summary of what happened",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What happened, and what is known about the agencies' involvement. Do not name the child.",
    )
    other_children = forms.CharField(
        label="Other children involved",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Beyond the 4 children a notification records: what is known about them, without names",
    )


class SubmitForm(TenantForm):
    submission_key = forms.CharField(widget=forms.HiddenInput)


# ----------------------------------------------------------------------------------------------
# The business unit's forms on a notification


class CriteriaForm(VersionedForm):
    result = forms.ChoiceField(label="Your decision", choices=CriteriaResult.choices, widget=forms.RadioSelect)
    rationale = forms.CharField(
        label="Rationale",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required if your decision differs from this service's evaluation",
    )


class CaseOfficerForm(VersionedForm):
    case_officer = forms.ModelChoiceField(
        queryset=None, required=False, label="Case officer", empty_label="Nobody (the whole business unit)"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_officer"].queryset = (
            Membership.objects.for_partnership(self.ctx.partnership)
            .filter(role=Role.BUSINESS_UNIT, is_active=True)
            .select_related("person")
        )
        self.fields["case_officer"].label_from_instance = lambda m: m.person.get_full_name()


def _today_help() -> str:
    return f"For example, {timezone.localdate():%-d %-m %Y}"


class StepForm(VersionedForm):
    """One statutory step: its date, plus the step's own fields."""

    def __init__(self, *args, spec, notification, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.fields[spec.date_input] = GovukDateField(label=spec.date_label, help_text=_today_help())
        if spec.key == "panel_notified":
            self.fields["panel_reference"] = forms.CharField(
                label="The Panel's reference",
                max_length=50,
                widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
            )
            if notification.tells_sos_and_ofsted:
                self.fields["sos_notified_on"] = GovukDateField(label="Date the Secretary of State was notified")
                self.fields["ofsted_notified_on"] = GovukDateField(label="Date Ofsted was notified")
        if spec.key == "sos_ofsted_notified":
            self.fields["ofsted_notified_on"] = GovukDateField(label="Date Ofsted was notified")
        if spec.key == "panel_responded":
            self.fields["response"] = forms.CharField(
                label="What the Panel said", widget=forms.Textarea(attrs={"rows": 6})
            )
        self.order_fields(["version", spec.date_input])

    def step_values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        on = data.pop(self.spec.date_input)
        return {"on": on, **data}


class CorrectionForm(VersionedForm):
    """A recorded date corrected: the new date and the reason (both checked by the service, so the
    messages are the table's and the service's own)."""

    field = forms.CharField(widget=forms.HiddenInput)
    value = GovukDateField(label="The corrected date", required=False, help_text="For example, 27 3 2026")
    reason = forms.CharField(
        label="Why it changes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The activity log and the case's timeline keep the old date, the new one and this reason",
    )
