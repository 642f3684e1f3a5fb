"""What the action-plan pages share: their addresses, and the page of one step on one record (a
plan, a recommendation, an action), refused before its form is shown when the record's state
refuses it (the service's own `*_refusal`), and posted through lscp.web.views.ServiceFormMixin."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from lscp.web.views import RecordFormView


def plan_url(ctx, plan) -> str:
    return reverse("action-plan-detail", args=[ctx.partnership.slug, plan.pk])


def action_url(ctx, action) -> str:
    return reverse("action-detail", args=[ctx.partnership.slug, action.pk])


class StepFormView(RecordFormView):
    """One step's form on one record. Subclasses name the `service` it calls (with the record and
    the form's fields, the version read as `expected_version`), the record's refusal (`refused_by`,
    asked with `step` before the form is shown), and what the page says: `heading`, `button`, a
    `caption` and `message` around the heading and the `success_message`, each formatted with the record as
    `object` (and the success message with the service's `result`)."""

    template_name = "action_plans/form.html"
    heading = ""
    button = "Save"
    message = ""
    step = "change"
    service: Callable | None = None
    refused_by: Callable[[object, str], str | None] | None = None
    records: Callable | None = None  # the selector this page's record is read with (else the model's rows)
    caption = ""
    initial_fields: tuple[str, ...] = ()  # the record's fields the form starts from

    def refusal(self) -> str | None:
        refused_by = type(self).refused_by
        return refused_by(self.object, self.step) if refused_by else None

    def get(self, request, *args, **kwargs):
        refusal = self.refusal()
        if refusal:
            messages.error(request, refusal)
            return redirect(self.get_success_url())
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        fields = [self.object._meta.get_field(name) for name in self.initial_fields]
        return {
            "version": getattr(self.object, "version", None),
            **{field.name: getattr(self.object, field.attname) for field in fields},
        }

    def arguments(self, form) -> dict:
        """The form's fields as the service's arguments."""
        data = dict(form.cleaned_data)
        if "version" in data:
            data["expected_version"] = data.pop("version")
        return data

    def perform(self, form):
        return type(self).service(self.ctx, self.object, **self.arguments(form))

    def get_heading(self) -> str:
        return self.heading.format(object=self.object)

    def get_success_message(self) -> str:
        return self.success_message.format(object=self.object, result=getattr(self, "result", None))

    def get_queryset(self):
        records = type(self).records
        return records(self.ctx) if records else super().get_queryset()

    def get_caption(self) -> str:
        return self.caption.format(object=self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            heading=self.get_heading(),
            caption=self.get_caption(),
            button=self.button,
            cancel_url=self.get_success_url(),
            message=self.message.format(object=self.object),
        )
        return context
