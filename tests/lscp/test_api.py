"""The API: token sign-in, /me/, members and people with 400s per field (never a 500), and the
OpenAPI schema and docs served without a CDN."""

import pytest
from rest_framework.test import APIClient

from lscp.models import ActivityEvent
from partners.models import GroupMember, Member, Membership, Organisation, Sector
from tests.support.world import PASSWORD, organisation

pytestmark = pytest.mark.django_db


def token_client(username: str, password: str = PASSWORD) -> APIClient:
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def test_token_then_me_with_memberships(world_a, world_b):
    from partners import services

    person = world_a.person("police")
    services.person_add(ctx=world_b.ctx(), email=person.email, first_name="x", last_name="y", role="scrutineer")
    client = token_client(person.username)
    me = client.get("/api/v1/me/").json()
    assert me["username"] == person.username
    assert [(m["slug"], m["role"], m["organisation"]) for m in me["memberships"]] == [
        ("southend", "scrutineer", None),
        ("thurrock", "dsp", "Essex Police"),
    ]


def test_token_refuses_wrong_passwords_and_deactivated_people(world_a):
    from partners import services

    client = APIClient()
    wrong = client.post(
        "/api/v1/auth/token/", {"username": world_a.person("agency").username, "password": "nope"}, format="json"
    )
    assert wrong.status_code == 400 and "Enter a correct username and password" in wrong.json()["non_field_errors"][0]
    services.person_deactivate(ctx=world_a.ctx(), membership=world_a.people["agency"])
    gone = client.post(
        "/api/v1/auth/token/", {"username": world_a.person("agency").username, "password": PASSWORD}, format="json"
    )
    assert gone.status_code == 400 and "access has been removed" in gone.json()["non_field_errors"][0]
    missing = client.post("/api/v1/auth/token/", {}, format="json")
    assert missing.status_code == 400 and set(missing.json()) == {"username", "password"}


def test_token_and_page_share_the_count_of_wrong_passwords(world_a, settings):
    from django.test import Client
    from django.urls import reverse

    settings.AXES_FAILURE_LIMIT = 3
    username = world_a.person("police").username
    client = APIClient()
    for _ in range(2):
        wrong = client.post("/api/v1/auth/token/", {"username": username, "password": "guess"}, format="json")
        assert wrong.status_code == 400
    Client().post(reverse("sign-in"), {"username": username, "password": "guess"})
    refused = client.post("/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json")
    assert refused.status_code == 429 and refused["Retry-After"] == "900"
    assert (
        "This account is locked because a wrong password was entered too many times. Wait 15 minutes"
        in (refused.json()["detail"])
    )
    assert (
        "This account is locked"
        in Client().post(reverse("sign-in"), {"username": username, "password": PASSWORD}).content.decode()
    )


def test_no_credentials_is_401_and_a_bad_token_too(world_a):
    assert APIClient().get("/api/v1/me/").status_code in (401, 403)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(f"/api/v1/{world_a.slug}/members/").status_code == 401


def test_members_list_and_create(world_a):
    client = token_client(world_a.person("business").username)
    listed = client.get(f"/api/v1/{world_a.slug}/members/").json()
    assert listed["count"] == 4
    assert {m["organisation"]["name"] for m in listed["results"]} == {
        "Thurrock Council",
        "Essex Police",
        "Thurrock CCG",
        "NELFT",
    }
    created = client.post(
        f"/api/v1/{world_a.slug}/members/",
        {"new_organisation": {"name": "CAFCASS", "sector": "courts"}, "kind": "relevant_agency"},
        format="json",
    )
    assert created.status_code == 201 and created.json()["organisation"]["name"] == "CAFCASS"
    assert Member.objects.for_partnership(world_a.partnership).filter(organisation__name="CAFCASS").exists()


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"kind": "relevant_agency"}, "organisation", "Give an organisation id, or a new_organisation"),
        ({"organisation": "NELFT", "kind": "relevant_agency"}, "organisation", "already a member"),
        (
            {"organisation": "FIRE", "kind": "statutory_partner", "statutory_role": "police"},
            "statutory_role",
            "cannot be the police statutory partner",
        ),
        ({"organisation": "FIRE", "kind": "statutory_partner"}, "statutory_role", "Choose which safeguarding partner"),
        ({"organisation": 999999, "kind": "relevant_agency"}, "organisation", "Invalid pk"),
        ({"organisation": "FIRE", "kind": "nonsense"}, "kind", "is not a valid choice"),
        (
            {"new_organisation": {"name": "NELFT", "sector": "health"}, "kind": "relevant_agency"},
            "new_organisation",
            "already in the directory",
        ),
        ({"new_organisation": {"name": "X"}, "kind": "relevant_agency"}, "new_organisation", "required"),
    ],
)
def test_member_bad_input_is_400_by_field_and_changes_nothing(world_a, payload, field, message):
    fire = organisation("Essex County Fire and Rescue Service", Sector.FIRE)
    nelft = Organisation.objects.get(name="NELFT")
    payload = {**payload}
    if payload.get("organisation") == "NELFT":
        payload["organisation"] = nelft.pk
    if payload.get("organisation") == "FIRE":
        payload["organisation"] = fire.pk
    client = token_client(world_a.person("business").username)
    before = (Member.objects.for_partnership(world_a.partnership).count(), Organisation.objects.count())
    response = client.post(f"/api/v1/{world_a.slug}/members/", payload, format="json")
    assert response.status_code == 400, response.content
    assert message in str(response.json()[field])
    assert (Member.objects.for_partnership(world_a.partnership).count(), Organisation.objects.count()) == before


def test_people_create_update_deactivate(world_a):
    client = token_client(world_a.person("business").username)
    created = client.post(
        f"/api/v1/{world_a.slug}/people/",
        {
            "email": "lay.member@example.org",
            "first_name": "Lay",
            "last_name": "Member",
            "role": "scrutineer",
            "job_title": "Lay member",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert (created.json()["status"], created.json()["first_name"]) == ("pending", "Lay")
    from partners import services
    from partners.models import Invitation

    invitation = Invitation.objects.for_partnership(world_a.partnership).get(pk=created.json()["id"])
    membership_id = services.invitation_accept_new(invitation=invitation, password="a-long-enough-passphrase").pk
    changed = client.patch(
        f"/api/v1/{world_a.slug}/people/{membership_id}/",
        {"role": "agency_lead", "member": world_a.members["agency"].pk},
        format="json",
    )
    assert (
        changed.status_code == 200
        and changed.json()["organisation"] == "NELFT"
        and changed.json()["job_title"] == "Lay member"
    )
    assert client.post(f"/api/v1/{world_a.slug}/people/{membership_id}/deactivate/").json()["is_active"] is False
    assert membership_id not in [p["id"] for p in client.get(f"/api/v1/{world_a.slug}/people/").json()["results"]]
    assert membership_id in [
        p["id"] for p in client.get(f"/api/v1/{world_a.slug}/people/?status=deactivated").json()["results"]
    ]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "email"),
        ({"email": "not-an-email", "first_name": "A", "last_name": "B", "role": "scrutineer"}, "email"),
        ({"email": "a@example.org", "first_name": "A", "last_name": "B", "role": "king"}, "role"),
        (
            {
                "email": "a@example.org",
                "first_name": "A",
                "last_name": "B",
                "role": "dsp",
                "member": "AGENCY",
            },
            "member",
        ),
        ({"email": "a@example.org", "first_name": "A", "last_name": "B", "role": "agency_lead"}, "member"),
        ({"email": "SCRUTINEER", "first_name": "A", "last_name": "B", "role": "scrutineer"}, "email"),
        (
            {"email": "a@example.org", "first_name": "A", "last_name": "B", "role": "agency_lead", "member": "OTHER"},
            "member",
        ),
        (
            {"email": "a@example.org", "first_name": "A", "last_name": "B", "role": "agency_lead", "member": "text"},
            "member",
        ),
    ],
)
def test_people_bad_input_is_400_by_field(world_a, world_b, payload, field):
    payload = {**payload}
    if payload.get("member") == "AGENCY":
        payload["member"] = world_a.members["agency"].pk
    if payload.get("member") == "OTHER":
        payload["member"] = world_b.members["agency"].pk
    if payload.get("email") == "SCRUTINEER":
        payload["email"] = world_a.person("scrutineer").email
    client = token_client(world_a.person("business").username)
    before = Membership.objects.for_partnership(world_a.partnership).count()
    response = client.post(f"/api/v1/{world_a.slug}/people/", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Membership.objects.for_partnership(world_a.partnership).count() == before


def test_retrieving_a_person_is_logged_as_a_view(world_a):
    client = token_client(world_a.person("business").username)
    target = world_a.people["council"]
    client.get(f"/api/v1/{world_a.slug}/people/{target.pk}/")
    event = ActivityEvent.objects.for_partnership(world_a.partnership).filter(kind="view").latest("id")
    assert event.object_id == str(target.pk) and event.actor == world_a.person("business")


def test_governance_groups_api(world_a):
    world_a.objects[GroupMember]  # the council's lead on the Strategic Group
    client = token_client(world_a.person("scrutineer").username)
    groups = client.get(f"/api/v1/{world_a.slug}/governance-groups/").json()["results"]
    strategic = next(g for g in groups if g["name"] == "Strategic Group")
    assert [m["organisation"] for m in strategic["members"]] == ["Thurrock Council"]
    audit = next(g for g in groups if g["name"] == "Audit Group")
    business = token_client(world_a.person("business").username)
    added = business.post(
        f"/api/v1/{world_a.slug}/governance-groups/{audit['id']}/members/",
        {"membership": world_a.people["agency"].pk},
        format="json",
    )
    assert added.status_code == 201
    again = business.post(
        f"/api/v1/{world_a.slug}/governance-groups/{audit['id']}/members/",
        {"membership": world_a.people["agency"].pk},
        format="json",
    )
    assert again.status_code == 400 and "already a member" in again.json()["membership"][0]
    removed = business.delete(f"/api/v1/{world_a.slug}/governance-groups/{audit['id']}/members/{added.json()['id']}/")
    assert removed.status_code == 204


def test_activity_api_filters(world_a):
    client = token_client(world_a.person("business").username)
    rows = client.get(f"/api/v1/{world_a.slug}/activity/?event=person.added").json()["results"]
    assert rows and all(row["event"] == "person.added" for row in rows)
    assert client.get(f"/api/v1/{world_a.slug}/activity/?date_from=yesterday").status_code == 400


def test_openapi_schema_and_docs_without_a_cdn(world_a):
    client = token_client(world_a.person("business").username)
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/{slug}/members/" in paths and "/api/v1/auth/token/" in paths and "/api/v1/me/" in paths
    docs = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in docs.lower()
    assert "cdn" not in docs.lower() and "https://" not in docs
