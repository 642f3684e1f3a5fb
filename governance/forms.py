"""Forms for the documents register. They parse what people type; the rules are the services'
(so the pages and the API agree)."""

from __future__ import annotations

from django import forms

from governance.models import DocumentKind
from lscp.documents import DocumentField
from lscp.web.forms import GovukDateField, TenantForm, VersionedForm


class DocumentForm(TenantForm):
    kind = forms.ChoiceField(
        label="Kind of document",
        choices=DocumentKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of document it is"},
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, Thurrock Local Safeguarding Children Partnership arrangements",
        error_messages={"required": "Enter the title"},
    )
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For the arrangements, say where the plans for independent scrutiny are",
    )


class DocumentEditForm(VersionedForm):
    title = DocumentForm.base_fields["title"]
    description = DocumentForm.base_fields["description"]


class VersionForm(TenantForm):
    number = forms.CharField(
        label="Version number",
        max_length=20,
        help_text="For example, 2.0",
        error_messages={"required": "Enter the version number"},
    )
    summary = forms.CharField(
        label="Summary of changes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What changed since the last version",
    )
    file = DocumentField(label="The document", required=False)
    link = forms.CharField(
        label="Or its link",
        required=False,
        max_length=500,
        help_text="Where it is published, starting https://",
        widget=forms.URLInput(attrs={"spellcheck": "false"}),
    )
    next_review_on = GovukDateField(
        label="Next review date",
        required=False,
        help_text="When the partners plan to review it: for example, 31 3 2027",
    )

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        upload = data.pop("file", None)
        if upload is not None:
            data["upload"] = upload
        return data


class VersionEditForm(VersionedForm, VersionForm):
    pass


class SendForm(VersionedForm):
    pass


class SignForm(VersionedForm):
    confirm = forms.BooleanField(
        label="I have read this version and sign it for my organisation",
        error_messages={"required": "Confirm that you have read this version and sign it"},
    )


class PublishForm(VersionedForm):
    published_on = GovukDateField(label="Publication date", help_text="For example, 30 9 2025")
    next_review_on = GovukDateField(label="Next review date", help_text="For example, 30 9 2026")
