"""Pages for the partnership's deadline policy, escalation ladder and calendar, and the home
page's section of clocks that need the person now."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lscp import deadlines
from lscp.deadlines import services
from lscp.deadlines.workdays import calendar_for
from lscp.models import CalendarOverride
from lscp.roles import Role
from lscp.web.forms import GovukDateField, TenantForm
from lscp.web.views import PartnershipFormView, PartnershipPage, RecordFormView
from partners.forms import ConfirmForm
from partners.models import Membership

UNIT_CHOICES = [("working", "Working days"), ("calendar", "Calendar days"), ("months", "Calendar months")]


class PolicyForm(TenantForm):
    """One length, unit and start for every clock the partnership may change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = {row.kind: row for row in services.DeadlinePolicy.objects.for_partnership(self.ctx.partnership)}
        self.kinds = [kind for kind in deadlines.REGISTRY.values() if kind.editable]
        for kind in self.kinds:
            policy = deadlines.rule_for(self.ctx.partnership, kind, rows)
            self.fields[f"{kind.key}_length"] = forms.IntegerField(
                label=f"{kind.label}: length",
                min_value=1,
                max_value=365,
                initial=policy.length,
                help_text=f"Statutory default: due {deadlines.describe(kind).due}",
                widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
            )
            self.fields[f"{kind.key}_unit"] = forms.ChoiceField(
                label=f"{kind.label}: counted in", choices=UNIT_CHOICES, initial=policy.unit
            )
            if len(kind.starts) > 1:
                self.fields[f"{kind.key}_start"] = forms.ChoiceField(
                    label=f"{kind.label}: the clock starts on",
                    choices=[(option.key, option.label[0].upper() + option.label[1:]) for option in kind.starts],
                    initial=policy.start,
                    widget=forms.RadioSelect,
                )

    def rules(self) -> dict[str, dict]:
        data = self.cleaned_data
        return {
            kind.key: {
                "length": data[f"{kind.key}_length"],
                "unit": data[f"{kind.key}_unit"],
                "start": data.get(f"{kind.key}_start"),
            }
            for kind in self.kinds
        }


class EscalationForm(TenantForm):
    reminder_days_before = forms.IntegerField(
        label="Send a reminder this many working days before the due date",
        min_value=0,
        max_value=20,
        help_text="0 sends no reminder",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )
    repeat_every_days = forms.IntegerField(
        label="Once overdue, repeat every this many working days",
        min_value=1,
        max_value=60,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )
    business_unit_manager = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Business unit manager",
        empty_label="The whole business unit",
        help_text="Told on the due date and while overdue",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business_unit_manager"].queryset = (
            Membership.objects.for_partnership(self.ctx.partnership)
            .filter(role=Role.BUSINESS_UNIT, is_active=True)
            .select_related("person")
        )
        self.fields["business_unit_manager"].label_from_instance = lambda m: m.person.get_full_name()


class CalendarOverrideForm(TenantForm):
    date = GovukDateField(label="Date")
    is_working_day = forms.TypedChoiceField(
        label="On this date the partnership is",
        coerce=lambda v: v == "working",
        choices=[("working", "Working, although it is a bank holiday"), ("closed", "Closed, although it is a weekday")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label="Reason", max_length=200)


class DeadlinePolicyView(PartnershipPage):
    template_name = "deadlines/policy.html"
    policy = services.ClockRulesPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = {row.kind: row for row in services.DeadlinePolicy.objects.for_partnership(self.ctx.partnership)}
        today = timezone.localdate()
        calendar = calendar_for(self.ctx.partnership)
        rules = {key: deadlines.rule_for(self.ctx.partnership, kind, rows) for key, kind in deadlines.REGISTRY.items()}
        context.update(
            # Each clock's words are made from its definition and rule (deadlines.describe).
            kinds=[
                (kind, rules[key], deadlines.describe(kind, rules[key])) for key, kind in deadlines.REGISTRY.items()
            ],
            units=dict(UNIT_CHOICES),
            escalation=services.escalation_settings(self.ctx.partnership),
            overrides=CalendarOverride.objects.for_partnership(self.ctx.partnership).filter(
                date__gte=today - dt.timedelta(days=365)
            ),
            holidays=calendar.holidays_between(today, today + dt.timedelta(days=365)),
            can_manage=services.ClockRulesPolicy.can(self.ctx, "manage"),
        )
        if context["can_manage"]:
            context["problems"] = deadlines.escalation_problems(self.ctx.partnership)
        return context


class PolicyReasonForm(TenantForm):
    reason = forms.CharField(
        label="Why is the deadline policy changing?",
        help_text="Recorded in the activity log and sent to the statutory partners' delegated safeguarding partners",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the deadline policy is changing"},
    )


class PolicyEditView(PartnershipFormView):
    """Change the clocks in two steps, without JavaScript: the new lengths, units and starts; then
    a check page with what the change does to the open clocks (services.preview_clock_rules) and
    the reason, on which saving is confirmed ("Change" goes back with the input kept)."""

    template_name = "deadlines/form.html"
    check_template_name = "deadlines/check_policy.html"
    form_class = PolicyForm
    policy = services.ClockRulesPolicy
    permission = "manage"
    extra_context = {"heading": "Deadline policy"}

    def form_valid(self, form):
        if "change" in self.request.POST:
            return self.render_to_response(self.get_context_data(form=form))
        try:
            changes = services.preview_clock_rules(self.ctx, form.rules())
        except ValidationError as error:
            form.add_service_errors(error)
            return self.form_invalid(form)
        if not changes:
            return super().form_valid(form)  # nothing changes: the defaults are stated, no reason asked
        if "confirm" not in self.request.POST:
            return self.show_check(form, changes, PolicyReasonForm(ctx=self.ctx))
        reason_form = PolicyReasonForm(self.request.POST, ctx=self.ctx)
        return self.run_service(
            reason_form,
            lambda: services.set_clock_rules(self.ctx, form.rules(), reason=reason_form.data.get("reason", "")),
            success_url=self.get_success_url,
            message=self.get_success_message,
            render=lambda: self.show_check(form, changes, reason_form),
        )

    def show_check(self, form, changes, reason_form):
        return self.response_class(
            request=self.request,
            template=[self.check_template_name],
            context=self.get_context_data(form=reason_form, rules_form=form, changes=changes),
            using=self.template_engine,
        )

    def perform(self, form):
        return services.set_clock_rules(self.ctx, form.rules())

    def get_success_message(self):
        return (
            "The deadline policy has been saved and every open clock recomputed"
            if self.result
            else "Nothing was changed"
        )

    def get_success_url(self):
        return reverse("deadline-policy", args=[self.ctx.partnership.slug])


class EscalationEditView(PolicyEditView):
    form_class = EscalationForm
    extra_context = {"heading": "Escalation"}

    def get_initial(self):
        row = services.escalation_settings(self.ctx.partnership)
        return {
            "reminder_days_before": row.reminder_days_before,
            "repeat_every_days": row.repeat_every_days,
            "business_unit_manager": row.business_unit_manager_id,
        }

    def perform(self, form):
        return services.set_escalation(self.ctx, **form.cleaned_data)

    def get_success_message(self):
        return "The escalation ladder has been saved"


class CalendarOverrideAddView(PolicyEditView):
    form_class = CalendarOverrideForm
    extra_context = {"heading": "Add a date to the calendar"}

    def perform(self, form):
        return services.add_calendar_override(self.ctx, **form.cleaned_data)

    def get_success_message(self):
        return f"{self.result.date:%-d %B %Y} added to the calendar; open clocks recomputed"


class CalendarOverrideRemoveView(RecordFormView):
    template_name = "deadlines/remove.html"
    model = CalendarOverride
    policy = services.ClockRulesPolicy
    permission = "manage"

    def get_form_class(self):
        return ConfirmForm

    def perform(self, form):
        return services.remove_calendar_override(self.ctx, self.object)

    def get_success_message(self):
        return f"{self.object.date:%-d %B %Y} removed from the calendar; open clocks recomputed"

    def get_success_url(self):
        return reverse("deadline-policy", args=[self.ctx.partnership.slug])
