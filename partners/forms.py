from django import forms

from lscp.checks import in_sentence
from lscp.roles import MEMBERSHIP_ROLES
from lscp.web.forms import GovukDateField, TenantForm
from partners.models import GroupRole, Member, MemberKind, Membership, Organisation, Sector, StatutoryRole
from partners.selectors import active_people_choices, current_members

SEAT_CHOICES = [
    (StatutoryRole.COUNCIL.value, "Statutory partner: the local authority"),
    (StatutoryRole.POLICE.value, "Statutory partner: the police"),
    (StatutoryRole.HEALTH.value, "Statutory partner: health (CCG or ICB)"),
    ("relevant_agency", "Relevant agency"),
    (
        "designated_education_agency",
        "Designated childcare or education agency (named by regulations under the Children's Wellbeing and "
        "Schools Act 2026)",
    ),
]


def seat_to_kind(seat: str) -> tuple[str, str]:
    if seat in (MemberKind.RELEVANT_AGENCY, MemberKind.DESIGNATED_EDUCATION_AGENCY):
        return seat, ""
    return MemberKind.STATUTORY_PARTNER, seat


def kind_to_seat(member: Member) -> str:
    return member.statutory_role or member.kind


class MemberAddForm(TenantForm):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        required=False,
        label="Organisation",
        empty_label="Choose an organisation",
        help_text="Organisations are shared between partnerships: choose one already in the directory, or add a new one below",
    )
    new_organisation_name = forms.CharField(
        label="Or a new organisation's name",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "govuk-!-width-two-thirds"}),
    )
    new_organisation_sector = forms.ChoiceField(
        label="The new organisation's sector", required=False, choices=[("", "Choose a sector"), *Sector.choices]
    )
    seat = forms.ChoiceField(label="Membership", choices=SEAT_CHOICES, widget=forms.RadioSelect)

    service_error_fields = {"kind": "seat", "statutory_role": "seat"}

    def clean(self):
        data = super().clean()
        if not data.get("organisation") and not data.get("new_organisation_name"):
            self.add_error("organisation", "Choose an organisation, or enter a new organisation's name")
        if data.get("organisation") and data.get("new_organisation_name"):
            self.add_error("new_organisation_name", "Either choose an organisation or enter a new one, not both")
        if data.get("new_organisation_name") and not data.get("new_organisation_sector"):
            self.add_error("new_organisation_sector", "Choose the new organisation's sector")
        return data


class MemberEditForm(TenantForm):
    seat = forms.ChoiceField(label="Membership", choices=SEAT_CHOICES, widget=forms.RadioSelect)
    service_error_fields = {"kind": "seat", "statutory_role": "seat"}


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.organisation} ({obj.get_statutory_role_display() or obj.get_kind_display().lower()})"


class DesignationAddForm(TenantForm):
    """An organisation the regulations designate as a childcare or education agency for the area."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        required=False,  # the service says what is missing, as for the API
        label="Organisation",
        empty_label="Choose an organisation",
        help_text="If it is not in the list, add it as a member first, or ask an administrator",
    )
    reason = forms.CharField(
        label="The regulations that designate it",
        required=False,
        max_length=300,
        help_text="For example, ‘The Safeguarding Partners (Designated Childcare and Education Agencies) "
        "(England) Regulations 2027, regulation 3(1)(b)’",
        widget=forms.TextInput(attrs={"class": "govuk-!-width-full"}),
    )
    designated_on = GovukDateField(
        label="Date it was designated (optional)", required=False, help_text="For example, 1 9 2027"
    )


ROLE_HINTS = {
    "business_unit": "Runs the partnership's casework: everything operational",
    "agency_lead": "Named lead in a member organisation: submits notifications, answers requests, owns actions",
    "lsp": "Lead safeguarding partner: the chief executive, chief officer of police or ICB chief executive; signs the arrangements, budget and yearly report. Takes the organisation's LSP seat from today (the present holder's ends)",
    "dsp": "Delegated safeguarding partner named by the LSP: signs off rapid reviews and practice review decisions. Takes the organisation's DSP seat from today (the present holder's ends)",
    "scrutineer": "Independent scrutineer, lay member or councillor: reads, never changes",
}


class PersonRoleFields(TenantForm):
    role = forms.ChoiceField(
        label="Role",
        choices=[(value, f"{label}: {ROLE_HINTS[value]}") for value, label in MEMBERSHIP_ROLES],
        widget=forms.RadioSelect,
    )
    member = MemberChoiceField(
        queryset=None,
        required=False,
        label="Organisation they act for",
        empty_label="None",
        help_text="Required for agency leads (any member) and for LSPs and DSPs (a statutory partner)",
    )
    job_title = forms.CharField(label="Job title", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = current_members(self.ctx, [self.initial.get("member")])


class PersonAddForm(PersonRoleFields):
    first_name = forms.CharField(
        label="First name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
    )
    email = forms.EmailField(
        label="Email address",
        help_text="They will be emailed a link to set their password",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    field_order = ["first_name", "last_name", "email", "job_title", "role", "member"]


class PersonEditForm(PersonRoleFields):
    pass


class ConfirmForm(TenantForm):
    """A button and nothing else: the POST is the decision."""


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership):
        suffix = f", {obj.member.organisation}" if obj.member_id else ""
        return f"{obj.person.get_full_name()} ({obj.get_role_display()}{suffix})"


class GroupMemberAddForm(TenantForm):
    membership = PersonChoiceField(queryset=None, label="Person", empty_label="Choose a person")
    group_role = forms.ChoiceField(
        label="Role on the group", choices=GroupRole.choices, initial=GroupRole.MEMBER, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = active_people_choices(self.ctx)


class ApiTokenIssueForm(TenantForm):
    """An agency system's API token (lscp/tokens.py)."""

    name = forms.CharField(
        label="Name of the system",
        required=False,  # the service says what is missing, as for the API
        max_length=100,
        help_text="For example, ‘NELFT case-management system’: the activity log names it so",
    )
    member = MemberChoiceField(
        queryset=None,
        required=False,
        label="Member organisation whose system it is",
        empty_label="Choose an organisation",
    )
    expires_on = GovukDateField(
        label="Date it stops working", required=False, help_text="For example, 31 3 2027. At most a year ahead"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = current_members(self.ctx)


class SigningPolicyForm(TenantForm):
    """One choice per signable thing: the lead or the delegated safeguarding partners."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from partners.signing import WT2023_DEFAULTS, WT2023_REASONS, Signable

        for what in WT2023_DEFAULTS:
            default = "LSPs" if WT2023_DEFAULTS[what] == "lsp" else "DSPs"
            self.fields[what] = forms.ChoiceField(
                label=f"{Signable(what).label}: who signs",
                choices=[
                    ("lsp", "The lead safeguarding partners (LSPs)"),
                    ("dsp", "The delegated safeguarding partners (DSPs)"),
                ],
                widget=forms.RadioSelect,
                help_text=f"Working Together 2023: the {default}. {WT2023_REASONS[what]}",
                error_messages={
                    "required": f"Choose who signs the {in_sentence(Signable(what).label)}",
                    "invalid_choice": f"Choose who signs the {in_sentence(Signable(what).label)}",
                },
            )


class OfficeForm(TenantForm):
    membership = forms.ModelChoiceField(
        queryset=Membership.objects.none(), label="Who holds it from today", empty_label="Choose someone"
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        people = (
            Membership.objects.for_partnership(self.ctx.partnership).filter(is_active=True).select_related("person")
        )
        if kind == "scrutineer":
            people = people.filter(role="scrutineer")
            self.fields["membership"].help_text = "The independent scrutineer has the read-only scrutineer role"
        else:
            self.fields["membership"].help_text = "Anyone with a role in the partnership"
        self.fields["membership"].queryset = people.order_by("person__first_name", "person__last_name")
        self.fields["membership"].label_from_instance = lambda m: (
            f"{m.person.get_full_name()}{f', {m.job_title}' if m.job_title else ''}"
        )
