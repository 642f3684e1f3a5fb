"""Pages of the challenge log: the challenges raised at meetings or by the scrutineer, to whom,
the response and the outcome, recorded by the business unit as evidence of challenge."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from audits.challenges import selectors, services
from audits.challenges.filters import ChallengeFilter
from audits.challenges.forms import ChallengeForm, ResponseForm
from audits.challenges.models import Challenge, ChallengeStatus
from audits.challenges.permissions import ChallengePolicy
from audits.pages import BackLink, filter_errors
from lscp.web.lists import paginate, sort
from lscp.web.views import PartnershipFormView, PartnershipPage, RecordFormView, RecordMixin


def challenge_url(ctx, challenge) -> str:
    return reverse("challenge-detail", args=[ctx.partnership.slug, challenge.pk])


CHALLENGE_SORTS = {
    "raised": ["raised_on"],
    "subject": ["subject"],
    "organisation": ["to_member__organisation__name", "-raised_on"],
    "status": ["status", "-raised_on"],
    "responded": ["responded_on", "raised_on"],
}


class ChallengeListView(PartnershipPage):
    template_name = "audits/challenge_list.html"
    policy = ChallengePolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = ChallengeFilter(self.request.GET, queryset=selectors.challenges(self.ctx), request=self.request)
        errors = filter_errors(filters)
        challenges, sorting = sort(
            self.request,
            filters.qs if not errors else filters.queryset.none(),
            columns=CHALLENGE_SORTS,
            default="-raised",
        )
        counts = selectors.status_counts(self.ctx)
        context.update(
            page=paginate(self.request, challenges),
            sorting=sorting,
            status="" if errors else filters.form.cleaned_data.get("status", ""),
            statuses=[(value, label, counts[value]) for value, label in ChallengeStatus.choices],
            total=sum(counts.values()),
            filter_errors=errors,
            can_manage=ChallengePolicy.can(self.ctx, "manage"),
        )
        return context


class ChallengeAddView(BackLink, PartnershipFormView):
    back_to = "challenge-list"
    template_name = "audits/form.html"
    form_class = ChallengeForm
    policy = ChallengePolicy
    permission = "manage"
    extra_context = {"heading": "Log a challenge"}

    def perform(self, form):
        return services.challenge_log(self.ctx, **form.cleaned_data)

    def get_success_message(self):
        return f"The challenge to {self.result.to_member.organisation} has been logged"

    def get_success_url(self):
        return challenge_url(self.ctx, self.result)


class ChallengeDetailView(RecordMixin, TemplateView):
    template_name = "audits/challenge.html"
    model = Challenge
    policy = ChallengePolicy

    def get_queryset(self):
        return super().get_queryset().select_related("to_member__organisation", "raised_at")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_respond"] = (
            ChallengePolicy.can(self.ctx, "manage", self.object) and services.challenge_refusal(self.object) is None
        )
        return context


class ChallengeRespondView(RecordFormView):
    """Record the response and the outcome, or close the challenge. A closed challenge is kept as
    it was closed."""

    template_name = "audits/challenge_respond.html"
    model = Challenge
    form_class = ResponseForm
    policy = ChallengePolicy
    permission = "manage"

    def get_queryset(self):
        return super().get_queryset().select_related("to_member__organisation", "raised_at")

    def get(self, request, *args, **kwargs):
        refusal = services.challenge_refusal(self.object)
        if refusal:
            messages.error(request, refusal)
            return redirect(challenge_url(self.ctx, self.object))
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {
            "response": self.object.response,
            "responded_on": self.object.responded_on,
            "outcome": self.object.outcome,
        }

    def perform(self, form):
        return services.challenge_respond(self.ctx, self.object, **form.cleaned_data)

    def get_success_message(self):
        if self.result.status == ChallengeStatus.CLOSED:
            return f"The challenge '{self.result.subject}' has been closed"
        return f"The response from {self.result.to_member.organisation} has been recorded"

    def get_success_url(self):
        return challenge_url(self.ctx, self.object)
