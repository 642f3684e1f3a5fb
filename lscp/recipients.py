"""Who gets an email: the one place that reads a partnership's people for it. Only active
people in active roles, with an email address, are ever named."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import OuterRef, Subquery

from lscp.roles import Role
from partners.models import Membership, Seat


class Recipients:
    """Who is who in one partnership, read in one query: the business unit, its manager, the
    holders of the statutory partners' LSP and DSP seats, each organisation's agency leads. The deadline engine reads it once
    per sweep chunk (not once per clock); the services that email people ask it too."""

    def __init__(self, partnership, manager_id: int | None = None):
        self.partnership = partnership
        rows = list(
            Membership.objects.for_partnership(partnership)
            .filter(is_active=True, person__is_active=True)
            .exclude(person__email="")
            .annotate(
                seat=Subquery(
                    Seat.objects.for_partnership(partnership)
                    .filter(membership=OuterRef("pk"), until__isnull=True, member__ended_on__isnull=True)
                    .values("level")[:1]
                )
            )
            .values_list("pk", "role", "member_id", "person__email", "seat")
        )
        self._email = {pk: email for pk, _, _, email, _ in rows}
        self._business_unit = [email for _, role, _, email, _ in rows if role == Role.BUSINESS_UNIT]
        self._seats: dict[str, list[str]] = defaultdict(list)
        for _, _, _, email, seat in rows:
            if seat:
                self._seats[seat].append(email)
        self._agency_leads: dict[int, list[str]] = defaultdict(list)
        for _, role, member_id, email, _ in rows:
            if role == Role.AGENCY_LEAD and member_id:
                self._agency_leads[member_id].append(email)
        self._manager = self._email.get(manager_id) if manager_id else None

    def business_unit(self) -> list[str]:
        return list(self._business_unit)

    def manager(self) -> list[str]:
        return [self._manager] if self._manager else self.business_unit()

    def signers(self, level: str) -> list[str]:
        """Those holding a current seat at `level` ("lsp" or "dsp"): who signs what that level
        signs (partners/signing.py: level_for), and, the DSPs, who overdue clocks escalate to."""
        return list(self._seats.get(level, []))

    def agency_leads(self, member_id: int | None) -> list[str]:
        return list(self._agency_leads.get(member_id, [])) if member_id else []

    def membership(self, membership_id: int | None) -> list[str]:
        email = self._email.get(membership_id) if membership_id else None
        return [email] if email else []
