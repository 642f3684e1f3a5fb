"""Who may see and change the partnership's funding.

Working Together 2018 asks that funding be transparent (seed 003 §14), so everyone in the
partnership reads it: the business unit, statutory partners' LSPs and DSPs, scrutineers, and
agency leads (whose organisations contribute). Only the business unit changes it.
"""

from lscp.permissions import Policy
from lscp.roles import BUSINESS_UNIT, EVERYONE


class FundingPolicy(Policy):
    resource = "funding record"
    rules = {"view": EVERYONE, "manage": BUSINESS_UNIT}

    @classmethod
    def can_see(cls, ctx, obj) -> bool:
        """A record of another partnership is not there at all (a service handed one is a 404)."""
        return obj.partnership_id == ctx.partnership.pk
