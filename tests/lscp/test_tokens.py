"""API tokens (issue 12, finding 5): hashed, expiring, named, revoked by sign-out, a new password,
deactivation and the end of a membership; listed and revoked by their owner; an agency system's
token issued by the business unit reaches its partnership only and never signs in on the web."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.dispatch import receiver
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from lscp.activity.signals import security_event
from lscp.models import ApiToken
from partners import services
from tests.support.world import PASSWORD

pytestmark = pytest.mark.django_db


def new_token(username: str, name: str = "") -> dict:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": PASSWORD, "name": name}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def api_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def works(key: str, slug: str) -> bool:
    status = api_with(key).get(f"/api/v1/{slug}/members/").status_code
    assert status in (200, 401, 404), status
    return status == 200


@pytest.fixture
def events():
    seen = []

    @receiver(security_event, weak=False)
    def note(sender, event, person=None, partnership=None, details=None, **kwargs):
        seen.append((event, person, partnership, details))

    yield seen
    security_event.disconnect(note)


def test_a_token_is_named_expires_and_the_key_is_shown_once(world_a, events):
    person = world_a.person("agency")
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        answer = new_token(person.username, name="Case system")
        key = answer["token"]
        assert answer["name"] == "Case system" and key.startswith(answer["prefix"])
        assert answer["expiry"].startswith("2026-03-02T19:00")  # ten hours
        assert works(key, world_a.slug)
        listed = api_with(key).get("/api/v1/auth/tokens/").json()
        assert [t["name"] for t in listed["results"]] == ["Case system"] and key not in str(listed)
    with time_machine.travel(dt.datetime(2026, 3, 2, 19, 1, tzinfo=dt.UTC), tick=False):
        assert not works(key, world_a.slug)
    created = [e for e in events if e[0] == "token-created"]
    assert created and created[0][3]["prefix"] == answer["prefix"] and key not in str(events)


def test_the_database_holds_no_key_and_admin_shows_only_the_prefix(world_a):
    key = new_token(world_a.person("agency").username)["token"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM lscp_apitoken")
        rows = cursor.fetchall()
    assert rows and key not in repr(rows)
    token = ApiToken.objects.get()
    admin = Client()
    admin.force_login(world_a.admin)
    listing = admin.get(reverse("admin:lscp_apitoken_changelist")).content.decode()
    assert token.token_key in listing and key not in listing and token.digest not in listing
    for page in (f"/admin/lscp/apitoken/{token.digest}/change/", "/admin/lscp/apitoken/add/"):
        response = admin.get(page, follow=True)
        assert token.digest not in response.content.decode().replace(page, "") and key not in response.content.decode()


def test_signing_out_of_the_website_revokes_the_persons_tokens(world_a, events):
    person = world_a.person("agency")
    key = new_token(person.username)["token"]
    web = Client()
    web.force_login(person)
    web.post(reverse("sign-out"))
    assert not works(key, world_a.slug)
    assert ("token-revoked", person) == events[-1][:2] and events[-1][3]["reason"] == "sign-out"


def test_a_new_password_revokes_the_persons_tokens(world_a, events):
    person = world_a.person("agency")
    key = new_token(person.username)["token"]
    person.set_password("another-long-passphrase")
    person.save()
    assert not works(key, world_a.slug)
    assert events[-1][3]["reason"] == "password"


def test_deactivating_the_person_revokes_their_tokens(world_a, events):
    person = world_a.person("agency")
    key = new_token(person.username)["token"]
    person.is_active = False
    person.save()
    assert not works(key, world_a.slug)
    assert events[-1][3]["reason"] == "deactivated"


def test_the_end_of_the_last_membership_revokes_the_persons_tokens(world_a):
    key = new_token(world_a.person("agency").username)["token"]
    services.person_deactivate(ctx=world_a.ctx(), membership=world_a.people["agency"])
    assert not ApiToken.objects.filter(user=world_a.person("agency")).exists()
    assert not works(key, world_a.slug)


def test_revoking_this_token_or_all_of_mine(world_a):
    person = world_a.person("agency")
    first, second, third = (new_token(person.username, name=n)["token"] for n in "abc")
    assert api_with(first).post("/api/v1/auth/token/revoke/").status_code == 204
    assert not works(first, world_a.slug) and works(second, world_a.slug)
    assert api_with(second).post("/api/v1/auth/token/revoke-all/").status_code == 204
    assert not works(second, world_a.slug) and not works(third, world_a.slug)
    assert APIClient().post("/api/v1/auth/token/revoke/").status_code == 401


def test_a_person_lists_and_revokes_their_own_tokens_on_a_page_and_not_anothers(world_a):
    mine = new_token(world_a.person("agency").username, name="My script")
    theirs = new_token(world_a.person("police").username, name="Their script")
    web = Client()
    web.force_login(world_a.person("agency"))
    page = web.get(reverse("account-tokens")).content.decode()
    assert "My script" in page and mine["prefix"] in page
    assert "Their script" not in page and theirs["prefix"] not in page and mine["token"] not in page
    assert web.post(reverse("account-tokens"), {"prefix": theirs["prefix"]}).status_code == 404
    assert works(theirs["token"], world_a.slug)
    assert web.post(reverse("account-tokens"), {"prefix": mine["prefix"]}).status_code == 302
    assert not works(mine["token"], world_a.slug)


def test_at_most_the_limit_of_tokens_at_once(world_a, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_LIMIT_PER_USER": 2}
    person = world_a.person("agency")
    new_token(person.username), new_token(person.username)
    refused = APIClient().post(
        "/api/v1/auth/token/", {"username": person.username, "password": PASSWORD}, format="json"
    )
    assert refused.status_code == 403 and "revoke one" in refused.json()["detail"]


# ----------------------------------------------------------------------------------------------
# Agency systems' tokens


def issue(world, client: Client | None = None, **data):
    client = client or Client()
    if client.session.get("_auth_user_id") is None:
        client.force_login(world.person("business"))
    expires = timezone.localdate() + dt.timedelta(days=30)
    form = {
        "name": "NELFT case system",
        "member": world.members["agency"].pk,
        "expires_on-day": expires.day,
        "expires_on-month": expires.month,
        "expires_on-year": expires.year,
        **data,
    }
    return client.post(reverse("system-token-issue", args=[world.slug]), form)


def key_on(response) -> str:
    import re

    return re.search(r'id="api-token-key" type="text" value="([0-9a-f]{64})"', response.content.decode()).group(1)


def test_the_business_unit_issues_an_agency_systems_token_shown_once(world_a, world_b, events):
    from lscp.models import ActivityEvent

    business = Client()
    business.force_login(world_a.person("business"))
    answer = issue(world_a, business)
    assert answer.status_code == 200
    key = key_on(answer)
    token = ApiToken.objects.get(partnership=world_a.partnership)
    listing = business.get(reverse("system-token-list", args=[world_a.slug])).content.decode()
    assert "NELFT case system" in listing and token.token_key in listing and key not in listing
    # It acts in its partnership, as itself, and nowhere else.
    client = api_with(key)
    assert client.get(f"/api/v1/{world_a.slug}/members/").status_code == 200
    assert client.get(f"/api/v1/{world_b.slug}/members/").status_code == 404
    me = client.get("/api/v1/me/").json()
    assert me["name"] == "NELFT case system"
    assert [(m["slug"], m["role"], m["organisation"]) for m in me["memberships"]] == [
        (world_a.slug, "agency_lead", "NELFT")
    ]
    issued = ActivityEvent.objects.for_partnership(world_a.partnership).get(event="api_token.issued")
    assert issued.actor == world_a.person("business")
    # Its account can never sign in on the website.
    username = token.user.username
    assert not token.user.has_usable_password() and token.user.email == ""
    web = Client()
    assert web.post(reverse("sign-in"), {"username": username, "password": key}).status_code == 200
    assert "_auth_user_id" not in web.session
    assert any(e[0] == "token-created" and e[2] == world_a.partnership for e in events)


def test_an_agency_systems_token_survives_its_issuers_sign_out_and_is_revoked_by_the_business_unit(world_a, events):
    business = Client()
    business.force_login(world_a.person("business"))
    key = key_on(issue(world_a, business))
    prefix = ApiToken.objects.get().token_key
    business.post(reverse("sign-out"))
    assert works(key, world_a.slug)
    business.force_login(world_a.person("business"))
    assert business.post(reverse("system-token-revoke", args=[world_a.slug]), {"prefix": prefix}).status_code == 302
    assert not works(key, world_a.slug)
    assert events[-1][0] == "token-revoked" and events[-1][3]["reason"] == "revoked-by-business-unit"


def test_another_partnership_cannot_see_or_revoke_an_agency_systems_token(world_a, world_b):
    key = key_on(issue(world_a))
    prefix = ApiToken.objects.get().token_key
    other = Client()
    other.force_login(world_b.person("business"))
    assert prefix not in other.get(reverse("system-token-list", args=[world_b.slug])).content.decode()
    assert other.post(reverse("system-token-revoke", args=[world_b.slug]), {"prefix": prefix}).status_code == 404
    assert other.post(reverse("system-token-revoke", args=[world_a.slug]), {"prefix": prefix}).status_code == 404
    assert works(key, world_a.slug)


def test_an_agency_systems_token_is_checked_and_only_the_business_unit_issues_one(world_a):
    refused = issue(world_a, name="", member="", **{"expires_on-year": timezone.localdate().year + 3})
    html = refused.content.decode()
    html = html.replace("&#x27;", "'")
    assert refused.status_code == 200 and "Enter the system's name" in html
    assert "Choose the member organisation whose system will use the token" in html
    assert "must be on or before" in html and not ApiToken.objects.exists()
    agency = Client()
    agency.force_login(world_a.person("agency"))
    assert issue(world_a, agency).status_code == 403
    assert agency.get(reverse("system-token-list", args=[world_a.slug])).status_code == 403
