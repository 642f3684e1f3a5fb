"""Pages of the standards framework, self-assessment cycles and returns."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from audits.pages import BackLink
from audits.self_assessment import selectors, services
from audits.self_assessment.forms import CycleForm, ModerationForm, ReturnForm, StandardForm
from audits.self_assessment.models import Cycle, Framework, SelfAssessment, Standard
from audits.self_assessment.permissions import SelfAssessmentPolicy
from lscp import deadlines
from lscp.roles import Role
from lscp.web.lists import paginate
from lscp.web.views import PartnershipFormView, PartnershipPage, RecordFormView, RecordMixin, ServiceFormMixin


def self_assessments_url(ctx) -> str:
    return reverse("self-assessments", args=[ctx.partnership.slug])


class SelfAssessmentsView(PartnershipPage):
    """The cycles, and (for the business unit) the standards framework."""

    template_name = "audits/self_assessments.html"
    policy = SelfAssessmentPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cycles = paginate(
            self.request, Cycle.objects.for_partnership(self.ctx.partnership).order_by("-opens_on", "-id")
        )
        mine = (
            selectors.returns(self.ctx).select_related("cycle", "member__organisation").order_by("-cycle__opens_on")
        )[:20]
        context.update(
            page=cycles,
            returns=mine,
            standards=Standard.objects.for_partnership(self.ctx.partnership).order_by("framework", "number"),
            frameworks=Framework.choices,
            can_manage=SelfAssessmentPolicy.can(self.ctx, "manage"),
            is_agency=self.ctx.role == Role.AGENCY_LEAD,
        )
        return context


class InstallStandardsView(PartnershipPage):
    policy = SelfAssessmentPolicy
    permission = "manage"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        framework = request.POST.get("framework", "")
        if framework not in Framework.values:
            messages.error(request, "Choose a framework")
        else:
            services.standards_install_defaults(self.ctx, framework=framework)
            messages.success(
                request, f"The default standards for {Framework(framework).label} are set up: change them as you need"
            )
        return redirect(self_assessments_url(self.ctx))


class StandardAddView(BackLink, PartnershipFormView):
    back_to = "self-assessments"
    template_name = "audits/form.html"
    form_class = StandardForm
    policy = SelfAssessmentPolicy
    permission = "manage"
    extra_context = {"heading": "Add a standard"}
    success_message = "The standard has been added"

    def perform(self, form):
        return services.standard_save(self.ctx, **form.cleaned_data)

    def get_success_url(self):
        return self_assessments_url(self.ctx)


class StandardEditView(BackLink, RecordFormView):
    back_to = "self-assessments"
    template_name = "audits/form.html"
    model = Standard
    form_class = StandardForm
    policy = SelfAssessmentPolicy
    permission = "manage"
    extra_context = {"heading": "Change a standard"}
    success_message = "The standard has been saved"

    def get_initial(self):
        return {name: getattr(self.object, name) for name in services.STANDARD_FIELDS}

    def perform(self, form):
        return services.standard_save(self.ctx, self.object, **form.cleaned_data)

    def get_success_url(self):
        return self_assessments_url(self.ctx)


class CycleAddView(BackLink, PartnershipFormView):
    back_to = "self-assessments"
    template_name = "audits/form.html"
    form_class = CycleForm
    policy = SelfAssessmentPolicy
    permission = "manage"
    extra_context = {"heading": "Open a self-assessment cycle", "button": "Open the cycle"}

    def perform(self, form):
        return services.cycle_create(self.ctx, **{**form.cleaned_data, "members": list(form.cleaned_data["members"])})

    def get_success_message(self):
        return f"{self.result.name} is open: each organisation has been asked for its return"

    def get_success_url(self):
        return reverse("cycle-detail", args=[self.ctx.partnership.slug, self.result.pk])


class CycleDetailView(RecordMixin, TemplateView):
    """A cycle's heatmap: organisations by standard, with each return's status and clock."""

    template_name = "audits/cycle.html"
    model = Cycle
    policy = SelfAssessmentPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        heat, rows = selectors.cycle_returns(self.ctx, self.object)
        context.update(
            heatmap=heat,
            rows=rows,
            today=timezone.localdate(),
            show_counts=self.ctx.role != Role.AGENCY_LEAD,
        )
        return context


class SelfAssessmentView(RecordMixin, ServiceFormMixin, TemplateView):
    """An organisation's return: its agency lead grades and submits; the business unit moderates;
    everyone else in the partnership reads it."""

    template_name = "audits/return.html"
    model = SelfAssessment
    policy = SelfAssessmentPolicy

    def get_queryset(self):
        return super().get_queryset().select_related("cycle", "member__organisation", "submitted_by", "moderated_by")

    def grades(self):
        return self.object.grades.select_related("standard").order_by("standard__number")

    def answering_as(self) -> str | None:
        return SelfAssessmentPolicy.answering_as(self.ctx, self.object)

    def for_organisation(self) -> bool:
        return self.answering_as() == SelfAssessmentPolicy.FOR_ORGANISATION

    def return_form(self, data=None):
        return ReturnForm(
            data,
            ctx=self.ctx,
            grades=self.grades(),
            for_organisation=self.for_organisation(),
            initial={"version": self.object.version},
        )

    @staticmethod
    def saved_message(saved, submit: bool, for_organisation: bool) -> str:
        if submit and for_organisation:
            return f"{saved.member}'s return has been recorded as received on {saved.submitted_on:%-d %B %Y}"
        if submit:
            return "Your return has been submitted"
        return "The draft has been saved" if for_organisation else "Your draft has been saved"

    def mode(self) -> str:
        assessment = self.object
        if self.answering_as() is not None and services.return_refusal(assessment) is None:
            return "answer"
        if (
            SelfAssessmentPolicy.can(self.ctx, "moderate", assessment)
            and services.moderation_refusal(assessment) is None
        ):
            return "moderate"
        return "read"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mode = self.mode()
        if "form" not in kwargs:
            if mode == "answer":
                context["form"] = self.return_form()
            elif mode == "moderate":
                context["form"] = ModerationForm(ctx=self.ctx, grades=self.grades())
        context.update(
            mode=mode,
            for_organisation=mode == "answer" and self.for_organisation(),
            grade_rows=self.grades(),
            clock=next(iter(deadlines.clocks_for(self.object)), None),
            today=timezone.localdate(),
        )
        return context

    def answer(self, request, url: str):
        form = self.return_form(request.POST)
        if not form.is_valid():
            return self.form_invalid(form)
        submit = request.POST.get("action") == "submit"
        for_organisation = self.for_organisation()
        return self.run_service(
            form,
            lambda: services.return_save(
                self.ctx,
                self.object,
                grades=form.grades(),
                submit=submit,
                version=form.cleaned_data["version"],
                received_on=form.cleaned_data.get("received_on") if for_organisation else None,
            ),
            success_url=url,
            message=lambda saved: self.saved_message(saved, submit, for_organisation),
        )

    def moderate(self, request, url: str):
        form = ModerationForm(request.POST, ctx=self.ctx, grades=self.grades())
        if not form.is_valid():
            return self.form_invalid(form)
        return self.run_service(
            form,
            lambda: services.return_moderate(self.ctx, self.object, decisions=form.decisions()),
            success_url=url,
            message=f"{self.object.member}'s return has been moderated",
        )

    def post(self, request, *args, **kwargs):
        mode = self.mode()
        url = reverse("self-assessment-detail", args=[self.ctx.partnership.slug, self.object.pk])
        if mode == "answer":
            return self.answer(request, url)
        if mode == "moderate":
            return self.moderate(request, url)
        if any(key.startswith("moderation_") for key in request.POST):
            raise PermissionDenied("Only the business unit moderates returns.")
        refusal = services.return_refusal(self.object)
        if refusal and SelfAssessmentPolicy.can(self.ctx, "answer", self.object):
            messages.error(request, refusal)
            return redirect(url)
        raise PermissionDenied("You cannot change this return.")
