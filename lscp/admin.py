"""Django admin: the administrator's cross-tenant view. The activity log is read-only here too."""

from __future__ import annotations

from django.contrib import admin

from lscp import activity
from lscp.models import ActivityEvent, OutboxEmail
from lscp.tenancy import TenantContext


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
