"""Organisation history (issue 13): renames and mergers from their effective date, the names of
their time, what a merger moves, national identifiers, and the pages and API that show them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from funding import selectors as funding_selectors
from funding import services as funding_services
from lscp.models import ActivityEvent
from partners import history
from partners.models import Member, Membership, Organisation, OrganisationChange, Seat, Sector
from reviews.action_plans.models import Action, ActionStatus
from tests.support.makers_actions import make_plan
from tests.support.world import organisation

JUL_2022 = dt.date(2022, 7, 1)
APR_2026 = dt.date(2026, 4, 1)


def test_name_on_gives_the_name_of_the_day_before_and_after_each_rename(db):
    org = organisation("Thurrock Clinical Commissioning Group", Sector.HEALTH)
    history.organisation_rename(
        organisation=org, new_name="Thurrock CCG", effective_on=dt.date(2019, 4, 1), reason="Shorter", by=None
    )
    history.organisation_rename(
        organisation=org, new_name="NHS Thurrock", effective_on=JUL_2022, reason="Renamed", by=None
    )
    org = Organisation.objects.get(pk=org.pk)
    assert history.name_on(org, dt.date(2019, 3, 31)) == "Thurrock Clinical Commissioning Group"
    assert history.name_on(org, dt.date(2019, 4, 1)) == "Thurrock CCG"
    assert history.name_on(org, dt.date(2022, 6, 30)) == "Thurrock CCG"
    assert history.name_on(org, JUL_2022) == "NHS Thurrock"
    assert history.name_on(org, None) == "NHS Thurrock"


def test_a_rename_is_refused_by_the_field(db):
    org = organisation("Thurrock CCG", Sector.HEALTH)
    organisation("Essex Police", Sector.POLICE)
    with pytest.raises(ValidationError) as error:
        history.organisation_rename(organisation=org, new_name="essex police", effective_on=None, reason=" ", by=None)
    assert error.value.message_dict == {
        "new_name": ["Another organisation already has this name"],
        "effective_on": ["Enter the date the change took effect"],
        "reason": ["Enter the reason for the change"],
    }
    history.organisation_rename(organisation=org, new_name="NHS Thurrock", effective_on=JUL_2022, reason="x", by=None)
    with pytest.raises(ValidationError, match="after the organisation's last recorded change"):
        history.organisation_rename(
            organisation=org, new_name="Other", effective_on=dt.date(2021, 1, 1), reason="x", by=None
        )


def _complete(action):
    Action.objects.for_partnership(action.partnership).filter(pk=action.pk).update(status=ActionStatus.COMPLETE)


def test_a_merger_moves_open_actions_and_people_in_each_partnership_with_the_reason(world_a, world_b):
    plan = make_plan(world_a, actions=2)
    first, second = Action.objects.for_partnership(world_a.partnership).filter(plan=plan).order_by("pk")
    _complete(second)
    nelft = world_a.members["agency"].organisation
    heir_org = organisation("Essex Community Health Trust", Sector.HEALTH)
    police = world_a.members["police"].organisation
    kent_and_essex = organisation("Kent and Essex Police", Sector.POLICE)

    history.organisation_merge(
        organisation=nelft, successor=heir_org, effective_on=APR_2026, reason="Trusts merged", by=world_a.admin
    )
    history.organisation_merge(
        organisation=police, successor=kent_and_essex, effective_on=APR_2026, reason="Forces merged", by=None
    )

    heir = Member.objects.for_partnership(world_a.partnership).get(organisation=heir_org)
    assert heir.kind == "relevant_agency" and heir.joined_on == APR_2026
    assert Action.objects.for_partnership(world_a.partnership).get(pk=first.pk).owner_member == heir
    assert (
        Action.objects.for_partnership(world_a.partnership).get(pk=second.pk).owner_member == world_a.members["agency"]
    )
    agency_lead = Membership.objects.for_partnership(world_a.partnership).get(pk=world_a.people["agency"].pk)
    assert agency_lead.member == heir
    assert Member.objects.for_partnership(world_a.partnership).get(pk=world_a.members["agency"].pk).ended_on == APR_2026
    # The police seat moves in both partnerships, each with its own log entry and the reason.
    for world in (world_a, world_b):
        seat = Member.objects.for_partnership(world.partnership).get(organisation=kent_and_essex)
        assert seat.statutory_role == "police"
        assert Membership.objects.for_partnership(world.partnership).get(pk=world.people["police"].pk).member == seat
        event = ActivityEvent.objects.for_partnership(world.partnership).get(
            event="organisation.merged", changes__organisation="Essex Police"
        )
        assert event.changes["reason"] == "Forces merged"
        assert event.changes["people_moved"] == 1
    moved = ActivityEvent.objects.for_partnership(world_a.partnership).get(changes__organisation=nelft.name)
    assert moved.changes["open_actions_moved"] == 1 and moved.actor == world_a.admin
    assert Member.objects.for_partnership(world_b.partnership).filter(organisation=heir_org).exists()  # NELFT is shared
    nelft.refresh_from_db()
    assert (nelft.successor, nelft.merged_on) == (heir_org, APR_2026)


def test_a_merger_is_refused_into_itself_or_a_merged_organisation(db):
    a = organisation("A CCG", Sector.HEALTH)
    b = organisation("B ICB", Sector.HEALTH)
    c = organisation("C ICB", Sector.HEALTH)
    with pytest.raises(ValidationError, match="cannot merge into itself"):
        history.organisation_merge(organisation=a, successor=a, effective_on=JUL_2022, reason="x", by=None)
    history.organisation_merge(organisation=b, successor=c, effective_on=APR_2026, reason="x", by=None)
    with pytest.raises(ValidationError, match="itself merged into C ICB"):
        history.organisation_merge(organisation=a, successor=b, effective_on=JUL_2022, reason="x", by=None)
    with pytest.raises(ValidationError, match="merged into C ICB"):
        history.organisation_merge(organisation=b, successor=a, effective_on=APR_2026, reason="x", by=None)
    assert OrganisationChange.objects.count() == 1


@pytest.mark.parametrize(
    ("sector", "good", "bad", "message"),
    [
        (Sector.COUNCIL, "E06000034", "E05000034", "GSS code in the correct format"),
        (Sector.COUNCIL, "e10000012", "E0600003", "GSS code in the correct format"),
        (Sector.HEALTH, "QH8", "Q8", "ODS code in the correct format"),
        (Sector.HEALTH, "RQW12", "RQW123", "ODS code in the correct format"),
        (Sector.EDUCATION, "100000", "10000A", "URN in the correct format"),
        (Sector.POLICE, "42", "4", "police force code in the correct format"),
        (Sector.VOLUNTARY, "", "12", "do not have a national identifier"),
    ],
)
def test_national_identifiers_are_checked_by_the_format_of_their_kind(db, sector, good, bad, message):
    org = Organisation(name="Somewhere", sector=sector, national_id=good)
    org.full_clean()
    assert org.national_id == good.upper()
    org.national_id = bad
    with pytest.raises(ValidationError) as error:
        org.full_clean()
    assert message in error.value.message_dict["national_id"][0]


def test_a_national_identifier_is_unique_per_kind(db):
    Organisation.objects.create(name="Thurrock Council", sector=Sector.COUNCIL, national_id="E06000034")
    Organisation.objects.create(name="Some school", sector=Sector.EDUCATION, national_id="420000")
    twin = Organisation(name="Thurrock Borough", sector=Sector.COUNCIL, national_id="E06000034")
    with pytest.raises(ValidationError, match="already has this national identifier"):
        twin.full_clean()
    Organisation(name="Essex Police", sector=Sector.POLICE, national_id="42").full_clean()


def test_the_admin_records_a_merger_with_errors_by_field_and_input_kept(world_a):
    client = Client()
    client.force_login(world_a.admin)
    url = reverse("admin:partners_organisationchange_add")
    health = world_a.members["health"].organisation
    icb = organisation("NHS Mid and South Essex ICB", Sector.HEALTH)
    data = {"organisation": health.pk, "kind": "merge", "effective_on": "2022-07-01", "reason": "Health and Care Act"}
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose the organisation it merged into" in page and "Health and Care Act" in page
    response = client.post(url, {**data, "successor": icb.pk})
    assert response.status_code == 302
    seat = Member.objects.for_partnership(world_a.partnership).get(organisation=icb)
    assert seat.statutory_role == "health"


def test_the_business_unit_cannot_record_a_change(world_a, as_user):
    client = as_user(world_a.people["business"])
    response = client.get(reverse("admin:partners_organisationchange_add"))
    assert response.status_code in (302, 403, 404)
    assert OrganisationChange.objects.count() == 0


def test_2020_21_funding_keeps_the_ccg_while_today_s_partners_show_the_icb(world_a, as_user, api):
    ctx = world_a.ctx()
    health = world_a.members["health"]
    year = funding_services.year_add(ctx=ctx, label="2020-21")
    funding_services.contribution_add(ctx=ctx, year=year, organisation=health.organisation, agreed=D("17777.00"))
    ccg = health.organisation
    history.organisation_rename(
        organisation=ccg, new_name="Renamed CCG", effective_on=dt.date(2021, 1, 1), reason="Renamed", by=None
    )
    icb = organisation("NHS Essex ICB", Sector.HEALTH)
    history.organisation_merge(organisation=ccg, successor=icb, effective_on=JUL_2022, reason="ICBs", by=None)

    summary = funding_selectors.year_summary(ctx, year)
    assert [row.organisation for row in summary.contributions] == [f"{world_a.partnership.area} CCG"]

    client = as_user(world_a.people["business"])
    page = client.get(reverse("member-list", args=[world_a.slug])).content.decode()
    assert "NHS Essex ICB" in page
    assert "Former members" in page and "Renamed CCG</a>: merged into NHS Essex ICB on 1 July 2022" in page
    old = client.get(reverse("member-detail", args=[world_a.slug, health.pk])).content.decode()
    assert "Renamed CCG merged into NHS Essex ICB" in old and "ICBs" in old
    heir = Member.objects.for_partnership(world_a.partnership).get(organisation=icb)
    new = client.get(reverse("member-detail", args=[world_a.slug, heir.pk])).content.decode()
    assert "Formed from: Renamed CCG (merged 1 July 2022)" in new

    members = api(world_a.people["business"]).get(f"/api/v1/{world_a.slug}/members/").json()["results"]
    by_name = {m["organisation"]["name"]: m["organisation"] for m in members}
    assert "Renamed CCG" not in by_name
    assert by_name["NHS Essex ICB"]["predecessors"] == [
        {"id": ccg.pk, "name": "Renamed CCG", "merged_on": "2022-07-01"}
    ]
    assert by_name["NHS Essex ICB"]["successor"] is None
    assert by_name["Essex Police"]["national_id"] == ""


def test_after_a_merger_the_seat_is_the_successor_s_and_the_old_member_is_not_offered(world_a):
    from partners.forms import PersonAddForm

    health = world_a.members["health"]
    icb = organisation("NHS Essex ICB", Sector.HEALTH)
    history.organisation_merge(
        organisation=health.organisation, successor=icb, effective_on=JUL_2022, reason="x", by=None
    )
    heir = Member.objects.for_partnership(world_a.partnership).get(organisation=icb)
    ctx = world_a.ctx()
    assert (
        Seat.objects.for_partnership(world_a.partnership).get(until__isnull=True, level="dsp", member=heir).membership
        == (world_a.people["health"])
    )
    ended = Seat.objects.for_partnership(world_a.partnership).get(member=health)
    assert ended.until is not None  # the predecessor's seat ended, its holder holds the successor's
    offered = set(PersonAddForm(ctx=ctx).fields["member"].queryset)
    assert health not in offered and heir in offered
