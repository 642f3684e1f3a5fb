"""Pages for action plans: the plans, a plan with its summary, recommendations and actions,
ratification, the spreadsheet template, import and exports, the progress report (PDF), the open
actions across plans ("our actions" for an agency lead), an action with its progress, evidence and
clock, and the home page's sections. Views parse input and call one service or selector."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from lscp import deadlines, documents, outbox, pdf, spreadsheets
from lscp.roles import Role
from lscp.states import StateError
from lscp.web.home import task_status
from lscp.web.lists import paginate, sort
from lscp.web.views import PartnershipFormView, PartnershipPage, RecordFormView, RecordMixin
from reviews.action_plans import rag as ragging
from reviews.action_plans import selectors, services, sheets
from reviews.action_plans.forms import (
    BUSINESS_UNIT_CHOICE,
    AcceptForm,
    ActionEditForm,
    ActionFilterForm,
    ActionForm,
    CompleteForm,
    ConfirmForm,
    EvidenceForm,
    PlainConfirmForm,
    PlanCreateForm,
    PlanEditForm,
    PlanImportForm,
    ProgressForm,
    RatifyForm,
    RecommendationForm,
    ReportForm,
    ReturnForm,
)
from reviews.action_plans.models import (
    Action,
    ActionPlan,
    ActionStatus,
    PlanStatus,
    Recommendation,
    SourceKind,
    Stage,
)
from reviews.action_plans.permissions import ActionPlanPolicy, ActionPolicy


def plan_url(ctx, plan) -> str:
    return reverse("action-plan-detail", args=[ctx.partnership.slug, plan.pk])


def action_url(ctx, action) -> str:
    return reverse("action-detail", args=[ctx.partnership.slug, action.pk])


class StateMessages:
    """A step from the wrong state is a message on the record's page, nothing changed. (A stale
    version keeps the person's input on the form: lscp.web.views.ServiceFormMixin.)"""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except StateError as error:
            messages.error(self.request, str(error))
            return redirect(self.record_url())

    def record_url(self) -> str:
        return self.get_success_url()


# ----------------------------------------------------------------------------------------------
# Plans


class PlanListView(PartnershipPage):
    template_name = "action_plans/plan_list.html"
    policy = ActionPlanPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        status = params.get("status", "") if params.get("status", "") in PlanStatus.values else ""
        kind = params.get("source", "") if params.get("source", "") in SourceKind.values else ""
        plans, sorting = sort(
            self.request,
            selectors.plans_for(self.ctx, status=status, source_kind=kind, q=params.get("q", "")),
            columns={"title": "title", "created": "created_on", "status": "status", "source": "source_kind"},
            default="-created",
        )
        page = paginate(self.request, plans)
        w = selectors.windows_for(self.ctx)
        summaries = selectors.plan_summaries(self.ctx, list(page.object_list), w)
        context.update(
            page=page,
            rows=[(plan, summaries[plan.pk]) for plan in page.object_list],
            sorting=sorting,
            statuses=PlanStatus.choices,
            sources=SourceKind.choices,
            filters={"status": status, "source": kind, "q": params.get("q", "")},
            can_manage=ActionPlanPolicy.can(self.ctx, "manage"),
        )
        return context


class PlanCreateView(PartnershipFormView):
    template_name = "action_plans/form.html"
    form_class = PlanCreateForm
    policy = ActionPlanPolicy
    action = "manage"
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


class PlanDetailView(RecordMixin, TemplateView):
    template_name = "action_plans/plan_detail.html"
    model = ActionPlan
    policy = ActionPlanPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.object
        page = selectors.plan_page(self.ctx, plan)
        recommendations = paginate(self.request, page.recommendations)
        grouped = page.by_recommendation()
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
            urgent=[r for r in selectors.overdue_first(page.rows) if r.rag in (ragging.OVERDUE, ragging.AT_RISK)],
            awaiting=[r for r in page.rows if r.rag is ragging.AWAITING],
            rule=ragging.RULE,
            ratification=selectors.ratification_text(page),
            can_manage=manage,
            writable=manage and plan.status != PlanStatus.CLOSED,
            next_stage=Stage(upcoming) if upcoming else None,
            can_close=manage and plan.status == PlanStatus.LIVE and page.summary.complete == page.summary.actions,
            removable=manage and not plan.is_live,
        )
        return context


class PlanFormView(StateMessages, RecordFormView):
    model = ActionPlan
    policy = ActionPlanPolicy
    action = "manage"
    template_name = "action_plans/form.html"
    heading = ""
    button = "Save"

    def get_initial(self):
        return {"version": self.object.version}

    def get_success_url(self):
        return plan_url(self.ctx, self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            heading=self.heading, caption=self.object.title, button=self.button, cancel_url=self.get_success_url()
        )
        return context


class PlanEditView(PlanFormView):
    form_class = PlanEditForm
    heading = "Change the plan's details"

    def get_initial(self):
        plan = self.object
        return {
            **super().get_initial(),
            "title": plan.title,
            "source_kind": plan.source_kind,
            "source_reference": plan.source_reference,
            "notification": plan.notification_id,
            "created_on": plan.created_on,
            "summary": plan.summary,
        }

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.plan_update(self.ctx, self.object, expected_version=data.pop("version"), **data)

    def get_success_message(self):
        return "The plan's details have been saved"


class RatifyView(PlanFormView):
    form_class = RatifyForm
    template_name = "action_plans/ratify.html"
    button = "Record the decision"

    def stage(self):
        key = services.next_stage(self.object)
        return Stage(key) if key else None

    def get(self, request, *args, **kwargs):
        stage = self.stage()
        if stage is None or self.object.status == PlanStatus.CLOSED:
            messages.error(request, f"{self.object.title} has been ratified by every group already.")
            return redirect(self.get_success_url())
        return super().get(request, *args, **kwargs)

    def perform(self, form):
        stage = self.stage()
        return services.ratify(
            self.ctx,
            self.object,
            stage=stage.value if stage else "",
            decided_on=form.cleaned_data["decided_on"],
            minute_reference=form.cleaned_data["minute_reference"],
            expected_version=form.cleaned_data["version"],
        )

    def get_success_message(self):
        if self.result.stage == Stage.PARTNERS:
            return f"The statutory partners' ratification is recorded: {self.object.title} is live and its clocks have started"
        return f"The {self.result.get_stage_display()}'s ratification is recorded"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stage = self.stage()
        context.update(stage=stage, heading=f"Record the {stage.label}'s ratification" if stage else "Ratification")
        context["ratifications"] = list(self.object.ratifications.all())
        return context


class PlanCloseView(PlanFormView):
    form_class = ConfirmForm
    template_name = "action_plans/confirm.html"
    heading = "Close the plan"
    button = "Close the plan"

    def get(self, request, *args, **kwargs):
        plan = self.object
        if plan.status != PlanStatus.LIVE or plan.actions.exclude(status=ActionStatus.COMPLETE).exists():
            messages.error(request, f"{plan.title} is closed once it is live and every action is complete.")
            return redirect(self.get_success_url())
        return super().get(request, *args, **kwargs)

    def perform(self, form):
        return services.plan_close(self.ctx, self.object, expected_version=form.cleaned_data["version"])

    def get_success_message(self):
        return f"{self.object.title} has been closed"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["message"] = (
            "Every action is complete. Closing the plan keeps it as a record; nothing in it can be changed afterwards."
        )
        return context


class PlanExportView(RecordMixin, View):
    """A plan in the import's columns (XLSX, with a Progress sheet; or CSV with RAG and progress)."""

    model = ActionPlan
    policy = ActionPlanPolicy
    kind = "xlsx"

    def get(self, request, *args, **kwargs):
        page = selectors.plan_page(self.ctx, self.object)
        actions = [row.action for row in page.rows]
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
        data = spreadsheets.xlsx_bytes([sheets.plan_sheet(actions, name), sheets.progress_sheet(page.rows)])
        return spreadsheets.xlsx_response(data, f"{filename}.xlsx")


class ReportView(PartnershipPage):
    """Choose plans, then download their progress report for the Overview and Scrutiny Committee."""

    template_name = "action_plans/report.html"
    policy = ActionPlanPolicy

    def get(self, request, *args, **kwargs):
        form = ReportForm(request.GET if "download" in request.GET else None, ctx=self.ctx)
        if form.is_bound and form.is_valid():
            plans = form.cleaned_data["plans"]
            w = selectors.windows_for(self.ctx)
            pages = [selectors.plan_page(self.ctx, plan, w=w) for plan in plans]
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
# Recommendations


class RecommendationAddView(PlanFormView):
    form_class = RecommendationForm
    heading = "Add a recommendation"
    button = "Add recommendation"

    def get_initial(self):
        numbers = list(self.object.recommendations.values_list("number", flat=True))
        return {"label": str(max(numbers, default=0) + 1)}

    def perform(self, form):
        number, part = form.cleaned_data["label"]
        return services.recommendation_add(
            self.ctx, self.object, number=number, part=part, text=form.cleaned_data["text"]
        )

    def get_success_message(self):
        return f"Recommendation {self.result.label} has been added"


class RecommendationFormView(StateMessages, RecordFormView):
    model = Recommendation
    policy = ActionPlanPolicy
    action = "manage"
    template_name = "action_plans/form.html"
    heading = ""
    button = "Save"

    def get_queryset(self):
        return Recommendation.objects.for_partnership(self.ctx.partnership).select_related("plan")

    def get_success_url(self):
        return plan_url(self.ctx, self.object.plan)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            heading=self.heading, caption=self.object.plan.title, button=self.button, cancel_url=self.get_success_url()
        )
        return context


class RecommendationEditView(RecommendationFormView):
    form_class = RecommendationForm
    heading = "Change the recommendation"

    def get_initial(self):
        return {"label": self.object.label, "text": self.object.text}

    def perform(self, form):
        number, part = form.cleaned_data["label"]
        return services.recommendation_update(
            self.ctx, self.object, number=number, part=part, text=form.cleaned_data["text"]
        )

    def get_success_message(self):
        return f"Recommendation {self.object.label} has been saved"


class RecommendationRemoveView(RecommendationFormView):
    form_class = PlainConfirmForm
    template_name = "action_plans/confirm.html"
    button = "Remove recommendation"

    def get(self, request, *args, **kwargs):
        if self.object.plan.is_live or self.object.actions.exists():
            messages.error(
                request, f"Recommendation {self.object.label} cannot be removed: a live plan's, or one with actions."
            )
            return redirect(self.get_success_url())
        return super().get(request, *args, **kwargs)

    def perform(self, form):
        return services.recommendation_remove(self.ctx, self.object)

    def get_success_message(self):
        return f"Recommendation {self.object.label} has been removed"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(heading=f"Remove recommendation {self.object.label}?", message=self.object.text)
        return context


class ActionAddView(RecommendationFormView):
    form_class = ActionForm
    button = "Add action"

    @property
    def heading(self):
        return f"Add an action to recommendation {self.object.label}"

    def perform(self, form):
        return services.action_add(self.ctx, self.object, **form.cleaned_data)

    def get_success_message(self):
        return f"Action {self.result.number} has been added"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recommendation"] = self.object
        return context


# ----------------------------------------------------------------------------------------------
# Actions across plans


def _filters(ctx, request):
    form = ActionFilterForm(request.GET or None, ctx=ctx)
    values = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        owner = data.get("owner")
        if owner == BUSINESS_UNIT_CHOICE:
            values["owner_member"] = 0
        elif owner:
            values["owner_member"] = int(owner)
        values.update(
            status=data.get("status") or "",
            overdue=bool(data.get("overdue")),
            due_from=data.get("due_from"),
            due_to=data.get("due_to"),
        )
    values["open_only"] = values.get("status") != ActionStatus.COMPLETE
    return form, values


class ActionListView(PartnershipPage):
    """Open actions across every plan; for an agency lead, their organisation's only."""

    template_name = "action_plans/action_list.html"
    policy = ActionPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, values = _filters(self.ctx, self.request)
        w = selectors.windows_for(self.ctx)
        actions, sorting = sort(
            self.request,
            selectors.actions_for(self.ctx, today=w.today, **values),
            columns={
                "due": "due_date",
                "plan": ["plan__title", "recommendation__number", "recommendation__part", "position"],
                "owner": "owner_member__organisation__name",
                "status": "status",
            },
            default="due",
        )
        page = paginate(self.request, actions)
        own = self.ctx.role == Role.AGENCY_LEAD
        context.update(
            form=form,
            page=page,
            rows=selectors.rows_for(page.object_list, w),
            sorting=sorting,
            own=own,
            heading=f"{self.ctx.organisation}'s actions" if own and self.ctx.organisation else "Open actions",
            query=self.request.GET.urlencode(),
        )
        return context


class ActionListExportView(PartnershipPage):
    policy = ActionPolicy
    kind = "xlsx"

    def get(self, request, *args, **kwargs):
        _, values = _filters(self.ctx, request)
        w = selectors.windows_for(self.ctx)
        actions = selectors.actions_for(self.ctx, today=w.today, **values).order_by(
            "due_date", "plan__title", "recommendation__number", "recommendation__part", "position", "pk"
        )
        rows = selectors.rows_for(actions, w)
        name = self.ctx.partnership.name
        filename = f"{self.ctx.partnership.slug}-open-actions-{w.today:%Y-%m-%d}"
        if self.kind == "csv":
            return spreadsheets.csv_response(
                spreadsheets.csv_text(sheets.REPORT_HEADERS, sheets.report_rows(rows, name)), f"{filename}.csv"
            )
        return spreadsheets.xlsx_response(
            spreadsheets.xlsx_bytes([sheets.report_sheet(rows, name)]), f"{filename}.xlsx"
        )


# ----------------------------------------------------------------------------------------------
# An action


class ActionDetailView(RecordMixin, TemplateView):
    template_name = "action_plans/action_detail.html"
    model = Action
    policy = ActionPolicy

    def get_queryset(self):
        return selectors.action_detail_queryset(self.ctx)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        action = self.object
        w = selectors.windows_for(self.ctx)
        [row] = selectors.rows_for([action], w)
        today = timezone.localdate()
        manage = ActionPolicy.can(self.ctx, "manage", action)
        writable = action.plan.status != PlanStatus.CLOSED
        context.update(
            row=row,
            clocks=[(d, deadlines.label_for(d), d.status_on(today)) for d in deadlines.clocks_for(action)],
            updates=selectors.updates_for(self.ctx, action),
            changes=selectors.due_date_changes_for(self.ctx, action),
            documents=documents.documents_about(self.ctx.partnership, action),
            can_update=writable and ActionPolicy.can(self.ctx, "update", action),
            can_manage=manage and writable,
            can_see_plan=ActionPlanPolicy.can(self.ctx, "view"),
            emails=outbox.emails_about(self.ctx.partnership, action).order_by("created_at") if manage else [],
            escalations=deadlines.escalations_for(action) if manage else [],
        )
        return context


class ActionFormView(StateMessages, RecordFormView):
    model = Action
    policy = ActionPolicy
    action = "update"
    template_name = "action_plans/form.html"
    heading = ""
    button = "Save"
    # Statuses this step starts from; anything else is refused before the form is shown.
    from_statuses: tuple[str, ...] | None = None
    refusal = ""

    def get_queryset(self):
        return selectors.action_detail_queryset(self.ctx)

    def get(self, request, *args, **kwargs):
        if self.object.plan.status == PlanStatus.CLOSED:
            messages.error(request, f"{self.object.plan.title} is closed: nothing in it can be changed.")
            return redirect(self.get_success_url())
        if self.from_statuses is not None and self.object.status not in self.from_statuses:
            messages.error(
                request, self.refusal.format(number=self.object.number, status=self.object.get_status_display().lower())
            )
            return redirect(self.get_success_url())
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {"version": self.object.version}

    def get_success_url(self):
        return action_url(self.ctx, self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            heading=self.get_heading(),
            caption=f"Action {self.object.number}, {self.object.plan.title}",
            button=self.button,
            cancel_url=self.get_success_url(),
            action=self.object,
        )
        return context

    def get_heading(self) -> str:
        return self.heading


class ActionEditView(ActionFormView):
    form_class = ActionEditForm
    action = "manage"
    heading = "Change the action"

    def get_initial(self):
        a = self.object
        return {
            **super().get_initial(),
            "description": a.description,
            "owner_member": str(a.owner_member_id) if a.owner_member_id else BUSINESS_UNIT_CHOICE,
            "owner": a.owner_id,
            "due_date": a.due_date,
            "measure_of_success": a.measure_of_success,
        }

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not self.object.plan.is_live:
            del form.fields["reason"]
        return form

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.action_update(self.ctx, self.object, expected_version=data.pop("version"), **data)

    def get_success_message(self):
        return f"Action {self.object.number} has been saved"


class ActionRemoveView(ActionFormView):
    form_class = PlainConfirmForm
    action = "manage"
    template_name = "action_plans/confirm.html"
    button = "Remove action"

    def get(self, request, *args, **kwargs):
        if self.object.plan.is_live:
            messages.error(request, f"{self.object.plan.title} is live: its actions are no longer removed.")
            return redirect(self.get_success_url())
        return super().get(request, *args, **kwargs)

    removed = False

    def perform(self, form):
        services.action_remove(self.ctx, self.object)
        self.removed = True

    def get_success_message(self):
        return f"Action {self.object.number} has been removed"

    def get_success_url(self):
        return plan_url(self.ctx, self.object.plan) if self.removed else action_url(self.ctx, self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(heading=f"Remove action {self.object.number}?", message=self.object.description)
        return context


class ProgressView(ActionFormView):
    form_class = ProgressForm
    heading = "Update progress"
    button = "Save progress"
    from_statuses = tuple(s.value for s in (ActionStatus.NOT_STARTED, ActionStatus.ON_TRACK, ActionStatus.AT_RISK))
    refusal = "Action {number} is {status}: its progress is no longer updated."

    def get_initial(self):
        status = self.object.status if self.object.status != ActionStatus.NOT_STARTED else ActionStatus.ON_TRACK
        return {**super().get_initial(), "on": timezone.localdate(), "status": status}

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.progress_add(self.ctx, self.object, expected_version=data.pop("version"), **data)

    def get_success_message(self):
        return f"Progress on action {self.object.number} has been saved"


class CompleteView(ActionFormView):
    form_class = CompleteForm
    heading = "Mark the action complete"
    button = "Mark complete"
    from_statuses = ProgressView.from_statuses
    refusal = "Action {number} is already {status}."

    def get_initial(self):
        return {
            **super().get_initial(),
            "completed_on": timezone.localdate(),
            "impact_evidence": self.object.impact_evidence,
        }

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.action_complete(self.ctx, self.object, expected_version=data.pop("version"), **data)

    def get_success_message(self):
        return f"Action {self.object.number} is marked complete: the business unit will check the evidence"


class EvidenceView(ActionFormView):
    form_class = EvidenceForm
    heading = "Evidence"
    button = "Save evidence"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["completion_locked"] = self.object.status == ActionStatus.COMPLETE
        return kwargs

    def get_initial(self):
        a = self.object
        return {
            **super().get_initial(),
            "completion_evidence": a.completion_evidence,
            "completion_link": a.completion_link,
            "impact_evidence": a.impact_evidence,
        }

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.evidence_update(self.ctx, self.object, expected_version=data.pop("version"), **data)

    def get_success_message(self):
        return f"The evidence for action {self.object.number} has been saved"


class AcceptView(ActionFormView):
    form_class = AcceptForm
    action = "manage"
    template_name = "action_plans/decide.html"
    heading = "Accept the completion"
    button = "Accept: the action is complete"
    from_statuses = (ActionStatus.AWAITING_ACCEPTANCE.value,)
    refusal = "Action {number} is {status}: only an action marked complete by its owner is accepted."

    def get_initial(self):
        return {**super().get_initial(), "on": timezone.localdate()}

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.action_accept(self.ctx, self.object, expected_version=data.pop("version"), **data)

    def get_success_message(self):
        return f"Action {self.object.number} is complete"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["documents"] = documents.documents_about(self.ctx.partnership, self.object)
        return context


class ReturnView(AcceptView):
    form_class = ReturnForm
    heading = "Return the completion"
    button = "Return it to the owner"
    refusal = "Action {number} is {status}: only an action marked complete by its owner is returned."

    def get_initial(self):
        return {"version": self.object.version, "status": ActionStatus.ON_TRACK}

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.action_return(self.ctx, self.object, expected_version=data.pop("version"), **data)

    def get_success_message(self):
        return f"Action {self.object.number} has been returned to its owner"


# ----------------------------------------------------------------------------------------------
# "What needs me now"


def _task(ctx, row, today, soon) -> dict:
    action = row.action
    # Overdue is the RAG rule's word (the plan page says the same); due soon is the home page's, as
    # for every other task. An action past its date that the rule does not call overdue is due soon.
    if row.rag is ragging.OVERDUE:
        status = "overdue"
    else:
        status = task_status(action.due_date, today=today, soon=soon).replace("overdue", "due_soon")
    return {
        "label": f"Action {action.number}, {action.plan.title}: {_short(action.description)}",
        "url": action_url(ctx, action),
        "due": action.due_date,
        "status": status,
        "hint": f"{row.rag.label}. {row.why}",
    }


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def home_our_actions(ctx) -> dict | None:
    """An agency lead's organisation's open actions, and any other person's own (as owner person).
    One query; the calendar is read only when there is something to show."""
    if ctx.role == Role.AGENCY_LEAD:
        queryset = selectors.actions_for(ctx, open_only=True)
        title = f"{ctx.organisation}'s actions" if ctx.organisation else "Your organisation's actions"
    elif ctx.membership is not None and ctx.role != Role.SCRUTINEER:
        queryset = selectors.actions_for(ctx, open_only=True).filter(owner=ctx.membership)
        title = "Actions you own"
    else:
        return None
    actions = list(queryset.exclude(status=ActionStatus.AWAITING_ACCEPTANCE).order_by("due_date", "pk")[:50])
    if not actions:
        return None
    w = selectors.windows_for(ctx)
    return {
        "title": title,
        "tasks": [_task(ctx, row, w.today, w.task_soon_by) for row in selectors.rows_for(actions, w)],
    }


def home_awaiting_acceptance(ctx) -> dict | None:
    """The business unit's: completions to accept or return (one query)."""
    if not ActionPolicy.can(ctx, "manage"):
        return None
    queryset = selectors.actions_for(ctx, status=ActionStatus.AWAITING_ACCEPTANCE, open_only=True)
    tasks = [
        {
            "label": f"Accept or return action {action.number}, {action.plan.title}: {_short(action.description)}",
            "url": action_url(ctx, action),
            "due": None,
            "status": "open",
            "hint": f"Marked complete on {action.completed_on:%-d %b %Y} by {action.owner_name}",
        }
        for action in queryset.order_by("completed_on", "pk")[:50]
    ]
    return {"title": "Completed actions waiting for you to accept them", "tasks": tasks}
