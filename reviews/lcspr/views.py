"""Pages for a local child safeguarding practice review (LCSPR). A step the service would refuse
is refused before its form is shown, with the same reason (services.lcspr_refusal)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from lscp import activity, deadlines, documents
from lscp.activity.describe import words_for
from lscp.web.views import PartnershipMixin, ServiceFormMixin
from partners.sign_offs import signer_seat
from partners.signing import Signable
from reviews.lcspr import services
from reviews.lcspr.forms import (
    CommissionForm,
    DecisionForm,
    MeetingForm,
    NotPublishingForm,
    PublicationDateForm,
    PublishedForm,
    ReportForm,
    SentForm,
    SignDecisionForm,
)
from reviews.lcspr.permissions import LcsprPolicy
from reviews.lcspr.selectors import lcspr_for
from reviews.notifications.views import NotificationRecord


def _report(*, final: bool):
    def receive(ctx, lcspr, data):
        upload, content, kind = data["document"]
        return services.receive_report(
            ctx, lcspr, final=final, received_on=data["received_on"], upload=upload, content=content, kind=kind
        )

    return receive


# What a step's success message says: the activity log's words for the event it writes.
DONE = {
    "commission": "lcspr.commissioned",
    "decision": "lcspr.decision_changed",
    "meeting": "lcspr.meeting_added",
    "draft-report": "lcspr.draft_report_received",
    "final-report": "lcspr.final_report_received",
    "publication-date": "lcspr.publication_planned",
    "sent-to-panel": "lcspr.sent_to_panel",
    "published": "lcspr.published",
    "not-publishing": "lcspr.not_published",
}


def _service_values(data: dict) -> dict:
    """A form's values as the service takes them (the version read is the expected version)."""
    values = dict(data)
    if "version" in values:
        values["expected_version"] = values.pop("version")
    return values


# step (as in the URL) -> (heading, form, the service call)
STEPS = {
    "decision": (
        "Change the decision",
        DecisionForm,
        lambda ctx, lcspr, d: services.change_decision(ctx, lcspr, **d),
    ),
    "meeting": ("Add a review panel meeting", MeetingForm, lambda ctx, lcspr, d: services.add_meeting(ctx, lcspr, **d)),
    "draft-report": ("Add the draft report", ReportForm, _report(final=False)),
    "final-report": ("Add the final report", ReportForm, _report(final=True)),
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
        lcspr = lcspr_for(self.object)
        if lcspr is None:
            if LcsprPolicy.can(self.ctx, "manage"):
                return redirect(reverse("lcspr-commission", args=[self.ctx.partnership.slug, self.object.pk]))
            raise Http404("No practice review")
        activity.record_view(self.ctx, lcspr, event="lcspr.viewed")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lcspr = lcspr_for(self.object)
        today = timezone.localdate()
        context.update(
            lcspr=lcspr,
            clocks=[(d, deadlines.label_for(d), d.status_on(today)) for d in deadlines.clocks_for(lcspr)],
            meetings=lcspr.meetings.all(),
            documents=documents.documents_about(self.ctx.partnership, lcspr)
            if LcsprPolicy.can(self.ctx, "read_reports")
            else [],
            can_manage=LcsprPolicy.can(self.ctx, "manage"),
            can_sign=LcsprPolicy.can(self.ctx, "sign", lcspr),
            decision=services.decision_sign_off(lcspr),
            open=lcspr.status not in services.DECIDED,
        )
        return context


class LcsprSignView(NotificationRecord, ServiceFormMixin, TemplateView):
    """A safeguarding partner's seat holder signs the decision on the LCSPR for their member."""

    template_name = "reviews/lcspr_sign.html"
    policy = LcsprPolicy
    permission = "sign"
    log_views = False

    def authorize(self, request, **kwargs) -> None:
        # The object rule (a seat at the policy's level) is asked of the page's own methods;
        # another method is a 405, as on every page.
        if request.method.lower() in ("get", "head", "post"):
            super().authorize(request, **kwargs)
        else:
            PartnershipMixin.authorize(self, request, **kwargs)

    def lcspr(self):
        lcspr = lcspr_for(self.object)
        if lcspr is None:
            raise Http404("No practice review")
        return lcspr

    def get(self, request, *args, **kwargs):
        lcspr = self.lcspr()
        activity.record_view(self.ctx, lcspr, event="lcspr.viewed")
        form = SignDecisionForm(ctx=self.ctx, initial={"content_hash": services.decision_hash(lcspr)})
        return self.render_to_response(self.get_context_data(form=form, lcspr=lcspr))

    def post(self, request, *args, **kwargs):
        lcspr = self.lcspr()
        form = SignDecisionForm(request.POST, ctx=self.ctx)
        if form.is_valid():
            return self.run_service(
                form,
                lambda: services.sign_decision(self.ctx, lcspr, expected_hash=form.cleaned_data["content_hash"]),
                success_url=reverse("lcspr-detail", args=[self.ctx.partnership.slug, self.object.pk]),
                message="You have signed the decision",
                render=lambda: self.render_to_response(self.get_context_data(form=form, lcspr=lcspr)),
            )
        return self.render_to_response(self.get_context_data(form=form, lcspr=lcspr))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lcspr = kwargs.get("lcspr") or self.lcspr()
        decision = services.decision_sign_off(lcspr)
        seat = signer_seat(self.ctx, Signable.LCSPR_DECISION)
        context.update(
            lcspr=lcspr,
            decision=decision,
            seat=seat,
            mine=next((s for m, s in decision["rows"] if seat and s and m.pk == seat.member_id), None),
        )
        return context


class LcsprFormView(NotificationRecord, ServiceFormMixin, TemplateView):
    template_name = "reviews/lcspr_form.html"
    policy = LcsprPolicy
    permission = "manage"
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
        lcspr = lcspr_for(self.object)
        if lcspr is None and self.step != "commission":
            raise Http404("No practice review")
        return lcspr

    def detail_url(self):
        return reverse("lcspr-detail", args=[self.ctx.partnership.slug, self.object.pk])

    def get(self, request, *args, **kwargs):
        heading, form_class, _ = self.spec()
        lcspr = self.lcspr()
        back = (
            self.detail_url()
            if lcspr
            else reverse("notification-detail", args=[self.ctx.partnership.slug, self.object.pk])
        )
        refused = self.refuse(services.lcspr_refusal(lcspr, step=self.step, notification=self.object), back)
        if refused:
            return refused
        initial = {"version": lcspr.version} if lcspr else {}
        if lcspr and self.step == "decision":
            initial.update({field: getattr(lcspr, field) for field in services.DECISION_FIELDS})
        return self.render_to_response(
            self.get_context_data(form=form_class(ctx=self.ctx, initial=initial), heading=heading)
        )

    def post(self, request, *args, **kwargs):
        heading, form_class, action = self.spec()
        lcspr = self.lcspr()
        form = form_class(request.POST, request.FILES, ctx=self.ctx)
        if form.is_valid():
            return self.run_service(
                form,
                lambda: action(self.ctx, lcspr, _service_values(form.cleaned_data)),
                success_url=self.detail_url(),
                message=words_for(DONE[self.step]),
                render=lambda: self.render_to_response(self.get_context_data(form=form, heading=heading)),
            )
        return self.render_to_response(self.get_context_data(form=form, heading=heading))
