"""Adding a person invites them (issue 12, finding 7): the adder sees only what they typed, the
answer is the same whether or not the email has an account, and the role exists only once the
invitee accepts from the emailed link (signed, expiring, replaced by a resend, refused once
withdrawn or used)."""

import datetime as dt
import re

import pytest
import time_machine
from django.dispatch import receiver
from django.test import Client
from django.urls import reverse

from lscp.activity.signals import security_event
from lscp.models import OutboxEmail
from partners import services
from partners.models import Invitation, InvitationStatus, Membership, Person
from tests.support.clients import api_as, signed_in
from tests.support.world import PASSWORD

pytestmark = pytest.mark.django_db

TYPED = {"first_name": "Typed", "last_name": "Names", "role": "scrutineer", "job_title": "Lay member"}


def link_in_latest_email(world) -> str:
    email = OutboxEmail.objects.for_partnership(world.partnership).filter(key__startswith="invitation:").latest("pk")
    return re.search(r"https?://[^/\s]+(/accounts/invitation/[^/\s]+/)", email.body).group(1)


@pytest.fixture
def events():
    seen = []

    @receiver(security_event, weak=False)
    def note(sender, event, person=None, partnership=None, details=None, **kwargs):
        seen.append((event, person, partnership))

    yield seen
    security_event.disconnect(note)


def test_adding_another_partnerships_account_shows_nothing_of_it_and_gives_no_role(world_a, world_b):
    """Today's answer carried the account's username and real names, and made a membership."""
    theirs = world_b.person("agency")
    page = signed_in(world_a.people["business"]).post(
        reverse("person-add", args=[world_a.slug]), {**TYPED, "email": theirs.email}, follow=True
    )
    html = page.content.decode().replace(theirs.email, "")  # the address typed is shown
    assert page.status_code == 200 and "Typed Names" in html
    assert theirs.username not in html and theirs.get_full_name() not in html
    assert not Membership.objects.for_partnership(world_a.partnership).filter(person=theirs).exists()
    assert Invitation.objects.for_partnership(world_a.partnership).get().status == InvitationStatus.PENDING


def test_the_api_answers_the_same_for_a_new_address_and_an_existing_account(world_a, world_b):
    client = api_as(world_a.people["business"])
    url = f"/api/v1/{world_a.slug}/people/"
    existing = client.post(url, {**TYPED, "email": world_b.person("police").email}, format="json")
    new = client.post(url, {**TYPED, "email": "nobody-yet@example.org"}, format="json")
    assert existing.status_code == new.status_code == 201
    a, b = existing.json(), new.json()
    assert (
        set(a)
        == set(b)
        == {
            "id",
            "status",
            "email",
            "first_name",
            "last_name",
            "role",
            "member",
            "job_title",
            "sent_at",
        }
    )
    for answer in (a, b):
        assert (answer["first_name"], answer["last_name"], answer["status"]) == ("Typed", "Names", "pending")
    answer = existing.content.decode().replace(world_b.person("police").email, "")
    assert world_b.person("police").username not in answer and world_b.person("police").last_name not in answer
    # Both are emailed, the same way.
    emails = OutboxEmail.objects.for_partnership(world_a.partnership).filter(key__startswith="invitation:")
    assert sorted(e.to for e in emails) == sorted([[world_b.person("police").email], ["nobody-yet@example.org"]])
    assert not Membership.objects.for_partnership(world_a.partnership).filter(person__email__in=[a["email"]]).exists()


def test_an_existing_account_signs_in_and_accepts(world_a, world_b, events):
    theirs = world_b.person("agency")
    invitation = services.invitation_send(ctx=world_a.ctx(), email=theirs.email, **TYPED)
    link = link_in_latest_email(world_a)
    anonymous = Client().get(link).content.decode()
    assert "Sign in to accept" in anonymous
    client = Client()
    client.post(reverse("sign-in"), {"username": theirs.username, "password": PASSWORD})
    assert "Accept the invitation" in client.get(link).content.decode()
    assert client.post(link).status_code == 302
    membership = Membership.objects.for_partnership(world_a.partnership).get(person=theirs)
    assert (membership.role, membership.job_title, membership.is_active) == ("scrutineer", "Lay member", True)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED and invitation.membership == membership
    assert ("invitation-sent", None, world_a.partnership) in events
    assert ("invitation-accepted", theirs, world_a.partnership) in events
    # Used: the link refuses.
    assert "already been accepted" in client.get(link).content.decode()


def test_someone_else_signed_in_cannot_accept(world_a, world_b):
    services.invitation_send(ctx=world_a.ctx(), email=world_b.person("agency").email, **TYPED)
    link = link_in_latest_email(world_a)
    other = signed_in(world_b.people["police"])
    assert "signed in as someone else" in other.get(link).content.decode()
    other.post(link)
    assert not Membership.objects.for_partnership(world_a.partnership).filter(person=world_b.person("police")).exists()


def test_someone_new_sets_a_password_and_the_account_has_the_typed_names(world_a):
    services.invitation_send(ctx=world_a.ctx(), email="New.Person@example.org", **TYPED)
    link = link_in_latest_email(world_a)
    client = Client()
    assert "Accept and set password" in client.get(link).content.decode()
    weak = client.post(link, {"new_password1": "password", "new_password2": "password"})
    assert weak.status_code == 200 and not Person.objects.filter(email="new.person@example.org").exists()
    good = "a-long-and-unusual-passphrase"
    assert client.post(link, {"new_password1": good, "new_password2": good}).status_code == 302
    person = Person.objects.get(email="new.person@example.org")
    assert (person.first_name, person.last_name) == ("Typed", "Names") and person.check_password(good)
    assert Membership.objects.for_partnership(world_a.partnership).get(person=person).role == "scrutineer"


def test_withdrawn_expired_and_replaced_links_refuse(world_a):
    ctx = world_a.ctx()
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        invitation = services.invitation_send(ctx=ctx, email="late@example.org", **TYPED)
        first = link_in_latest_email(world_a)
        services.invitation_resend(ctx=ctx, invitation=invitation)
        second = link_in_latest_email(world_a)
        assert first != second
        assert "sent again" in Client().get(first).content.decode()
        assert "Accept and set password" in Client().get(second).content.decode()
    with time_machine.travel(dt.datetime(2026, 3, 9, 10, tzinfo=dt.UTC), tick=False):
        expired = Client().get(second).content.decode()
        assert "This invitation has expired" in expired
        Client().post(
            second, {"new_password1": "a-long-and-unusual-passphrase", "new_password2": "a-long-and-unusual-passphrase"}
        )
        assert not Person.objects.filter(email="late@example.org").exists()
        services.invitation_resend(ctx=ctx, invitation=invitation)
        third = link_in_latest_email(world_a)
        services.invitation_withdraw(ctx=ctx, invitation=invitation)
        assert "withdrawn" in Client().get(third).content.decode()
    assert "not complete" in Client().get("/accounts/invitation/not-a-real-link/").content.decode()


def test_the_people_list_shows_the_invitation_as_typed_and_the_business_unit_withdraws_it(world_a, world_b):
    services.invitation_send(ctx=world_a.ctx(), email=world_b.person("agency").email, **TYPED)
    invitation = Invitation.objects.for_partnership(world_a.partnership).get()
    business = signed_in(world_a.people["business"])
    html = business.get(reverse("person-list", args=[world_a.slug])).content.decode()
    assert "Typed Names" in html and "Invited" in html
    assert world_b.person("agency").get_full_name() not in html
    business.post(reverse("invitation-withdraw", args=[world_a.slug, invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.WITHDRAWN
    assert signed_in(world_a.people["agency"]).post(
        reverse("invitation-resend", args=[world_a.slug, invitation.pk])
    ).status_code in (403, 404)
