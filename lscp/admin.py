"""Django admin: the administrator's cross-tenant view. The activity log is read-only here too."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from lscp import activity
from lscp.models import ActivityEvent, ApiToken, OutboxEmail
from lscp.tenancy import TenantContext


def sign_in_for_admin(request, extra_context=None):
    """Admin's login page: never admin's own password form (which no sign-in limit or second
    factor guards) but the service's sign-in page, then back to where admin was going."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return redirect(next_url)
        raise PermissionDenied  # signed in, but not an administrator: no loop through sign-in
    return redirect(reverse(settings.LOGIN_URL) + "?" + urlencode({"next": next_url}))


admin.site.login = sign_in_for_admin


class TenantAdmin(admin.ModelAdmin):
    """Admin for a tenant-owned model: every save is written to the activity log."""

    def _ctx(self, request, obj) -> TenantContext:
        return TenantContext.for_administrator(partnership=obj.partnership, user=request.user)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changes = {
            name: {"old": form.initial.get(name), "new": form.cleaned_data.get(name)} for name in form.changed_data
        }
        event = f"{obj._meta.model_name}.{'changed' if change else 'added'}_in_admin"
        activity.record(self._ctx(request, obj), event=event, obj=obj, changes=changes)

    def delete_model(self, request, obj):
        ctx = self._ctx(request, obj)
        description = str(obj)
        super().delete_model(request, obj)
        activity.record(
            ctx, event=f"{obj._meta.model_name}.deleted_in_admin", changes={"record": {"old": description, "new": None}}
        )


@admin.register(ActivityEvent)
class ActivityEventAdmin(admin.ModelAdmin):
    """The whole log, read-only: the only place installation-wide rows (no partnership: sign-ins,
    failures, refusals naming no partnership) are shown."""

    list_display = ["at", "partnership", "actor", "kind", "event", "object_repr"]
    list_filter = ["kind", ("partnership", admin.EmptyFieldListFilter), "partnership"]
    readonly_fields = ["at", "partnership", "seq", "hash"]
    search_fields = ["event", "object_repr", "actor__username"]
    date_hierarchy = "at"
    list_select_related = ["partnership", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "partnership", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "partnership"]
    search_fields = ["subject", "key"]
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Second factor (issue 12): when one is required, the admin site is open only to a session that
# has verified it (the middleware sends other sessions to the step before they get here).
def _admin_needs_second_factor(has_permission):
    from lscp.accounts import second_factor

    def check(request):
        return has_permission(request) and second_factor.admin_allows(request)

    return check


admin.site.has_permission = _admin_needs_second_factor(admin.site.has_permission)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API tokens, a list by their prefix only: the key is never stored, and the digest (the
    table's primary key) is on no page, link or checkbox, so there is no change page nor bulk
    action. Tokens are issued by the API and the business unit's page (which show the key once)
    and revoked there, or by deactivating the person."""

    list_display = ["token_key", "name", "user", "partnership", "created", "expiry", "last_used_at"]
    list_display_links = None
    list_filter = ["partnership"]
    search_fields = ["token_key", "name", "user__username"]
    list_select_related = ["user", "partnership"]
    actions = None

    def get_urls(self):
        return [url for url in super().get_urls() if getattr(url, "name", "") == "lscp_apitoken_changelist"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
