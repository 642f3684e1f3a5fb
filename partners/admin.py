from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError

from lscp import activity
from lscp.admin import TenantAdmin
from lscp.tenancy import TenantContext
from partners import history, services
from partners.models import (
    ChangeKind,
    GovernanceGroup,
    GroupMember,
    Member,
    Membership,
    Organisation,
    OrganisationChange,
    Partnership,
    Person,
)


class PartnershipCreationForm(forms.ModelForm):
    first_user_first_name = forms.CharField(label="First business-unit person: first name")
    first_user_last_name = forms.CharField(label="Last name")
    first_user_email = forms.EmailField(
        label="Email address", help_text="They are emailed a link to set their password"
    )
    first_user_username = forms.CharField(label="Username", required=False, help_text="Defaults to the email address")

    class Meta:
        model = Partnership
        fields = ["name", "slug", "area", "population"]

    def clean(self):
        data = super().clean()
        try:
            services.partnership_check(
                name=data.get("name", ""),
                slug=data.get("slug", ""),
                area=data.get("area", ""),
                population=data.get("population"),
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    if field not in self.errors:
                        self.add_error(field if field in self.fields else None, message)
        username = (data.get("first_user_username") or "").strip()
        if username and Person.objects.filter(username__iexact=username).exists():
            self.add_error("first_user_username", "This username is taken")
        return data


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "area", "population", "is_active"]
    search_fields = ["name", "slug", "area"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = PartnershipCreationForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return [
                "name",
                "slug",
                "area",
                "population",
                "first_user_first_name",
                "first_user_last_name",
                "first_user_email",
                "first_user_username",
            ]
        return ["name", "slug", "area", "population", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj else []

    def save_form(self, request, form, change):
        if change:
            return super().save_form(request, form, change)
        data = form.cleaned_data
        partnership, _ = services.partnership_create(
            actor=request.user,
            name=data["name"],
            slug=data["slug"],
            area=data["area"],
            population=data["population"],
            first_user_email=data["first_user_email"],
            first_user_first_name=data["first_user_first_name"],
            first_user_last_name=data["first_user_last_name"],
            first_user_username=data.get("first_user_username") or "",
        )
        return partnership

    def save_related(self, request, form, formsets, change):
        if change:  # a new partnership was saved whole by the service
            super().save_related(request, form, formsets, change)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            ctx = TenantContext.for_administrator(partnership=obj, user=request.user)
            changes = {n: {"old": form.initial.get(n), "new": form.cleaned_data.get(n)} for n in form.changed_data}
            activity.record(ctx, event="partnership.changed_in_admin", obj=obj, changes=changes)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "national_id", "successor", "merged_on"]
    list_filter = ["sector"]
    search_fields = ["name", "national_id"]
    fields = ["name", "sector", "national_id", "successor", "merged_on"]
    readonly_fields = ["successor", "merged_on"]  # recorded as an OrganisationChange, which moves seats


class OrganisationChangeForm(forms.ModelForm):
    """Record a change of name or merger (partners/history.py). Organisations are shared by every
    partnership, so only an administrator records one; each partnership sees the history."""

    class Meta:
        model = OrganisationChange
        fields = ["organisation", "kind", "effective_on", "new_name", "successor", "reason"]
        labels = {"effective_on": "Date the change took effect", "successor": "Merged into"}
        help_texts = {"new_name": "For a change of name", "successor": "For a merger"}

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        common = {
            "organisation": data.get("organisation"),
            "effective_on": data.get("effective_on"),
            "reason": data.get("reason"),
        }
        if data.get("kind") == ChangeKind.RENAME:
            errors = history.rename_errors(new_name=data.get("new_name"), **common)
        else:
            errors = history.merge_errors(successor=data.get("successor"), **common)
        for field, message in errors.items():
            self.add_error(field, message)
        return data

    def _post_clean(self):
        pass  # the service validates and writes the row (save_model)


@admin.register(OrganisationChange)
class OrganisationChangeAdmin(admin.ModelAdmin):
    form = OrganisationChangeForm
    list_display = ["organisation", "kind", "effective_on", "successor", "recorded_by"]
    list_select_related = ["organisation", "successor", "recorded_by"]
    list_filter = ["kind"]

    def has_change_permission(self, request, obj=None):
        return False  # history is appended, never rewritten

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        common = {
            "organisation": data["organisation"],
            "effective_on": data["effective_on"],
            "reason": data["reason"],
            "by": request.user,
        }
        if data["kind"] == ChangeKind.RENAME:
            made = history.organisation_rename(new_name=data["new_name"], **common)
        else:
            made = history.organisation_merge(successor=data["successor"], **common)
        for field in made._meta.concrete_fields:  # the admin logs and links the row it holds
            setattr(obj, field.attname, getattr(made, field.attname))


@admin.register(Member)
class MemberAdmin(TenantAdmin):
    list_display = ["organisation", "partnership", "kind", "statutory_role"]
    list_filter = ["partnership", "kind"]
    list_select_related = ["organisation", "partnership"]
    readonly_fields = ["partnership", "organisation"]

    def has_add_permission(self, request):
        return False  # members are added by the business unit, through the service


@admin.register(Person)
class PersonAdmin(UserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "is_active", "is_superuser"]


@admin.register(Membership)
class MembershipAdmin(TenantAdmin):
    list_display = ["person", "partnership", "role", "member", "is_active"]
    list_filter = ["partnership", "role", "is_active"]
    list_select_related = ["person", "partnership", "member__organisation"]
    readonly_fields = ["partnership", "person"]
    fields = ["partnership", "person", "role", "member", "job_title", "is_active"]

    def has_add_permission(self, request):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "member":
            object_id = request.resolver_match.kwargs.get("object_id")
            membership = Membership.dangerously_unscoped.filter(pk=object_id).first()
            if membership is not None:
                kwargs["queryset"] = Member.dangerously_unscoped.filter(partnership=membership.partnership)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SeatInline(admin.TabularInline):
    model = GroupMember
    extra = 0
    readonly_fields = ["membership", "group_role"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(GovernanceGroup)
class GovernanceGroupAdmin(TenantAdmin):
    list_display = ["name", "partnership", "kind", "is_active"]
    list_filter = ["partnership", "kind"]
    readonly_fields = ["partnership", "reports_to"]
    fields = ["partnership", "name", "kind", "purpose", "reports_to", "position", "is_active"]
    inlines = [SeatInline]

    def has_add_permission(self, request):
        return False
