"""Who may see and change the partnership's arrangements: its members, people and groups."""

from lscp.permissions import Policy
from lscp.roles import BUSINESS_UNIT, EVERYONE


class PartnershipPolicy(Policy):
    resource = "partnership"
    rules = {"view": EVERYONE}


class MemberPolicy(Policy):
    resource = "member organisation"
    rules = {"view": EVERYONE, "manage": BUSINESS_UNIT}


class PeoplePolicy(Policy):
    resource = "person"
    rules = {"view": EVERYONE, "manage": BUSINESS_UNIT}


class GovernancePolicy(Policy):
    resource = "governance group"
    rules = {"view": EVERYONE, "manage": BUSINESS_UNIT}


class ApiTokenPolicy(Policy):
    """Agency systems' API tokens (lscp/tokens.py): issued, listed and revoked by the business unit."""

    resource = "API token"
    rules = {"view": BUSINESS_UNIT, "manage": BUSINESS_UNIT}


class SigningPolicyPolicy(Policy):
    """What each level signs (partners/signing.py): read by everyone, set by the business unit."""

    resource = "signing policy"
    rules = {"view": EVERYONE, "manage": BUSINESS_UNIT}


class OfficePolicy(Policy):
    """The partnership's chair and independent scrutineer: read by everyone, named by the business unit."""

    resource = "office"
    rules = {"view": EVERYONE, "manage": BUSINESS_UNIT}
