"""Pages for the partnership's arrangements: home, members, people, governance."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from lscp.web.home import home_sections
from lscp.web.lists import paginate, sort
from lscp.web.views import PartnershipFormView, PartnershipPage, RecordFormView, RecordMixin
from partners import selectors, services
from partners.filters import PeopleFilter
from partners.forms import (
    ConfirmForm,
    GroupMemberAddForm,
    MemberAddForm,
    MemberEditForm,
    PersonAddForm,
    PersonEditForm,
    seat_to_kind,
)
from partners.models import GovernanceGroup, GroupMember, Member, Membership
from partners.permissions import GovernancePolicy, MemberPolicy, PartnershipPolicy, PeoplePolicy


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
        members, sorting = sort(
            self.request,
            selectors.members_for(self.ctx),
            columns={
                "name": "organisation__name",
                "sector": "organisation__sector",
                "membership": ["kind", "statutory_role"],
            },
            default="membership",
        )
        context.update(
            page=paginate(self.request, members),
            sorting=sorting,
            missing_statutory=selectors.missing_statutory_partners(self.ctx),
            can_manage=MemberPolicy.can(self.ctx, "manage"),
        )
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
        return context


class MemberEditView(RecordFormView):
    template_name = "partners/member_edit.html"
    model = Member
    form_class = MemberEditForm
    policy = MemberPolicy
    permission = "manage"

    def get_initial(self):
        return {"seat": self.object.statutory_role or "relevant_agency"}

    def perform(self, form):
        kind, statutory_role = seat_to_kind(form.cleaned_data["seat"])
        return services.member_update(ctx=self.ctx, member=self.object, kind=kind, statutory_role=statutory_role)

    def get_success_message(self):
        return f"{self.object.organisation}'s membership has been changed"

    def get_success_url(self):
        return reverse("member-detail", args=[self.ctx.partnership.slug, self.object.pk])


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
        )
        return context


class PersonAddView(PartnershipFormView):
    template_name = "partners/person_add.html"
    form_class = PersonAddForm
    policy = PeoplePolicy
    permission = "manage"

    def perform(self, form):
        data = form.cleaned_data
        return services.person_add(
            ctx=self.ctx,
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            role=data["role"],
            member=data["member"],
            job_title=data["job_title"],
        )

    def get_success_message(self):
        return f"{self.result.person.get_full_name()} has been added as {self.result.get_role_display().lower()}"

    def get_success_url(self):
        return reverse("person-detail", args=[self.ctx.partnership.slug, self.result.pk])


class PersonDetailView(RecordMixin, TemplateView):
    template_name = "partners/person_detail.html"
    model = Membership
    policy = PeoplePolicy

    def get_queryset(self):
        return super().get_queryset().select_related("person", "member__organisation")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["seats"] = self.object.seats.select_related("group")
        context["can_manage"] = PeoplePolicy.can(self.ctx, "manage", self.object)
        context["is_self"] = self.object.person_id == self.ctx.user.pk
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
