"""The action-plan API: a whole plan created in one request (all or nothing), the computed
progress, actions filtered by owner organisation, status, overdue and due-date range, progress
updates, the completion workflow, 400 by field, 409 for a wrong state or a stale version, and an
agency lead kept to their own organisation's actions."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from reviews.action_plans.models import Action, ActionPlan, ProgressUpdate

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def november(db):
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, 0), tick=False):
        yield


def client_for(membership) -> APIClient:
    client = APIClient()
    client.force_authenticate(membership.person)
    return client


def base(world) -> str:
    return f"/api/v1/{world.slug}/action-plans/"


def plan_payload(world, **overrides):
    payload = {
        "title": "Thematic review: youth violence",
        "source_kind": "thematic_review",
        "source_reference": "Thematic Review into Serious Youth Violence and Gang Related Crime",
        "created_on": "2026-11-02",
        "recommendations": [
            {
                "number": "1",
                "text": "Share intelligence through MACE",
                "actions": [
                    {
                        "description": "MACE protocol",
                        "owner_organisation": world.members["police"].pk,
                        "owner": world.people["police"].pk,
                        "due_date": "2026-11-20",
                    },
                    {"description": "Brief schools", "owner_organisation": None, "due_date": "2027-02-01"},
                ],
            },
            {
                "number": "2a",
                "text": "Exclusions screened",
                "actions": [
                    {
                        "description": "Screening question",
                        "owner_organisation": world.members["agency"].pk,
                        "due_date": "2027-01-15",
                    }
                ],
            },
        ],
    }
    payload.update(overrides)
    return payload


def make(world, client):
    response = client.post(base(world), plan_payload(world), format="json")
    assert response.status_code == 201, response.json()
    plan = response.json()
    for stage in ("lprg", "meb", "partners"):
        answer = client.post(
            f"{base(world)}{plan['id']}/ratifications/",
            {"stage": stage, "decided_on": "2026-11-03", "minute_reference": f"{stage} 1"},
            format="json",
        )
        assert answer.status_code == 201, answer.json()
    return answer.json()


def test_create_a_whole_plan_and_read_its_progress(world_a, november):
    api = client_for(world_a.people["business"])
    plan = make(world_a, api)
    assert plan["status"] == "live" and plan["live_on"] == "2026-11-03"
    assert [r["stage"] for r in plan["ratifications"]] == ["lprg", "meb", "partners"]
    assert plan["progress"]["sentence"] == "2 recommendations, 3 actions: 2 on track, 1 overdue"
    assert plan["progress"]["by_rag"]["overdue"] == 1
    [first, second] = plan["recommendations"]
    assert second["number"] == "2a" and second["actions"][0]["number"] == "2a.1"
    mace = first["actions"][0]
    assert mace["overdue"] is True and mace["rag"] == "overdue"
    assert mace["owner_organisation"] == {"member": world_a.members["police"].pk, "name": "Essex Police"}
    assert mace["clock"]["status"] == "overdue" and mace["clock"]["due_date"] == "2026-11-20"
    assert first["actions"][1]["owner_organisation"] is None
    listing = api.get(base(world_a)).json()
    assert {p["title"] for p in listing["results"]} >= {"Thematic review: youth violence"}


def test_a_plan_with_any_bad_action_creates_nothing(world_a, world_b, november):
    api = client_for(world_a.people["business"])
    before = ActionPlan.objects.for_partnership(world_a.partnership).count()
    payload = plan_payload(world_a)
    payload["recommendations"][0]["actions"][0]["due_date"] = "2026-10-01"
    payload["recommendations"][1]["actions"][0]["owner_organisation"] = world_b.members["agency"].pk
    response = api.post(base(world_a), payload, format="json")
    assert response.status_code == 400
    # Another partnership's organisation is not even a choice.
    assert "owner_organisation" in str(response.json()["recommendations"])
    payload["recommendations"][1]["actions"][0]["owner_organisation"] = world_a.members["agency"].pk
    response = api.post(base(world_a), payload, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "recommendations": [
            "Recommendation 1, action 1, due date: The due date, 1 Oct 2026, is before the plan was drawn up (2 Nov 2026)"
        ]
    }
    assert ActionPlan.objects.for_partnership(world_a.partnership).count() == before


def test_ratification_out_of_order_is_409(world_a, november):
    api = client_for(world_a.people["business"])
    plan = api.post(base(world_a), plan_payload(world_a), format="json").json()
    response = api.post(
        f"{base(world_a)}{plan['id']}/ratifications/",
        {"stage": "partners", "decided_on": "2026-11-03", "minute_reference": "S1"},
        format="json",
    )
    assert response.status_code == 409
    assert "decides before the Statutory partners" in response.json()["detail"]


def test_actions_filter_by_owner_status_overdue_and_due_dates(world_a, november):
    api = client_for(world_a.people["business"])
    make(world_a, api)
    url = f"{base(world_a)}actions/"

    def descriptions(query=""):
        response = api.get(url + query)
        assert response.status_code == 200, response.json()
        return sorted(a["description"] for a in response.json()["results"])

    everything = descriptions()
    assert {"MACE protocol", "Brief schools", "Screening question"} <= set(everything)
    assert descriptions(f"?owner_organisation={world_a.members['police'].pk}") == ["MACE protocol"]
    assert descriptions("?owner_organisation=business_unit") == ["Brief schools"]
    assert descriptions("?overdue=true") == ["MACE protocol"]
    assert descriptions("?due_from=2027-01-01&due_to=2027-01-31") == ["Screening question"]
    assert "MACE protocol" in descriptions("?status=not_started")
    assert descriptions("?status=complete") == []
    for query, field in (
        ("?due_from=soon", "due_from"),
        ("?status=done", "status"),
        ("?owner_organisation=police", "owner_organisation"),
        ("?due_from=2027-02-01&due_to=2027-01-01", "due_to"),
    ):
        response = api.get(url + query)
        assert response.status_code == 400 and field in response.json(), query


def test_the_actions_list_reads_its_rows_in_full_for_the_page_alone(world_a, november):
    """The filters and the order choose the page in a subquery; only its rows are joined to their
    owners and annotated (issue 15: 650 overdue actions joined by nested loops for a page of 50).
    Page by page the list is the whole list, in order, with every count."""
    api = client_for(world_a.people["business"])
    make(world_a, api)
    make(world_a, api)
    url = f"{base(world_a)}actions/?status=not_started"
    whole = api.get(url).json()
    assert whole["count"] == 6
    paged = []
    with CaptureQueriesContext(connection) as queries:
        for page in (1, 2, 3):
            answer = api.get(f"{url}&page_size=2&page={page}").json()
            assert answer["count"] == 6 and len(answer["results"]) == 2
            paged += answer["results"]
    assert paged == whole["results"]
    joined = [q["sql"] for q in queries.captured_queries if 'LEFT OUTER JOIN "partners_person"' in q["sql"]]
    assert len(joined) == 3
    assert all('"reviews_action"."id" IN (SELECT' in sql and "LIMIT 2" in sql for sql in joined)


def test_an_agency_lead_sees_and_updates_only_their_organisations_actions(world_a, november):
    make(world_a, client_for(world_a.people["business"]))
    api = client_for(world_a.people["agency"])
    listing = api.get(f"{base(world_a)}actions/").json()["results"]
    assert {a["owner_organisation"]["name"] for a in listing} == {"NELFT"}
    police_action = Action.objects.for_partnership(world_a.partnership).get(description="MACE protocol")
    assert api.get(f"{base(world_a)}actions/{police_action.pk}/").status_code == 404
    before = ProgressUpdate.objects.for_partnership(world_a.partnership).count()
    response = api.post(
        f"{base(world_a)}progress-updates/",
        {"action": police_action.pk, "on": "2026-11-26", "text": "x", "status": "on_track"},
        format="json",
    )
    assert response.status_code == 400 and "action" in response.json()  # not a choice for them
    assert api.post(f"{base(world_a)}actions/{police_action.pk}/complete/", {}, format="json").status_code == 404
    assert ProgressUpdate.objects.for_partnership(world_a.partnership).count() == before
    assert api.get(base(world_a)).status_code == 403  # plans are not theirs to read
    # Progress updates: their own action's, not another organisation's.
    own = Action.objects.for_partnership(world_a.partnership).get(description="Screening question")
    mine = api.post(
        f"{base(world_a)}progress-updates/",
        {"action": own.pk, "on": "2026-11-26", "text": "Drafted", "status": "on_track"},
        format="json",
    )
    assert mine.status_code == 201
    assert api.get(f"{base(world_a)}progress-updates/{mine.json()['id']}/").status_code == 200
    from reviews.action_plans import services

    theirs = services.progress_add(
        world_a.ctx("police"), police_action, on=D(2026, 11, 26), text="Police progress", status="on_track"
    )
    assert api.get(f"{base(world_a)}progress-updates/{theirs.pk}/").status_code == 404
    listed = [u["text"] for u in api.get(f"{base(world_a)}progress-updates/").json()["results"]]
    assert "Drafted" in listed and "Police progress" not in listed


def test_progress_completion_acceptance_and_conflicts(world_a, november):
    business = client_for(world_a.people["business"])
    make(world_a, business)
    agency = client_for(world_a.people["agency"])
    action = Action.objects.for_partnership(world_a.partnership).get(description="Screening question")
    url = f"{base(world_a)}actions/{action.pk}/"
    bad = agency.post(
        f"{base(world_a)}progress-updates/",
        {"action": action.pk, "on": "2026-12-01", "text": "", "status": "complete"},
        format="json",
    )
    assert bad.status_code == 400 and set(bad.json()) == {"on", "text", "status"}  # all at once
    update = agency.post(
        f"{base(world_a)}progress-updates/",
        {
            "action": action.pk,
            "on": "2026-11-26",
            "text": "Question drafted",
            "status": "on_track",
            "version": action.version,
        },
        format="json",
    )
    assert update.status_code == 201, update.json()
    # A second write with the version read before the first is refused: 409, nothing changed.
    stale = agency.post(
        f"{url}complete/",
        {"completed_on": "2026-11-26", "completion_evidence": "Done", "version": action.version},
        format="json",
    )
    assert stale.status_code == 409 and "changed by someone else" in stale.json()["detail"]
    current = agency.get(url).json()
    assert current["status"] == "on_track" and current["latest_progress"] == "Question drafted"
    done = agency.post(
        f"{url}complete/",
        {"completed_on": "2026-11-26", "completion_evidence": "Question live", "version": current["version"]},
        format="json",
    )
    assert done.status_code == 200 and done.json()["rag"] == "awaiting_acceptance"
    assert agency.post(f"{url}accept/", {}, format="json").status_code == 403
    accepted = business.post(f"{url}accept/", {"note": "Seen"}, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "complete"
    again = business.post(f"{url}return/", {"reason": "x", "status": "on_track"}, format="json")
    assert again.status_code == 409
    updates = business.get(f"{base(world_a)}progress-updates/?action={action.pk}").json()["results"]
    assert [u["kind"] for u in updates] == ["accepted", "completed", "progress"]  # newest first


def test_changing_a_due_date_through_the_api_needs_a_reason(world_a, november):
    business = client_for(world_a.people["business"])
    make(world_a, business)
    action = Action.objects.for_partnership(world_a.partnership).get(description="Brief schools")
    url = f"{base(world_a)}actions/{action.pk}/"
    response = business.patch(url, {"due_date": "2027-03-01"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = business.patch(url, {"due_date": "2027-03-01", "reason": "Term dates"}, format="json")
    assert response.status_code == 200
    assert response.json()["due_date"] == "2027-03-01" and response.json()["original_due_date"] == "2027-02-01"
    assert (
        client_for(world_a.people["scrutineer"]).patch(url, {"due_date": "2027-04-01"}, format="json").status_code
        == 403
    )


def test_bad_list_parameters_are_a_400_by_parameter_never_a_500(world_a, november):
    """Each list's parameters are read by its FilterSet (reviews/action_plans/filters.py). Before,
    a superscript digit passed `str.isdigit()` and then broke `int()`: a 500."""
    api = client_for(world_a.people["business"])
    make(world_a, api)
    for path, query, field in (
        ("actions/", "owner_organisation=²", "owner_organisation"),
        ("actions/", "owner_organisation=999999", "owner_organisation"),
        ("actions/", "plan=²", "plan"),
        ("actions/", "overdue=perhaps", "overdue"),
        ("actions/", "open=perhaps", "open"),
        ("recommendations/", "plan=²", "plan"),
        ("progress-updates/", "action=²", "action"),
        ("", "status=nonsense", "status"),
        ("", "source_kind=gossip", "source_kind"),
    ):
        response = api.get(f"{base(world_a)}{path}?{query}")
        assert response.status_code == 400 and field in response.json(), (path, query, response.status_code)
    plan = ActionPlan.objects.for_partnership(world_a.partnership).get(title="Thematic review: youth violence")
    assert [
        p["title"] for p in api.get(f"{base(world_a)}?status=live&source_kind=thematic_review").json()["results"]
    ] == [plan.title]
    assert api.get(f"{base(world_a)}?q=youth").json()["count"] == 1
    numbers = [r["number"] for r in api.get(f"{base(world_a)}recommendations/?plan={plan.pk}").json()["results"]]
    assert numbers == ["1", "2a"]
    assert len(api.get(f"{base(world_a)}actions/?plan={plan.pk}&open=true").json()["results"]) == 3
