"""Pages of plans: the plans, a plan with its summary, recommendations and actions, creating or
importing one, its details, ratification and closing, its recommendations and the actions added to
them, the spreadsheet template and exports, and the progress report (PDF)."""

from __future__ import annotations

import uuid

from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from lscp import pdf, spreadsheets
from lscp.web.lists import paginate, sort
from lscp.web.views import PartnershipFormView, PartnershipPage, RecordMixin
from reviews.action_plans import rag as ragging
from reviews.action_plans import selectors, services, sheets
from reviews.action_plans.filters import PlanFilter
from reviews.action_plans.forms import (
    ActionForm,
    ConfirmForm,
    PlainConfirmForm,
    PlanCreateForm,
    PlanEditForm,
    PlanImportForm,
    RatifyForm,
    RecommendationForm,
    ReportForm,
)
from reviews.action_plans.models import ActionPlan, PlanStatus, Recommendation, SourceKind, Stage
from reviews.action_plans.permissions import ActionPlanPolicy
from reviews.action_plans.views.base import StepFormView, plan_url


class PlanListView(PartnershipPage):
    template_name = "action_plans/plan_list.html"
    policy = ActionPlanPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = PlanFilter(self.request.GET or None, queryset=selectors.plans_for(self.ctx), request=self.request)
        plans, sorting = sort(
            self.request,
            filters.qs,
            columns={"title": "title", "created": "created_on", "status": "status", "source": "source_kind"},
            default="-created",
        )
        page = paginate(self.request, plans)
        summaries = selectors.plan_summaries(self.ctx, list(page.object_list), selectors.windows_for(self.ctx))
        context.update(
            form=filters.form,
            page=page,
            rows=[(plan, summaries[plan.pk]) for plan in page.object_list],
            sorting=sorting,
            can_manage=ActionPlanPolicy.can(self.ctx, "manage"),
        )
        return context


class PlanCreateView(PartnershipFormView):
    template_name = "action_plans/form.html"
    form_class = PlanCreateForm
    policy = ActionPlanPolicy
    permission = "manage"
    extra_context = {"heading": "Create an action plan", "button": "Create plan"}

    def get_initial(self):
        return {
            "created_on": timezone.localdate(),
            "source_kind": SourceKind.RAPID_REVIEW,
            "submission_key": uuid.uuid4().hex,
        }

    def perform(self, form):
        return services.plan_create(self.ctx, **form.cleaned_data)

    def get_success_message(self):
        return f"{self.result.title} has been created: add its recommendations and actions"

    def get_success_url(self):
        return plan_url(self.ctx, self.result)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = reverse("action-plan-list", args=[self.ctx.partnership.slug])
        return context


class PlanImportView(PlanCreateView):
    template_name = "action_plans/plan_import.html"
    form_class = PlanImportForm

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.plan_import(self.ctx, upload=data.pop("file"), **data)

    def get_success_message(self):
        page = selectors.plan_page(self.ctx, self.result)
        return f"The spreadsheet has been loaded into {self.result.title}: {page.summary.sentence}"


class TemplateDownloadView(PartnershipPage):
    """An empty spreadsheet in the import's columns."""

    policy = ActionPlanPolicy

    def get(self, request, *args, **kwargs):
        data = spreadsheets.xlsx_bytes([sheets.template_sheet()])
        return spreadsheets.xlsx_response(data, "action-plan-template.xlsx")


# A plan's page lists its recommendations ten at a time, each with its actions (a plan of 1,000
# actions reads and draws about a hundred of them a page).
RECOMMENDATIONS_PER_PAGE = 10


class PlanDetailView(RecordMixin, TemplateView):
    template_name = "action_plans/plan_detail.html"
    model = ActionPlan
    policy = ActionPlanPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.object
        w = selectors.windows_for(self.ctx)
        page = selectors.plan_screen(self.ctx, plan, w=w)
        recommendations = paginate(self.request, page.recommendations, per_page=RECOMMENDATIONS_PER_PAGE)
        grouped = selectors.plan_rows(self.ctx, plan, recommendations.object_list, w=w)
        selectors.link_rows(self.ctx, page.urgent, page.awaiting, *grouped.values())
        manage = ActionPlanPolicy.can(self.ctx, "manage", plan)
        upcoming = (
            services.next_stage(plan, [r.stage for r in page.ratifications])
            if plan.status != PlanStatus.CLOSED
            else None
        )
        context.update(
            page=page,
            summary=page.summary,
            recommendations=recommendations,
            sections=[(rec, grouped.get(rec.pk, [])) for rec in recommendations.object_list],
            urgent=page.urgent,
            awaiting=page.awaiting,
            rule=ragging.RULE,
            ratification=selectors.ratification_text(page),
            can_manage=manage,
            writable=manage and services.plan_refusal(plan, "change") is None,
            next_stage=Stage(upcoming) if upcoming else None,
            can_close=manage and plan.status == PlanStatus.LIVE and page.summary.complete == page.summary.actions,
            removable=manage and not plan.is_live,
        )
        return context


class PlanFormView(StepFormView):
    """A step on a plan, by the business unit."""

    model = ActionPlan
    policy = ActionPlanPolicy
    permission = "manage"
    refused_by = services.plan_refusal
    caption = "{object.title}"

    def get_success_url(self):
        return plan_url(self.ctx, self.object)


class PlanEditView(PlanFormView):
    form_class = PlanEditForm
    heading = "Change the plan's details"
    service = services.plan_update
    initial_fields = ("title", "source_kind", "source_reference", "notification", "created_on", "summary")

    success_message = "The plan's details have been saved"


class RatifyView(PlanFormView):
    form_class = RatifyForm
    template_name = "action_plans/ratify.html"
    button = "Record the decision"
    step = "ratify"

    def stage(self) -> Stage | None:
        key = services.next_stage(self.object)
        return Stage(key) if key else None

    def perform(self, form):
        stage = self.stage()
        return services.plan_ratify(self.ctx, self.object, stage=stage.value if stage else "", **self.arguments(form))

    def get_success_message(self):
        if self.result.stage == Stage.PARTNERS:
            return f"The statutory partners' ratification is recorded: {self.object.title} is live and its clocks have started"
        return f"The {self.result.get_stage_display()}'s ratification is recorded"

    def get_heading(self):
        stage = self.stage()
        return f"Record the {stage.label}'s ratification" if stage else "Ratification"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(stage=self.stage(), ratifications=selectors.ratifications_for(self.ctx, self.object))
        return context


class PlanCloseView(PlanFormView):
    form_class = ConfirmForm
    template_name = "action_plans/confirm.html"
    heading = "Close the plan"
    button = "Close the plan"
    step = "close"
    service = services.plan_close
    message = (
        "Every action is complete. Closing the plan keeps it as a record; nothing in it can be changed afterwards."
    )

    success_message = "{object.title} has been closed"


class PlanExportView(RecordMixin, View):
    """A plan in the import's columns (XLSX, with a Progress sheet; or CSV with RAG and progress)."""

    model = ActionPlan
    policy = ActionPlanPolicy
    kind = "xlsx"

    def get(self, request, *args, **kwargs):
        page = selectors.plan_page(self.ctx, self.object)
        name = self.ctx.partnership.name
        filename = f"{self.ctx.partnership.slug}-action-plan-{self.object.pk}"
        if self.kind == "csv":
            rows = [
                [
                    *sheets.action_row(r.action, name),
                    r.rag.label,
                    r.action.latest_progress_on,
                    r.action.latest_progress or "",
                ]
                for r in page.rows
            ]
            text = spreadsheets.csv_text([*sheets.HEADERS, "RAG", "Latest progress on", "Latest progress"], rows)
            return spreadsheets.csv_response(text, f"{filename}.csv")
        actions = [row.action for row in page.rows]
        data = spreadsheets.xlsx_bytes([sheets.plan_sheet(actions, name), sheets.progress_sheet(page.rows)])
        return spreadsheets.xlsx_response(data, f"{filename}.xlsx", rows=len(actions))


class ReportView(PartnershipPage):
    """Choose plans, then download their progress report for the Overview and Scrutiny Committee."""

    template_name = "action_plans/report.html"
    policy = ActionPlanPolicy

    def get(self, request, *args, **kwargs):
        form = ReportForm(request.GET if "download" in request.GET else None, ctx=self.ctx)
        if form.is_bound and form.is_valid():
            w = selectors.windows_for(self.ctx)
            pages = [selectors.plan_page(self.ctx, plan, w=w) for plan in form.cleaned_data["plans"]]
            for page in pages:
                page.ratification_text = selectors.ratification_text(page)
                page.ordered = selectors.overdue_first(page.rows)
            data = pdf.render_pdf(
                "action_plans/report_pdf.html",
                {"partnership": self.ctx.partnership, "pages": pages, "rule": ragging.RULE, "today": w.today},
            )
            return pdf.pdf_response(data, f"{self.ctx.partnership.slug}-action-plan-progress-{w.today:%Y-%m-%d}.pdf")
        return self.render_to_response(self.get_context_data(form=form))


# ----------------------------------------------------------------------------------------------
# Recommendations, and the actions added to them


class RecommendationNumber:
    """The recommendation form's number ('3a') as the service's number and part."""

    def arguments(self, form) -> dict:
        number, part = form.cleaned_data["label"]
        return {"number": number, "part": part, "text": form.cleaned_data["text"], "theme": form.cleaned_data["theme"]}


class RecommendationAddView(RecommendationNumber, PlanFormView):
    form_class = RecommendationForm
    heading = "Add a recommendation"
    button = "Add recommendation"
    service = services.recommendation_add
    success_message = "Recommendation {result.label} has been added"

    def get_initial(self):
        return {"label": str(selectors.next_recommendation_number(self.ctx, self.object))}


class RecommendationFormView(StepFormView):
    """A step on a recommendation, by the business unit."""

    model = Recommendation
    policy = ActionPlanPolicy
    permission = "manage"
    records = selectors.recommendations_for
    refused_by = services.recommendation_refusal
    caption = "{object.plan.title}"

    def get_success_url(self):
        return plan_url(self.ctx, self.object.plan)


class RecommendationEditView(RecommendationNumber, RecommendationFormView):
    form_class = RecommendationForm
    heading = "Change the recommendation"
    service = services.recommendation_update
    success_message = "Recommendation {object.label} has been saved"

    def get_initial(self):
        return {"label": self.object.label, "text": self.object.text, "theme": self.object.theme}


class RecommendationRemoveView(RecommendationFormView):
    form_class = PlainConfirmForm
    template_name = "action_plans/confirm.html"
    button = "Remove recommendation"
    step = "remove"
    success_message = "Recommendation {object.label} has been removed"
    heading = "Remove recommendation {object.label}?"
    message = "{object.text}"

    def perform(self, form):
        return services.recommendation_remove(self.ctx, self.object)


class ActionAddView(RecommendationFormView):
    form_class = ActionForm
    button = "Add action"
    step = "add_action"
    service = services.action_add

    heading = "Add an action to recommendation {object.label}"

    success_message = "Action {result.number} has been added"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "recommendation": self.object}
