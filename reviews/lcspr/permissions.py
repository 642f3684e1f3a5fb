"""Who may see and do what with a local child safeguarding practice review (LCSPR)."""

from lscp.permissions import Policy, granted
from lscp.roles import BUSINESS_UNIT, EVERYONE, Role
from reviews.notifications.models import Notification
from reviews.notifications.permissions import VIEW_PERM, NotificationPolicy


class LcsprPolicy(Policy):
    """Everyone who may see the case sees its practice review's progress and clocks; the business
    unit runs it; reports are for the business unit and the partners."""

    resource = "practice review"
    rules = {
        "view": EVERYONE,
        "manage": BUSINESS_UNIT,
        "read_reports": frozenset({Role.BUSINESS_UNIT, Role.LSP, Role.DSP}),
    }

    @classmethod
    def filter(cls, ctx, queryset):
        if ctx.role == Role.AGENCY_LEAD:
            visible = granted(ctx, Notification.objects.for_partnership(ctx.partnership), VIEW_PERM)
            return queryset.filter(notification__in=visible)
        return queryset

    @classmethod
    def can_see(cls, ctx, obj) -> bool:
        notification = getattr(obj, "notification", obj)
        return NotificationPolicy.can_see(ctx, notification)
