"""Pages of the documents register: the documents, one document with its versions and their
signatures, adding and changing a document or a version, sending a version for sign-off,
signing it (a signing member's seat holder) and publishing it with its next review date."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from governance import selectors, services
from governance.forms import (
    DocumentEditForm,
    DocumentForm,
    PublishForm,
    SendForm,
    SignForm,
    VersionEditForm,
    VersionForm,
)
from governance.models import DocumentVersion, GovernanceDocument, VersionStatus
from governance.permissions import GovernanceDocumentPolicy as Policy
from lscp import deadlines, documents
from lscp.web.lists import paginate, sort
from lscp.web.views import PartnershipFormView, PartnershipPage, RecordFormView, RecordMixin
from partners import signing


def document_url(ctx, document_id: int) -> str:
    return reverse("governance-document-detail", args=[ctx.partnership.slug, document_id])


class DocumentListView(PartnershipPage):
    template_name = "governance/document_list.html"
    policy = Policy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows, sorting = sort(
            self.request,
            selectors.documents(self.ctx),
            columns={"title": ["title"], "kind": ["kind", "title"]},
            default="kind",
        )
        page = paginate(self.request, rows)
        context.update(
            page=page,
            rows=[(d, selectors.current_version(d), selectors.latest_version(d)) for d in page],
            sorting=sorting,
            can_manage=Policy.can(self.ctx, "manage"),
        )
        return context


class DocumentAddView(PartnershipFormView):
    template_name = "governance/form.html"
    form_class = DocumentForm
    policy = Policy
    permission = "manage"
    extra_context = {"heading": "Add a document to the register"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["back_url"] = reverse("governance-document-list", args=[self.ctx.partnership.slug])
        return context

    def perform(self, form):
        return services.document_add(self.ctx, **form.cleaned_data)

    def get_success_message(self):
        return f"{self.result.title} has been added: add its first version"

    def get_success_url(self):
        return reverse("governance-document-version-add", args=[self.ctx.partnership.slug, self.result.pk])


class DocumentDetailView(RecordMixin, TemplateView):
    template_name = "governance/document.html"
    model = GovernanceDocument
    policy = Policy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        versions = selectors.versions_of(self.ctx, self.object)
        can_manage = Policy.can(self.ctx, "manage", self.object)
        rows = []
        for version in versions:
            state = selectors.sign_off_state(version)
            rows.append(
                {
                    "version": version,
                    "state": state,
                    "withdrawn": [s for s in version.all_signatures if s.withdrawn_at is not None],
                    "can_change": can_manage and services.version_refusal(version, step="change") is None,
                    "can_send": can_manage and services.version_refusal(version, step="send_for_sign_off") is None,
                    "can_publish": can_manage and services.version_refusal(version, step="publish") is None,
                    "can_sign": version.status in (VersionStatus.AWAITING_SIGN_OFF, VersionStatus.SIGNED)
                    and Policy.can(self.ctx, "sign", version),
                    "clocks": deadlines.clocks_for(version) if version.published_on else [],
                }
            )
        context.update(
            versions=rows,
            can_manage=can_manage,
            in_progress=any(r["version"].status != VersionStatus.PUBLISHED for r in rows),
            signable=selectors.signable_for(self.object),
            today=timezone.localdate(),
        )
        return context


class DocumentEditView(RecordFormView):
    template_name = "governance/form.html"
    model = GovernanceDocument
    form_class = DocumentEditForm
    policy = Policy
    permission = "manage"
    extra_context = {"heading": "Change the document's title or description"}

    def get_initial(self):
        return {"title": self.object.title, "description": self.object.description, "version": self.object.version}

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.document_save(self.ctx, self.object, expected_version=data.pop("version"), **data)

    def get_success_message(self):
        return f"{self.result.title} has been saved"

    def get_success_url(self):
        return document_url(self.ctx, self.object.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["back_url"] = document_url(self.ctx, self.object.pk)
        return context


class VersionAddView(RecordFormView):
    template_name = "governance/form.html"
    model = GovernanceDocument
    form_class = VersionForm
    policy = Policy
    permission = "manage"

    def perform(self, form):
        return services.version_add(self.ctx, self.object, **form.values())

    def get_success_message(self):
        return f"Version {self.result.number} of {self.object.title} has been added"

    def get_success_url(self):
        return document_url(self.ctx, self.object.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(back_url=document_url(self.ctx, self.object.pk), heading=f"Add a version of {self.object.title}")
        return context


class VersionMixin:
    """A page about one version: refused with the reason when its step cannot be taken now."""

    model = DocumentVersion
    policy = Policy
    step = ""

    def get_queryset(self):
        return super().get_queryset().select_related("document", "file")

    def get(self, request, *args, **kwargs):
        refusal = services.version_refusal(self.object, step=self.step) if self.step else None
        if refusal:
            messages.error(request, refusal)
            return redirect(document_url(self.ctx, self.object.document_id))
        return super().get(request, *args, **kwargs)

    def get_success_url(self):
        return document_url(self.ctx, self.object.document_id)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(back_url=document_url(self.ctx, self.object.document_id), version=self.object)
        return context


class VersionEditView(VersionMixin, RecordFormView):
    template_name = "governance/form.html"
    form_class = VersionEditForm
    permission = "manage"
    step = "change"

    def get_initial(self):
        v = self.object
        return {
            "number": v.number,
            "summary": v.summary,
            "link": v.link,
            "next_review_on": v.next_review_on,
            "version": v.version,
        }

    def perform(self, form):
        values = form.values()
        return services.version_save(self.ctx, self.object, expected_version=form.cleaned_data["version"], **values)

    def get_success_message(self):
        return f"Version {self.result.number} has been saved"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["heading"] = f"Change version {self.object.number} of {self.object.document.title}"
        if selectors.active_signatures(self.object):
            context["warning"] = (
                "It has been signed: saving a change withdraws the signatures, and each partner signs again."
            )
        return context


class VersionSendView(VersionMixin, RecordFormView):
    template_name = "governance/confirm.html"
    form_class = SendForm
    permission = "manage"
    step = "send_for_sign_off"

    def get_initial(self):
        return {"version": self.object.version}

    def perform(self, form):
        return services.send_for_sign_off(self.ctx, self.object, expected_version=form.cleaned_data["version"])

    def get_success_message(self):
        return f"Version {self.result.number} has been sent to the partners for sign-off"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        what = selectors.signable_for(self.object)
        context.update(
            heading=f"Send version {self.object.number} of {self.object.document.title} for sign-off",
            button="Send for sign-off",
            signers=signing.signing_members(self.ctx.partnership),
            level=signing.level_for(self.ctx.partnership, what) if what else None,
        )
        return context


class VersionSignView(VersionMixin, RecordFormView):
    template_name = "governance/sign.html"
    form_class = SignForm
    permission = "sign"
    step = "sign"
    http_method_names = ["get", "post", "head", "options"]

    def get_permission(self) -> str:
        # Signing is the seat holders'; anyone else who opens the page is told who signs.
        return "sign" if self.request.method == "POST" else "view"

    def get(self, request, *args, **kwargs):
        what = selectors.signable_for(self.object)
        if what is not None and not Policy.can(self.ctx, "sign", self.object):
            level = signing.level_for(self.ctx.partnership, what)
            messages.error(request, f"Only the {signing.seat_words(level)}s sign this document, each for their partner")
            return redirect(document_url(self.ctx, self.object.document_id))
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {"version": self.object.version}

    def perform(self, form):
        return services.sign(self.ctx, self.object, expected_version=form.cleaned_data["version"])

    def get_success_message(self):
        return f"You have signed version {self.object.number} of {self.object.document.title} for {self.result.member}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            heading=f"Sign version {self.object.number} of {self.object.document.title}",
            button="Sign",
            seat=signing.seat_of(self.ctx),
            state=selectors.sign_off_state(self.object),
            files=documents.documents_about(self.ctx.partnership, self.object) if self.object.file_id else [],
        )
        return context


class VersionPublishView(VersionMixin, RecordFormView):
    template_name = "governance/form.html"
    form_class = PublishForm
    permission = "manage"
    step = "publish"

    def get_initial(self):
        return {"next_review_on": self.object.next_review_on, "version": self.object.version}

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.publish(self.ctx, self.object, expected_version=data.pop("version"), **data)

    def get_success_message(self):
        return f"Version {self.result.number} of {self.object.document.title} has been published"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            heading=f"Publish version {self.object.number} of {self.object.document.title}",
            button="Publish",
            intro="The next review date starts a clock: the business unit is reminded before it, and the partners once it is overdue.",
        )
        return context
