"""Pages for the rapid review: the business unit's task list, requests for information and the
agency summaries that answer them, the meeting record and decision, sign-off, the PDF summary for
the Panel, and the case timeline."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from lscp import activity, deadlines, documents, pdf
from lscp.deadlines.workdays import calendar_for
from lscp.roles import Role
from lscp.states import StateError
from lscp.web.home import soon_by, task_status
from lscp.web.lists import paginate
from lscp.web.views import PartnershipPage, RecordMixin, ServiceFormMixin
from reviews import rapid_review_services as services
from reviews import selectors
from reviews.models import (
    InformationRequest,
    LcsprCriterion,
    Notification,
    RequestStatus,
    ReviewStatus,
    SignOffDecision,
)
from reviews.permissions import InformationRequestPolicy, NotificationPolicy, RapidReviewPolicy
from reviews.rapid_review_forms import (
    AgencySummaryForm,
    AttendeeFormSet,
    ChronologyFormSet,
    ConfirmVersionForm,
    MeetingForm,
    ReasonForm,
    RequestInformationForm,
    SignOffForm,
)


class NotificationRecord(RecordMixin):
    """A page about one notification, decided by a policy other than NotificationPolicy."""

    model = Notification

    def get_queryset(self):
        return selectors.notification_detail_queryset(self.ctx)

    def authorize(self, request, **kwargs) -> None:
        super().authorize(request, **kwargs)
        if not NotificationPolicy.can_see(self.ctx, self.object):
            from django.http import Http404

            raise Http404


# ----------------------------------------------------------------------------------------------
# The task list


class RapidReviewView(NotificationRecord, TemplateView):
    template_name = "reviews/rapid_review.html"
    policy = RapidReviewPolicy
    log_views = False

    def get(self, request, *args, **kwargs):
        review = services.rapid_review_for(self.object)
        activity.record_view(self.ctx, review or self.object, event="rapid_review.viewed")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        notification = self.object
        review = services.rapid_review_for(notification)
        requests = list(
            InformationRequest.objects.for_partnership(self.ctx.partnership)
            .filter(notification=notification)
            .select_related("member__organisation")
            .prefetch_related("deadlines")
        )
        today = timezone.localdate()
        signatures = services.active_signatures(review) if review else {}
        sign_offs = list(review.sign_offs.select_related("member__organisation", "person")) if review else []
        context.update(
            review=review,
            requests=[(r, next(iter(r.deadlines.all()), None)) for r in requests],
            received=sum(r.status == RequestStatus.SUBMITTED for r in requests),
            today=today,
            signatures=signatures,
            sign_offs=sign_offs,
            missing=services.missing_signers(review) if review else services.PARTNERS,
            partner_words=services.PARTNER_WORDS,
            can_manage=RapidReviewPolicy.can(self.ctx, "manage"),
            can_sign=RapidReviewPolicy.can(self.ctx, "sign")
            and self.ctx.member is not None
            and self.ctx.member.statutory_role in services.PARTNERS,
            meeting_open=notification.status == "rapid_review_started",
            requests_open=notification.status in services.OPEN_FOR_REQUESTS and notification.notifiable,
            outcome_missing=services.check_outcome(review) if review else {},
            criteria=[(c, (review.criteria or {}).get(c.value, {}) if review else {}) for c in LcsprCriterion],
        )
        return context


# ----------------------------------------------------------------------------------------------
# Requests for information


class RequestInformationView(NotificationRecord, ServiceFormMixin, TemplateView):
    template_name = "reviews/request_information.html"
    policy = InformationRequestPolicy
    action = "request"
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
        return self.render_to_response(self.get_context_data(form=self.get_form()))

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
                ),
                success_url=reverse("rapid-review", args=[self.ctx.partnership.slug, self.object.pk]),
                message=lambda asked: f"{len(asked)} organisation{'s' if len(asked) != 1 else ''} asked for a summary",
            )
        return self.render_to_response(self.get_context_data(form=form))


class InformationRequestListView(PartnershipPage):
    """'Requests for information': an agency lead's organisation's requests; all of them for the business unit."""

    template_name = "reviews/information_request_list.html"
    policy = InformationRequestPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queryset = InformationRequestPolicy.filter(
            self.ctx,
            InformationRequest.objects.for_partnership(self.ctx.partnership)
            .select_related("notification", "member__organisation")
            .prefetch_related("deadlines"),
        )
        show = self.request.GET.get("show", "open")
        if show == "open":
            queryset = queryset.exclude(status=RequestStatus.SUBMITTED)
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
        return (
            InformationRequestPolicy.can(self.ctx, "answer", self.object)
            and self.ctx.member is not None
            and self.ctx.member.pk == self.object.member_id
        )

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
        answer = self.can_answer() and not request.is_locked
        if answer and "form" not in kwargs:
            context["form"], context["formset"] = self.forms()
        context.update(
            can_answer=answer,
            can_reopen=InformationRequestPolicy.can(self.ctx, "request", request)
            and request.status == RequestStatus.SUBMITTED,
            chronology=request.chronology.all(),
            documents=documents.documents_about(self.ctx.partnership, request),
            clock=next(iter(deadlines.clocks_for(request)), None),
            today=timezone.localdate(),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not self.can_answer():
            raise PermissionDenied(f"Only {self.object.member} answers this request.")
        form, formset = self.forms(request.POST, request.FILES)
        submit = request.POST.get("action") == "submit"
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            chronology = [f.cleaned_data for f in formset.forms if f.cleaned_data]

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
    action = "request"
    log_views = False

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=ReasonForm(ctx=self.ctx)))

    def post(self, request, *args, **kwargs):
        form = ReasonForm(request.POST, ctx=self.ctx)
        url = reverse("information-request-detail", args=[self.ctx.partnership.slug, self.object.pk])
        if form.is_valid():
            return self.run_service(
                form,
                lambda: services.reopen_agency_summary(self.ctx, self.object, reason=form.cleaned_data["reason"]),
                success_url=url,
                message=f"{self.object.member}'s summary has been reopened",
            )
        return self.render_to_response(self.get_context_data(form=form))


# ----------------------------------------------------------------------------------------------
# The meeting record and decision


class MeetingView(NotificationRecord, TemplateView):
    template_name = "reviews/meeting.html"
    policy = RapidReviewPolicy
    action = "manage"
    log_views = False

    def build(self, data=None):
        review = services.rapid_review_for(self.object)
        initial = {"version": review.version if review else 0}
        attendees = []
        if review:
            initial.update(
                {
                    name: getattr(review, name)
                    for name in (
                        "meeting_date",
                        "key_practice_episodes",
                        "learning",
                        "immediate_actions",
                        "context",
                        "recommendation",
                        "recommendation_rationale",
                    )
                }
            )
            for key, value in (review.criteria or {}).items():
                met = value.get("met")
                initial[f"criterion_{key}_met"] = "yes" if met is True else "no" if met is False else ""
                initial[f"criterion_{key}_rationale"] = value.get("rationale", "")
            attendees = [{"member": a.member_id, "name": a.name, "role": a.role} for a in review.attendees.all()]
        form = MeetingForm(data, ctx=self.ctx, initial=initial)
        formset = AttendeeFormSet(data, prefix="attendees", initial=attendees, ctx=self.ctx)
        return review, form, formset

    def get(self, request, *args, **kwargs):
        review, form, formset = self.build()
        return self.render_to_response(self.get_context_data(form=form, formset=formset, review=review))

    def post(self, request, *args, **kwargs):
        review, form, formset = self.build(request.POST)
        url = reverse("rapid-review", args=[self.ctx.partnership.slug, self.object.pk])
        conflict = None
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            attendees = [f.cleaned_data for f in formset.forms if f.cleaned_data]
            try:
                with transaction.atomic():
                    services.save_meeting(
                        self.ctx,
                        self.object,
                        meeting_date=data["meeting_date"],
                        attendees=attendees,
                        key_practice_episodes=data["key_practice_episodes"],
                        learning=data["learning"],
                        immediate_actions=data["immediate_actions"],
                        context=data["context"],
                        criteria=form.criteria(),
                        recommendation=data["recommendation"],
                        recommendation_rationale=data["recommendation_rationale"],
                        expected_version=data["version"] if review else None,
                    )
            except ValidationError as error:
                form.add_service_errors(error)
            except StateError as error:
                # Someone else saved first: keep what this person typed, and show theirs beside it.
                conflict = str(error)
                form.add_error(None, conflict)
            else:
                messages.success(request, "The meeting record has been saved")
                return redirect(url)
        latest = services.rapid_review_for(
            Notification.objects.for_partnership(self.ctx.partnership).get(pk=self.object.pk)
        )
        latest_criteria = [(c, (latest.criteria or {}).get(c.value, {})) for c in LcsprCriterion] if latest else []
        return self.render_to_response(
            self.get_context_data(
                form=form,
                formset=formset,
                review=review,
                conflict=conflict,
                latest=latest if conflict else None,
                latest_criteria=latest_criteria,
            )
        )


class SendForSignOffView(NotificationRecord, ServiceFormMixin, TemplateView):
    template_name = "reviews/send_for_sign_off.html"
    policy = RapidReviewPolicy
    action = "manage"
    log_views = False

    def get(self, request, *args, **kwargs):
        review = services.rapid_review_for(self.object)
        form = ConfirmVersionForm(ctx=self.ctx, initial={"version": review.version if review else 0})
        return self.render_to_response(
            self.get_context_data(
                form=form, review=review, missing=services.check_outcome(review) if review else {"meeting": ["x"]}
            )
        )

    def post(self, request, *args, **kwargs):
        form = ConfirmVersionForm(request.POST, ctx=self.ctx)
        url = reverse("rapid-review", args=[self.ctx.partnership.slug, self.object.pk])
        if form.is_valid():
            return self.run_service(
                form,
                lambda: services.send_for_sign_off(
                    self.ctx, self.object, expected_version=form.cleaned_data["version"]
                ),
                success_url=url,
                message="The outcome has been sent to the three executive leads for sign-off",
                render=lambda: self.render_to_response(self.get_context_data(form=form, review=review, missing={})),
            )
        review = services.rapid_review_for(self.object)
        return self.render_to_response(self.get_context_data(form=form, review=review, missing={}))


class SignOffView(NotificationRecord, ServiceFormMixin, TemplateView):
    """The executive lead reads the outcome and signs it off, or returns it with comments."""

    template_name = "reviews/sign_off.html"
    policy = RapidReviewPolicy
    action = "sign"
    log_views = False

    def get(self, request, *args, **kwargs):
        review = services.rapid_review_for(self.object)
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
        review = services.rapid_review_for(self.object)
        context.update(
            review=review,
            sign_offs=list(review.sign_offs.select_related("member__organisation", "person")) if review else [],
            criteria=[(c, (review.criteria or {}).get(c.value, {})) for c in LcsprCriterion] if review else [],
            mine=services.active_signatures(review).get(self.ctx.member.statutory_role)
            if review and self.ctx.member
            else None,
            ready=review is not None and review.status == ReviewStatus.AWAITING_SIGN_OFF,
        )
        return context


class SummaryPdfView(NotificationRecord, TemplateView):
    """The rapid review summary for the National Panel, as a PDF; each download is logged."""

    policy = RapidReviewPolicy
    action = "download_summary"
    log_views = False

    def get(self, request, *args, **kwargs):
        notification = self.object
        review = services.rapid_review_for(notification)
        if review is None or review.status == ReviewStatus.DRAFTING:
            messages.error(request, "The summary can be downloaded once the outcome has been sent for sign-off.")
            return redirect(reverse("rapid-review", args=[self.ctx.partnership.slug, notification.pk]))
        data = pdf.render_pdf("pdf/rapid_review_summary.html", selectors.rapid_review_summary(self.ctx, notification))
        activity.record_view(self.ctx, review, event="rapid_review.summary_downloaded")
        return pdf.pdf_response(data, f"rapid-review-summary-{notification.reference}.pdf")


class TimelineView(NotificationRecord, TemplateView):
    template_name = "reviews/timeline.html"
    policy = RapidReviewPolicy
    log_views = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entries"] = selectors.timeline(self.ctx, self.object)
        return context


# ----------------------------------------------------------------------------------------------
# "What needs me now"


def home_requests(ctx) -> dict | None:
    """An agency lead's organisation's requests for information still to answer."""
    if ctx.role != Role.AGENCY_LEAD or ctx.member is None:
        return None
    today = timezone.localdate()
    soon = soon_by(calendar_for(ctx.partnership), today)
    requests = (
        InformationRequest.objects.for_partnership(ctx.partnership)
        .filter(member=ctx.member)
        .exclude(status=RequestStatus.SUBMITTED)
        .select_related("notification")
        .order_by("reply_by")[:50]
    )
    tasks = [
        {
            "label": f"Agency summary for {r.notification.reference}",
            "url": reverse("information-request-detail", args=[ctx.partnership.slug, r.pk]),
            "due": r.reply_by,
            "status": task_status(r.reply_by, today=today, soon=soon),
            "hint": r.get_status_display(),
        }
        for r in requests
    ]
    return {"title": "Requests for information", "tasks": tasks}


def home_sign_offs(ctx) -> dict | None:
    """An executive lead's rapid reviews waiting for their partner's sign-off."""
    from reviews.models import RapidReview

    if ctx.role != Role.EXECUTIVE_LEAD or ctx.member is None or ctx.member.statutory_role not in services.PARTNERS:
        return None
    reviews = (
        RapidReview.objects.for_partnership(ctx.partnership)
        .filter(status=ReviewStatus.AWAITING_SIGN_OFF)
        .exclude(
            sign_offs__statutory_role=ctx.member.statutory_role,
            sign_offs__decision=SignOffDecision.SIGNED,
            sign_offs__withdrawn_at__isnull=True,
        )
        .select_related("notification")
        .order_by("sent_for_sign_off_at")[:50]
    )
    tasks = [
        {
            "label": f"Sign off the rapid review of {r.notification.reference}",
            "url": reverse("rapid-review-sign-off", args=[ctx.partnership.slug, r.notification_id]),
            "due": None,
            "status": "open",
            "hint": f"Sent for sign-off {timezone.localtime(r.sent_for_sign_off_at):%-d %b %Y}",
        }
        for r in reviews
    ]
    return {"title": "Waiting for your sign-off", "tasks": tasks}
