"""The safeguarding partners' seats (Working Together 2023): each statutory partner member has an
LSP seat and a DSP seat, one current holder each, with since when; the signing contract
(partners/signing.py) says which level signs what."""

import datetime as dt

import time_machine

from lscp.models import ActivityEvent
from lscp.roles import Role
from partners import services, signing
from partners.models import Seat
from tests.support.world import add_person


def seats(world, **filters):
    return Seat.objects.for_partnership(world.partnership).filter(**filters)


def test_a_dsp_added_holds_their_partners_seat_from_today(world_a):
    seat = seats(world_a, membership=world_a.people["council"]).get()
    assert (seat.member, seat.level, seat.until) == (world_a.members["council"], "dsp", None)
    assert signing.seat_of(world_a.ctx("council")) == seat
    assert signing.seat_of(world_a.ctx("agency")) is None
    assert signing.seat_of(world_a.ctx("business")) is None


def test_giving_the_seat_to_someone_else_ends_the_previous_holders_and_logs_it(world_a):
    with time_machine.travel(dt.datetime(2026, 12, 7, 10, tzinfo=dt.UTC), tick=False):
        newcomer = add_person(world_a, "newdsp", role=Role.DSP, member=world_a.members["police"])
    before = seats(world_a, membership=world_a.people["police"]).get()
    assert before.until == dt.date(2026, 12, 7)
    current = seats(world_a, member=world_a.members["police"], level="dsp", until__isnull=True).get()
    assert current.membership == newcomer and current.since == dt.date(2026, 12, 7)
    ended = ActivityEvent.objects.for_partnership(world_a.partnership).get(event="seat.ended")
    assert ended.changes["reason"]["new"] == f"The seat was given to {newcomer.person}"
    assert not signing.may_sign(world_a.ctx("police"), signing.Signable.RAPID_REVIEW_OUTCOME)
    # Saving the former holder's role again gives the seat back (and ends the newcomer's).
    services.person_update(
        ctx=world_a.ctx(), membership=world_a.people["police"], role=Role.DSP, member=world_a.members["police"]
    )
    assert signing.may_sign(world_a.ctx("police"), signing.Signable.RAPID_REVIEW_OUTCOME)
    assert seats(world_a, member=world_a.members["police"], level="dsp").count() == 3


def test_another_role_or_deactivation_ends_the_seat(world_a):
    services.person_update(
        ctx=world_a.ctx(), membership=world_a.people["health"], role=Role.AGENCY_LEAD, member=world_a.members["health"]
    )
    assert not seats(world_a, membership=world_a.people["health"], until__isnull=True).exists()
    services.person_deactivate(ctx=world_a.ctx(), membership=world_a.people["council"])
    assert not seats(world_a, membership=world_a.people["council"], until__isnull=True).exists()


def test_wt2023_defaults_and_who_may_sign(world_a):
    assert signing.level_for(world_a.partnership, "rapid_review_outcome") == "dsp"
    assert signing.level_for(world_a.partnership, "budget") == "lsp"
    lsp = add_person(world_a, "lsp", role=Role.LSP, member=world_a.members["council"])
    from lscp.tenancy import TenantContext

    ctx = TenantContext(partnership=world_a.partnership, user=lsp.person, membership=lsp)
    assert signing.seat_of(ctx).level == "lsp"
    assert signing.may_sign(ctx, "budget") and not signing.may_sign(ctx, "rapid_review_outcome")
    assert signing.may_sign(world_a.ctx("council"), "rapid_review_outcome")
    assert not signing.may_sign(world_a.ctx("council"), "budget")
    assert not signing.may_sign(world_a.ctx("agency"), "rapid_review_outcome")


def test_signing_members_are_the_current_statutory_partners(world_a):
    members = signing.signing_members(world_a.partnership)
    assert members == [world_a.members["council"], world_a.members["police"], world_a.members["health"]]
    missing = signing.missing_members(world_a.partnership, "budget", {world_a.members["police"].pk})
    assert missing == [world_a.members["council"], world_a.members["health"]]


def test_the_member_page_shows_each_seat_its_holder_since_when_and_former_holders(world_a, as_user):
    from django.urls import reverse

    with time_machine.travel(dt.datetime(2026, 12, 7, 10, tzinfo=dt.UTC), tick=False):
        newcomer = add_person(world_a, "newdsp", role=Role.DSP, member=world_a.members["police"])
        lsp = add_person(world_a, "chief", role=Role.LSP, member=world_a.members["police"])
    client = as_user(world_a.people["business"])
    page = client.get(reverse("member-detail", args=[world_a.slug, world_a.members["police"].pk])).content.decode()
    assert "Safeguarding partner seats" in page
    assert f"{lsp.person.get_full_name()}</a>, since 7 December 2026" in page
    assert f"{newcomer.person.get_full_name()}</a>, since 7 December 2026" in page
    assert f"Former holders: {world_a.person('police').get_full_name()} (" in page
    person = client.get(reverse("person-detail", args=[world_a.slug, world_a.people["police"].pk])).content.decode()
    assert "Holds no seat today." in person
