"""Who may see and do what with notifications.

Agency leads see only the notifications their organisation submitted or knew the child in
(django-guardian grants to their organisation's group); the business unit and the statutory
partners' LSPs and DSPs see all of their partnership's; scrutineers see every notification's
status and timeliness, never a child's details."""

from lscp.permissions import Policy, granted, has_grant
from lscp.roles import BUSINESS_UNIT, CASEWORKERS, EVERYONE, Role

VIEW_PERM = "reviews.view_notification"


class NotificationPolicy(Policy):
    resource = "notification"
    rules = {
        "view": EVERYONE,
        "view_details": CASEWORKERS,  # the children, the summary and the incident
        "submit": frozenset({Role.BUSINESS_UNIT, Role.AGENCY_LEAD}),
        "manage": BUSINESS_UNIT,  # criteria decisions, statutory steps, case officer
    }

    @classmethod
    def filter(cls, ctx, queryset):
        if ctx.role == Role.AGENCY_LEAD:
            return granted(ctx, queryset, VIEW_PERM)
        return queryset

    @classmethod
    def can_see(cls, ctx, obj) -> bool:
        if ctx.role == Role.AGENCY_LEAD:
            return has_grant(ctx, obj, VIEW_PERM)
        return True
