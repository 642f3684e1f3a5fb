"""Who may see and do what with self-assessments. Scrutineers read them and change none."""

from lscp.permissions import Policy
from lscp.roles import BUSINESS_UNIT, EVERYONE, Role


class SelfAssessmentPolicy(Policy):
    """Each organisation grades itself; the business unit moderates. Agency leads see their own
    organisation's returns only; everyone else in the partnership sees them all (the heatmap).
    An agency lead answers their own organisation's return; the business unit may record any
    organisation's return as received from it (a school's, or one sent by email)."""

    resource = "self-assessment"
    rules = {
        "view": EVERYONE,
        "answer": frozenset({Role.AGENCY_LEAD, Role.BUSINESS_UNIT}),
        "moderate": BUSINESS_UNIT,
        "manage": BUSINESS_UNIT,  # standards and cycles
    }

    OWN = "own"
    FOR_ORGANISATION = "for_organisation"

    @classmethod
    def answering_as(cls, ctx, assessment=None) -> str | None:
        """How this person answers returns (this one, if given): OWN, their own organisation's
        as its agency lead; FOR_ORGANISATION, recording one received from the organisation; or
        None."""
        if not cls.can(ctx, "answer", assessment):
            return None
        if ctx.role == Role.AGENCY_LEAD:
            return cls.OWN if ctx.member is not None else None
        return cls.FOR_ORGANISATION

    @classmethod
    def filter(cls, ctx, queryset):
        # Records of one organisation (returns) are its own; the rest (cycles) everyone's, as in can_see.
        if ctx.role == Role.AGENCY_LEAD and hasattr(queryset.model, "member_id"):
            return queryset.filter(member=ctx.member) if ctx.member else queryset.none()
        return queryset

    @classmethod
    def can_see(cls, ctx, obj) -> bool:
        if ctx.role == Role.AGENCY_LEAD and hasattr(obj, "member_id"):
            return cls._own(ctx, obj)
        return True

    @classmethod
    def object_allows(cls, ctx, permission: str, obj) -> bool:
        """An agency lead answers their own organisation's return, never another's."""
        if permission == "answer" and ctx.role == Role.AGENCY_LEAD:
            return cls._own(ctx, obj)
        return True

    @staticmethod
    def _own(ctx, obj) -> bool:
        return ctx.member is not None and obj.member_id == ctx.member.pk
