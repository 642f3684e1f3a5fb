"""The roles a person holds in a partnership, and the sets of them that policies name.

Imports nothing of the project: the tenancy, the policies, the models and the pages all use it.
"""

from django.db import models


class Role(models.TextChoices):
    BUSINESS_UNIT = "business_unit", "Business unit"
    AGENCY_LEAD = "agency_lead", "Agency lead"
    # Working Together 2023: each safeguarding partner's lead safeguarding partner (the council's
    # chief executive, the chief officer of police, the ICB's chief executive) and the delegated
    # safeguarding partner the LSP names. Which of them signs what: partners/signing.py.
    LSP = "lsp", "Lead safeguarding partner"
    DSP = "dsp", "Delegated safeguarding partner"
    SCRUTINEER = "scrutineer", "Scrutineer"

    # Not a membership role: the system operator, acting from Django admin or a command.
    ADMINISTRATOR = "administrator", "Administrator"


MEMBERSHIP_ROLES = [choice for choice in Role.choices if choice[0] != Role.ADMINISTRATOR]

# The safeguarding partners' two seats: a DSP does what an executive lead did; an LSP can do the
# same, and signs the LSP-level things.
SAFEGUARDING_PARTNERS = frozenset({Role.LSP, Role.DSP})
EVERYONE = frozenset({Role.BUSINESS_UNIT, Role.AGENCY_LEAD, Role.LSP, Role.DSP, Role.SCRUTINEER})
BUSINESS_UNIT = frozenset({Role.BUSINESS_UNIT})
CASEWORKERS = frozenset({Role.BUSINESS_UNIT, Role.AGENCY_LEAD, Role.LSP, Role.DSP})
