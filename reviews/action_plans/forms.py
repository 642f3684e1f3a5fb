"""Forms for action plans. Business rules live in services.py; forms only parse, and narrow every
choice of a member organisation, person or notification to this partnership."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from lscp.documents import DocumentField
from lscp.roles import Role
from lscp.web.forms import GovukDateField, TenantForm, VersionedForm
from partners.models import Membership
from partners.selectors import current_members
from reviews.action_plans import selectors
from reviews.action_plans.models import ActionStatus, SourceKind
from reviews.action_plans.services import parse_number
from reviews.models import Notification
from reviews.themes import PracticeTheme

BUSINESS_UNIT_CHOICE = "business_unit"


def owner_choices(ctx, keep=()) -> list[tuple[str, str]]:
    """The business unit and this partnership's member organisations today, by name (and the one an
    action being changed already names): an action's owner."""
    members = current_members(ctx, keep)
    return [
        (BUSINESS_UNIT_CHOICE, f"{ctx.partnership.name} (the business unit)"),
        *[(str(m.pk), str(m.organisation)) for m in sorted(members, key=lambda m: str(m.organisation).lower())],
    ]


def _textarea(label: str, *, rows: int, help_text: str = "", required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), help_text=help_text
    )


def _example() -> str:
    return f"For example, {timezone.localdate():%-d %-m %Y}"


class PlanForm(TenantForm):
    title = forms.CharField(
        label="Title",
        help_text="For example, Shae and Ashley Local Health Review action plan",
    )
    source_kind = forms.ChoiceField(
        label="Where does the plan come from?", choices=SourceKind.choices, widget=forms.RadioSelect
    )
    source_reference = forms.CharField(
        label="Source, in words (optional)",
        required=False,
        help_text="The review, audit or report, for example 'Independent review of Thurrock LSCP, August 2020'",
    )
    notification = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="The notification it follows (optional)",
        empty_label="None",
        help_text="For a rapid review or LCSPR",
    )
    created_on = GovukDateField(
        label="Date the plan was drawn up",
        help_text=f"No action can be due before it. {_example()}",
    )
    summary = _textarea("Summary (optional)", rows=4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notification"].queryset = Notification.objects.for_partnership(self.ctx.partnership).order_by(
            "-received_on", "-pk"
        )
        self.fields["notification"].label_from_instance = lambda n: f"{n.reference}, received {n.received_on:%-d %b %Y}"


class PlanEditForm(PlanForm, VersionedForm):
    pass


class PlanCreateForm(PlanForm):
    """A new plan: a double-clicked or resent form makes one plan (the key is sent again)."""

    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)


class PlanImportForm(PlanCreateForm):
    file = forms.FileField(
        label="Spreadsheet (.xlsx)",
        help_text=(
            "One row per action. Columns: Recommendation number, Recommendation, Action, Owner organisation, Due date; "
            "and if you have them Owner email, Measure of success, Status, Completed on, Evidence of completion, "
            "Evidence link, Evidence of impact. Up to 5,000 rows."
        ),
        error_messages={"required": "Choose a spreadsheet to upload"},
    )

    field_order = ["file", "title", "source_kind", "source_reference", "notification", "created_on", "summary"]


class RatifyForm(VersionedForm):
    decided_on = GovukDateField(label="Date of the decision", help_text=_example())
    minute_reference = forms.CharField(
        label="Minute reference",
        help_text="Where the decision is minuted, for example 'MEB 14 Oct 2022, item 6'",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )


class ConfirmForm(VersionedForm):
    """A button and the version seen: the POST is the decision."""


class PlainConfirmForm(TenantForm):
    """A button and nothing else."""


class RecommendationForm(TenantForm):
    label = forms.CharField(
        label="Number",
        help_text="1, 2 ... or 3a for a sub-part of recommendation 3",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4"}),
    )
    text = _textarea("Recommendation", rows=4, required=True)
    theme = forms.ChoiceField(
        label="Practice theme (optional)",
        choices=[("", "Not given"), *PracticeTheme.choices],
        required=False,
        help_text="The theme it addresses: it goes to the NHS Safeguarding Case Review Tracker export",
    )

    service_error_fields = {"number": "label", "part": "label"}

    def clean_label(self):
        try:
            return parse_number(self.cleaned_data["label"])
        except ValueError as error:  # the API's message too (api.RecommendationNumberIn)
            raise forms.ValidationError(str(error)) from None


class OwnerFields(TenantForm):
    """The owner organisation (a member, or the partnership's business unit) and owner person."""

    owner_member = forms.ChoiceField(label="Owner organisation")
    owner = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Owner person (optional)",
        empty_label="Nobody named: the organisation's agency leads",
        help_text="A member of the owner organisation, or of the business unit. Reminders go to them.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = owner_choices(self.ctx, [self.initial.get("owner_member")])
        self.fields["owner_member"].error_messages.update(
            required="Choose the owner organisation",
            invalid_choice=f"Choose an organisation that is a member of {self.ctx.partnership.name}",
        )
        self.fields["owner_member"].choices = [("", "Choose an organisation"), *choices]
        self.fields["owner"].queryset = (
            Membership.objects.for_partnership(self.ctx.partnership)
            .filter(
                is_active=True,
                person__is_active=True,
                role__in=[Role.BUSINESS_UNIT, Role.AGENCY_LEAD, Role.LSP, Role.DSP],
            )
            .select_related("person", "member__organisation")
            .order_by("person__first_name", "person__last_name")
        )
        self.fields["owner"].label_from_instance = lambda m: (
            f"{m.person.get_full_name()} ({m.member.organisation if m.member_id else 'business unit'})"
        )

    def clean_owner_member(self):
        value = self.cleaned_data["owner_member"]
        if value == BUSINESS_UNIT_CHOICE:
            return None
        return current_members(self.ctx, [value]).get(pk=value)


class ActionForm(OwnerFields):
    description = _textarea("What is to be done", rows=4, required=True)
    due_date = GovukDateField(label="Due date", help_text=_example())
    measure_of_success = _textarea(
        "Measure of success (optional)", rows=3, help_text="How the partnership will know it made a difference"
    )

    field_order = ["description", "owner_member", "owner", "due_date", "measure_of_success"]


class ActionEditForm(ActionForm, VersionedForm):
    reason = _textarea(
        "Reason for a new due date",
        rows=3,
        help_text="Needed once the plan is live: the original date, the new one and the reason are recorded",
    )


class ProgressForm(VersionedForm):
    on = GovukDateField(label="Date of the update", help_text=_example())
    text = _textarea("Progress", rows=5, required=True)
    status = forms.ChoiceField(
        label="The action is now",
        choices=[(s.value, s.label) for s in (ActionStatus.NOT_STARTED, ActionStatus.ON_TRACK, ActionStatus.AT_RISK)],
        widget=forms.RadioSelect,
    )


class EvidenceForm(VersionedForm):
    """Evidence of completion (a description, a link, a document) and of impact."""

    completion_evidence = _textarea("Evidence of completion", rows=5)
    completion_link = forms.URLField(
        label="Link to the evidence (optional)",
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"spellcheck": "false"}),
    )
    document = DocumentField(label="Add a document (optional)", required=False)
    impact_evidence = _textarea(
        "Evidence of impact",
        rows=5,
        help_text="What has changed for children and families, or in practice, because of this action",
    )

    def __init__(self, *args, completion_locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if completion_locked:  # accepted: the evidence of completion is the record now
            del self.fields["completion_evidence"]
            del self.fields["completion_link"]


class CompleteForm(EvidenceForm):
    # The date and the evidence are checked together by the service, so both problems show at once.
    completed_on = GovukDateField(label="Date it was completed", help_text=_example())
    completion_evidence = _textarea(
        "Evidence of completion",
        rows=5,
        help_text="What was done and where it can be seen. Give a description, a link or a document.",
    )
    document = DocumentField(label="Document (optional)", required=False)
    impact_evidence = _textarea(
        "Evidence of impact so far (optional)",
        rows=3,
        help_text="What has changed for children and families, or in practice. It can be added later.",
    )

    field_order = ["completed_on", "completion_evidence", "completion_link", "document", "impact_evidence"]


class AcceptForm(VersionedForm):
    on = GovukDateField(label="Date accepted", help_text="Today, or the date of the meeting that accepted it")
    note = _textarea("Note (optional)", rows=3)


class ReturnForm(VersionedForm):
    reason = _textarea(
        "Why is it being returned?",
        rows=4,
        required=True,
        help_text="The owner sees this: say what evidence is missing or what is still to do",
    )
    status = forms.ChoiceField(
        label="The action is now",
        choices=[(ActionStatus.ON_TRACK.value, "On track"), (ActionStatus.AT_RISK.value, "At risk")],
        widget=forms.RadioSelect,
    )


class ReportForm(TenantForm):
    plans = forms.ModelMultipleChoiceField(
        queryset=None,
        label="Plans to report on",
        widget=forms.CheckboxSelectMultiple(attrs={"data-small": True}),
        error_messages={"required": "Choose at least one plan"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plans"].queryset = selectors.plans_for(self.ctx).order_by("title", "pk")
        self.fields["plans"].label_from_instance = lambda p: f"{p.title} ({p.get_status_display().lower()})"
