"""Pages of the audit programme: the year by quarter with its coverage, an audit, planning or
changing one, and the action plan drawn up from its findings."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from audits.pages import BackLink, filter_errors
from audits.programme import selectors, services
from audits.programme.filters import AuditFilter
from audits.programme.forms import AuditForm
from audits.programme.models import Audit
from audits.programme.permissions import AuditPolicy
from audits.quarters import current_year_start, quarter_label, quarter_of
from lscp.tenancy import get_scoped_or_404
from lscp.web.views import PartnershipFormView, PartnershipPage, RecordFormView, RecordMixin
from reviews.action_plans import services as plan_services
from reviews.action_plans.models import SourceKind
from reviews.action_plans.permissions import ActionPlanPolicy
from reviews.action_plans.views import PlanCreateView


def audit_url(ctx, audit) -> str:
    return reverse("audit-detail", args=[ctx.partnership.slug, audit.pk])


class AuditProgrammeView(PartnershipPage):
    template_name = "audits/programme.html"
    policy = AuditPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = str(current_year_start())
        filters = AuditFilter(
            {"year": self.request.GET.get("year", current)}, queryset=selectors.audits(self.ctx), request=self.request
        )
        errors = filter_errors(filters)
        if errors:  # said above the programme, which shows the current year instead
            filters = AuditFilter({"year": current}, queryset=selectors.audits(self.ctx), request=self.request)
            filters.is_valid()
        year = int(filters.form.cleaned_data["year"])
        audits = list(filters.qs.order_by("quarter", "title"))
        context.update(
            filter_errors=errors,
            year=year,
            year_label=f"{year}-{str(year + 1)[-2:]}",
            previous=year - 1,
            next=year + 1,
            quarters=[(quarter_label(year, q), [a for a in audits if a.quarter == q]) for q in (1, 2, 3, 4)],
            coverage=selectors.audit_coverage(self.ctx, year_start=year),
            can_manage=AuditPolicy.can(self.ctx, "manage"),
        )
        return context


class AuditAddView(BackLink, PartnershipFormView):
    template_name = "audits/form.html"
    form_class = AuditForm
    policy = AuditPolicy
    permission = "manage"
    extra_context = {"heading": "Plan an audit"}

    def get_initial(self):
        year, quarter = quarter_of(timezone.localdate())  # the current quarter
        return {"status": "planned", "when": f"{year}-{quarter}"}

    def perform(self, form):
        return services.audit_save(self.ctx, **form.values())

    def get_success_message(self):
        return f"{self.result.title} is planned for {self.result.quarter_label}"

    def get_success_url(self):
        return audit_url(self.ctx, self.result)


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
            plans=selectors.audit_plans(self.ctx, self.object),
            can_plan=ActionPlanPolicy.can(self.ctx, "manage"),
            can_see_plans=ActionPlanPolicy.can(self.ctx, "view"),
        )
        return context


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
        context["cancel_url"] = audit_url(self.ctx, self.audit)
        context["heading"] = f"Action plan for {self.audit.title}"
        return context


class AuditEditView(BackLink, RecordFormView):
    template_name = "audits/form.html"
    model = Audit
    form_class = AuditForm
    policy = AuditPolicy
    permission = "manage"
    success_message = "The audit has been saved"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "audit": self.object}

    def get_initial(self):
        audit = self.object
        initial = {
            name: getattr(audit, name) for name in services.AUDIT_FIELDS if name not in ("year_start", "quarter")
        }
        return initial | {
            "version": audit.version,
            "when": f"{audit.year_start}-{audit.quarter}",
            "priority": audit.priority_id,
            "lead_member": audit.lead_member_id,
            "re_audit_of": audit.re_audit_of_id,
            "participants": list(audit.participants.values_list("pk", flat=True)),
        }

    def perform(self, form):
        return services.audit_save(self.ctx, self.object, version=form.cleaned_data["version"], **form.values())

    def get_success_url(self):
        return audit_url(self.ctx, self.object)

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=f"Change {self.object.title}", **kwargs)
