"""Who may see and change the multi-agency dataset: everyone reads it; the business unit keeps it."""

from lscp.permissions import Policy
from lscp.roles import BUSINESS_UNIT, EVERYONE


class DatasetPolicy(Policy):
    resource = "indicator"
    rules = {"view": EVERYONE, "manage": BUSINESS_UNIT}
