"""Who may see and change the challenge log: everyone reads it; the business unit records it."""

from lscp.permissions import Policy
from lscp.roles import BUSINESS_UNIT, EVERYONE


class ChallengePolicy(Policy):
    resource = "challenge"
    rules = {"view": EVERYONE, "manage": BUSINESS_UNIT}
