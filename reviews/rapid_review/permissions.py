"""Who may see and do what in a rapid review: requests for information and their answers, the
meeting record and its outcome, and sign-off. The object rules ("an agency answers only its own
organisation's request", "only a statutory partner signs") are here, asked by pages, the API and
the services alike."""

from django.core.exceptions import PermissionDenied

from lscp.permissions import Policy
from lscp.roles import BUSINESS_UNIT, CASEWORKERS, SAFEGUARDING_PARTNERS, Role
from partners.signing import Signable, level_for, seat_of, seat_words


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
            return cls._addressed_to_own_organisation(ctx, obj)
        return True

    @classmethod
    def object_allows(cls, ctx, permission: str, obj) -> bool:
        if permission == "answer":  # an agency answers only its own organisation's request
            return cls._addressed_to_own_organisation(ctx, obj)
        return True

    @classmethod
    def require(cls, ctx, permission: str, obj=None) -> None:
        super().require(ctx, permission, None)
        if (
            permission == "answer"
            and obj is not None
            and cls.can_see(ctx, obj)
            and not cls.object_allows(ctx, permission, obj)
        ):
            raise PermissionDenied(f"This request is addressed to {obj.member}, not to your organisation.")
        super().require(ctx, permission, obj)

    @staticmethod
    def _addressed_to_own_organisation(ctx, request) -> bool:
        return ctx.member is not None and request.member_id == ctx.member.pk


class RapidReviewPolicy(Policy):
    """The meeting record and its outcome: recorded by the business unit, signed off by the
    safeguarding partners (each statutory partner member's seat holder at the level the partnership's
    signing policy gives: DSPs by default), who with the business unit may download the summary."""

    resource = "rapid review"
    rules = {
        "view": frozenset({Role.BUSINESS_UNIT, Role.LSP, Role.DSP}),
        "manage": BUSINESS_UNIT,
        "sign": SAFEGUARDING_PARTNERS,
        "download_summary": frozenset({Role.BUSINESS_UNIT, Role.LSP, Role.DSP}),
    }

    @classmethod
    def object_allows(cls, ctx, permission: str, obj) -> bool:
        if permission == "sign":  # only a statutory partner signs
            return cls.signing_partner(ctx) is not None
        return True

    @classmethod
    def require(cls, ctx, permission: str, obj=None) -> None:
        super().require(ctx, permission, None)
        if permission == "sign" and obj is not None and not cls.object_allows(ctx, permission, obj):
            level = seat_words(level_for(ctx.partnership, Signable.RAPID_REVIEW_OUTCOME))
            raise PermissionDenied(
                f"Only the safeguarding partners' {level}s, in their seats, sign off a rapid review."
            )
        super().require(ctx, permission, obj)

    @classmethod
    def signing_partner(cls, ctx):
        """The seat (its member, level) this person signs the outcome in, or None if they sign for none."""
        if not cls.can(ctx, "sign"):
            return None
        seat = seat_of(ctx)
        if seat is None or seat.level != level_for(ctx.partnership, Signable.RAPID_REVIEW_OUTCOME):
            return None
        return seat if seat.member.is_statutory else None
