"""Who may see and do what with audits, self-assessments, the dataset, the challenge log, the
dashboard and the annual report. Scrutineers read all of it and change none of it."""

from lscp.permissions import Policy
from lscp.roles import BUSINESS_UNIT, EVERYONE, Role


class AuditPolicy(Policy):
    resource = "audit"
    rules = {"view": EVERYONE, "manage": BUSINESS_UNIT}


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
            if ctx.member is None or (assessment is not None and assessment.member_id != ctx.member.pk):
                return None
            return cls.OWN
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
            return ctx.member is not None and obj.member_id == ctx.member.pk
        return True


class DatasetPolicy(Policy):
    resource = "indicator"
    rules = {"view": EVERYONE, "manage": BUSINESS_UNIT}


class ChallengePolicy(Policy):
    resource = "challenge"
    rules = {"view": EVERYONE, "manage": BUSINESS_UNIT}


class DashboardPolicy(Policy):
    resource = "dashboard"
    rules = {"view": EVERYONE}


class AnnualReportPolicy(Policy):
    resource = "annual report"
    rules = {"view": EVERYONE, "manage": BUSINESS_UNIT}
