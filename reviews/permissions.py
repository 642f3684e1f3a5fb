"""Who may see and do what with notifications.

Agency leads see only the notifications their organisation submitted or knew the child in
(django-guardian grants to their organisation's group); the business unit and the statutory
partners' executive leads see all of their partnership's; scrutineers see every notification's
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


class InformationRequestPolicy(Policy):
    """Requests for individual agency summaries: the business unit asks, the organisation asked answers."""

    resource = "request for information"
    rules = {
        "view": CASEWORKERS,
        "request": BUSINESS_UNIT,  # ask, and reopen a submitted summary
        "answer": frozenset({Role.AGENCY_LEAD}),
    }

    @classmethod
    def filter(cls, ctx, queryset):
        if ctx.role == Role.AGENCY_LEAD:
            return queryset.filter(member=ctx.member) if ctx.member else queryset.none()
        return queryset

    @classmethod
    def can_see(cls, ctx, obj) -> bool:
        if ctx.role == Role.AGENCY_LEAD:
            return ctx.member is not None and obj.member_id == ctx.member.pk
        return True


class RapidReviewPolicy(Policy):
    """The meeting record and its outcome: recorded by the business unit, signed off by the three
    safeguarding partners' executive leads, who (with the business unit) may download the summary."""

    resource = "rapid review"
    rules = {
        "view": frozenset({Role.BUSINESS_UNIT, Role.EXECUTIVE_LEAD}),
        "manage": BUSINESS_UNIT,
        "sign": frozenset({Role.EXECUTIVE_LEAD}),
        "download_summary": frozenset({Role.BUSINESS_UNIT, Role.EXECUTIVE_LEAD}),
    }


class LcsprPolicy(Policy):
    """A local child safeguarding practice review: everyone who may see the case sees its progress
    and clocks; the business unit runs it; reports are for the business unit and the partners."""

    resource = "practice review"
    rules = {
        "view": EVERYONE,
        "manage": BUSINESS_UNIT,
        "read_reports": frozenset({Role.BUSINESS_UNIT, Role.EXECUTIVE_LEAD}),
    }

    @classmethod
    def filter(cls, ctx, queryset):
        if ctx.role == Role.AGENCY_LEAD:
            from reviews.models import Notification

            visible = granted(ctx, Notification.objects.for_partnership(ctx.partnership), VIEW_PERM)
            return queryset.filter(notification__in=visible)
        return queryset

    @classmethod
    def can_see(cls, ctx, obj) -> bool:
        notification = getattr(obj, "notification", obj)
        return NotificationPolicy.can_see(ctx, notification)
