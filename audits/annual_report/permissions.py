"""Who may see and write the yearly report: everyone reads it; the business unit writes it; the
independent scrutineer writes their commentary on it, and nothing else (lscp/roles.py)."""

from lscp.permissions import Policy
from lscp.roles import BUSINESS_UNIT, EVERYONE, Role

SCRUTINEER = frozenset({Role.SCRUTINEER})


class AnnualReportPolicy(Policy):
    resource = "yearly report"
    rules = {"view": EVERYONE, "manage": BUSINESS_UNIT, "comment": SCRUTINEER}
