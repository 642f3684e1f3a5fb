"""Reads of the partnership's arrangements, each narrowed by its policy."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.http import Http404

from lscp import database
from lscp.tenancy import TenantContext
from partners.models import (
    DesignatedAgency,
    GovernanceGroup,
    GroupMember,
    Invitation,
    InvitationStatus,
    Member,
    MemberKind,
    Membership,
    Office,
    OfficeKind,
    Seat,
    SeatLevel,
    StatutoryRole,
)
from partners.permissions import GovernancePolicy, MemberPolicy, PeoplePolicy


def members_for(ctx: TenantContext):
    queryset = (
        Member.objects.for_partnership(ctx.partnership)
        .filter(ended_on__isnull=True)
        .select_related("organisation")
        .annotate(people_count=Count("people", filter=Q(people__is_active=True)))
        .order_by("organisation__name", "pk")
    )
    return MemberPolicy.filter(ctx, queryset)


def former_members_for(ctx: TenantContext):
    """Members whose membership ended when their organisation merged into another: the history
    under today's list, each with the name it had then and its successor."""
    queryset = (
        Member.objects.for_partnership(ctx.partnership)
        .filter(ended_on__isnull=False)
        .select_related("organisation__successor")
        .prefetch_related("organisation__changes")
        .order_by("-ended_on", "organisation__name", "pk")
    )
    return MemberPolicy.filter(ctx, queryset)


def current_members(ctx: TenantContext, keep=()):
    """Today's member organisations, of every kind (statutory partners, relevant agencies,
    designated childcare or education agencies), by name: what every "which organisation" choice
    offers, on pages and in the API. A member whose membership ended (its organisation merged into
    another, whose member took its seat) is history, never a new choice; `keep` (members or their
    ids) are the ones a record being changed already names, still offered so that changing
    something else about it keeps them."""
    kept = {getattr(member, "pk", member) for member in keep if member}
    kept = {int(pk) for pk in kept if str(pk).isdigit()}
    today = Q(ended_on__isnull=True) | Q(pk__in=kept) if kept else Q(ended_on__isnull=True)
    return (
        Member.objects.for_partnership(ctx.partnership)
        .filter(today)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )


def designations_for(ctx: TenantContext):
    """The organisations the regulations designate for this partnership's area (CWSA 2026 s.2)."""
    return (
        DesignatedAgency.objects.for_partnership(ctx.partnership)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )


def missing_designated_agencies(
    ctx: TenantContext, designations: list[DesignatedAgency] | None = None
) -> list[tuple[DesignatedAgency, Member | None]]:
    """Each designated organisation (of `designations`, read if not given) that is not today a
    member as a designated childcare or education agency, with its membership of another kind if
    it has one: the partners page warns about each, with the designation's reason."""
    designations = list(designations_for(ctx)) if designations is None else designations
    if not designations:
        return []
    members = {
        member.organisation_id: member
        for member in Member.objects.for_partnership(ctx.partnership).filter(
            ended_on__isnull=True, organisation__in=[designation.organisation_id for designation in designations]
        )
    }
    return [
        (designation, members.get(designation.organisation_id))
        for designation in designations
        if getattr(members.get(designation.organisation_id), "kind", None) != MemberKind.DESIGNATED_EDUCATION_AGENCY
    ]


def missing_statutory_partners(ctx: TenantContext) -> list[str]:
    """The safeguarding partners' seats nobody holds yet (the page warns while any is empty)."""
    held = set(
        Member.objects.for_partnership(ctx.partnership)
        .filter(ended_on__isnull=True)
        .exclude(statutory_role="")
        .values_list("statutory_role", flat=True)
    )
    return [role.label for role in StatutoryRole if role.value not in held]


def people_for(ctx: TenantContext):
    """The partnership's people the caller may see (partners.filters.PeopleFilter narrows them)."""
    queryset = Membership.objects.for_partnership(ctx.partnership).select_related("person", "member__organisation")
    return PeoplePolicy.filter(ctx, queryset)


def pending_invitations(ctx: TenantContext):
    """Invitations not yet accepted nor withdrawn, as the business unit typed them."""
    return (
        Invitation.objects.for_partnership(ctx.partnership)
        .filter(status=InvitationStatus.PENDING)
        .select_related("member__organisation")
        .order_by("first_name", "last_name", "pk")
    )


def groups_for(ctx: TenantContext):
    seats = GroupMember.objects.for_partnership(ctx.partnership).select_related(
        "membership__person", "membership__member__organisation"
    )
    queryset = (
        GovernanceGroup.objects.for_partnership(ctx.partnership)
        .select_related("reports_to")
        .prefetch_related(Prefetch("seats", queryset=seats))
    )
    return GovernancePolicy.filter(ctx, queryset)


def active_people_choices(ctx: TenantContext):
    return (
        Membership.objects.for_partnership(ctx.partnership)
        .filter(is_active=True)
        .select_related("person", "member__organisation")
        .order_by("person__first_name", "person__last_name")
    )


def context_for(user, slug: str) -> TenantContext:
    """The signed-in user's context in the partnership `slug`, or 404.

    An inactive partnership, an unknown slug, no membership, or a deactivated membership all give
    the same 404: nothing tells an outsider whether the partnership exists.

    The partnership is also put in the database's scope here (lscp/database.py), first, so that
    PostgreSQL admits that partnership's rows and no other's for the rest of the request.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise Http404("No such partnership")
    database.set_partnership_by_slug(slug)
    # One membership a partnership at most: read by its id, not joined to the person for the
    # list's order by name.
    membership = (
        Membership.objects.active_in(user, slug)
        .select_related("partnership", "member__organisation")
        .order_by("pk")
        .first()
    )
    if membership is None:
        database.clear_partnership()
        raise Http404("No such partnership")
    return TenantContext(partnership=membership.partnership, user=user, membership=membership)


def seats_of(partnership, member: Member) -> list[dict]:
    """A statutory partner member's LSP and DSP seats: each level with its current holder (or
    None) and since when, then its former holders, latest first. One query."""
    seats = list(
        Seat.objects.for_partnership(partnership)
        .filter(member=member)
        .select_related("membership__person")
        .order_by("-since", "-pk")
    )
    return [
        {
            "level": level,
            "current": next((s for s in seats if s.level == level and s.until is None), None),
            "former": [s for s in seats if s.level == level and s.until is not None],
        }
        for level in SeatLevel
    ]


def with_seats(ctx: TenantContext, queryset):
    """People with the level and start of the seat each holds today for their member (no query per row)."""
    current = Seat.objects.for_partnership(ctx.partnership).filter(
        membership=OuterRef("pk"), member=OuterRef("member"), until__isnull=True
    )
    return queryset.annotate(
        seat_level=Subquery(current.values("level")[:1]), seat_since=Subquery(current.values("since")[:1])
    )


def offices_for(ctx: TenantContext) -> list[dict]:
    """Each office with its current holder (or None) and since when, then its former holders,
    latest first. One query."""
    held = list(
        Office.objects.for_partnership(ctx.partnership).select_related("membership__person").order_by("-since", "-pk")
    )
    return [
        {
            "kind": kind,
            "current": next((o for o in held if o.kind == kind and o.until is None), None),
            "former": [o for o in held if o.kind == kind and o.until is not None],
        }
        for kind in OfficeKind
    ]
