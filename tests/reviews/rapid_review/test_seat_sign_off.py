"""A rapid review's outcome is signed by each current statutory partner member (a joint
partnership's two councils each sign), by the holder of its seat at the level the partnership's
signing policy gives (DSPs by default); each signature records its seat, level and the version."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from lscp.roles import Role
from lscp.states import StateError
from lscp.tenancy import TenantContext
from partners import services as partner_services
from partners.models import MemberKind, Sector, SigningPolicy
from reviews.models import SignOff
from reviews.notifications import services
from reviews.rapid_review import selectors as rapid_selectors
from reviews.rapid_review import services as rapid
from tests.support.makers_reviews import meeting, started
from tests.support.world import add_person, organisation


def ctx_of(world, membership):
    return TenantContext(partnership=world.partnership, user=membership.person, membership=membership)


@pytest.fixture
def second_council(world_a):
    """A joint partnership: Southend's council joins Thurrock's, with its own DSP."""
    member = partner_services.member_add(
        ctx=world_a.ctx(),
        organisation=organisation("Southend-on-Sea City Council", Sector.COUNCIL),
        kind=MemberKind.STATUTORY_PARTNER,
        statutory_role="council",
    )
    return member, add_person(world_a, "council2", role=Role.DSP, member=member)


def test_each_council_of_a_joint_partnership_signs(world_a, second_council, as_user):
    member, dsp = second_council
    notification = started(world_a)
    meeting(world_a, notification)
    rapid.send_for_sign_off(world_a.ctx(), notification)
    for who in ("council", "police", "health"):
        rapid.sign_off(world_a.ctx(who), notification, decision="signed")
    review = rapid_selectors.rapid_review_for(notification)
    assert review.status == "awaiting_sign_off"  # before: signed off with one council of two
    assert rapid_selectors.missing_signers(review) == [member]
    page = as_user(world_a.people["business"]).get(reverse("rapid-review", args=[world_a.slug, notification.pk]))
    assert "3 of 4 signed" in page.content.decode()
    assert "Southend-on-Sea City Council: not yet" in page.content.decode()
    with pytest.raises(StateError) as error:
        services.record_step(world_a.ctx(), notification, step="rapid_review_completed", on=None)
    assert str(error.value) == "Waiting for sign-off from Southend-on-Sea City Council."
    rapid.sign_off(ctx_of(world_a, dsp), notification, decision="signed")
    review.refresh_from_db()
    assert review.status == "signed_off"
    assert SignOff.objects.for_partnership(world_a.partnership).filter(review=review, decision="signed").count() == 4


def test_a_signature_records_its_seat_level_and_the_version_signed(world_a):
    notification = started(world_a)
    review = meeting(world_a, notification)
    rapid.send_for_sign_off(world_a.ctx(), notification)
    signed = rapid.sign_off(world_a.ctx("police"), notification, decision="signed")
    assert (signed.member, signed.level, signed.signed_version) == (world_a.members["police"], "dsp", review.version)
    assert signed.seat.membership == world_a.people["police"]


def test_the_signer_holds_a_seat_at_the_policy_s_level(world_a):
    notification = started(world_a)
    meeting(world_a, notification)
    rapid.send_for_sign_off(world_a.ctx(), notification)
    # The business unit chose the LSPs for rapid reviews.
    SigningPolicy.objects.for_partnership(world_a.partnership).create(
        partnership=world_a.partnership, levels={"rapid_review_outcome": "lsp"}
    )
    with pytest.raises(PermissionDenied, match="lead safeguarding partners"):
        rapid.sign_off(world_a.ctx("council"), notification, decision="signed")
    lsp = add_person(world_a, "lsp", role=Role.LSP, member=world_a.members["council"])
    signed = rapid.sign_off(ctx_of(world_a, lsp), notification, decision="signed")
    assert signed.level == "lsp"


def test_a_dsp_whose_seat_was_given_to_someone_else_cannot_sign(world_a):
    notification = started(world_a)
    meeting(world_a, notification)
    rapid.send_for_sign_off(world_a.ctx(), notification)
    newcomer = add_person(world_a, "newdsp", role=Role.DSP, member=world_a.members["health"])
    with pytest.raises(PermissionDenied):
        rapid.sign_off(world_a.ctx("health"), notification, decision="signed")
    assert (
        rapid.sign_off(ctx_of(world_a, newcomer), notification, decision="signed").member == world_a.members["health"]
    )
