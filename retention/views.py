"""Retention pages: the schedule (each rule, its default and reason, a Change link), the legal
holds (place, lift with a reason), the disposal records, a dry run; and one case's export for a
subject access or disclosure request (JSON and PDF, logged by the ActivityMiddleware as an
export because it is an attachment)."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.urls import reverse
from django.views import View

from lscp import pdf
from lscp.web.lists import paginate
from lscp.web.views import PartnershipFormView, PartnershipPage, RecordFormView, RecordMixin
from retention import selectors, services
from retention.forms import HoldForm, LiftForm, RuleForm
from retention.models import DEFAULTS, LegalHold, RecordKind, RetentionRule
from retention.permissions import CaseExportPolicy, RetentionPolicy
from reviews.notifications.models import Notification


def _url(ctx, name, *args):
    return reverse(name, args=[ctx.partnership.slug, *args])


class ScheduleView(PartnershipPage):
    template_name = "retention/schedule.html"
    policy = RetentionPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            rules=list(selectors.rules(self.ctx)),
            defaults=[(RecordKind(k).label, v[0], v[1].label, v[2]) for k, v in DEFAULTS.items()],
            can_manage=RetentionPolicy.can(self.ctx, "manage"),
        )
        return context


class RuleChangeView(RecordFormView):
    template_name = "retention/form.html"
    model = RetentionRule
    form_class = RuleForm
    policy = RetentionPolicy
    permission = "manage"

    def get_initial(self):
        return {"years": self.object.years, "action": self.object.action, "version": self.object.version}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            heading=f"Change the rule for {self.object.get_kind_display().split(':')[0].lower()}",
            back_url=_url(self.ctx, "retention-schedule"),
        )
        return context

    def perform(self, form):
        data = form.cleaned_data
        return services.rule_change(
            self.ctx, self.object, years=data["years"], action=data["action"], version=data["version"]
        )

    def get_success_message(self):
        return "The retention rule has been changed"

    def get_success_url(self):
        return _url(self.ctx, "retention-schedule")


class HoldListView(PartnershipPage):
    template_name = "retention/holds.html"
    policy = RetentionPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            page=paginate(self.request, selectors.holds(self.ctx)), can_manage=RetentionPolicy.can(self.ctx, "manage")
        )
        return context


class HoldAddView(PartnershipFormView):
    template_name = "retention/form.html"
    form_class = HoldForm
    policy = RetentionPolicy
    permission = "manage"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            heading="Place a legal hold", back_url=_url(self.ctx, "retention-holds"), button="Place the hold"
        )
        return context

    def perform(self, form):
        return services.hold_place(self.ctx, **form.cleaned_data)

    def get_success_message(self):
        return f"The hold '{self.result.name}' has been placed: nothing it covers will be disposed of"

    def get_success_url(self):
        return _url(self.ctx, "retention-holds")


class HoldLiftView(RecordFormView):
    template_name = "retention/form.html"
    model = LegalHold
    form_class = LiftForm
    policy = RetentionPolicy
    permission = "manage"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            heading=f"Lift the hold '{self.object.name}'",
            back_url=_url(self.ctx, "retention-holds"),
            button="Lift the hold",
        )
        return context

    def perform(self, form):
        return services.hold_lift(self.ctx, self.object, **form.cleaned_data)

    def get_success_message(self):
        return f"The hold '{self.result.name}' has been lifted"

    def get_success_url(self):
        return _url(self.ctx, "retention-holds")


class DisposalListView(PartnershipPage):
    template_name = "retention/disposals.html"
    policy = RetentionPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"] = paginate(self.request, selectors.disposals(self.ctx))
        return context


class DryRunView(PartnershipPage):
    """GET shows what a disposal would do today, changing nothing; the business unit may then
    POST to dispose of it."""

    template_name = "retention/dry_run.html"
    policy = RetentionPolicy

    def get_permission(self):
        return "manage"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["results"] = services.dispose_now(self.ctx, dry_run=True)
        return context

    def post(self, request, *args, **kwargs):
        from django.contrib import messages
        from django.shortcuts import redirect

        results = services.dispose_now(self.ctx, dry_run=False)
        count = sum(len(r.items) for r in results)
        messages.success(request, f"{count} record{'s' if count != 1 else ''} disposed of under the schedule")
        return redirect(_url(self.ctx, "retention-disposals"))


class CaseExportView(RecordMixin, View):
    """One case, whole, for a subject access or disclosure request."""

    model = Notification
    policy = CaseExportPolicy
    permission = "export"
    kind = "json"
    log_views = False  # logged as an export by the ActivityMiddleware (an attachment)

    def get(self, request, *args, **kwargs):
        case = selectors.case_export(self.ctx, self.object)
        name = f"{self.ctx.partnership.slug}-case-{self.object.reference}"
        if self.kind == "pdf":
            data = pdf.render_pdf(
                "retention/case_export.html",
                {"partnership": self.ctx.partnership, "case": case, "notification": self.object},
            )
            return pdf.pdf_response(data, f"{name}.pdf")
        response = HttpResponse(json.dumps(case, cls=DjangoJSONEncoder, indent=2), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        response["Cache-Control"] = "no-store, private"
        return response
