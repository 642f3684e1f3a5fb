"""Pages of actions: the open actions across plans ("our actions" for an agency lead) and their
exports, an action with its progress, evidence and clock, and each step on it (change, remove,
progress, complete, evidence, accept, return)."""

from __future__ import annotations

from django.utils import timezone
from django.views.generic import TemplateView

from lscp import deadlines, documents, outbox, spreadsheets
from lscp.checks import possessive
from lscp.roles import Role
from lscp.web.lists import latest, paginate, sort
from lscp.web.views import PartnershipPage, RecordMixin
from reviews.action_plans import selectors, services, sheets
from reviews.action_plans.filters import ActionFilter
from reviews.action_plans.forms import (
    BUSINESS_UNIT_CHOICE,
    AcceptForm,
    ActionEditForm,
    CompleteForm,
    EvidenceForm,
    PlainConfirmForm,
    ProgressForm,
    ReturnForm,
)
from reviews.action_plans.models import Action, ActionStatus
from reviews.action_plans.permissions import ActionPlanPolicy, ActionPolicy
from reviews.action_plans.views.base import StepFormView, action_url, plan_url


def filtered_actions(view) -> tuple[ActionFilter, object, object]:
    """(the filters, the actions they leave, the RAG windows) for the open-actions page and its
    exports: the open actions unless the person asks for completed ones."""
    w = selectors.windows_for(view.ctx)
    filters = ActionFilter(
        view.request.GET or None, queryset=selectors.actions_for(view.ctx, today=w.today), request=view.request
    )
    actions = filters.qs
    if filters.chosen_status() != ActionStatus.COMPLETE:
        actions = selectors.open_actions(actions)
    return filters, actions, w


class ActionListView(PartnershipPage):
    """Open actions across every plan; for an agency lead, their organisation's only."""

    template_name = "action_plans/action_list.html"
    policy = ActionPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters, actions, w = filtered_actions(self)
        actions, sorting = sort(
            self.request,
            actions,
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
            form=filters.form,
            page=page,
            rows=selectors.rows_for(page.object_list, w),
            sorting=sorting,
            own=own,
            heading=f"{possessive(self.ctx.organisation)} actions" if own and self.ctx.organisation else "Open actions",
            query=self.request.GET.urlencode(),
        )
        return context


class ActionListExportView(PartnershipPage):
    policy = ActionPolicy
    kind = "xlsx"

    def get(self, request, *args, **kwargs):
        _, actions, w = filtered_actions(self)
        actions = actions.order_by(
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
            spreadsheets.xlsx_bytes([sheets.report_sheet(rows, name)]), f"{filename}.xlsx", rows=len(rows)
        )


class ActionDetailView(RecordMixin, TemplateView):
    template_name = "action_plans/action_detail.html"
    model = Action
    policy = ActionPolicy

    def get_queryset(self):
        return selectors.action_detail_queryset(self.ctx)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        action = self.object
        [row] = selectors.rows_for([action], selectors.windows_for(self.ctx))
        today = timezone.localdate()
        manage = ActionPolicy.can(self.ctx, "manage", action)
        writable = services.plan_refusal(action.plan, "change") is None
        context.update(
            row=row,
            clocks=[(d, deadlines.label_for(d), d.status_on(today)) for d in deadlines.clocks_for(action)],
            updates=selectors.updates_for(self.ctx, action),
            changes=selectors.due_date_changes_for(self.ctx, action),
            documents=documents.documents_about(self.ctx.partnership, action),
            can_update=writable and ActionPolicy.can(self.ctx, "update", action),
            can_manage=manage and writable,
            can_see_plan=ActionPlanPolicy.can(self.ctx, "view"),
            emails=latest(outbox.emails_about(self.ctx.partnership, action).order_by("created_at", "id"))
            if manage
            else [],
            escalations=latest(deadlines.escalations_of(action)) if manage else [],
        )
        return context


# ----------------------------------------------------------------------------------------------
# Steps on an action


class ActionFormView(StepFormView):
    """A step on an action: by its owner ("update"), or by the business unit ("manage")."""

    model = Action
    policy = ActionPolicy
    permission = "update"
    records = selectors.action_detail_queryset
    refused_by = services.action_refusal
    caption = "Action {object.number}, {object.plan.title}"

    def get_success_url(self):
        return action_url(self.ctx, self.object)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "action": self.object}


class ActionEditView(ActionFormView):
    form_class = ActionEditForm
    permission = "manage"
    heading = "Change the action"
    service = services.action_update
    initial_fields = ("description", "owner", "due_date", "measure_of_success")
    success_message = "Action {object.number} has been saved"

    def get_initial(self):
        member = self.object.owner_member_id
        return {**super().get_initial(), "owner_member": str(member) if member else BUSINESS_UNIT_CHOICE}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not self.object.plan.is_live:
            del form.fields["reason"]
        return form


class ActionRemoveView(ActionFormView):
    form_class = PlainConfirmForm
    permission = "manage"
    step = "remove"
    template_name = "action_plans/confirm.html"
    button = "Remove action"
    removed = False
    success_message = "Action {object.number} has been removed"
    heading = "Remove action {object.number}?"
    message = "{object.description}"

    def perform(self, form):
        services.action_remove(self.ctx, self.object)
        self.removed = True

    def get_success_url(self):
        return plan_url(self.ctx, self.object.plan) if self.removed else action_url(self.ctx, self.object)


class ProgressView(ActionFormView):
    form_class = ProgressForm
    step = "progress"
    heading = "Update progress"
    button = "Save progress"
    service = services.progress_add
    success_message = "Progress on action {object.number} has been saved"

    def get_initial(self):
        status = self.object.status if self.object.status != ActionStatus.NOT_STARTED else ActionStatus.ON_TRACK
        return {**super().get_initial(), "on": timezone.localdate(), "status": status}


class CompleteView(ActionFormView):
    form_class = CompleteForm
    step = "complete"
    heading = "Mark the action complete"
    button = "Mark complete"
    service = services.action_complete
    initial_fields = ("impact_evidence",)
    success_message = "Action {object.number} is marked complete: the business unit will check the evidence"

    def get_initial(self):
        return {**super().get_initial(), "completed_on": timezone.localdate()}


class EvidenceView(ActionFormView):
    form_class = EvidenceForm
    step = "evidence"
    heading = "Evidence"
    button = "Save evidence"
    service = services.evidence_update
    initial_fields = ("completion_evidence", "completion_link", "impact_evidence")
    success_message = "The evidence for action {object.number} has been saved"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "completion_locked": self.object.status == ActionStatus.COMPLETE}


class AcceptView(ActionFormView):
    form_class = AcceptForm
    permission = "manage"
    step = "accept"
    template_name = "action_plans/decide.html"
    heading = "Accept the completion"
    button = "Accept: the action is complete"
    service = services.action_accept
    success_message = "Action {object.number} is complete"

    def get_initial(self):
        return {**super().get_initial(), "on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "documents": documents.documents_about(self.ctx.partnership, self.object),
        }


class ReturnView(AcceptView):
    form_class = ReturnForm
    step = "return"
    heading = "Return the completion"
    button = "Return it to the owner"
    service = services.action_return
    success_message = "Action {object.number} has been returned to its owner"

    def get_initial(self):
        return {"version": self.object.version, "status": ActionStatus.ON_TRACK}
