"""Who may see and change the partnership's funding.

Working Together 2018 asks that funding be transparent (seed 003 §14), so everyone in the
partnership reads it: the business unit, statutory partners' LSPs and DSPs, scrutineers, and
agency leads (whose organisations contribute). Only the business unit changes it.
"""

from lscp.permissions import Policy
from lscp.roles import BUSINESS_UNIT, EVERYONE, SAFEGUARDING_PARTNERS


class FundingPolicy(Policy):
    resource = "funding record"
    # sign: a year's shared budget, by each statutory partner member's seat holder at the level
    # the partnership's signing policy gives (partners/signing.py: LSPs by default)
    rules = {"view": EVERYONE, "manage": BUSINESS_UNIT, "sign": SAFEGUARDING_PARTNERS}

    @classmethod
    def object_allows(cls, ctx, permission: str, obj) -> bool:
        if permission == "sign":
            from partners.sign_offs import signer_seat
            from partners.signing import Signable

            return signer_seat(ctx, Signable.BUDGET) is not None
        return True

    @classmethod
    def can_see(cls, ctx, obj) -> bool:
        """A record of another partnership is not there at all (a service handed one is a 404)."""
        return obj.partnership_id == ctx.partnership.pk
