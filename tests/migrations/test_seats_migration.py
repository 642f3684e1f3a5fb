"""The seats migrations carry today's data over (issue 13): executive leads become DSPs, each
active one of a current statutory partner holding its DSP seat (the most recently made, where a
partner had two), an invitation to be an executive lead becomes one to be a DSP, and a rapid
review's standing signatures record the version they signed and the DSP level.

The database is migrated back to the migrations before these, executive leads and a signed rapid
review are loaded through the historical models, and it is migrated forward again (as the owner,
who runs migrate; row-level security's policies are put back as migrate's post_migrate does)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from lscp import database

BEFORE = [
    ("partners", "0003_organisation_history"),
    ("reviews", "0004_submission_key_per_submitter"),
    ("funding", "0001_initial"),
]


def migrate(targets):
    with database.login_role():
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_executive_leads_become_dsps_with_seats_and_signatures_keep_their_version():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = migrate(BEFORE)
    try:
        Partnership = old.get_model("partners", "Partnership")
        Organisation = old.get_model("partners", "Organisation")
        Member = old.get_model("partners", "Member")
        Person = old.get_model("partners", "Person")
        Membership = old.get_model("partners", "Membership")
        Invitation = old.get_model("partners", "Invitation")
        Notification = old.get_model("reviews", "Notification")
        RapidReview = old.get_model("reviews", "RapidReview")
        SignOff = old.get_model("reviews", "SignOff")
        with database.login_role():
            thurrock = Partnership._default_manager.create(
                name="Thurrock LSCP", slug="thurrock", area="Thurrock", population=1
            )
            council = Member._default_manager.create(
                partnership=thurrock,
                organisation=Organisation._default_manager.create(name="Thurrock Council", sector="council"),
                kind="statutory_partner",
                statutory_role="council",
            )
            police = Member._default_manager.create(
                partnership=thurrock,
                organisation=Organisation._default_manager.create(name="Essex Police", sector="police"),
                kind="statutory_partner",
                statutory_role="police",
            )

            def lead(username, member, *, active=True, made=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)):
                person = Person._default_manager.create(
                    username=username, email=f"{username}@example.org", password="!"
                )
                membership = Membership._default_manager.create(
                    partnership=thurrock, person=person, role="executive_lead", member=member, is_active=active
                )
                Membership._default_manager.filter(pk=membership.pk).update(created_at=made)
                return membership

            priya = lead("priya", council)
            graham = lead("graham", police, made=dt.datetime(2023, 5, 2, tzinfo=dt.UTC))
            lead("newer", police, made=dt.datetime(2025, 3, 4, tzinfo=dt.UTC))
            lead("gone", council, active=False)
            business = Person._default_manager.create(username="bea", email="bea@example.org", password="!")
            Invitation._default_manager.create(
                partnership=thurrock,
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
                partnership=thurrock,
                reference="TH-1",
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
            review = RapidReview._default_manager.create(partnership=thurrock, notification=notification, version=4)
            for membership, withdrawn in ((priya, None), (graham, timezone.now())):
                SignOff._default_manager.create(
                    partnership=thurrock,
                    review=review,
                    statutory_role=membership.member.statutory_role,
                    member=membership.member,
                    person=membership.person,
                    decision="signed",
                    at=timezone.now(),
                    withdrawn_at=withdrawn,
                )
    finally:
        new = migrate(latest)
        with database.login_role():
            database.apply_policies()

    Membership = new.get_model("partners", "Membership")
    Seat = new.get_model("partners", "Seat")
    Invitation = new.get_model("partners", "Invitation")
    SignOff = new.get_model("reviews", "SignOff")
    with database.login_role():
        roles = dict(Membership._default_manager.values_list("person__username", "role"))
        assert roles == {"priya": "dsp", "graham": "dsp", "newer": "dsp", "gone": "dsp"}
        seats = {
            (s.membership.person.username, s.member.statutory_role, s.level, s.since, s.until)
            for s in Seat._default_manager.select_related("membership__person", "member")
        }
        assert seats == {
            ("priya", "council", "dsp", dt.date(2024, 1, 1), None),
            ("newer", "police", "dsp", dt.date(2025, 3, 4), None),  # the most recently made of two
        }
        assert list(Invitation._default_manager.values_list("role", flat=True)) == ["dsp"]
        signed = {
            s.person.username: (s.level, s.signed_version) for s in SignOff._default_manager.select_related("person")
        }
        assert signed == {"priya": ("dsp", 4), "graham": ("dsp", None)}
