"""Who may see and change retention: the business unit sets the schedule, places and lifts holds
and runs disposal; the independent scrutineer reads all of it (WT2023's scrutiny); nobody else."""

from lscp.permissions import Policy
from lscp.roles import BUSINESS_UNIT, Role

READERS = frozenset({Role.BUSINESS_UNIT, Role.SCRUTINEER})


class RetentionPolicy(Policy):
    resource = "retention record"
    rules = {"view": READERS, "manage": BUSINESS_UNIT}

    @classmethod
    def can_see(cls, ctx, obj) -> bool:
        return obj.partnership_id == ctx.partnership.pk


class CaseExportPolicy(Policy):
    """A whole case's export (a subject access or disclosure request) is the business unit's."""

    resource = "case"
    rules = {"export": BUSINESS_UNIT}

    @classmethod
    def can_see(cls, ctx, obj) -> bool:
        return obj.partnership_id == ctx.partnership.pk
