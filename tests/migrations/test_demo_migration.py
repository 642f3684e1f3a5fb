"""Issue 13's migrations on a copy of the demo data: the whole demo (three partnerships, their
people, cases, sign-offs, the documents register) is loaded, the database is migrated back to
before the seats (executive leads again, one per partner) and forward again, and today's data
comes through: every safeguarding partner's person is a DSP again holding the seat of their
organisation, the cases and their children are all there with the nature of their incident, and
the rapid reviews' standing signatures keep the version they signed.

The way back drops what did not exist before (LSP seats become executive leads, then DSPs: that
is the migration's documented loss, as Working Together 2018 knew no LSP)."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from lscp import database
from tests.migrations.test_seats_migration import BEFORE, migrate


def partner_people(apps):
    """(partnership, username, organisation) of everyone acting for a safeguarding partner."""
    Membership = apps.get_model("partners", "Membership")
    return {
        (m.partnership.slug, m.person.username, m.member.organisation.name, m.is_active)
        for m in Membership._default_manager.select_related("partnership", "person", "member__organisation").filter(
            member__kind="statutory_partner"
        )
    }


@pytest.mark.django_db(transaction=True)
def test_the_demo_data_goes_back_to_executive_leads_and_forward_to_dsps_with_seats():
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
    finally:
        new = migrate(latest)
        with database.login_role():
            database.apply_policies()

    with database.login_role():
        Membership = new.get_model("partners", "Membership")
        Seat = new.get_model("partners", "Seat")
        assert partner_people(new) == acting
        after = dict(Membership._default_manager.filter(role__in=["lsp", "dsp"]).values_list("pk", "role"))
        assert after == dict.fromkeys(roles, "dsp")
        # Each partner organisation's DSP seat is held by one of its active people, since the day
        # their role was made; nobody else holds a seat.
        held = list(Seat._default_manager.select_related("membership", "member").filter(until__isnull=True))
        assert held and all(s.level == "dsp" and s.membership.member_id == s.member_id for s in held)
        assert all(s.membership.is_active for s in held)
        members_with_people = set(
            Membership._default_manager.filter(pk__in=roles, is_active=True, member__ended_on__isnull=True).values_list(
                "member_id", flat=True
            )
        )
        assert {s.member_id for s in held} == members_with_people
        Notification = new.get_model("reviews", "Notification")
        assert dict(Notification._default_manager.values_list("reference", "nature")) == natures
        assert new.get_model("reviews", "Child")._default_manager.count() == children
        SignOff = new.get_model("reviews", "SignOff")
        kept = dict(SignOff._default_manager.filter(pk__in=standing).values_list("pk", "signed_version"))
        assert kept == standing
