"""Forms for a local child safeguarding practice review: one per step. A step that changes the
review as it stands carries the version the person read (VersionedForm); commissioning, a
meeting and a report add to it."""

from __future__ import annotations

from django import forms

from lscp.documents import DocumentField
from lscp.web.forms import GovukDateField, TenantForm, VersionedForm
from reviews.lcspr.models import ReviewerKind


class CommissionForm(TenantForm):
    decision_date = GovukDateField(label="Date of the decision to commission the review")
    reviewer_name = forms.CharField(label="Reviewer", max_length=200)
    reviewer_kind = forms.ChoiceField(label="The reviewer is", choices=ReviewerKind.choices, widget=forms.RadioSelect)
    terms_of_reference = forms.CharField(label="Terms of reference", widget=forms.Textarea(attrs={"rows": 8}))
    scope_from = GovukDateField(label="The period the review covers: from")
    scope_to = GovukDateField(label="The period the review covers: to")


class MeetingForm(TenantForm):
    date = GovukDateField(label="Date of the review panel meeting")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 4}))


class ReportForm(TenantForm):
    document = DocumentField(label="The report")
    received_on = GovukDateField(label="Date received")


class PublicationDateForm(VersionedForm):
    planned_publication_date = GovukDateField(
        label="Planned publication date",
        help_text="The final report goes to the National Panel and the DfE at least 7 working days before",
    )


class SentForm(VersionedForm):
    sent_on = GovukDateField(label="Date sent to the National Panel and the Department for Education")


class PublishedForm(VersionedForm):
    published_on = GovukDateField(label="Date published")
    published_url = forms.URLField(
        label="Address of the published report",
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"spellcheck": "false"}),
    )


class NotPublishingForm(VersionedForm):
    rationale = forms.CharField(label="Why the report will not be published", widget=forms.Textarea(attrs={"rows": 5}))
    improvements_summary = forms.CharField(
        label="What will be published instead about the improvements being made",
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class DecisionForm(VersionedForm, CommissionForm):
    """The decision corrected: the partners' signatures of it are withdrawn."""


class SignDecisionForm(TenantForm):
    """Signing the decision as read (the hash of its content: a change since is refused)."""

    content_hash = forms.CharField(widget=forms.HiddenInput, required=False)
