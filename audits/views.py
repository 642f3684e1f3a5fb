"""Pages for the audit programme, the standards framework, self-assessment cycles and returns."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from audits import dashboard, services
from audits.forms import AuditForm, CycleForm, ModerationForm, ReturnForm, StandardForm
from audits.models import Audit, Cycle, Framework, ReturnStatus, SelfAssessment, Standard, quarter_label
from audits.permissions import AuditPolicy, SelfAssessmentPolicy
from lscp import deadlines
from lscp.deadlines.workdays import calendar_for
from lscp.tenancy import get_scoped_or_404
from lscp.web.home import soon_by, task_status
from lscp.web.lists import paginate
from lscp.web.views import PartnershipFormView, PartnershipPage, RecordMixin, ServiceFormMixin
from reviews.action_plans import services as plan_services
from reviews.action_plans.models import SourceKind
from reviews.action_plans.permissions import ActionPlanPolicy
from reviews.action_plans.views import PlanCreateView


class BackLink:
    """Form pages link back to where they belong (never to an arbitrary Referer)."""

    back_to = "audit-programme"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["back_url"] = reverse(self.back_to, args=[self.ctx.partnership.slug])
        return context


# ----------------------------------------------------------------------------------------------
# The audit programme


class AuditProgrammeView(PartnershipPage):
    template_name = "audits/programme.html"
    policy = AuditPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = dashboard.current_year_start()
        try:
            year = int(self.request.GET.get("year", current))
        except ValueError:
            year = current
        audits = list(
            AuditPolicy.filter(self.ctx, Audit.objects.for_partnership(self.ctx.partnership).filter(year_start=year))
            .select_related("priority", "lead_member__organisation", "re_audit_of")
            .prefetch_related("participants__organisation")
            .order_by("quarter", "title")
        )
        context.update(
            year=year,
            year_label=f"{year}-{str(year + 1)[-2:]}",
            previous=year - 1,
            next=year + 1,
            quarters=[(quarter_label(year, q), [a for a in audits if a.quarter == q]) for q in (1, 2, 3, 4)],
            coverage=dashboard.audit_coverage(self.ctx, year_start=year),
            can_manage=AuditPolicy.can(self.ctx, "manage"),
        )
        return context


class AuditAddView(BackLink, PartnershipFormView):
    template_name = "audits/form.html"
    form_class = AuditForm
    policy = AuditPolicy
    action = "manage"
    extra_context = {"heading": "Plan an audit"}

    def get_initial(self):
        return {"status": "planned", "when": f"{dashboard.current_year_start()}-1"}

    def perform(self, form):
        return services.audit_save(self.ctx, **form.values())

    def get_success_message(self):
        return f"{self.result.title} is planned for {self.result.quarter_label}"

    def get_success_url(self):
        return reverse("audit-detail", args=[self.ctx.partnership.slug, self.result.pk])


class AuditDetailView(RecordMixin, TemplateView):
    template_name = "audits/audit.html"
    model = Audit
    policy = AuditPolicy

    def get_queryset(self):
        return super().get_queryset().select_related("priority", "lead_member__organisation", "re_audit_of")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            participants=self.object.participants.select_related("organisation"),
            re_audits=self.object.re_audits.all(),
            can_manage=AuditPolicy.can(self.ctx, "manage", self.object),
            plans=audit_plans(self.ctx, self.object),
            can_plan=ActionPlanPolicy.can(self.ctx, "manage"),
            can_see_plans=ActionPlanPolicy.can(self.ctx, "view"),
        )
        return context


def audit_plans(ctx, audit: Audit) -> list[tuple]:
    """The action plans drawn up from an audit's findings, each with its progress summary."""
    from django.contrib.contenttypes.models import ContentType

    from reviews.action_plans import selectors as plan_selectors
    from reviews.action_plans.models import ActionPlan

    plans = list(
        ActionPlan.objects.for_partnership(ctx.partnership).filter(
            source_type=ContentType.objects.get_for_model(Audit), source_id=audit.pk
        )
    )
    if not plans:
        return []
    summaries = plan_selectors.plan_summaries(ctx, plans, plan_selectors.windows_for(ctx))
    return [(plan, summaries[plan.pk]) for plan in plans]


class AuditActionPlanView(PlanCreateView):
    """An action plan for an audit's recommendations: the plan form, filled in from the audit, and
    the plan linked to the audit (its page lists the plan and its progress)."""

    def authorize(self, request, **kwargs) -> None:
        super().authorize(request, **kwargs)
        self.audit = get_scoped_or_404(Audit, partnership=self.ctx.partnership, pk=kwargs["audit_id"])

    def get_initial(self):
        return {
            **super().get_initial(),
            "title": f"{self.audit.title}: action plan"[:200],
            "source_kind": SourceKind.AUDIT,
            "source_reference": f"{self.audit.title} ({self.audit.quarter_label})"[:200],
            "summary": self.audit.findings,
        }

    def perform(self, form):
        return plan_services.plan_create(self.ctx, source=self.audit, **form.cleaned_data)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = reverse("audit-detail", args=[self.ctx.partnership.slug, self.audit.pk])
        context["heading"] = f"Action plan for {self.audit.title}"
        return context


class AuditEditView(BackLink, RecordMixin, ServiceFormMixin, TemplateView):
    template_name = "audits/form.html"
    model = Audit
    policy = AuditPolicy
    action = "manage"
    log_views = False

    def form(self, data=None):
        audit = self.object
        initial = {
            name: getattr(audit, name) for name in services.AUDIT_FIELDS if name not in ("year_start", "quarter")
        }
        initial.update(
            version=audit.version,
            when=f"{audit.year_start}-{audit.quarter}",
            priority=audit.priority_id,
            lead_member=audit.lead_member_id,
            re_audit_of=audit.re_audit_of_id,
            participants=list(audit.participants.values_list("pk", flat=True)),
        )
        return AuditForm(data, ctx=self.ctx, audit=audit, initial=initial)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.form(), heading=f"Change {self.object.title}"))

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        url = reverse("audit-detail", args=[self.ctx.partnership.slug, self.object.pk])
        if form.is_valid():
            return self.run_service(
                form,
                lambda: services.audit_save(
                    self.ctx, self.object, expected_version=form.cleaned_data["version"], **form.values()
                ),
                success_url=url,
                message="The audit has been saved",
                render=lambda: self.render_to_response(
                    self.get_context_data(form=form, heading=f"Change {self.object.title}")
                ),
            )
        return self.render_to_response(self.get_context_data(form=form, heading=f"Change {self.object.title}"))


# ----------------------------------------------------------------------------------------------
# Standards and cycles


class SelfAssessmentsView(PartnershipPage):
    """The cycles, and (for the business unit) the standards framework."""

    template_name = "audits/self_assessments.html"
    policy = SelfAssessmentPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cycles = paginate(
            self.request, Cycle.objects.for_partnership(self.ctx.partnership).order_by("-opens_on", "-id")
        )
        mine = SelfAssessmentPolicy.filter(
            self.ctx,
            SelfAssessment.objects.for_partnership(self.ctx.partnership).select_related(
                "cycle", "member__organisation"
            ),
        ).order_by("-cycle__opens_on")[:20]
        standards = Standard.objects.for_partnership(self.ctx.partnership).order_by("framework", "number")
        context.update(
            page=cycles,
            returns=mine,
            standards=standards,
            frameworks=Framework.choices,
            can_manage=SelfAssessmentPolicy.can(self.ctx, "manage"),
            is_agency=self.ctx.role == "agency_lead",
        )
        return context


class InstallStandardsView(PartnershipPage):
    policy = SelfAssessmentPolicy
    action = "manage"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        framework = request.POST.get("framework", "")
        if framework not in Framework.values:
            messages.error(request, "Choose a framework")
        else:
            services.install_default_standards(self.ctx, framework)
            messages.success(
                request, f"The default standards for {Framework(framework).label} are set up: change them as you need"
            )
        return redirect(reverse("self-assessments", args=[self.ctx.partnership.slug]))


class StandardAddView(BackLink, PartnershipFormView):
    back_to = "self-assessments"
    template_name = "audits/form.html"
    form_class = StandardForm
    policy = SelfAssessmentPolicy
    action = "manage"
    extra_context = {"heading": "Add a standard"}

    def perform(self, form):
        return services.standard_save(self.ctx, **form.cleaned_data)

    def get_success_message(self):
        return "The standard has been added"

    def get_success_url(self):
        return reverse("self-assessments", args=[self.ctx.partnership.slug])


class StandardEditView(BackLink, RecordMixin, ServiceFormMixin, TemplateView):
    back_to = "self-assessments"
    template_name = "audits/form.html"
    model = Standard
    policy = SelfAssessmentPolicy
    action = "manage"
    log_views = False

    def form(self, data=None):
        s = self.object
        return StandardForm(
            data,
            ctx=self.ctx,
            initial={
                "framework": s.framework,
                "number": s.number,
                "title": s.title,
                "description": s.description,
                "is_active": s.is_active,
            },
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.form(), heading="Change a standard"))

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            return self.run_service(
                form,
                lambda: services.standard_save(self.ctx, self.object, **form.cleaned_data),
                success_url=reverse("self-assessments", args=[self.ctx.partnership.slug]),
                message="The standard has been saved",
                render=lambda: self.render_to_response(self.get_context_data(form=form, heading="Change a standard")),
            )
        return self.render_to_response(self.get_context_data(form=form, heading="Change a standard"))


class CycleAddView(BackLink, PartnershipFormView):
    back_to = "self-assessments"
    template_name = "audits/form.html"
    form_class = CycleForm
    policy = SelfAssessmentPolicy
    action = "manage"
    extra_context = {"heading": "Open a self-assessment cycle", "button": "Open the cycle"}

    def perform(self, form):
        data = dict(form.cleaned_data)
        data["members"] = list(data["members"])
        return services.cycle_create(self.ctx, **data)

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
        heat = dashboard.heatmap(self.ctx, cycle=self.object)
        visible = {
            a.pk
            for a in SelfAssessmentPolicy.filter(
                self.ctx, SelfAssessment.objects.for_partnership(self.ctx.partnership).filter(cycle=self.object)
            )
        }
        rows = [row for row in heat.rows if row.assessment.pk in visible]
        clocks = {}
        for clock in (
            SelfAssessment.objects.for_partnership(self.ctx.partnership)
            .filter(pk__in=visible)
            .prefetch_related("deadlines")
        ):
            clocks[clock.pk] = next(iter(clock.deadlines.all()), None)
        today = timezone.localdate()
        context.update(
            heatmap=heat,
            rows=[(row, clocks.get(row.assessment.pk)) for row in rows],
            today=today,
            show_counts=self.ctx.role != "agency_lead",
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

    def return_form(self, data=None):
        return ReturnForm(
            data,
            ctx=self.ctx,
            grades=self.grades(),
            for_organisation=self.answering_as() == SelfAssessmentPolicy.FOR_ORGANISATION,
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
        if self.answering_as() is not None and assessment.status in (ReturnStatus.NOT_STARTED, ReturnStatus.DRAFT):
            return "answer"
        if SelfAssessmentPolicy.can(self.ctx, "moderate", assessment) and assessment.status in (
            ReturnStatus.SUBMITTED,
            ReturnStatus.MODERATED,
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
            for_organisation=mode == "answer" and self.answering_as() == SelfAssessmentPolicy.FOR_ORGANISATION,
            grade_rows=self.grades(),
            clock=next(iter(deadlines.clocks_for(self.object)), None),
            today=timezone.localdate(),
        )
        return context

    def post(self, request, *args, **kwargs):
        mode = self.mode()
        url = reverse("self-assessment-detail", args=[self.ctx.partnership.slug, self.object.pk])
        if mode == "answer":
            form = self.return_form(request.POST)
            submit = request.POST.get("action") == "submit"
            for_organisation = self.answering_as() == SelfAssessmentPolicy.FOR_ORGANISATION
            if form.is_valid():
                return self.run_service(
                    form,
                    lambda: services.return_save(
                        self.ctx,
                        self.object,
                        grades=form.grades(),
                        submit=submit,
                        expected_version=form.cleaned_data["version"],
                        received_on=form.cleaned_data.get("received_on") if for_organisation else None,
                    ),
                    success_url=url,
                    message=lambda saved: self.saved_message(saved, submit, for_organisation),
                )
        elif mode == "moderate":
            form = ModerationForm(request.POST, ctx=self.ctx, grades=self.grades())
            if form.is_valid():
                return self.run_service(
                    form,
                    lambda: services.moderate(self.ctx, self.object, decisions=form.decisions()),
                    success_url=url,
                    message=f"{self.object.member}'s return has been moderated",
                )
        else:
            if any(key.startswith("moderation_") for key in request.POST):
                raise PermissionDenied("Only the business unit moderates returns.")
            if self.object.status in (ReturnStatus.SUBMITTED, ReturnStatus.MODERATED) and SelfAssessmentPolicy.can(
                self.ctx, "answer", self.object
            ):
                messages.error(request, "This return has already been submitted: it cannot be submitted again.")
                return redirect(url)
            raise PermissionDenied("You cannot change this return.")
        return self.render_to_response(self.get_context_data(form=form))


# ----------------------------------------------------------------------------------------------
# "What needs me now"


def home_returns(ctx) -> dict | None:
    """An agency lead's self-assessment returns still to submit; the business unit's to moderate."""
    today = timezone.localdate()
    returns = SelfAssessmentPolicy.filter(ctx, SelfAssessment.objects.for_partnership(ctx.partnership))
    returns = returns.select_related("cycle", "member__organisation")
    # The business unit can record any organisation's return, but its task here is moderation.
    answering = SelfAssessmentPolicy.answering_as(ctx) == SelfAssessmentPolicy.OWN
    if answering:
        pending = returns.filter(status__in=[ReturnStatus.NOT_STARTED, ReturnStatus.DRAFT])
        title = "Self-assessments to return"
    elif SelfAssessmentPolicy.can(ctx, "moderate"):
        pending = returns.filter(status=ReturnStatus.SUBMITTED)
        title = "Self-assessments to moderate"
    else:
        return None
    pending = list(pending.order_by("cycle__due_on", "pk")[:50])
    if not pending:
        return None
    # Five working days ahead counts as due soon (the business unit's moderation has no due date).
    soon = soon_by(calendar_for(ctx.partnership), today) if answering else None
    tasks = []
    for assessment in pending:
        due = assessment.cycle.due_on if assessment.status != ReturnStatus.SUBMITTED else None
        tasks.append(
            {
                "label": f"{assessment.cycle.name}: {assessment.member.organisation}",
                "url": reverse("self-assessment-detail", args=[ctx.partnership.slug, assessment.pk]),
                "due": due,
                "status": task_status(due, today=today, soon=soon),
                "hint": assessment.get_status_display(),
            }
        )
    return {"title": title, "tasks": tasks}
