"""Who signs what (Working Together 2023): each safeguarding partner's lead safeguarding partner
(LSP) and delegated safeguarding partner (DSP), their seats, and the level that signs each kind of
record in a partnership.

Every sign-off needs each current statutory partner member (`signing_members`: a partnership may
cover several local authorities, each signs), signed by the person holding that member's seat at
the level the partnership's policy gives (`level_for`: WT2023's defaults unless the business unit
changed them). The sign-offs themselves live with what they sign (a rapid review's outcome, an
LCSPR decision, a funding year, a governance document) and record who, in which seat, when, and
which version.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone

from lscp.checks import in_sentence
from lscp.roles import Role

if TYPE_CHECKING:
    from lscp.tenancy import TenantContext
    from partners.models import Member, Partnership, Seat


class Signable(models.TextChoices):
    RAPID_REVIEW_OUTCOME = "rapid_review_outcome", "Rapid review outcome"
    LCSPR_DECISION = "lcspr_decision", "Decision on a local child safeguarding practice review"
    ARRANGEMENTS = "arrangements", "Published safeguarding arrangements"
    THRESHOLD_DOCUMENT = "threshold_document", "Threshold document"
    YEARLY_REPORT = "yearly_report", "Yearly report"
    BUDGET = "budget", "Shared budget (each partner's contribution for the year)"


# Working Together 2023's defaults: the DSPs decide on casework, the LSPs sign what the
# partnership publishes and pays for.
WT2023_DEFAULTS: dict[str, str] = {
    "rapid_review_outcome": "dsp",
    "lcspr_decision": "dsp",
    "arrangements": "lsp",
    "threshold_document": "lsp",
    "yearly_report": "lsp",
    "budget": "lsp",
}

# Why each default is what it is, as the policy page states it.
WT2023_REASONS: dict[str, str] = {
    Signable.RAPID_REVIEW_OUTCOME: (
        "Working Together 2023 lets the lead safeguarding partners delegate casework decisions: the "
        "delegated safeguarding partners agree the rapid review and its recommendation to the Panel."
    ),
    Signable.LCSPR_DECISION: (
        "Whether to commission a local child safeguarding practice review is a casework decision the "
        "delegated safeguarding partners take for the lead safeguarding partners."
    ),
    Signable.ARRANGEMENTS: (
        "The lead safeguarding partners are jointly responsible for the published arrangements, "
        "including the plans for independent scrutiny, and sign them."
    ),
    Signable.THRESHOLD_DOCUMENT: (
        "The threshold document is part of the arrangements the lead safeguarding partners publish."
    ),
    Signable.YEARLY_REPORT: "The yearly report is signed off by the lead safeguarding partners before publication.",
    Signable.BUDGET: (
        "Each partner's contribution to the shared budget is a funding commitment only the lead "
        "safeguarding partner can make for their organisation."
    ),
}

LEVELS = (Role.LSP.value, Role.DSP.value)


def policy_levels(partnership: Partnership) -> dict[str, str]:
    """The level for every signable thing in this partnership: the defaults, with its policy's."""
    from partners.models import SigningPolicy

    levels = dict(WT2023_DEFAULTS)
    chosen = SigningPolicy.objects.for_partnership(partnership).values_list("levels", flat=True).first() or {}
    levels.update({what: level for what, level in chosen.items() if what in levels and level in LEVELS})
    return levels


def level_for(partnership: Partnership, what: str) -> str:
    """ "lsp" or "dsp": who signs `what` in this partnership."""
    if what not in WT2023_DEFAULTS:
        raise ValueError(f"Nothing signable is called {what!r}")
    return policy_levels(partnership)[what]


def signing_members(partnership: Partnership, on: dt.date | None = None) -> list[Member]:
    """The statutory partner members that must each sign, on `on` (today): every current one,
    several councils included, in the order local authority, police, health."""
    from partners.models import Member, MemberKind, StatutoryRole

    on = on or timezone.localdate()
    members = (
        Member.objects.for_partnership(partnership)
        .filter(kind=MemberKind.STATUTORY_PARTNER)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        .filter(Q(joined_on__isnull=True) | Q(joined_on__lte=on))
        .select_related("organisation")
    )
    order = {role: i for i, role in enumerate(StatutoryRole.values)}
    return sorted(members, key=lambda m: (order.get(m.statutory_role, 9), m.organisation.name.lower(), m.pk))


def seat_of(ctx: TenantContext) -> Seat | None:
    """The signed-in person's current seat (its member a current statutory partner), or None."""
    from partners.models import Seat

    if ctx.membership is None or ctx.role not in LEVELS or not ctx.membership.is_active:
        return None
    return (
        Seat.objects.for_partnership(ctx.partnership)
        .filter(membership=ctx.membership, until__isnull=True, member__ended_on__isnull=True)
        .filter(member_id=ctx.membership.member_id)
        .select_related("member__organisation", "membership")
        .first()
    )


def may_sign(ctx: TenantContext, what: str) -> bool:
    """Whether the signed-in person holds a current seat at the level that signs `what`."""
    seat = seat_of(ctx)
    return seat is not None and seat.member.is_statutory and seat.level == level_for(ctx.partnership, what)


def missing_members(partnership: Partnership, what: str, signed_member_ids: set[int]) -> list[Member]:
    """The members still to sign `what`, given the members whose signatures stand."""
    return [m for m in signing_members(partnership) if m.pk not in signed_member_ids]


def seat_words(level: str) -> str:
    """ "lead safeguarding partner" / "delegated safeguarding partner", for messages."""
    return in_sentence(Role(level).label)
