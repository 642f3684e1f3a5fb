"""Partnerships, members, people and governance: what users do, and what bad input gets."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lscp.models import ActivityEvent, OutboxEmail
from lscp.roles import Role
from partners import services
from partners.models import (
    GovernanceGroup,
    GroupMember,
    Invitation,
    Member,
    Membership,
    Organisation,
    Partnership,
    Person,
    Sector,
)
from tests.support.clients import error_by_field
from tests.support.world import PASSWORD, World, make_admin, organisation

pytestmark = pytest.mark.django_db


def counts(world):
    return (
        Member.objects.for_partnership(world.partnership).count(),
        Membership.objects.for_partnership(world.partnership).count(),
        Person.objects.count(),
        Organisation.objects.count(),
        ActivityEvent.objects.for_partnership(world.partnership).filter(kind="write").count(),
    )


# ----------------------------------------------------------------------------------------------
# Creating a partnership (administrator)


def test_create_partnership_command_creates_partnership_groups_and_invites_first_user(db):
    admin = make_admin()
    call_command(
        "create_partnership",
        name="Thurrock LSCP",
        slug="thurrock",
        area="Thurrock",
        population=167025,
        first_user_email="manager@thurrock.example.org",
        first_user_first_name="Maria",
        first_user_last_name="Okafor",
        administrator=admin.username,
    )
    partnership = Partnership.objects.get(slug="thurrock")
    membership = Membership.objects.for_partnership(partnership).get()
    assert membership.role == Role.BUSINESS_UNIT and membership.person.email == "manager@thurrock.example.org"
    assert not membership.person.has_usable_password()
    groups = set(GovernanceGroup.objects.for_partnership(partnership).values_list("name", flat=True))
    assert {
        "Strategic Group",
        "Management Executive Board",
        "Learning & Practice Review Group",
        "MACE",
        "Audit Group",
    } <= groups
    invitation = OutboxEmail.objects.for_partnership(partnership).get()
    assert invitation.to == ["manager@thurrock.example.org"]
    assert "/accounts/set-password/" in invitation.body


def test_duplicate_and_reserved_slugs_are_refused_and_change_nothing(world_a):
    admin = world_a.admin
    before = Partnership.objects.count()
    with pytest.raises(CommandError, match="slug: A partnership already uses this slug"):
        call_command(
            "create_partnership",
            name="Another",
            slug="thurrock",
            area="X",
            population=1,
            first_user_email="x@example.org",
            first_user_first_name="X",
            first_user_last_name="Y",
            administrator=admin.username,
        )
    with pytest.raises(ValidationError) as error:
        services.partnership_create(
            actor=admin,
            name="API LSCP",
            slug="api",
            area="X",
            population=5,
            first_user_email="y@example.org",
            first_user_first_name="Y",
            first_user_last_name="Z",
        )
    assert "used by the site itself" in error.value.message_dict["slug"][0]
    assert Partnership.objects.count() == before


def test_admin_creates_a_partnership_and_refuses_a_duplicate_slug_by_the_field(world_a):
    client = Client()
    client.force_login(world_a.admin)
    url = reverse("admin:partners_partnership_add")
    data = {
        "name": "Essex Safeguarding Children Board",
        "slug": "thurrock",
        "area": "Essex",
        "population": "1455340",
        "first_user_first_name": "Fiona",
        "first_user_last_name": "Grant",
        "first_user_email": "fiona@example.org",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "A partnership already uses this slug" in response.content.decode()
    assert 'value="Essex Safeguarding Children Board"' in response.content.decode()
    assert not Partnership.objects.filter(name__startswith="Essex").exists()
    response = client.post(url, {**data, "slug": "essex"})
    assert response.status_code == 302
    essex = Partnership.objects.get(slug="essex")
    assert Membership.objects.for_partnership(essex).get().person.email == "fiona@example.org"


def test_only_an_administrator_creates_partnerships(world_a):
    with pytest.raises(Exception, match="Only an administrator"):
        services.partnership_create(
            actor=world_a.person("business"),
            name="N",
            slug="n",
            area="N",
            population=1,
            first_user_email="n@example.org",
            first_user_first_name="N",
            first_user_last_name="N",
        )


# ----------------------------------------------------------------------------------------------
# Member organisations


def test_member_list_warns_while_a_statutory_partner_is_missing(db, as_user):
    admin = make_admin()
    partnership, business = services.partnership_create(
        actor=admin,
        name="New LSCP",
        slug="new",
        area="New",
        population=1000,
        first_user_email="new@example.org",
        first_user_first_name="N",
        first_user_last_name="B",
    )
    client = as_user(business)
    page = client.get(reverse("member-list", args=["new"])).content.decode()
    assert "missing a statutory partner: local authority, police, health (ccg / icb)" in page
    ctx = World(partnership, admin)
    ctx.people["business"] = business
    for role, name, sector in [("council", "New Council", Sector.COUNCIL), ("police", "Essex Police", Sector.POLICE)]:
        services.member_add(
            ctx=ctx.ctx(), organisation=organisation(name, sector), kind="statutory_partner", statutory_role=role
        )
    page = client.get(reverse("member-list", args=["new"])).content.decode()
    assert "missing a statutory partner: health (ccg / icb)" in page
    services.member_add(
        ctx=ctx.ctx(),
        organisation=organisation("New CCG", Sector.HEALTH),
        kind="statutory_partner",
        statutory_role="health",
    )
    assert "missing a statutory partner" not in client.get(reverse("member-list", args=["new"])).content.decode()


def test_business_unit_adds_an_organisation(world_a, as_user):
    client = as_user(world_a.people["business"])
    response = client.post(
        reverse("member-add", args=[world_a.slug]),
        {"new_organisation_name": "CAFCASS", "new_organisation_sector": "courts", "seat": "relevant_agency"},
    )
    assert response.status_code == 302
    member = Member.objects.for_partnership(world_a.partnership).get(organisation__name="CAFCASS")
    assert member.kind == "relevant_agency"
    event = ActivityEvent.objects.for_partnership(world_a.partnership).filter(event="member.added").latest("id")
    assert event.actor == world_a.person("business") and event.changes["kind"]["new"] == "relevant_agency"


def test_an_organisation_added_twice_is_refused_by_the_field(world_a, as_user):
    client = as_user(world_a.people["business"])
    before = counts(world_a)
    nelft = Organisation.objects.get(name="NELFT")
    response = client.post(
        reverse("member-add", args=[world_a.slug]), {"organisation": nelft.pk, "seat": "relevant_agency"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert error_by_field(html, "id_organisation") == "NELFT is already a member of Thurrock LSCP"
    assert "There is a problem" in html and 'href="#id_organisation"' in html
    assert f'<option value="{nelft.pk}" selected>' in html  # the input is kept
    assert counts(world_a) == before


def test_one_organisation_serves_several_partnerships(world_a, world_b):
    police_a = world_a.members["police"].organisation
    police_b = world_b.members["police"].organisation
    assert police_a == police_b and Organisation.objects.filter(name="Essex Police").count() == 1


def test_a_statutory_seat_needs_an_organisation_of_that_sector(world_a, as_user):
    client = as_user(world_a.people["business"])
    fire = organisation("Essex County Fire and Rescue Service", Sector.FIRE)
    before = counts(world_a)
    response = client.post(reverse("member-add", args=[world_a.slug]), {"organisation": fire.pk, "seat": "police"})
    html = response.content.decode()
    assert "a fire and rescue organisation, so it cannot be the police statutory partner" in error_by_field(
        html, "id_seat"
    )
    assert 'value="police" checked' in html
    assert counts(world_a) == before


def test_a_joint_partnership_may_have_two_councils(world_a, as_user):
    """Working Together 2023: a partnership may cover several local authorities; each is a
    statutory partner (and each signs)."""
    client = as_user(world_a.people["business"])
    other_council = organisation("Southend-on-Sea City Council", Sector.COUNCIL)
    response = client.post(
        reverse("member-add", args=[world_a.slug]), {"organisation": other_council.pk, "seat": "council"}
    )
    assert response.status_code == 302
    councils = Member.objects.for_partnership(world_a.partnership).filter(statutory_role="council")
    assert {str(m) for m in councils} == {"Thurrock Council", "Southend-on-Sea City Council"}


def test_new_organisation_needs_a_sector_and_not_both_choices(world_a, as_user):
    client = as_user(world_a.people["business"])
    response = client.post(
        reverse("member-add", args=[world_a.slug]),
        {"new_organisation_name": "Youth Offending Service", "seat": "relevant_agency"},
    )
    assert (
        error_by_field(response.content.decode(), "id_new_organisation_sector")
        == "Choose the new organisation's sector"
    )
    assert 'value="Youth Offending Service"' in response.content.decode()
    response = client.post(reverse("member-add", args=[world_a.slug]), {"seat": "relevant_agency"})
    assert (
        error_by_field(response.content.decode(), "id_organisation")
        == "Choose an organisation, or enter a new organisation's name"
    )


def test_changing_a_membership_is_logged_with_old_and_new(world_a, as_user):
    client = as_user(world_a.people["business"])
    youth = services.member_add(
        ctx=world_a.ctx(),
        organisation=organisation("Thurrock Youth Offending Service", Sector.YOUTH_JUSTICE),
        kind="relevant_agency",
    )
    police_seat = client.post(reverse("member-edit", args=[world_a.slug, youth.pk]), {"seat": "police"})
    assert "cannot be the police statutory partner" in error_by_field(police_seat.content.decode(), "id_seat")
    # A council-sector organisation can hold no seat while Thurrock Council holds the council seat.
    response = client.post(
        reverse("member-edit", args=[world_a.slug, world_a.members["council"].pk]), {"seat": "relevant_agency"}
    )
    assert "People are lead or delegated safeguarding partners for this organisation" in error_by_field(
        response.content.decode(), "id_seat"
    )


# ----------------------------------------------------------------------------------------------
# People


def test_business_unit_adds_a_person_who_is_invited(world_a, as_user):
    client = as_user(world_a.people["business"])
    response = client.post(
        reverse("person-add", args=[world_a.slug]),
        {
            "first_name": "Aisha",
            "last_name": "Khan",
            "email": "Aisha.Khan@Thurrock.example.org",
            "job_title": "Learning and Practice Review Co-ordinator",
            "role": "business_unit",
            "member": "",
        },
    )
    invitation = Invitation.objects.for_partnership(world_a.partnership).get(email="aisha.khan@thurrock.example.org")
    assert response.status_code == 302 and response["Location"].endswith("/people/")
    assert (invitation.role, invitation.first_name, invitation.status) == (Role.BUSINESS_UNIT, "Aisha", "pending")
    # No role until they accept.
    assert not Membership.objects.for_partnership(world_a.partnership).filter(person__email=invitation.email).exists()
    email = OutboxEmail.objects.for_partnership(world_a.partnership).get(
        key=f"invitation:{invitation.pk}:{invitation.nonce}"
    )
    assert email.to == ["aisha.khan@thurrock.example.org"] and "/accounts/invitation/" in email.body


def test_invitation_link_sets_a_password_then_sign_in_works(world_a):
    from lscp import outbox

    membership = services.person_add(
        ctx=world_a.ctx(), email="new.person@example.org", first_name="New", last_name="Person", role=Role.SCRUTINEER
    )
    email = OutboxEmail.objects.for_partnership(world_a.partnership).get(key=f"invite:membership:{membership.pk}")
    assert outbox.deliver(email.pk) is True
    assert len(mail.outbox) == 1 and mail.outbox[0].extra_headers["Message-ID"] == email.message_id
    link = re.search(r"http://[^/]+(/accounts/set-password/\S+)", email.body).group(1)
    client = Client()
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(
        form_url, {"new_password1": "a-long-enough-passphrase", "new_password2": "a-long-enough-passphrase"}
    )
    assert response.status_code == 302
    assert (
        client.post(
            reverse("sign-in"), {"username": "new.person@example.org", "password": "a-long-enough-passphrase"}
        ).status_code
        == 302
    )
    assert outbox.deliver(email.pk) is False  # sent once, never again


def test_adding_someone_with_a_role_elsewhere_links_their_existing_account(world_a, world_b):
    person = world_b.person("scrutineer")
    membership = services.person_add(
        ctx=world_a.ctx(), email=person.email.upper(), first_name="Ignored", last_name="Ignored", role=Role.SCRUTINEER
    )
    assert membership.person == person
    assert Person.objects.filter(email__iexact=person.email).count() == 1


def test_the_same_membership_twice_is_refused_by_the_field(world_a, as_user):
    client = as_user(world_a.people["business"])
    before = counts(world_a)
    existing = world_a.person("scrutineer")
    response = client.post(
        reverse("person-add", args=[world_a.slug]),
        {"first_name": "Same", "last_name": "Person", "email": existing.email, "role": "scrutineer"},
    )
    html = response.content.decode()
    assert (
        error_by_field(html, "id_email")
        == "Someone with this email address already has a role in this partnership: change theirs instead"
    )
    assert f'value="{existing.email}"' in html and 'value="Same"' in html
    assert counts(world_a) == before


def test_a_dsp_must_act_for_a_statutory_partner(world_a, as_user):
    client = as_user(world_a.people["business"])
    before = counts(world_a)
    response = client.post(
        reverse("person-add", args=[world_a.slug]),
        {
            "first_name": "Ellis",
            "last_name": "Grey",
            "email": "ellis@example.org",
            "role": "dsp",
            "member": world_a.members["agency"].pk,
        },
    )
    html = response.content.decode()
    assert (
        "NELFT is a relevant agency: a delegated safeguarding partner acts for a statutory partner"
        in error_by_field(html, "id_member")
    )
    assert counts(world_a) == before
    response = client.post(
        reverse("person-add", args=[world_a.slug]),
        {"first_name": "Ellis", "last_name": "Grey", "email": "ellis@example.org", "role": "agency_lead", "member": ""},
    )
    assert (
        error_by_field(response.content.decode(), "id_member")
        == "Choose the member organisation this agency lead acts for"
    )


def test_another_partnerships_organisation_is_not_a_choice(world_a, world_b, as_user):
    client = as_user(world_a.people["business"])
    theirs = world_b.members["council"]
    response = client.post(
        reverse("person-add", args=[world_a.slug]),
        {"first_name": "E", "last_name": "G", "email": "eg@example.org", "role": "agency_lead", "member": theirs.pk},
    )
    assert "Select one of the" in error_by_field(response.content.decode(), "id_member")
    assert f'value="{theirs.pk}"' not in client.get(reverse("person-add", args=[world_a.slug])).content.decode()


def test_missing_fields_each_get_a_message(world_a, as_user):
    response = as_user(world_a.people["business"]).post(reverse("person-add", args=[world_a.slug]), {})
    html = response.content.decode()
    for field in ("id_first_name", "id_last_name", "id_email", "id_role"):
        assert error_by_field(html, field), field
    assert html.count('class="govuk-error-summary"') == 1
    assert "<title>Error: Add a person" in html


def test_deactivate_and_reactivate(world_a, as_user):
    client = as_user(world_a.people["business"])
    agency = world_a.people["agency"]
    assert client.post(reverse("person-deactivate", args=[world_a.slug, agency.pk])).status_code == 302
    agency.refresh_from_db()
    assert not agency.is_active and agency.deactivated_at
    listed = client.get(reverse("person-list", args=[world_a.slug])).content.decode()
    assert "has been deactivated" in listed  # the confirmation, once
    listed = client.get(reverse("person-list", args=[world_a.slug])).content.decode()
    assert agency.person.get_full_name() not in listed
    deactivated = client.get(reverse("person-list", args=[world_a.slug]) + "?status=deactivated").content.decode()
    assert agency.person.get_full_name() in deactivated
    assert client.post(reverse("person-reactivate", args=[world_a.slug, agency.pk])).status_code == 302
    agency.refresh_from_db()
    assert agency.is_active
    events = list(
        ActivityEvent.objects.for_partnership(world_a.partnership)
        .filter(object_id=str(agency.pk), kind="write")
        .values_list("event", flat=True)
    )
    assert events[:2] == ["person.reactivated", "person.deactivated"]


def test_you_cannot_deactivate_yourself(world_a, as_user):
    business = world_a.people["business"]
    response = as_user(business).post(reverse("person-deactivate", args=[world_a.slug, business.pk]))
    assert "You cannot deactivate yourself" in response.content.decode()
    business.refresh_from_db()
    assert business.is_active


def test_the_deactivate_page_refuses_yourself_before_you_confirm(world_a, as_user):
    """The page asks services.deactivation_refusal on GET, as the service does: the reason and
    back to the person, rather than a confirmation page whose button can only fail."""
    business = world_a.people["business"]
    client = as_user(business)
    response = client.get(reverse("person-deactivate", args=[world_a.slug, business.pk]))
    assert response.status_code == 302 and response["Location"].endswith(f"/people/{business.pk}/")
    assert "You cannot deactivate yourself" in client.get(response["Location"]).content.decode()
    agency = world_a.people["agency"]
    assert client.get(reverse("person-deactivate", args=[world_a.slug, agency.pk])).status_code == 200


def test_a_deactivated_person_signing_in_is_told_why(world_a):
    services.person_deactivate(ctx=world_a.ctx(), membership=world_a.people["agency"])
    response = Client().post(reverse("sign-in"), {"username": world_a.person("agency").username, "password": PASSWORD})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your access has been removed" in html
    assert f'value="{world_a.person("agency").username}"' in html
    # A person deactivated by the administrator is told the same, and a wrong password is just wrong.
    scrutineer = world_a.person("scrutineer")
    scrutineer.is_active = False
    scrutineer.save()
    assert (
        "Your access has been removed"
        in Client().post(reverse("sign-in"), {"username": scrutineer.username, "password": PASSWORD}).content.decode()
    )
    wrong = Client().post(reverse("sign-in"), {"username": scrutineer.username, "password": "wrong"}).content.decode()
    assert "Enter a correct username and password" in wrong and "access has been removed" not in wrong


def test_too_many_wrong_passwords_refuse_sign_in_for_a_while_then_it_works_again(world_a, settings):
    """The account's lock (django-axes, lscp/accounts/limits.py; tests/lscp/test_sign_in_limits.py
    has the rest)."""
    settings.AXES_FAILURE_LIMIT = 3
    username, other = world_a.person("agency").username, world_a.person("council").username
    for _ in range(2):
        wrong = Client().post(reverse("sign-in"), {"username": username, "password": "guess"}).content.decode()
        assert "Enter a correct username and password" in wrong
    locking = Client().post(reverse("sign-in"), {"username": username, "password": "guess"}).content.decode()
    assert "This account is locked" in locking
    # The right password now is refused too, without saying whether it was right; input kept.
    response = Client().post(reverse("sign-in"), {"username": username, "password": PASSWORD})
    html = response.content.decode()
    assert response.status_code == 200
    assert "This account is locked because a wrong password was entered too many times. Wait 15 minutes" in html
    assert "ask your partnership&#x27;s business unit to unlock it" in html
    assert f'value="{username}"' in html and "Enter a correct username" not in html
    # The same username typed differently counts the same; a made-up one is refused alike.
    assert (
        "This account is locked"
        in Client()
        .post(reverse("sign-in"), {"username": f" {username.upper()} ", "password": PASSWORD})
        .content.decode()
    )
    for _ in range(3):
        Client().post(reverse("sign-in"), {"username": "nobody-here", "password": "guess"})
    assert (
        "This account is locked"
        in Client().post(reverse("sign-in"), {"username": "nobody-here", "password": "guess"}).content.decode()
    )
    # Other people sign in as usual.
    assert Client().post(reverse("sign-in"), {"username": other, "password": PASSWORD}).status_code == 302
    # When the cool-off has passed, the right password works again.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        assert Client().post(reverse("sign-in"), {"username": username, "password": PASSWORD}).status_code == 302


def test_a_success_clears_the_count_and_one_address_is_throttled_not_locked(world_a, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.LSCP_SIGN_IN_ADDRESS_LIMIT = 6
    username = world_a.person("agency").username
    for _ in range(2):
        Client().post(reverse("sign-in"), {"username": username, "password": "guess"})
    assert Client().post(reverse("sign-in"), {"username": username, "password": PASSWORD}).status_code == 302
    for _ in range(2):
        Client().post(reverse("sign-in"), {"username": username, "password": "guess"})
    assert Client().post(reverse("sign-in"), {"username": username, "password": PASSWORD}).status_code == 302
    # Six wrong passwords from one address across usernames: newcomers there wait a minute, others do not.
    for name in ("a-1", "a-2", "a-3", "a-4", "a-5", "a-6"):
        Client(REMOTE_ADDR="192.0.2.7").post(reverse("sign-in"), {"username": name, "password": "guess"})
    council = world_a.person("council").username
    here = Client(REMOTE_ADDR="192.0.2.7").post(reverse("sign-in"), {"username": council, "password": PASSWORD})
    assert "too many attempts to sign in from your network. Wait" in here.content.decode()
    elsewhere = Client(REMOTE_ADDR="198.51.100.9").post(reverse("sign-in"), {"username": council, "password": PASSWORD})
    assert elsewhere.status_code == 302


def test_sign_in_by_email_and_the_list_of_partnerships(world_a, world_b):
    person = world_a.person("council")
    services.person_add(ctx=world_b.ctx(), email=person.email, first_name="x", last_name="y", role=Role.SCRUTINEER)
    client = Client()
    response = client.post(reverse("sign-in"), {"username": person.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    page = client.get(reverse("partnership-list")).content.decode()
    assert "Thurrock LSCP" in page and "Southend LSCP" in page
    home = client.get(reverse("partnership-home", args=[world_b.slug])).content.decode()
    assert "Change partnership" in home


def test_sign_out_is_a_post(world_a, as_user):
    client = as_user(world_a.people["business"])
    assert client.get(reverse("sign-out")).status_code == 405
    assert client.post(reverse("sign-out")).status_code == 302
    assert client.get(reverse("partnership-home", args=[world_a.slug])).status_code == 302


# ----------------------------------------------------------------------------------------------
# Governance


def test_governance_structure_with_its_members(world_a, as_user):
    world_a.objects[GroupMember]  # the council's lead on the Strategic Group
    client = as_user(world_a.people["scrutineer"])
    page = client.get(reverse("group-list", args=[world_a.slug])).content.decode()
    for name in (
        "Strategic Group",
        "Management Executive Board",
        "Learning &amp; Practice Review Group",
        "MACE",
        "Audit Group",
    ):
        assert name in page
    assert world_a.person("council").get_full_name() in page  # the council's lead sits on the Strategic Group


def test_adding_someone_to_a_group_twice_is_refused(world_a, as_user):
    world_a.objects[GroupMember]  # the council's lead on the Strategic Group
    group = GovernanceGroup.objects.for_partnership(world_a.partnership).get(name="Strategic Group")
    client = as_user(world_a.people["business"])
    response = client.post(
        reverse("group-member-add", args=[world_a.slug, group.pk]),
        {"membership": world_a.people["council"].pk, "group_role": "member"},
    )
    assert "is already a member of Strategic Group" in error_by_field(response.content.decode(), "id_membership")
    response = client.post(
        reverse("group-member-add", args=[world_a.slug, group.pk]),
        {"membership": world_a.people["police"].pk, "group_role": "chair"},
    )
    assert response.status_code == 302
    assert group.seats.filter(group_role="chair").count() == 1
    seat = group.seats.get(membership=world_a.people["police"])
    assert client.post(reverse("group-member-remove", args=[world_a.slug, seat.pk])).status_code == 302
    assert not group.seats.filter(membership=world_a.people["police"]).exists()


def test_the_invitation_is_written_from_its_template_with_the_shared_footer(world_a):
    """The invitation ends with the footer every email has (it had none)."""
    membership = services.person_add(
        ctx=world_a.ctx(),
        email="jo.new@example.org",
        first_name="Jo",
        last_name="New",
        role=Role.AGENCY_LEAD,
        member=world_a.members["agency"],
    )
    email = OutboxEmail.objects.for_partnership(world_a.partnership).get(key=f"invite:membership:{membership.pk}")
    assert email.subject == f"Your role in {world_a.partnership.name}"
    assert email.body.startswith("Dear Jo New,\n\n")
    assert f"the role of agency lead for NELFT in {world_a.partnership.name}" in email.body
    assert "Set your password here (the link works once, for 3 days):\nhttp" in email.body
    assert "with your username: jo.new@example.org" in email.body
    assert email.body.endswith(
        f"You get this email because of your role in {world_a.partnership.name}. "
        "It holds no details of any child: sign in to see the record."
    )
    assert email.to == ["jo.new@example.org"]


def test_the_people_list_filters_the_page_and_the_api_alike_and_refuses_bad_values(world_a, as_user, api):
    """One FilterSet (partners.filters.PeopleFilter): a role or status that does not exist is the
    page's form error with nothing listed, and the API's 400; before, the page listed everyone
    and the API answered an empty list (role) or everyone (status)."""
    from tests.support.clients import error_by_field

    url = reverse("person-list", args=[world_a.slug])
    page = as_user(world_a.people["business"])
    client = api(world_a.people["business"])
    agency = world_a.person("agency").get_full_name()
    council = world_a.person("council").get_full_name()
    shown = page.get(url + "?role=agency_lead").content.decode()
    assert agency in shown and council not in shown
    listed = client.get(f"/api/v1/{world_a.slug}/people/?role=agency_lead&q=Agency").json()["results"]
    assert [f"{p['first_name']} {p['last_name']}" for p in listed] == [agency]
    for bad in ("role=nonsense", "status=nonsense"):
        html = page.get(f"{url}?{bad}").content.decode()
        field = bad.split("=")[0]
        assert "Select one of the" in error_by_field(html, f"id_{field}"), bad
        assert agency not in html and council not in html
        response = client.get(f"/api/v1/{world_a.slug}/people/?{bad}")
        assert response.status_code == 400 and field in response.json(), bad
