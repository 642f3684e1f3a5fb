"""Pages for a local child safeguarding practice review (LCSPR)."""

from __future__ import annotations

from django import forms
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from lscp import deadlines, documents
from lscp.documents import DocumentField
from lscp.web.forms import GovukDateField, TenantForm
from lscp.web.views import ServiceFormMixin
from reviews import lcspr_services as services
from reviews.models import LcsprStatus, ReviewerKind
from reviews.permissions import LcsprPolicy
from reviews.rapid_review_views import NotificationRecord


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


class PublicationDateForm(TenantForm):
    planned_publication_date = GovukDateField(
        label="Planned publication date",
        help_text="The final report goes to the National Panel and the DfE at least 7 working days before",
    )


class SentForm(TenantForm):
    sent_on = GovukDateField(label="Date sent to the National Panel and the Department for Education")


class PublishedForm(TenantForm):
    published_on = GovukDateField(label="Date published")
    published_url = forms.URLField(
        label="Address of the published report",
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"spellcheck": "false"}),
    )


class NotPublishingForm(TenantForm):
    rationale = forms.CharField(label="Why the report will not be published", widget=forms.Textarea(attrs={"rows": 5}))
    improvements_summary = forms.CharField(
        label="What will be published instead about the improvements being made",
        widget=forms.Textarea(attrs={"rows": 5}),
    )


STEPS = {
    "meeting": ("Add a review panel meeting", MeetingForm, lambda ctx, lcspr, d: services.add_meeting(ctx, lcspr, **d)),
    "draft-report": (
        "Add the draft report",
        ReportForm,
        lambda ctx, lcspr, d: services.receive_report(
            ctx,
            lcspr,
            final=False,
            received_on=d["received_on"],
            upload=d["document"][0],
            content=d["document"][1],
            kind=d["document"][2],
        ),
    ),
    "final-report": (
        "Add the final report",
        ReportForm,
        lambda ctx, lcspr, d: services.receive_report(
            ctx,
            lcspr,
            final=True,
            received_on=d["received_on"],
            upload=d["document"][0],
            content=d["document"][1],
            kind=d["document"][2],
        ),
    ),
    "publication-date": (
        "Plan the publication",
        PublicationDateForm,
        lambda ctx, lcspr, d: services.plan_publication(ctx, lcspr, **d),
    ),
    "sent-to-panel": (
        "Final report sent to the Panel and the DfE",
        SentForm,
        lambda ctx, lcspr, d: services.send_to_panel(ctx, lcspr, **d),
    ),
    "published": ("Published", PublishedForm, lambda ctx, lcspr, d: services.publish(ctx, lcspr, **d)),
    "not-publishing": (
        "Decide not to publish",
        NotPublishingForm,
        lambda ctx, lcspr, d: services.decide_not_to_publish(ctx, lcspr, **d),
    ),
}


class LcsprDetailView(NotificationRecord, TemplateView):
    template_name = "reviews/lcspr.html"
    policy = LcsprPolicy
    log_views = False

    def get(self, request, *args, **kwargs):
        from lscp import activity

        lcspr = services.lcspr_for(self.object)
        if lcspr is None:
            if LcsprPolicy.can(self.ctx, "manage"):
                return redirect(reverse("lcspr-commission", args=[self.ctx.partnership.slug, self.object.pk]))
            raise Http404("No practice review")
        activity.record_view(self.ctx, lcspr, event="lcspr.viewed")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lcspr = services.lcspr_for(self.object)
        today = timezone.localdate()
        context.update(
            lcspr=lcspr,
            clocks=[(d, deadlines.label_for(d), d.status_on(today)) for d in deadlines.clocks_for(lcspr)],
            meetings=lcspr.meetings.all(),
            documents=documents.documents_about(self.ctx.partnership, lcspr)
            if LcsprPolicy.can(self.ctx, "read_reports")
            else [],
            can_manage=LcsprPolicy.can(self.ctx, "manage"),
            open=lcspr.status not in (LcsprStatus.PUBLISHED, LcsprStatus.NOT_PUBLISHED),
        )
        return context


class LcsprFormView(NotificationRecord, ServiceFormMixin, TemplateView):
    template_name = "reviews/lcspr_form.html"
    policy = LcsprPolicy
    action = "manage"
    log_views = False
    step = ""

    def dispatch(self, request, *args, **kwargs):
        self.step = kwargs.pop("step", "commission")
        return super().dispatch(request, *args, **kwargs)

    def spec(self):
        if self.step == "commission":
            return (
                "Commission an LCSPR",
                CommissionForm,
                lambda ctx, lcspr, d: services.commission(ctx, self.object, **d),
            )
        return STEPS[self.step]

    def lcspr(self):
        lcspr = services.lcspr_for(self.object)
        if lcspr is None and self.step != "commission":
            raise Http404("No practice review")
        return lcspr

    def detail_url(self):
        return reverse("lcspr-detail", args=[self.ctx.partnership.slug, self.object.pk])

    def get(self, request, *args, **kwargs):
        heading, form_class, _ = self.spec()
        self.lcspr()
        return self.render_to_response(self.get_context_data(form=form_class(ctx=self.ctx), heading=heading))

    def post(self, request, *args, **kwargs):
        heading, form_class, action = self.spec()
        lcspr = self.lcspr()
        form = form_class(request.POST, request.FILES, ctx=self.ctx)
        if form.is_valid():
            return self.run_service(
                form,
                lambda: action(self.ctx, lcspr, dict(form.cleaned_data)),
                success_url=self.detail_url(),
                message=f"{heading}: recorded",
                render=lambda: self.render_to_response(self.get_context_data(form=form, heading=heading)),
            )
        return self.render_to_response(self.get_context_data(form=form, heading=heading))
