"""The roles a person holds in a partnership, and the sets of them that policies name.

Imports nothing of the project: the tenancy, the policies, the models and the pages all use it.
"""

from django.db import models


class Role(models.TextChoices):
    BUSINESS_UNIT = "business_unit", "Business unit"
    AGENCY_LEAD = "agency_lead", "Agency lead"
    EXECUTIVE_LEAD = "executive_lead", "Statutory partner executive lead"
    SCRUTINEER = "scrutineer", "Scrutineer"

    # Not a membership role: the system operator, acting from Django admin or a command.
    ADMINISTRATOR = "administrator", "Administrator"


MEMBERSHIP_ROLES = [choice for choice in Role.choices if choice[0] != Role.ADMINISTRATOR]

EVERYONE = frozenset({Role.BUSINESS_UNIT, Role.AGENCY_LEAD, Role.EXECUTIVE_LEAD, Role.SCRUTINEER})
BUSINESS_UNIT = frozenset({Role.BUSINESS_UNIT})
CASEWORKERS = frozenset({Role.BUSINESS_UNIT, Role.AGENCY_LEAD, Role.EXECUTIVE_LEAD})
