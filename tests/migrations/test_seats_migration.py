"""The seats migrations (issue 13) carry today's data over, shown in one round trip: the database is
migrated back to the migrations before them and forward again (as the owner, who runs migrate;
row-level security's policies are put back as migrate's post_migrate does). Each way renders every
migration's state, about 10 s, so both checks below share the one trip.

The demo data: the whole demo (three partnerships, their people, cases, sign-offs, the documents
register) is loaded before the trip back, and today's data comes through it: every safeguarding
partner's person is a DSP again holding the seat of their organisation, the cases and their
children are all there with the nature of their incident, and the rapid reviews' standing
signatures keep the version they signed. The way back drops what did not exist before (LSP seats
become executive leads, then DSPs: that is the migration's documented loss, as Working Together
2018 knew no LSP).

Data only the old schema could hold: a partnership made through the historical models while the
database is back (MIGRATED, apart from the demo's). Executive leads become DSPs, each active one of
a current statutory partner holding its DSP seat (the most recently made, where a partner had two),
an invitation to be an executive lead becomes one to be a DSP, and a rapid review's standing
signatures record the version they signed and the DSP level."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from lscp import database

BEFORE = [
    ("partners", "0003_organisation_history"),
    ("reviews", "0004_submission_key_per_submitter"),
    ("funding", "0001_initial"),
]

# The partnership made in the old schema; every check of the demo leaves it out.
MIGRATED = "migrated"


def migrate(targets):
    with database.login_role():
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps


def partner_people(apps):
    """(partnership, username, organisation) of everyone acting for a demo safeguarding partner."""
    Membership = apps.get_model("partners", "Membership")
    return {
        (m.partnership.slug, m.person.username, m.member.organisation.name, m.is_active)
        for m in Membership._default_manager.select_related("partnership", "person", "member__organisation")
        .filter(member__kind="statutory_partner")
        .exclude(partnership__slug=MIGRATED)
    }


def make_executive_leads(old):
    """In the old schema: a partnership whose council and police have executive leads (the
    police two, one newer), one gone, an invitation to be one, and a rapid review signed by two
    of them, one signature withdrawn."""
    Partnership = old.get_model("partners", "Partnership")
    Organisation = old.get_model("partners", "Organisation")
    Member = old.get_model("partners", "Member")
    Person = old.get_model("partners", "Person")
    Membership = old.get_model("partners", "Membership")
    Invitation = old.get_model("partners", "Invitation")
    Notification = old.get_model("reviews", "Notification")
    RapidReview = old.get_model("reviews", "RapidReview")
    SignOff = old.get_model("reviews", "SignOff")
    partnership = Partnership._default_manager.create(
        name="Migrated LSCP", slug=MIGRATED, area="Migrated", population=1
    )

    def member(name, sector):
        organisation = Organisation._default_manager.get_or_create(name=name, defaults={"sector": sector})[0]
        return Member._default_manager.create(
            partnership=partnership, organisation=organisation, kind="statutory_partner", statutory_role=sector
        )

    council, police = member("Thurrock Council", "council"), member("Essex Police", "police")

    def lead(username, member, *, active=True, made=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)):
        person = Person._default_manager.create(
            username=f"{MIGRATED}-{username}", email=f"{MIGRATED}-{username}@example.org", password="!"
        )
        membership = Membership._default_manager.create(
            partnership=partnership, person=person, role="executive_lead", member=member, is_active=active
        )
        Membership._default_manager.filter(pk=membership.pk).update(created_at=made)
        return membership

    priya = lead("priya", council)
    graham = lead("graham", police, made=dt.datetime(2023, 5, 2, tzinfo=dt.UTC))
    lead("newer", police, made=dt.datetime(2025, 3, 4, tzinfo=dt.UTC))
    lead("gone", council, active=False)
    business = Person._default_manager.create(
        username=f"{MIGRATED}-bea", email=f"{MIGRATED}-bea@example.org", password="!"
    )
    Invitation._default_manager.create(
        partnership=partnership,
        email="new@example.org",
        first_name="New",
        last_name="Lead",
        role="executive_lead",
        member=council,
        invited_by=business,
        nonce="x",
        sent_at=timezone.now(),
    )
    notification = Notification._default_manager.create(
        partnership=partnership,
        reference="MI-1",
        pathway="mandatory",
        notifying_member=council,
        notifier_name="N",
        notifier_email="n@example.org",
        submitted_by=business,
        submitted_at=timezone.now(),
        received_on=dt.date(2026, 1, 5),
        incident_date=dt.date(2026, 1, 1),
        aware_date=dt.date(2026, 1, 2),
        location="in_area",
        outcome="died",
        abuse_or_neglect="known",
        summary="S",
    )
    review = RapidReview._default_manager.create(partnership=partnership, notification=notification, version=4)
    for membership, withdrawn in ((priya, None), (graham, timezone.now())):
        SignOff._default_manager.create(
            partnership=partnership,
            review=review,
            statutory_role=membership.member.statutory_role,
            member=membership.member,
            person=membership.person,
            decision="signed",
            at=timezone.now(),
            withdrawn_at=withdrawn,
        )


@pytest.mark.django_db(transaction=True)
def test_the_demo_and_executive_leads_go_back_and_forward_to_dsps_with_seats():
    from django.apps import apps as today

    with database.login_role():
        call_command("load_demo", "--force")
        latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
        Membership = today.get_model("partners", "Membership")
        acting = partner_people(today)
        roles = dict(Membership._default_manager.filter(role__in=["lsp", "dsp"]).values_list("pk", "role"))
        assert {"lsp", "dsp"} <= set(roles.values())  # today's demo has both seats
        Notification = today.get_model("reviews", "Notification")
        natures = dict(Notification._default_manager.values_list("reference", "nature"))
        children = today.get_model("reviews", "Child")._default_manager.count()
        SignOff = today.get_model("reviews", "SignOff")
        standing = dict(
            SignOff._default_manager.filter(withdrawn_at__isnull=True, decision="signed").values_list(
                "pk", "signed_version"
            )
        )
        assert natures and children and standing

    old = migrate(BEFORE)
    try:
        with database.login_role():
            OldMembership = old.get_model("partners", "Membership")
            assert partner_people(old) == acting
            old_roles = dict(OldMembership._default_manager.filter(pk__in=roles).values_list("pk", "role"))
            assert old_roles == dict.fromkeys(roles, "executive_lead")
            assert not OldMembership._default_manager.filter(role__in=["lsp", "dsp"]).exists()
            OldNotification = old.get_model("reviews", "Notification")
            assert OldNotification._default_manager.count() == len(natures)
            make_executive_leads(old)
    finally:
        new = migrate(latest)
        with database.login_role():
            database.apply_policies()

    with database.login_role():
        Membership = new.get_model("partners", "Membership")
        Seat = new.get_model("partners", "Seat")
        Invitation = new.get_model("partners", "Invitation")
        SignOff = new.get_model("reviews", "SignOff")
        Notification = new.get_model("reviews", "Notification")
        demo_memberships = Membership._default_manager.exclude(partnership__slug=MIGRATED)
        demo_seats = Seat._default_manager.exclude(membership__partnership__slug=MIGRATED)

        # The demo.
        assert partner_people(new) == acting
        after = dict(demo_memberships.filter(role__in=["lsp", "dsp"]).values_list("pk", "role"))
        assert after == dict.fromkeys(roles, "dsp")
        # Each partner organisation's DSP seat is held by one of its active people, since the day
        # their role was made; nobody else holds a seat.
        held = list(demo_seats.select_related("membership", "member").filter(until__isnull=True))
        assert held and all(s.level == "dsp" and s.membership.member_id == s.member_id for s in held)
        assert all(s.membership.is_active for s in held)
        members_with_people = set(
            demo_memberships.filter(pk__in=roles, is_active=True, member__ended_on__isnull=True).values_list(
                "member_id", flat=True
            )
        )
        assert {s.member_id for s in held} == members_with_people
        demo_cases = Notification._default_manager.exclude(partnership__slug=MIGRATED)
        assert dict(demo_cases.values_list("reference", "nature")) == natures
        assert new.get_model("reviews", "Child")._default_manager.count() == children
        kept = dict(SignOff._default_manager.filter(pk__in=standing).values_list("pk", "signed_version"))
        assert kept == standing

        # The executive leads made in the old schema.
        def name(username):
            return username.removeprefix(f"{MIGRATED}-")

        migrated = Membership._default_manager.filter(partnership__slug=MIGRATED)
        leads = {name(username): role for username, role in migrated.values_list("person__username", "role")}
        assert leads == {"priya": "dsp", "graham": "dsp", "newer": "dsp", "gone": "dsp"}
        seats = {
            (name(s.membership.person.username), s.member.statutory_role, s.level, s.since, s.until)
            for s in Seat._default_manager.filter(membership__partnership__slug=MIGRATED).select_related(
                "membership__person", "member"
            )
        }
        assert seats == {
            ("priya", "council", "dsp", dt.date(2024, 1, 1), None),
            ("newer", "police", "dsp", dt.date(2025, 3, 4), None),  # the most recently made of two
        }
        invited = Invitation._default_manager.filter(partnership__slug=MIGRATED)
        assert list(invited.values_list("role", flat=True)) == ["dsp"]
        signed = {
            name(s.person.username): (s.level, s.signed_version)
            for s in SignOff._default_manager.filter(partnership__slug=MIGRATED).select_related("person")
        }
        assert signed == {"priya": ("dsp", 4), "graham": ("dsp", None)}
