"""Who may see and change the audit programme: everyone reads it; the business unit plans it."""

from lscp.permissions import Policy
from lscp.roles import BUSINESS_UNIT, EVERYONE


class AuditPolicy(Policy):
    resource = "audit"
    rules = {"view": EVERYONE, "manage": BUSINESS_UNIT}
