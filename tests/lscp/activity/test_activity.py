"""The activity log: every write and every record view, append-only everywhere."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from lscp import database
from lscp.models import ActivityEvent, AppendOnlyError
from partners import services
from tests.support.clients import api_as, error_by_field, signed_in

pytestmark = pytest.mark.django_db


def events(world, **filters):
    return ActivityEvent.objects.for_partnership(world.partnership).filter(**filters)


def test_a_write_records_actor_object_and_old_and_new_values(world_a):
    membership = world_a.people["agency"]
    services.person_update(
        ctx=world_a.ctx(),
        membership=membership,
        role="agency_lead",
        member=world_a.members["agency"],
        job_title="Named Nurse",
    )
    event = events(world_a, event="person.changed").get()
    assert event.actor == world_a.person("business")
    assert event.partnership == world_a.partnership
    assert event.object_id == str(membership.pk) and event.object_type.model == "membership"
    assert event.changes == {"job_title": {"old": "", "new": "Named Nurse"}}


def test_a_change_that_changes_nothing_writes_nothing(world_a):
    membership = world_a.people["agency"]
    before = events(world_a).count()
    services.person_update(
        ctx=world_a.ctx(),
        membership=membership,
        role=membership.role,
        member=membership.member,
        job_title=membership.job_title,
    )
    services.person_reactivate(ctx=world_a.ctx(), membership=membership)  # already active
    assert events(world_a).count() == before


def test_viewing_a_record_page_is_logged_but_a_list_is_not(world_a, as_user):
    client = as_user(world_a.people["scrutineer"])
    before = events(world_a, kind="view").count()
    client.get(reverse("person-list", args=[world_a.slug]))
    assert events(world_a, kind="view").count() == before
    client.get(reverse("person-detail", args=[world_a.slug, world_a.people["council"].pk]))
    client.get(reverse("member-detail", args=[world_a.slug, world_a.members["police"].pk]))
    viewed = events(world_a, kind="view", actor=world_a.person("scrutineer")).order_by("id")
    assert [(e.event, e.object_repr) for e in viewed] == [
        ("membership.viewed", str(world_a.people["council"])),
        ("member.viewed", "Essex Police"),
    ]


def test_the_log_cannot_be_changed_through_the_orm(world_a):
    event = events(world_a).first()
    event.event = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        events(world_a).update(event="tampered")
    with pytest.raises(AppendOnlyError):
        events(world_a).delete()
    with pytest.raises(AppendOnlyError):
        ActivityEvent.dangerously_unscoped.all().delete()


def test_the_database_refuses_updates_and_deletes_underneath(world_a):
    event = events(world_a).first()
    for sql in (
        "UPDATE lscp_activityevent SET event = 'tampered' WHERE id = %s",
        "DELETE FROM lscp_activityevent WHERE id = %s",
    ):
        # As the tables' owner, whose privileges allow it: the trigger refuses. (The app's own
        # roles are refused before the trigger: tests/lscp/test_row_level_security.py.)
        with (
            pytest.raises(DatabaseError, match="append-only"),
            database.login_role(),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    event.refresh_from_db()
    assert event.event != "tampered"


def test_admin_shows_the_log_read_only(world_a):
    client = Client()
    client.force_login(world_a.admin)
    event = events(world_a).first()
    assert client.get(reverse("admin:lscp_activityevent_changelist")).status_code == 200
    assert client.get(reverse("admin:lscp_activityevent_delete", args=[event.pk])).status_code == 403
    response = client.post(reverse("admin:lscp_activityevent_change", args=[event.pk]), {"event": "tampered"})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.event != "tampered"
    assert client.get(reverse("admin:lscp_activityevent_add")).status_code == 403


def test_the_business_unit_filters_the_log(world_a, as_user):
    client = as_user(world_a.people["business"])
    page = client.get(reverse("activity-list", args=[world_a.slug]) + "?event=member.added").content.decode()
    assert page.count("</strong> Member added</td>") == 4
    assert "</strong> Person added</td>" not in page
    by_words = client.get(reverse("activity-list", args=[world_a.slug]) + "?event=member+added").content.decode()
    assert by_words.count("</strong> Member added</td>") == 4, "the words the page shows filter too"
    bad = client.get(
        reverse("activity-list", args=[world_a.slug]) + "?date_from-day=31&date_from-month=2&date_from-year=2026"
    ).content.decode()
    assert "From must be a real date" in bad and 'value="31"' in bad


def test_admin_changes_are_logged(world_a):
    client = Client()
    client.force_login(world_a.admin)
    group = world_a.objects[__import__("partners.models", fromlist=["GovernanceGroup"]).GovernanceGroup]
    response = client.post(
        reverse("admin:partners_governancegroup_change", args=[group.pk]),
        {
            "name": group.name,
            "kind": group.kind,
            "purpose": "Audits and S11",
            "position": group.position,
            "is_active": "on",
            "seats-TOTAL_FORMS": "0",
            "seats-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = events(world_a, event="governancegroup.changed_in_admin").get()
    assert event.actor == world_a.admin and event.changes["purpose"]["new"] == "Audits and S11"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("person=²", "person", "Select one of the"),
        ("kind=nonsense", "kind", "Select one of the"),
        ("date_from=2026-02-31", "date_from", "is not a date"),
        ("date_from=2026-03-02&date_to=2026-03-01", "date_to", "The end date must be on or after the start date"),
    ],
)
def test_the_log_reads_its_filters_alike_on_the_page_and_in_the_api(world_a, query, field, message):
    """One FilterSet for both: a bad value is the page's error by its field (and no rows) and
    the API's 400 naming the parameter, never a 500 or a silently unfiltered list."""
    business = world_a.people["business"]
    page = signed_in(business).get(reverse("activity-list", args=[world_a.slug]) + "?" + query)
    assert page.status_code == 200
    assert message in error_by_field(page.content.decode(), f"id_{field}")
    assert "</strong> Member added</td>" not in page.content.decode()
    answer = api_as(business).get(f"/api/v1/{world_a.slug}/activity/?{query}")
    assert answer.status_code == 400 and message in " ".join(answer.json()[field])
    mine = api_as(business).get(f"/api/v1/{world_a.slug}/activity/?person={business.person.pk}")
    assert mine.status_code == 200 and mine.json()["results"], "a person of this partnership filters"
