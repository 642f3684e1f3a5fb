"""The scrutiny dashboard is everyone's to read; nobody changes it (it is computed)."""

from lscp.permissions import Policy
from lscp.roles import EVERYONE


class DashboardPolicy(Policy):
    resource = "dashboard"
    rules = {"view": EVERYONE}
