"""Who may see and do what with a local child safeguarding practice review (LCSPR)."""

from django.core.exceptions import PermissionDenied

from lscp.permissions import Policy, granted
from lscp.roles import BUSINESS_UNIT, EVERYONE, SAFEGUARDING_PARTNERS, Role
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
        # the decision: each statutory partner member's seat holder at the policy's level
        "sign": SAFEGUARDING_PARTNERS,
    }

    @classmethod
    def object_allows(cls, ctx, permission: str, obj) -> bool:
        if permission == "sign":
            from partners.sign_offs import signer_seat
            from partners.signing import Signable

            return signer_seat(ctx, Signable.LCSPR_DECISION) is not None
        return True

    @classmethod
    def require(cls, ctx, permission: str, obj=None) -> None:
        super().require(ctx, permission, None)
        if (
            permission == "sign"
            and obj is not None
            and cls.can_see(ctx, obj)
            and not cls.object_allows(ctx, permission, obj)
        ):
            from partners.sign_offs import require_seat
            from partners.signing import Signable

            require_seat(ctx, Signable.LCSPR_DECISION)
            raise PermissionDenied("You do not sign this decision.")
        super().require(ctx, permission, obj)

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
