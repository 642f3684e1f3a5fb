"""Forms for the rapid review: requests, agency summaries (with a chronology), the meeting record
and its decision, and sign-off."""

from __future__ import annotations

from django import forms

from lscp.documents import DocumentField
from lscp.web.forms import GovukDateField, GovukForm, TenantForm, VersionedForm
from reviews.notifications.forms import YES_NO, MembersForm, OrganisationChoice, OrganisationChoices
from reviews.rapid_review.models import LcsprCriterion, ReviewRecommendation, SignOffDecision
from reviews.rapid_review.services import blank_entry, chronology_entry_problems
from reviews.themes import PracticeTheme


class RequestInformationForm(MembersForm):
    members = OrganisationChoices(
        label="Which organisations are asked?",
        widget=forms.CheckboxSelectMultiple(attrs={"data-small": True}),
        help_text="Those that notified the incident or knew the child are already ticked",
    )
    reply_by = GovukDateField(label="Reply by", help_text="The date each organisation must send its summary by")
    message = forms.CharField(
        label="Message to the organisations (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ChronologyEntryForm(GovukForm):
    date = GovukDateField(label="Date", required=False)
    event = forms.CharField(label="What happened", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    agency_action = forms.CharField(
        label="What your agency did", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        """A filled-in row's problems at its fields, with the form's own (all at once)."""
        data = super().clean()
        if not blank_entry(data) and "date" not in self.errors:
            for field, messages in chronology_entry_problems(data).items():
                if field not in self.errors:
                    self.add_error(field, messages)
        return data

    @property
    def entry_number(self) -> int:
        return int(self.prefix.rpartition("-")[2]) + 1 if self.prefix else 1


ChronologyFormSet = forms.formset_factory(ChronologyEntryForm, extra=3, max_num=200)


class AgencySummaryForm(VersionedForm):
    involvement = forms.CharField(
        label="Your organisation's involvement with the child and family",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    immediate_actions = forms.CharField(
        label="Immediate safeguarding actions already taken", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    learning = forms.CharField(label="Learning identified", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    document = DocumentField(label="Attach a document (optional)", required=False)


class ReasonForm(TenantForm):
    reason = forms.CharField(label="Why is it being reopened?", widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawRequestForm(VersionedForm):
    reason = forms.CharField(
        label="Why is the request being withdrawn?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the request is being withdrawn"},
    )


class AttendeeForm(MembersForm):
    member = OrganisationChoice(label="Organisation", required=False, empty_label="Choose an organisation")
    name = forms.CharField(label="Name", required=False, max_length=200)
    role = forms.CharField(label="Role", required=False, max_length=200)


class BaseAttendeeFormSet(forms.BaseFormSet):
    def __init__(self, *args, ctx, **kwargs):
        self.ctx = ctx
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"ctx": self.ctx}


AttendeeFormSet = forms.formset_factory(AttendeeForm, formset=BaseAttendeeFormSet, extra=2, max_num=60)


class MeetingForm(VersionedForm):
    # The rapid review's fields this form edits as they are (the criteria and attendees aside).
    record_fields = (
        "meeting_date",
        "key_practice_episodes",
        "learning",
        "immediate_actions",
        "context",
        "themes",
        "recommendation",
        "recommendation_rationale",
    )

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)  # none before the first save
    meeting_date = GovukDateField(label="Date of the rapid review meeting", required=False)
    key_practice_episodes = forms.CharField(
        label="Key practice episodes", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    learning = forms.CharField(label="Learning identified", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    immediate_actions = forms.CharField(
        label="Immediate safeguarding actions", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    context = forms.CharField(
        label="Context, including race, inequality and disability",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    themes = forms.MultipleChoiceField(
        label="Practice themes",
        choices=PracticeTheme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"data-small": True}),
        help_text="The themes this review identified: they go to the NHS Safeguarding Case Review Tracker export",
    )
    recommendation = forms.ChoiceField(
        label="Recommendation", choices=ReviewRecommendation.choices, required=False, widget=forms.RadioSelect
    )
    recommendation_rationale = forms.CharField(
        label="Rationale for the recommendation", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in LcsprCriterion:
            self.fields[f"criterion_{criterion.value}_met"] = forms.ChoiceField(
                label=criterion.label,
                choices=YES_NO,
                required=False,
                widget=forms.RadioSelect(attrs={"data-inline": True}),
            )
            self.fields[f"criterion_{criterion.value}_rationale"] = forms.CharField(
                label="Rationale",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Required when the criterion is met",
            )

    def criteria(self) -> dict:
        data = self.cleaned_data
        result = {}
        for criterion in LcsprCriterion:
            met = data.get(f"criterion_{criterion.value}_met")
            result[criterion.value] = {
                "met": {"yes": True, "no": False}.get(met),
                "rationale": data.get(f"criterion_{criterion.value}_rationale", ""),
            }
        return result

    def criterion_rows(self):
        return [
            (criterion, self[f"criterion_{criterion.value}_met"], self[f"criterion_{criterion.value}_rationale"])
            for criterion in LcsprCriterion
        ]

    def main_fields(self):
        return [
            self[name] for name in ("meeting_date", "key_practice_episodes", "learning", "immediate_actions", "context")
        ]


class SignOffForm(TenantForm):
    decision = forms.ChoiceField(label="Your decision", choices=SignOffDecision.choices, widget=forms.RadioSelect)
    comments = forms.CharField(
        label="Comments",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required if you return the outcome: say what needs to change",
    )


class ConfirmVersionForm(VersionedForm):
    """Nothing to fill in: the version of the record the person read and confirms."""
