"""Pages for the partnership's arrangements: home, members, people, governance."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, When
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView, View

from lscp import tokens
from lscp.accounts import limits as sign_in_limits
from lscp.accounts import second_factor
from lscp.checks import in_sentence
from lscp.roles import SAFEGUARDING_PARTNERS
from lscp.web.home import home_sections
from lscp.web.lists import paginate, sort
from lscp.web.views import PartnershipFormView, PartnershipMixin, PartnershipPage, RecordFormView, RecordMixin
from partners import history, selectors, services, signing
from partners.filters import PeopleFilter
from partners.forms import (
    ApiTokenIssueForm,
    ConfirmForm,
    DesignationAddForm,
    GroupMemberAddForm,
    MemberAddForm,
    MemberEditForm,
    OfficeForm,
    PersonAddForm,
    PersonEditForm,
    SigningPolicyForm,
    kind_to_seat,
    seat_to_kind,
)
from partners.models import (
    NATIONAL_IDENTIFIERS,
    DesignatedAgency,
    GovernanceGroup,
    GroupMember,
    Invitation,
    Member,
    MemberKind,
    Membership,
    OfficeKind,
)
from partners.permissions import (
    ApiTokenPolicy,
    GovernancePolicy,
    MemberPolicy,
    OfficePolicy,
    PartnershipPolicy,
    PeoplePolicy,
    SigningPolicyPolicy,
)


class HomeView(PartnershipPage):
    """What needs me now, in this partnership."""

    template_name = "partners/home.html"
    policy = PartnershipPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = home_sections(self.ctx)
        if MemberPolicy.can(self.ctx, "manage"):
            context["missing_statutory"] = selectors.missing_statutory_partners(self.ctx)
        return context


# ----------------------------------------------------------------------------------------------
# Member organisations


class MemberListView(PartnershipPage):
    template_name = "partners/member_list.html"
    policy = MemberPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        designations = list(selectors.designations_for(self.ctx))
        members, sorting = sort(
            self.request,
            # The safeguarding partners first, then designated agencies, then relevant agencies,
            # each by name.
            selectors.members_for(self.ctx).annotate(
                kind_rank=Case(
                    When(kind=MemberKind.STATUTORY_PARTNER, then=0),
                    When(kind=MemberKind.DESIGNATED_EDUCATION_AGENCY, then=1),
                    default=2,
                )
            ),
            columns={
                "name": "organisation__name",
                "sector": ["organisation__sector", "organisation__name"],
                "membership": ["kind_rank", "statutory_role", "organisation__name"],
            },
            default="membership",
        )
        context.update(
            page=paginate(self.request, members),
            sorting=sorting,
            missing_statutory=selectors.missing_statutory_partners(self.ctx),
            designations=designations,
            missing_designated=selectors.missing_designated_agencies(self.ctx, designations),
            can_manage=MemberPolicy.can(self.ctx, "manage"),
            # Organisation history: the members whose organisation merged into another, by the
            # name they had the day before.
            former=[
                (member, history.name_on(member.organisation, member.ended_on - dt.timedelta(days=1)))
                for member in selectors.former_members_for(self.ctx)
            ],
        )
        context["offices"] = selectors.offices_for(self.ctx)
        context["can_manage_offices"] = OfficePolicy.can(self.ctx, "manage")
        return context


class MemberAddView(PartnershipFormView):
    template_name = "partners/member_add.html"
    form_class = MemberAddForm
    policy = MemberPolicy
    permission = "manage"

    def perform(self, form):
        data = form.cleaned_data
        organisation = data["organisation"]
        if organisation is None:
            organisation = services.organisation_create(
                ctx=self.ctx, name=data["new_organisation_name"], sector=data["new_organisation_sector"]
            )
        kind, statutory_role = seat_to_kind(data["seat"])
        return services.member_add(ctx=self.ctx, organisation=organisation, kind=kind, statutory_role=statutory_role)

    def get_success_message(self):
        return f"{self.result.organisation} is now a member of {self.ctx.partnership}"

    def get_success_url(self):
        return reverse("member-list", args=[self.ctx.partnership.slug])


class MemberDetailView(RecordMixin, TemplateView):
    template_name = "partners/member_detail.html"
    model = Member
    policy = MemberPolicy

    def get_queryset(self):
        return super().get_queryset().select_related("organisation")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["people"] = self.object.people.filter(is_active=True).select_related("person")
        context["can_manage"] = MemberPolicy.can(self.ctx, "manage", self.object)
        organisation = self.object.organisation
        context["predecessors"], context["successors"] = history.lineage(organisation)
        context["changes"] = organisation.changes.select_related("successor")
        context["identifier_label"] = (NATIONAL_IDENTIFIERS.get(organisation.sector) or ("National identifier",))[0]
        context["seats"] = selectors.seats_of(self.ctx.partnership, self.object) if self.object.is_statutory else []
        return context


class MemberEditView(RecordFormView):
    template_name = "partners/member_edit.html"
    model = Member
    form_class = MemberEditForm
    policy = MemberPolicy
    permission = "manage"

    def get_initial(self):
        return {"seat": kind_to_seat(self.object)}

    def perform(self, form):
        kind, statutory_role = seat_to_kind(form.cleaned_data["seat"])
        return services.member_update(ctx=self.ctx, member=self.object, kind=kind, statutory_role=statutory_role)

    def get_success_message(self):
        return f"{self.object.organisation}'s membership has been changed"

    def get_success_url(self):
        return reverse("member-detail", args=[self.ctx.partnership.slug, self.object.pk])


class DesignationAddView(PartnershipFormView):
    """Record an organisation the regulations designate (CWSA 2026 s.2) as they name it."""

    template_name = "partners/designation_add.html"
    form_class = DesignationAddForm
    policy = MemberPolicy
    permission = "manage"

    def perform(self, form):
        data = form.cleaned_data
        return services.designation_add(
            ctx=self.ctx,
            organisation=data["organisation"],
            reason=data["reason"],
            designated_on=data["designated_on"],
        )

    def get_success_message(self):
        return f"{self.result.organisation} is on the list of designated childcare or education agencies"

    def get_success_url(self):
        return reverse("member-list", args=[self.ctx.partnership.slug]) + "#designated"


class DesignationRemoveView(RecordFormView):
    template_name = "partners/designation_remove.html"
    model = DesignatedAgency
    form_class = ConfirmForm
    policy = MemberPolicy
    permission = "manage"

    def get_queryset(self):
        return super().get_queryset().select_related("organisation")

    def perform(self, form):
        return services.designation_remove(ctx=self.ctx, designation=self.object)

    def get_success_message(self):
        return f"{self.object.organisation} has been taken off the list of designated agencies"

    def get_success_url(self):
        return reverse("member-list", args=[self.ctx.partnership.slug]) + "#designated"


# ----------------------------------------------------------------------------------------------
# People


class PersonListView(PartnershipPage):
    template_name = "partners/person_list.html"
    policy = PeoplePolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = PeopleFilter(self.request.GET, queryset=selectors.people_for(self.ctx), request=self.request)
        people, sorting = sort(
            self.request,
            filters.qs if filters.is_valid() else filters.queryset.none(),
            columns={
                "name": ["person__first_name", "person__last_name"],
                "role": "role",
                "organisation": "member__organisation__name",
                "email": "person__email",
            },
            default="name",
        )
        context.update(
            filters=filters.form,
            page=paginate(self.request, people),
            sorting=sorting,
            can_manage=PeoplePolicy.can(self.ctx, "manage"),
            offices=selectors.offices_for(self.ctx),
            can_manage_offices=OfficePolicy.can(self.ctx, "manage"),
        )
        if context["can_manage"]:
            context["invitations"] = selectors.pending_invitations(self.ctx)
        return context


class PersonAddView(PartnershipFormView):
    """Adding someone invites them (services.invitation_send): the page says only what was typed."""

    template_name = "partners/person_add.html"
    form_class = PersonAddForm
    policy = PeoplePolicy
    permission = "manage"

    def perform(self, form):
        data = form.cleaned_data
        return services.invitation_send(
            ctx=self.ctx,
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            role=data["role"],
            member=data["member"],
            job_title=data["job_title"],
            request=self.request,
        )

    def get_success_message(self):
        invitation = self.result
        return (
            f"An invitation to be {invitation.get_role_display().lower()} has been emailed to "
            f"{invitation.get_full_name()} at {invitation.email}"
        )

    def get_success_url(self):
        return reverse("person-list", args=[self.ctx.partnership.slug])


class InvitationActionView(RecordFormView):
    """Resend or withdraw an invitation not yet accepted (a confirmation, then the POST)."""

    template_name = "partners/invitation_action.html"
    model = Invitation
    form_class = ConfirmForm
    policy = PeoplePolicy
    permission = "manage"
    withdraw = False

    def perform(self, form):
        if self.withdraw:
            return services.invitation_withdraw(ctx=self.ctx, invitation=self.object)
        return services.invitation_resend(ctx=self.ctx, invitation=self.object, request=self.request)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["withdraw"] = self.withdraw
        return context

    def get_success_message(self):
        if self.withdraw:
            return f"The invitation to {self.object.get_full_name()} has been withdrawn"
        return f"The invitation has been emailed again to {self.object.get_full_name()} at {self.object.email}"

    def get_success_url(self):
        return reverse("person-list", args=[self.ctx.partnership.slug])


class InvitationWithdrawView(InvitationActionView):
    withdraw = True


class PersonDetailView(RecordMixin, TemplateView):
    template_name = "partners/person_detail.html"
    model = Membership
    policy = PeoplePolicy

    def get_queryset(self):
        return super().get_queryset().select_related("person", "member__organisation")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["seats"] = self.object.seats.select_related("group")
        context["partner_seats"] = (
            list(self.object.partner_seats.select_related("member__organisation").order_by("-since", "-pk"))
            if self.object.role in SAFEGUARDING_PARTNERS
            else []
        )
        context["can_manage"] = PeoplePolicy.can(self.ctx, "manage", self.object)
        context["is_self"] = self.object.person_id == self.ctx.user.pk
        context["locked_until"] = sign_in_limits.locked_until(self.object.person)
        return context


class PersonEditView(RecordFormView):
    template_name = "partners/person_edit.html"
    model = Membership
    form_class = PersonEditForm
    policy = PeoplePolicy
    permission = "manage"

    def get_initial(self):
        return {"role": self.object.role, "member": self.object.member_id, "job_title": self.object.job_title}

    def perform(self, form):
        data = form.cleaned_data
        return services.person_update(
            ctx=self.ctx, membership=self.object, role=data["role"], member=data["member"], job_title=data["job_title"]
        )

    def get_success_message(self):
        return f"{self.object.person.get_full_name()}'s role has been changed"

    def get_success_url(self):
        return reverse("person-detail", args=[self.ctx.partnership.slug, self.object.pk])


class PersonDeactivateView(RecordFormView):
    template_name = "partners/person_deactivate.html"
    model = Membership
    form_class = ConfirmForm
    policy = PeoplePolicy
    permission = "manage"
    reactivate = False

    def get(self, request, *args, **kwargs):
        refusal = None if self.reactivate else services.deactivation_refusal(self.ctx, self.object)
        if refusal:
            messages.error(request, refusal)
            return redirect(self.get_success_url())
        return super().get(request, *args, **kwargs)

    def perform(self, form):
        service = services.person_reactivate if self.reactivate else services.person_deactivate
        return service(ctx=self.ctx, membership=self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reactivate"] = self.reactivate
        return context

    def get_success_message(self):
        state = "reactivated" if self.reactivate else "deactivated"
        return f"{self.object.person.get_full_name()} has been {state} in {self.ctx.partnership}"

    def get_success_url(self):
        return reverse("person-detail", args=[self.ctx.partnership.slug, self.object.pk])


class PersonReactivateView(PersonDeactivateView):
    reactivate = True


class PersonSecondFactorResetView(RecordFormView):
    """The business unit removes a person's second factors (a lost phone): they set one up again
    at their next sign-in where one is required. See lscp.accounts.second_factor.reset."""

    template_name = "partners/person_second_factor_reset.html"
    model = Membership
    form_class = ConfirmForm
    policy = PeoplePolicy
    permission = "manage"

    def get(self, request, *args, **kwargs):
        refusal = second_factor.reset_refusal(self.ctx, self.object)
        if refusal:
            messages.error(request, refusal)
            return redirect(self.get_success_url())
        return super().get(request, *args, **kwargs)

    def perform(self, form):
        return second_factor.reset(ctx=self.ctx, membership=self.object, request=self.request)

    def get_success_message(self):
        return f"{self.object.person.get_full_name()}'s second factor has been reset"

    def get_success_url(self):
        return reverse("person-detail", args=[self.ctx.partnership.slug, self.object.pk])


class PersonUnlockView(RecordFormView):
    """Unlock an account locked by too many wrong passwords (lscp.accounts.limits)."""

    template_name = "partners/person_unlock.html"
    model = Membership
    form_class = ConfirmForm
    policy = PeoplePolicy
    permission = "manage"

    def perform(self, form):
        return services.person_unlock(ctx=self.ctx, membership=self.object, request=self.request)

    def get_success_message(self):
        return f"{self.object.person.get_full_name()} has been unlocked and can sign in again"

    def get_success_url(self):
        return reverse("person-detail", args=[self.ctx.partnership.slug, self.object.pk])


# ----------------------------------------------------------------------------------------------
# Governance


class GroupListView(PartnershipPage):
    template_name = "partners/group_list.html"
    policy = GovernancePolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"] = paginate(self.request, selectors.groups_for(self.ctx).filter(is_active=True))
        return context


class GroupDetailView(RecordMixin, TemplateView):
    template_name = "partners/group_detail.html"
    model = GovernanceGroup
    policy = GovernancePolicy

    def get_queryset(self):
        return selectors.groups_for(self.ctx)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subgroups"] = self.object.subgroups.filter(is_active=True)
        context["can_manage"] = GovernancePolicy.can(self.ctx, "manage", self.object)
        return context


class GroupMemberAddView(RecordFormView):
    template_name = "partners/group_member_add.html"
    model = GovernanceGroup
    form_class = GroupMemberAddForm
    policy = GovernancePolicy
    permission = "manage"

    def perform(self, form):
        return services.group_member_add(
            ctx=self.ctx,
            group=self.object,
            membership=form.cleaned_data["membership"],
            group_role=form.cleaned_data["group_role"],
        )

    def get_success_message(self):
        return f"{self.result.membership.person.get_full_name()} has been added to {self.object}"

    def get_success_url(self):
        return reverse("group-detail", args=[self.ctx.partnership.slug, self.object.pk])


class GroupMemberRemoveView(RecordFormView):
    template_name = "partners/group_member_remove.html"
    model = GroupMember
    form_class = ConfirmForm
    policy = GovernancePolicy
    permission = "manage"

    def get_queryset(self):
        return super().get_queryset().select_related("group", "membership__person")

    def perform(self, form):
        return services.group_member_remove(ctx=self.ctx, seat=self.object)

    def get_success_message(self):
        return f"{self.object.membership.person.get_full_name()} has been removed from {self.object.group}"

    def get_success_url(self):
        return reverse("group-detail", args=[self.ctx.partnership.slug, self.object.group_id])


# ----------------------------------------------------------------------------------------------
# Agency systems' API tokens (lscp/tokens.py)


class ApiTokenListView(PartnershipPage):
    template_name = "partners/api_token_list.html"
    policy = ApiTokenPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        issued = list(tokens.system_tokens(self.ctx.partnership))
        organisations = {
            membership.person_id: membership.member.organisation
            for membership in Membership.objects.for_partnership(self.ctx.partnership)
            .filter(person_id__in=[token.user_id for token in issued])
            .select_related("member__organisation")
        }
        context["tokens"] = [(token, organisations.get(token.user_id)) for token in issued]
        return context


class ApiTokenIssueView(PartnershipFormView):
    """The key is shown in the answer to the POST that makes it, and nowhere else ever."""

    template_name = "partners/api_token_issue.html"
    form_class = ApiTokenIssueForm
    policy = ApiTokenPolicy
    permission = "manage"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            with transaction.atomic():
                token, key = tokens.system_token_create(
                    ctx=self.ctx,
                    name=data["name"],
                    member=data["member"],
                    expires_on=data["expires_on"],
                    request=self.request,
                )
        except ValidationError as error:
            form.add_service_errors(error)
            return self.form_invalid(form)
        return self.response_class(
            request=self.request,
            template=["partners/api_token_issued.html"],
            context={**self.get_context_data(form=form), "token": token, "key": key, "organisation": data["member"]},
            using=self.template_engine,
        )


class ApiTokenRevokeView(PartnershipMixin, View):
    """POST the token's prefix: it stops working, and its service account's membership ends."""

    policy = ApiTokenPolicy
    permission = "manage"
    http_method_names = ["post", "options"]

    def post(self, request, *args, **kwargs):
        token = tokens.system_token_revoke(ctx=self.ctx, prefix=request.POST.get("prefix", ""), request=request)
        messages.success(request, f"The token ‘{token.name}’ ({token.token_key}…) has been revoked")
        return redirect("system-token-list", self.ctx.partnership.slug)


# ----------------------------------------------------------------------------------------------
# What each level signs


class SigningPolicyView(PartnershipPage):
    """Who signs what in this partnership, beside Working Together 2023's default and its reason."""

    template_name = "partners/signing_policy.html"
    policy = SigningPolicyPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        levels = signing.policy_levels(self.ctx.partnership)
        context["rows"] = [
            {
                "what": signing.Signable(what),
                "level": levels[what],
                "default": default,
                "reason": signing.WT2023_REASONS[what],
            }
            for what, default in signing.WT2023_DEFAULTS.items()
        ]
        context["can_manage"] = SigningPolicyPolicy.can(self.ctx, "manage")
        return context


class SigningPolicyEditView(PartnershipFormView):
    template_name = "partners/signing_policy_edit.html"
    form_class = SigningPolicyForm
    policy = SigningPolicyPolicy
    permission = "manage"
    success_message = "Who signs what has been saved"

    def get_initial(self):
        return signing.policy_levels(self.ctx.partnership)

    def perform(self, form):
        return services.signing_policy_set(ctx=self.ctx, levels=form.cleaned_data)

    def get_success_url(self):
        return reverse("signing-policy", args=[self.ctx.partnership.slug])


# ----------------------------------------------------------------------------------------------
# The partnership's offices: its chair and its independent scrutineer


class OfficesView(PartnershipPage):
    template_name = "partners/offices.html"
    policy = OfficePolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["offices"] = selectors.offices_for(self.ctx)
        context["can_manage_offices"] = OfficePolicy.can(self.ctx, "manage")
        return context


class OfficeEditView(PartnershipFormView):
    template_name = "partners/office_edit.html"
    form_class = OfficeForm
    policy = OfficePolicy
    permission = "manage"

    def dispatch(self, request, *args, **kwargs):
        self.kind = OfficeKind(kwargs.pop("kind"))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kind": self.kind}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "kind": self.kind}

    def perform(self, form):
        return services.office_assign(ctx=self.ctx, kind=self.kind, membership=form.cleaned_data["membership"])

    def get_success_message(self):
        return f"{self.result.membership.person} is the {in_sentence(self.kind.label)} from today"

    def get_success_url(self):
        return reverse("offices", args=[self.ctx.partnership.slug])
