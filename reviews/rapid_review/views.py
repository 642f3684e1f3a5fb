"""Pages for the rapid review: the business unit's task list, requests for information and the
agency summaries that answer them, the meeting record and decision, sign-off, and the PDF summary
for the Panel. A step the service would refuse is refused before its form is shown, with the same
reason (services.rapid_review_refusal, services.information_request_refusal)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from lscp import activity, deadlines, documents, pdf
from lscp.checks import possessive
from lscp.deadlines.workdays import calendar_for
from lscp.web.lists import paginate
from lscp.web.views import PartnershipMixin, PartnershipPage, RecordMixin, ServiceFormMixin
from partners.signing import signing_members
from reviews.notifications.services import step_refusal
from reviews.notifications.steps import STEPS
from reviews.notifications.views import NotificationRecord, refused
from reviews.rapid_review import selectors, services
from reviews.rapid_review.forms import (
    AgencySummaryForm,
    AttendeeFormSet,
    ChronologyFormSet,
    ConfirmVersionForm,
    MeetingForm,
    ReasonForm,
    RequestInformationForm,
    SignOffForm,
    WithdrawRequestForm,
)
from reviews.rapid_review.models import InformationRequest, RequestStatus, ReviewStatus, SignOffDecision
from reviews.rapid_review.permissions import InformationRequestPolicy, RapidReviewPolicy

# ----------------------------------------------------------------------------------------------
# The task list


class RapidReviewView(NotificationRecord, TemplateView):
    template_name = "reviews/rapid_review.html"
    policy = RapidReviewPolicy
    log_views = False

    def get(self, request, *args, **kwargs):
        review = selectors.rapid_review_for(self.object)
        activity.record_view(self.ctx, review or self.object, event="rapid_review.viewed")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        notification = self.object
        review = selectors.rapid_review_for(notification)
        requests = list(selectors.information_requests(self.ctx, notification=notification))
        signatures = selectors.active_signatures(review) if review else {}
        missing = selectors.missing_signers(review, self.ctx.partnership)
        returns = selectors.standing_returns(review)
        context.update(
            review=review,
            requests=[(r, next(iter(r.deadlines.all()), None)) for r in requests],
            received=sum(r.status == RequestStatus.SUBMITTED for r in requests),
            asked=sum(not r.is_closed for r in requests),
            closed=sum(r.is_closed for r in requests),
            today=timezone.localdate(),
            signatures=signatures,
            sign_offs=selectors.sign_offs_of(review),
            signing=[(m, signatures.get(m.pk), returns.get(m.pk)) for m in signing_members(self.ctx.partnership)],
            returns=list(returns.values()),
            signers_needed=len(signatures) + len(missing),
            missing=missing,
            can_manage=RapidReviewPolicy.can(self.ctx, "manage"),
            can_sign=RapidReviewPolicy.can(self.ctx, "sign", notification),
            meeting_open=services.rapid_review_refusal(notification, review, step="meeting") is None,
            requests_open=services.rapid_review_refusal(notification, review, step="request_information") is None,
            outcome_missing=services.check_outcome(review) if review else {},
            # The steps after sign-off are offered only when the service would record them.
            complete_open=step_refusal(notification, STEPS["rapid_review_completed"]) is None,
            outcome_sent_open=step_refusal(notification, STEPS["outcome_sent"]) is None,
            criteria=selectors.criteria_rows(review),
        )
        return context


# ----------------------------------------------------------------------------------------------
# Requests for information


class RequestInformationView(NotificationRecord, ServiceFormMixin, TemplateView):
    template_name = "reviews/request_information.html"
    policy = InformationRequestPolicy
    permission = "request"
    log_views = False

    def get_form(self):
        involved = {self.object.notifying_member_id}
        for child in self.object.children.all():
            involved.update(member.pk for member in child.known_to.all())
        initial = {
            "members": sorted(involved),
            "reply_by": calendar_for(self.ctx.partnership).add(timezone.localdate(), 5).date,
        }
        return RequestInformationForm(self.request.POST or None, ctx=self.ctx, initial=initial)

    def get(self, request, *args, **kwargs):
        refused = self.refuse(
            services.rapid_review_refusal(self.object, None, step="request_information"), self.review_url()
        )
        return refused or self.render_to_response(self.get_context_data(form=self.get_form()))

    def review_url(self) -> str:
        return reverse("rapid-review", args=[self.ctx.partnership.slug, self.object.pk])

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid():
            data = form.cleaned_data
            return self.run_service(
                form,
                lambda: services.request_information(
                    self.ctx,
                    self.object,
                    members=list(data["members"]),
                    reply_by=data["reply_by"],
                    message=data["message"],
                    confirm=bool(data.get("confirm")),
                ),
                success_url=self.review_url(),
                message=lambda asked: f"{len(asked)} organisation{'s' if len(asked) != 1 else ''} asked for a summary",
            )
        return self.render_to_response(self.get_context_data(form=form))


class InformationRequestListView(PartnershipPage):
    """'Requests for information': an agency lead's organisation's requests; all of them for the business unit."""

    template_name = "reviews/information_request_list.html"
    policy = InformationRequestPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        show = self.request.GET.get("show", "open")
        queryset = selectors.information_requests(self.ctx, open_only=show == "open")
        page = paginate(self.request, queryset.order_by("reply_by", "pk"))
        today = timezone.localdate()
        context.update(page=page, rows=[(r, next(iter(r.deadlines.all()), None)) for r in page], today=today, show=show)
        return context


class InformationRequestDetailView(RecordMixin, ServiceFormMixin, TemplateView):
    """The request and its answer: the agency lead edits (until submitted), others read."""

    template_name = "reviews/information_request.html"
    model = InformationRequest
    policy = InformationRequestPolicy

    def get_queryset(self):
        return super().get_queryset().select_related("notification", "member__organisation", "submitted_by")

    def can_answer(self) -> bool:
        return InformationRequestPolicy.can(self.ctx, "answer", self.object)

    def forms(self, data=None, files=None):
        request = self.object
        form = AgencySummaryForm(
            data,
            files,
            ctx=self.ctx,
            initial={
                "version": request.version,
                "involvement": request.involvement,
                "immediate_actions": request.immediate_actions,
                "learning": request.learning,
            },
        )
        initial = [
            {"date": e.date, "event": e.event, "agency_action": e.agency_action} for e in request.chronology.all()
        ]
        formset = ChronologyFormSet(data, prefix="chronology", initial=initial)
        return form, formset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.object
        answer = self.can_answer() and services.information_request_refusal(request, step="answer") is None
        if answer and "form" not in kwargs:
            context["form"], context["formset"] = self.forms()
        context.update(
            can_answer=answer,
            can_reopen=InformationRequestPolicy.can(self.ctx, "request", request)
            and request.status == RequestStatus.SUBMITTED,
            can_withdraw=InformationRequestPolicy.can(self.ctx, "request", request)
            and services.information_request_refusal(request, step="withdraw") is None,
            can_correct=InformationRequestPolicy.can(self.ctx, "request", request),
            chronology=request.chronology.all(),
            documents=documents.documents_about(self.ctx.partnership, request),
            clock=next(iter(deadlines.clocks_for(request)), None),
            today=timezone.localdate(),
        )
        return context

    def post(self, request, *args, **kwargs):
        InformationRequestPolicy.require(self.ctx, "answer", self.object)
        form, formset = self.forms(request.POST, request.FILES)
        submit = request.POST.get("action") == "submit"
        valid = form.is_valid() & formset.is_valid()  # both, so that every problem shows at once
        if not valid:
            data = form.cleaned_data
            form.add_check_errors(
                services.agency_summary_errors(
                    self.object,
                    involvement=data.get("involvement", ""),
                    learning=data.get("learning", ""),
                    submit=submit,
                )
            )
        if valid:
            data = form.cleaned_data
            # Every row, blank ones too: the service names a problem by the row's number on the page.
            chronology = [f.cleaned_data for f in formset.forms]

            def save():
                saved = services.save_agency_summary(
                    self.ctx,
                    self.object,
                    involvement=data["involvement"],
                    immediate_actions=data["immediate_actions"],
                    learning=data["learning"],
                    chronology=chronology,
                    submit=submit,
                    expected_version=data["version"],
                )
                if data.get("document"):
                    upload, content, kind = data["document"]
                    documents.attach(self.ctx, about=saved, upload=upload, content=content, kind=kind)
                return saved

            message = "Your summary has been submitted to the business unit" if submit else "Your draft has been saved"
            return self.run_service(
                form,
                save,
                success_url=reverse("information-request-detail", args=[self.ctx.partnership.slug, self.object.pk]),
                message=message,
                render=lambda: self.render_to_response(self.get_context_data(form=form, formset=formset)),
            )
        return self.render_to_response(self.get_context_data(form=form, formset=formset))


class ReopenSummaryView(RecordMixin, ServiceFormMixin, TemplateView):
    template_name = "reviews/reopen_summary.html"
    model = InformationRequest
    policy = InformationRequestPolicy
    permission = "request"
    log_views = False

    def detail_url(self) -> str:
        return reverse("information-request-detail", args=[self.ctx.partnership.slug, self.object.pk])

    def get(self, request, *args, **kwargs):
        refusal = refused(request, services.information_request_refusal(self.object, step="reopen"), self.detail_url())
        return refusal or self.render_to_response(self.get_context_data(form=ReasonForm(ctx=self.ctx)))

    def post(self, request, *args, **kwargs):
        form = ReasonForm(request.POST, ctx=self.ctx)
        if form.is_valid():
            return self.run_service(
                form,
                lambda: services.reopen_agency_summary(self.ctx, self.object, reason=form.cleaned_data["reason"]),
                success_url=self.detail_url(),
                message=f"{possessive(self.object.member)} summary has been reopened",
            )
        return self.render_to_response(self.get_context_data(form=form))


class WithdrawRequestView(RecordMixin, ServiceFormMixin, TemplateView):
    """The business unit withdraws a request not yet answered, with its reason."""

    template_name = "reviews/withdraw_request.html"
    model = InformationRequest
    policy = InformationRequestPolicy
    permission = "request"
    log_views = False

    def detail_url(self) -> str:
        return reverse("information-request-detail", args=[self.ctx.partnership.slug, self.object.pk])

    def get(self, request, *args, **kwargs):
        refusal = refused(
            request, services.information_request_refusal(self.object, step="withdraw"), self.detail_url()
        )
        form = WithdrawRequestForm(ctx=self.ctx, initial={"version": self.object.version})
        return refusal or self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = WithdrawRequestForm(request.POST, ctx=self.ctx)
        if form.is_valid():
            return self.run_service(
                form,
                lambda: services.withdraw_information_request(
                    self.ctx,
                    self.object,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                ),
                success_url=self.detail_url(),
                message=f"The request to {self.object.member} has been withdrawn",
            )
        return self.render_to_response(self.get_context_data(form=form))


# ----------------------------------------------------------------------------------------------
# The meeting record and decision


class MeetingView(NotificationRecord, ServiceFormMixin, TemplateView):
    """The meeting record and decision. Someone else saving first keeps this person's input and
    shows the record they saved beside it (keep_stale)."""

    template_name = "reviews/meeting.html"
    policy = RapidReviewPolicy
    permission = "manage"
    log_views = False
    conflict = None

    def build(self, data=None):
        review = selectors.rapid_review_for(self.object)
        initial = {"version": review.version if review else 0}
        attendees = []
        if review:
            initial.update({name: getattr(review, name) for name in MeetingForm.record_fields})
            for key, value in (review.criteria or {}).items():
                met = value.get("met")
                initial[f"criterion_{key}_met"] = "yes" if met is True else "no" if met is False else ""
                initial[f"criterion_{key}_rationale"] = value.get("rationale", "")
            attendees = [{"member": a.member_id, "name": a.name, "role": a.role} for a in review.attendees.all()]
        form = MeetingForm(data, ctx=self.ctx, initial=initial)
        formset = AttendeeFormSet(data, prefix="attendees", initial=attendees, ctx=self.ctx)
        return review, form, formset

    def review_url(self) -> str:
        return reverse("rapid-review", args=[self.ctx.partnership.slug, self.object.pk])

    def get(self, request, *args, **kwargs):
        review, form, formset = self.build()
        refused = self.refuse(services.rapid_review_refusal(self.object, review, step="meeting"), self.review_url())
        return refused or self.show(form, formset, review)

    def post(self, request, *args, **kwargs):
        review, form, formset = self.build(request.POST)
        if not (form.is_valid() and formset.is_valid()):
            return self.show(form, formset, review)
        data = form.cleaned_data
        return self.run_service(
            form,
            lambda: services.save_meeting(
                self.ctx,
                self.object,
                meeting_date=data["meeting_date"],
                attendees=[f.cleaned_data for f in formset.forms if f.cleaned_data],
                key_practice_episodes=data["key_practice_episodes"],
                learning=data["learning"],
                immediate_actions=data["immediate_actions"],
                context=data["context"],
                criteria=form.criteria(),
                recommendation=data["recommendation"],
                recommendation_rationale=data["recommendation_rationale"],
                themes=data["themes"],
                expected_version=data["version"] if review else None,
            ),
            success_url=self.review_url(),
            message="The meeting record has been saved",
            render=lambda: self.show(form, formset, review),
        )

    def keep_stale(self, form, error) -> None:
        super().keep_stale(form, error)
        self.conflict = str(error)

    def show(self, form, formset, review):
        latest = selectors.rapid_review_for(self.object) if self.conflict else None
        return self.render_to_response(
            self.get_context_data(
                form=form,
                formset=formset,
                review=review,
                conflict=self.conflict,
                latest=latest,
                latest_criteria=selectors.criteria_rows(latest) if latest else [],
            )
        )


class SendForSignOffView(NotificationRecord, ServiceFormMixin, TemplateView):
    template_name = "reviews/send_for_sign_off.html"
    policy = RapidReviewPolicy
    permission = "manage"
    log_views = False

    def get(self, request, *args, **kwargs):
        review = selectors.rapid_review_for(self.object)
        url = reverse("rapid-review", args=[self.ctx.partnership.slug, self.object.pk])
        refused = self.refuse(services.rapid_review_refusal(self.object, review, step="send_for_sign_off"), url)
        if refused:
            return refused
        form = ConfirmVersionForm(ctx=self.ctx, initial={"version": review.version})
        return self.render_to_response(
            self.get_context_data(form=form, review=review, missing=services.check_outcome(review))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["outstanding"] = services.outstanding_requests(self.object)
        return context

    def post(self, request, *args, **kwargs):
        form = ConfirmVersionForm(request.POST, ctx=self.ctx)
        url = reverse("rapid-review", args=[self.ctx.partnership.slug, self.object.pk])
        review = selectors.rapid_review_for(self.object)
        if form.is_valid():
            return self.run_service(
                form,
                lambda: services.send_for_sign_off(
                    self.ctx, self.object, expected_version=form.cleaned_data["version"]
                ),
                success_url=url,
                message="The outcome has been sent to the safeguarding partners for sign-off",
                render=lambda: self.render_to_response(self.get_context_data(form=form, review=review, missing={})),
            )
        return self.render_to_response(self.get_context_data(form=form, review=review, missing={}))


class SignOffView(NotificationRecord, ServiceFormMixin, TemplateView):
    """The safeguarding partner's signer reads the outcome and signs it off, or returns it with comments."""

    template_name = "reviews/sign_off.html"
    policy = RapidReviewPolicy
    permission = "sign"
    log_views = False

    def authorize(self, request, **kwargs) -> None:
        # The object rule (only a statutory partner signs) is asked of the page's own methods;
        # another method is a 405, as on every page, not a 403.
        if request.method.lower() in ("get", "head", "post"):
            super().authorize(request, **kwargs)
        else:
            PartnershipMixin.authorize(self, request, **kwargs)

    def get(self, request, *args, **kwargs):
        review = selectors.rapid_review_for(self.object)
        activity.record_view(self.ctx, review or self.object, event="rapid_review.viewed")
        return self.render_to_response(self.get_context_data(form=SignOffForm(ctx=self.ctx)))

    def post(self, request, *args, **kwargs):
        form = SignOffForm(request.POST, ctx=self.ctx)
        if form.is_valid():
            data = form.cleaned_data
            message = (
                "You have signed off the outcome"
                if data["decision"] == SignOffDecision.SIGNED
                else "You have returned the outcome with your comments"
            )
            return self.run_service(
                form,
                lambda: services.sign_off(self.ctx, self.object, decision=data["decision"], comments=data["comments"]),
                success_url=reverse("rapid-review-sign-off", args=[self.ctx.partnership.slug, self.object.pk]),
                message=message,
            )
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = selectors.rapid_review_for(self.object)
        seat = RapidReviewPolicy.signing_partner(self.ctx)
        context.update(
            review=review,
            seat=seat,
            sign_offs=selectors.sign_offs_of(review),
            criteria=selectors.criteria_rows(review) if review else [],
            mine=selectors.active_signatures(review).get(seat.member_id) if review and seat else None,
            ready=review is not None and review.status == ReviewStatus.AWAITING_SIGN_OFF,
        )
        return context


class SummaryPdfView(NotificationRecord, TemplateView):
    """The rapid review summary for the National Panel, as a PDF; each download is logged."""

    policy = RapidReviewPolicy
    permission = "download_summary"
    log_views = False

    def get(self, request, *args, **kwargs):
        notification = self.object
        review = selectors.rapid_review_for(notification)
        if review is None or review.status == ReviewStatus.DRAFTING:
            messages.error(request, "The summary can be downloaded once the outcome has been sent for sign-off.")
            return redirect(reverse("rapid-review", args=[self.ctx.partnership.slug, notification.pk]))
        data = pdf.render_pdf("pdf/rapid_review_summary.html", selectors.rapid_review_summary(self.ctx, notification))
        activity.record_view(self.ctx, review, event="rapid_review.summary_downloaded")
        return pdf.pdf_response(data, f"rapid-review-summary-{notification.reference}.pdf")
