"""What each level signs, per partnership: Working Together 2023's defaults, each stated with its
reason; the business unit changes them on a page or through the API; everyone reads them; the
signing contract's level_for follows them."""

from django.urls import reverse
from rest_framework.test import APIClient

from lscp.models import ActivityEvent
from lscp.roles import Role
from partners import signing
from partners.signing import WT2023_DEFAULTS
from tests.support.clients import error_by_field
from tests.support.world import add_person


def api(person):
    client = APIClient()
    client.force_authenticate(person)
    return client


def test_the_page_states_the_defaults_with_their_reasons(world_a, as_user):
    page = as_user(world_a.people["agency"]).get(reverse("signing-policy", args=[world_a.slug])).content.decode()
    assert "Rapid review outcome" in page and "delegated safeguarding partners agree the rapid review" in page
    assert "Change who signs what" not in page
    assert as_user(world_a.people["agency"]).get(reverse("signing-policy-edit", args=[world_a.slug])).status_code == 403


def test_the_business_unit_changes_who_signs_and_level_for_follows(world_a, as_user):
    client = as_user(world_a.people["business"])
    url = reverse("signing-policy-edit", args=[world_a.slug])
    form = client.get(url).content.decode()
    assert 'value="dsp" checked' in form
    missing = client.post(url, {**WT2023_DEFAULTS, "budget": ""})
    assert error_by_field(missing.content.decode(), "id_budget") == (
        "Choose who signs the shared budget (each partner's contribution for the year)"
    )
    saved = client.post(url, {**WT2023_DEFAULTS, "rapid_review_outcome": "lsp"})
    assert saved.status_code == 302
    assert signing.level_for(world_a.partnership, "rapid_review_outcome") == "lsp"
    assert signing.level_for(world_a.partnership, "budget") == "lsp"
    event = ActivityEvent.objects.for_partnership(world_a.partnership).get(event="signing_policy.changed")
    assert event.changes == {"rapid_review_outcome": {"old": "dsp", "new": "lsp"}}
    page = client.get(reverse("signing-policy", args=[world_a.slug])).content.decode()
    assert "Changed" in page


def test_the_api_reads_for_everyone_and_writes_for_the_business_unit(world_a):
    url = f"/api/v1/{world_a.slug}/signing-policy/"
    read = api(world_a.person("scrutineer")).get(url)
    assert read.status_code == 200 and read.json()["levels"] == WT2023_DEFAULTS
    assert api(world_a.person("council")).put(url, WT2023_DEFAULTS, format="json").status_code == 403
    bad = api(world_a.person("business")).put(url, {**WT2023_DEFAULTS, "budget": "king"}, format="json")
    assert bad.status_code == 400 and "budget" in bad.json()
    put = api(world_a.person("business")).put(url, {**WT2023_DEFAULTS, "lcspr_decision": "lsp"}, format="json")
    assert put.status_code == 200 and put.json()["levels"]["lcspr_decision"] == "lsp"


def test_the_people_api_says_each_person_s_seat(world_a):
    lsp = add_person(world_a, "chief", role=Role.LSP, member=world_a.members["council"])
    people = api(world_a.person("business")).get(f"/api/v1/{world_a.slug}/people/").json()["results"]
    by_id = {p["id"]: p for p in people}
    assert by_id[lsp.pk]["seat"] == "lsp" and by_id[lsp.pk]["member"] == world_a.members["council"].pk
    assert by_id[world_a.people["police"].pk]["seat"] == "dsp"
    assert by_id[world_a.people["agency"].pk]["seat"] == ""
    one = api(world_a.person("business")).get(f"/api/v1/{world_a.slug}/people/{world_a.people['health'].pk}/").json()
    assert one["seat"] == "dsp" and one["seat_since"]
