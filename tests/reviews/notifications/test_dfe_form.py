"""Notifications as the current DfE form and statistics have them: the incident's nature, up to 4
children with the statistics' fields, care leavers' and looked-after children's deaths and the
clocks that follow from them (each with its reason), through the service, the pages and the API."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from lscp import deadlines
from lscp.states import StateError
from reviews.models import Notification
from reviews.notifications import services, statistics
from tests.support.clients import error_by_field, signed_in
from tests.support.makers_reviews import child, notify_panel, submit

pytestmark = pytest.mark.django_db


def clocks(notification):
    return {d.kind: d for d in deadlines.clocks_for(notification)}


def care_leaver(age, **overrides):
    return child(reference="Young person R", age_years=age, care_leaver=True, **overrides)


# ----------------------------------------------------------------------------------------------
# Up to 4 children, the others in words


def test_five_children_are_refused_by_the_service_with_the_others_in_words(world_a):
    five = [child(f"Child {i}") for i in range(1, 6)]
    with pytest.raises(ValidationError) as error:
        submit(world_a, children=five)
    assert error.value.message_dict["children"] == [
        "A notification can cover up to 4 children: describe the others under 'other children involved'"
    ]
    notification = submit(world_a, children=five[:4], other_children="A younger sibling, aged 3, was at home.")
    assert notification.children.count() == 4 and notification.other_children.startswith("A younger sibling")


def test_five_children_are_refused_by_the_api_on_the_field(world_a):
    api = APIClient()
    api.force_authenticate(world_a.person("business"))
    day = str(dt.date(2026, 3, 2))
    one = {"reference": "Child", "age_years": 5, "sex": "male", "ethnicity": "not_known", "looked_after": False}
    payload = {
        "pathway": "mandatory",
        "notifying_member": world_a.members["council"].pk,
        "incident_date": day,
        "aware_date": day,
        "location": "in_area",
        "nature": "serious_harm",
        "abuse_or_neglect": "known",
        "children": [{**one, "reference": f"Child {i}"} for i in range(1, 6)],
        "summary": "What happened.",
    }
    response = api.post(f"/api/v1/{world_a.slug}/notifications/", payload, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["children"] and "up to 4 children" in response.json()["children"][0]
    assert not Notification.objects.for_partnership(world_a.partnership).exists()


# ----------------------------------------------------------------------------------------------
# The new fields: service, API, page


def test_the_dfe_fields_are_recorded_and_checked(world_a):
    notification = submit(
        world_a,
        nature="other",
        children=[
            child(
                looked_after=True,
                placement_type="foster",
                disability="yes",
                plan="cp_plan",
                known_to_agency="yes",
                resident_authority="Essex County Council",
            )
        ],
    )
    recorded = notification.children.get()
    assert (recorded.placement_type, recorded.disability, recorded.plan, recorded.known_to_agency) == (
        "foster",
        "yes",
        "cp_plan",
        "yes",
    )
    assert recorded.resident_authority == "Essex County Council"
    # Organisations recorded as knowing the child: known to an agency (and not "no").
    assert submit(world_a).children.get().known_to_agency == "yes"
    assert notification.nature == "other" and notification.criteria_result == "does_not_meet"
    assert "neither died nor was seriously harmed" in notification.evaluation.reason
    with pytest.raises(ValidationError) as error:
        submit(
            world_a,
            children=[
                child(age_years=20),
                child("Child R", placement_type="foster", disability="maybe"),
                child("Child S", known_to=[world_a.members["agency"]], known_to_agency="no"),
            ],
        )
    assert error.value.message_dict["children"] == [
        "Child 1, age years: A child's age must be between 0 and 17 (up to 24 for a care leaver)",
        "Child 2, disability: Say whether the child has a disability, or not known",
        "Child 2, placement type: Give a placement type only for a looked-after child",
        "Child 3, known to agency: Organisations are recorded as knowing the child: answer yes or not known",
    ]


def test_the_api_takes_nature_and_care_leaver_and_answers_per_field(world_a):
    api = APIClient()
    api.force_authenticate(world_a.person("business"))
    day = str(dt.date(2026, 3, 2))
    payload = {
        "pathway": "mandatory",
        "notifying_member": world_a.members["council"].pk,
        "incident_date": day,
        "aware_date": day,
        "location": "in_area",
        "nature": "death",
        "abuse_or_neglect": "not_suspected",
        "children": [
            {
                "reference": "Young person R",
                "age_years": 20,
                "sex": "male",
                "ethnicity": "white_british",
                "looked_after": False,
                "care_leaver": True,
                "disability": "no",
            }
        ],
        "summary": "Died in supported accommodation.",
    }
    bad = api.post(
        f"/api/v1/{world_a.slug}/notifications/",
        {**payload, "nature": "died", "children": [{**payload["children"][0], "plan": "x"}]},
        format="json",
    )
    assert bad.status_code == 400 and set(bad.json()) == {"nature", "children"}
    assert bad.json()["children"] == {"0": {"plan": ['"x" is not a valid choice.']}}
    created = api.post(f"/api/v1/{world_a.slug}/notifications/", payload, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["nature"] == "death" and body["children"][0]["care_leaver"] is True
    assert body["children"][0]["disability"] == "no" and body["children"][0]["plan"] == "unknown"
    assert body["criteria"]["result"] == "care_leaver_death"
    assert {d["kind"]: d["due_date"] for d in body["deadlines"]} == dict.fromkeys(
        ["panel_notification", "rapid_review", "outcome_to_panel", "panel_response"]
    )
    url = f"/api/v1/{world_a.slug}/notifications/{body['id']}"
    refused = api.post(f"{url}/panel-notified/", {"sent_on": day, "panel_reference": "P"}, format="json")
    assert refused.status_code == 409 and "care leaver" in refused.json()["detail"]
    missing = api.post(f"{url}/sos-ofsted-notified/", {"sos_notified_on": day}, format="json")
    assert missing.status_code == 400 and set(missing.json()) == {"ofsted_notified_on"}
    done = api.post(f"{url}/sos-ofsted-notified/", {"sos_notified_on": day, "ofsted_notified_on": day}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "sos_ofsted_notified" and done.json()["ofsted_notified_on"] == day


# ----------------------------------------------------------------------------------------------
# Care leavers' and looked-after children's deaths, and the clocks


def test_a_care_leaver_aged_20_dying_is_told_to_the_sos_and_ofsted_with_no_rapid_review_clocks(world_a):
    notification = submit(world_a, nature="death", abuse_or_neglect="not_suspected", children=[care_leaver(20)])
    assert notification.criteria_result == "care_leaver_death"
    assert "Secretary of State and Ofsted" in notification.evaluation.reason
    shown = clocks(notification)
    assert all(clock.due_date is None for clock in shown.values())
    assert "care leaver's death" in shown["rapid_review"].explanation
    assert "care leaver's death" in shown["panel_notification"].explanation
    ctx = world_a.ctx()
    with pytest.raises(StateError, match="care leaver's death"):
        notify_panel(ctx, notification, on=notification.aware_date, panel_reference="P")
    with pytest.raises(ValidationError) as error:
        services.record_step(ctx, notification, step="sos_ofsted_notified", on=notification.aware_date)
    assert set(error.value.message_dict) == {"ofsted_notified_on"}
    done = services.record_step(
        ctx,
        notification,
        step="sos_ofsted_notified",
        on=notification.aware_date,
        ofsted_notified_on=notification.aware_date,
    )
    assert done.status == "sos_ofsted_notified"
    assert done.sos_notified_on == done.ofsted_notified_on == notification.aware_date


def test_a_care_leaver_under_18_is_evaluated_against_the_criteria(world_a):
    with_abuse = submit(world_a, nature="death", abuse_or_neglect="suspected", children=[care_leaver(17)])
    assert with_abuse.criteria_result == "meets"
    assert with_abuse.tells_sos_and_ofsted and clocks(with_abuse)["panel_notification"].due_date is not None
    without = submit(world_a, nature="death", abuse_or_neglect="not_suspected", children=[care_leaver(17)])
    assert without.criteria_result == "does_not_meet"
    # The step to the Panel asks for the Secretary of State and Ofsted as well.
    with pytest.raises(ValidationError) as error:
        notify_panel(world_a.ctx(), with_abuse, on=with_abuse.aware_date, panel_reference="P")
    assert error.value.message_dict["sos_notified_on"] == [
        "A care leaver died: enter the date the Secretary of State was notified"
    ]
    with pytest.raises(StateError, match="care leaver's death only"):
        services.record_step(
            world_a.ctx(),
            with_abuse,
            step="sos_ofsted_notified",
            on=with_abuse.aware_date,
            ofsted_notified_on=with_abuse.aware_date,
        )


def test_a_looked_after_childs_death_with_no_abuse_has_no_rapid_review_clock_and_says_why(world_a, client):
    notification = submit(
        world_a, nature="death", abuse_or_neglect="not_suspected", children=[child(looked_after=True)]
    )
    shown = clocks(notification)
    assert shown["panel_notification"].due_date is not None
    assert {shown[k].due_date for k in ("rapid_review", "outcome_to_panel", "panel_response")} == {None}
    assert "does not consider the case" in shown["rapid_review"].explanation
    client = signed_in(world_a.people["business"])
    page = client.get(reverse("notification-detail", args=[world_a.slug, notification.pk])).content.decode()
    assert "Not needed: a looked-after child died with no abuse or neglect known or suspected" in page
    ctx = world_a.ctx()
    on = notification.aware_date
    notification = notify_panel(
        ctx,
        notification,
        on=on,
        panel_reference="P",
        sos_notified_on=on,
        ofsted_notified_on=on,
    )
    with pytest.raises(StateError, match="does not consider the case"):
        services.record_step(ctx, notification, step="rapid_review_started", on=on)
    # With abuse suspected the rapid review runs as for any child.
    abused = submit(world_a, nature="death", abuse_or_neglect="suspected", children=[child(looked_after=True)])
    assert abused.criteria_result == "lac_death" and abused.needs_rapid_review


def test_the_care_leavers_page_shows_the_two_steps_and_the_reason(world_a, client):
    notification = submit(world_a, nature="death", abuse_or_neglect="not_suspected", children=[care_leaver(22)])
    client = signed_in(world_a.people["business"])
    page = client.get(reverse("notification-detail", args=[world_a.slug, notification.pk])).content.decode()
    assert "Record: Secretary of State and Ofsted notified" in page
    assert "Not needed: a care leaver&#x27;s death is notified to the Secretary of State and Ofsted only" in page
    step = reverse("notification-sos-ofsted-notified", args=[world_a.slug, notification.pk])
    form = client.get(step).content.decode()
    assert 'name="ofsted_notified_on-day"' in form


# ----------------------------------------------------------------------------------------------
# The DfE statistics' export


@pytest.fixture
def a_known_year(world_a):
    """Three notifications received in April 2026 to March 2027 (four children), one the year before."""
    with time_machine.travel(dt.datetime(2027, 3, 31, 10, 0), tick=False):
        submit(
            world_a,
            aware_date=dt.date(2026, 5, 11),
            received_on=dt.date(2026, 5, 11),
            nature="death",
            children=[
                child("Child A", age_years=0, age_months=3, sex="male", ethnicity="white_british", plan="cp_plan"),
                child("Child B", age_years=4, sex="female", ethnicity="white_irish", disability="yes"),
            ],
        )
        submit(
            world_a,
            aware_date=dt.date(2026, 11, 2),
            received_on=dt.date(2026, 11, 2),
            children=[
                child("Child C", age_years=15, looked_after=True, placement_type="foster", known_to_agency="yes")
            ],
        )
        submit(
            world_a,
            aware_date=dt.date(2027, 2, 1),
            received_on=dt.date(2027, 2, 1),
            nature="death",
            abuse_or_neglect="not_suspected",
            children=[care_leaver(21, sex="male", ethnicity="mixed_other", known_to_agency="yes")],
        )
        submit(world_a, aware_date=dt.date(2026, 3, 30), received_on=dt.date(2026, 3, 30))  # 2025-26
        yield


EXPECTED = {
    ("Total", "All children notified"): 4,
    ("Nature of incident", "Death"): 3,
    ("Nature of incident", "Serious harm"): 1,
    ("Nature of incident", "Other"): 0,
    ("Looked after", "Looked after"): 1,
    ("Looked after", "Care leaver"): 1,
    ("Looked after", "Neither"): 2,
    ("Sex", "Female"): 2,
    ("Sex", "Male"): 2,
    ("Age", "Under 1"): 1,
    ("Age", "1 to 5"): 1,
    ("Age", "11 to 15"): 1,
    ("Age", "16 to 17"): 0,
    ("Age", "18 to 24 (care leavers)"): 1,
    ("Ethnicity", "White"): 2,
    ("Ethnicity", "Black, Black British, Caribbean or African"): 1,
    ("Ethnicity", "Mixed or multiple ethnic groups"): 1,
    ("Disability", "Yes"): 1,
    ("Disability", "Not known"): 3,
    ("Child in need or child protection plan", "A child protection plan"): 1,
    ("Child in need or child protection plan", "Not known"): 3,
    ("Known to agencies", "Yes"): 2,
    ("Known to agencies", "Not known"): 2,
    ("Quarter received", "Q1 (Apr–Jun 2026)"): 2,
    ("Quarter received", "Q2 (Jul–Sep 2026)"): 0,
    ("Quarter received", "Q3 (Oct–Dec 2026)"): 1,
    ("Quarter received", "Q4 (Jan–Mar 2027)"): 1,
}


def _checked(rows):
    figures = {(breakdown, category): int(count) for breakdown, category, count in rows}
    assert {key: figures[key] for key in EXPECTED} == EXPECTED
    # Every breakdown adds up to the total.
    for breakdown in {b for b, _ in figures} - {"Total"}:
        assert sum(n for (b, _), n in figures.items() if b == breakdown) == 4, breakdown


def test_the_years_statistics_as_csv_and_xlsx_read_back(world_a, a_known_year):
    client = signed_in(world_a.people["business"])
    base = reverse("notification-statistics-csv", args=[world_a.slug])
    response = client.get(base + "?year=2026")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="thurrock-notifications-2026-27.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Breakdown", "Category", "Children notified"]
    _checked(rows[1:])
    xlsx = client.get(reverse("notification-statistics-xlsx", args=[world_a.slug]) + "?year=2026")
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.title == "Notifications 2026-27"
    _checked(list(sheet.iter_rows(min_row=2, values_only=True)))
    # The year before holds the one notification received then; a year that is not one is this year.
    before = list(csv.reader(io.StringIO(client.get(base + "?year=2025").content.decode("utf-8-sig"))))
    assert before[1] == ["Total", "All children notified", "1"]
    for odd_year in ("nonsense", "²", "99999"):
        odd = list(csv.reader(io.StringIO(client.get(base + f"?year={odd_year}").content.decode("utf-8-sig"))))
        assert odd[1] == ["Total", "All children notified", "4"], odd_year


def test_the_statistics_are_the_business_units_and_counted_in_one_query(
    world_a, a_known_year, django_assert_max_num_queries
):
    for who in ("agency", "scrutineer"):
        response = signed_in(world_a.people[who]).get(reverse("notification-statistics-csv", args=[world_a.slug]))
        assert response.status_code == 403, who
    with django_assert_max_num_queries(1):
        figures = statistics.year_figures(world_a.ctx(), 2026)
    assert {(f.breakdown, f.category): f.count for f in figures if (f.breakdown, f.category) not in EXPECTED} == {
        ("Sex", "Not known"): 0,
        ("Age", "6 to 10"): 0,
        ("Ethnicity", "Asian or Asian British"): 0,
        ("Ethnicity", "Other ethnic group"): 0,
        ("Ethnicity", "Not known"): 0,
        ("Disability", "No"): 0,
        ("Child in need or child protection plan", "A child in need plan"): 0,
        ("Child in need or child protection plan", "Neither"): 0,
        ("Known to agencies", "No"): 0,
    }


def test_the_child_page_asks_the_dfe_questions_and_takes_a_care_leaver_up_to_24(world_a):
    client = signed_in(world_a.people["business"])
    slug = world_a.slug
    client.get(reverse("notification-new", args=[slug]))
    url = reverse("notification-new-child", args=[slug]) + "?child=1"
    answers = {
        "reference": "Young person R",
        "age_years": "20",
        "sex": "male",
        "ethnicity": "not_known",
        "looked_after": "no",
        "home_area": "Thurrock",
    }
    refused = client.post(url, answers)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert error_by_field(page, "id_age_years").endswith(
        "A child's age must be between 0 and 17 (up to 24 for a care leaver)"
    )
    assert 'value="Young person R"' in page
    for name in ("care_leaver", "disability", "plan", "known_to_agency", "placement_type", "resident_authority"):
        assert f'name="{name}"' in page, name
    taken = client.post(url, {**answers, "care_leaver": "yes", "disability": "no", "plan": "none"})
    assert taken.status_code == 302
    child_answers = client.session[f"notification-draft:{slug}"]["children"][0]
    assert (child_answers["care_leaver"], child_answers["plan"], child_answers["known_to_agency"]) == (
        True,
        "none",
        "unknown",
    )
