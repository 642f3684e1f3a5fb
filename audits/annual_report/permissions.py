"""Who may see and write the annual report: everyone reads it; the business unit writes it."""

from lscp.permissions import Policy
from lscp.roles import BUSINESS_UNIT, EVERYONE


class AnnualReportPolicy(Policy):
    resource = "annual report"
    rules = {"view": EVERYONE, "manage": BUSINESS_UNIT}
