"""The NHS Safeguarding Case Review Tracker export (issue 13): the partnership's rapid reviews and
LCSPRs in the tracker's fields, as a page, XLSX and CSV downloads recorded as exports, and the API,
for the business unit and the safeguarding partners only."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lscp.models import ActivityEvent
from reviews.action_plans.models import SourceKind
from reviews.lcspr.models import Lcspr
from reviews.notifications import services
from reviews.tracker import selectors
from reviews.tracker.sheets import HEADERS
from tests.support import queries
from tests.support.makers_actions import plan_with
from tests.support.makers_reviews import commissioned, meeting, signed_off, started, submit

pytestmark = pytest.mark.django_db
REPORT_URL = "https://www.thurrocklscp.uk/reviews/child-q"


def _closed_rapid_review(world):
    """A rapid review that recommended no further review, answered by the Panel."""
    notification = started(world)
    meeting(world, notification, recommendation="none", themes=["neglect", "domestic_abuse"])
    signed_off(world, notification)
    ctx, today = world.ctx(), timezone.localdate()
    notification = services.record_step(ctx, notification, step="rapid_review_completed", on=today)
    notification = services.record_step(ctx, notification, step="outcome_sent", on=today)
    return services.record_step(ctx, notification, step="panel_responded", on=today, response="Agreed")


def _reviews(world):
    """(still in its rapid review, a closed rapid review, a published LCSPR with its plan); a
    notification whose rapid review has not started is not a review yet."""
    submit(world)
    open_one = started(world)
    closed = _closed_rapid_review(world)
    lcspr = commissioned(world)
    Lcspr.objects.for_partnership(world.partnership).filter(pk=lcspr.pk).update(
        status="published", published_on=dt.date(2025, 11, 3), published_url=REPORT_URL
    )
    plan_with(
        world,
        [
            ("1", "Share information about fathers", [], "male_carers"),
            ("2a", "Train staff in professional curiosity", [], "risk_assessment"),
            ("2b", "Audit the fathers' assessments", [], "male_carers"),
            ("3", "Review the escalation policy", []),
        ],
        source_kind=SourceKind.RAPID_REVIEW,
        notification=lcspr.notification,
    )
    return open_one, closed, lcspr.notification


def test_each_review_is_a_row_in_the_trackers_fields_with_the_products_own_stages(world_a):
    open_one, closed, published = _reviews(world_a)
    rows = {row.local_reference: row for row in selectors.tracker_rows(world_a.ctx())}
    assert set(rows) == {open_one.reference, closed.reference, published.reference}

    row = rows[open_one.reference]
    assert (row.status, row.review_type, row.converted_from_rapid_review) == ("open", "rapid_review", False)
    assert (row.stage, row.stage_label, row.themes) == ("rapid_review_started", "Rapid review started", [])
    assert row.date_added == open_one.received_on and row.panel_reference == "P-1"

    row = rows[closed.reference]
    assert (row.status, row.stage_label) == ("closed", "Panel responded")
    # The practice themes the meeting identified, in the list's order (Neglect before Domestic abuse).
    assert row.themes == ["Neglect", "Domestic abuse"]
    assert row.rapid_review_decision == "No further review"

    row = rows[published.reference]
    assert (row.status, row.review_type, row.converted_from_rapid_review) == ("closed", "lcspr", True)
    assert (row.stage, row.stage_label) == ("published", "Published")
    assert (row.publication_date, row.publication_link) == (dt.date(2025, 11, 3), REPORT_URL)
    # Each theme once, in the list's order; a recommendation with no theme adds none.
    assert row.recommendation_themes == ["Fathers and male carers", "Risk assessment and decision-making"]
    assert row.partnership == world_a.partnership.name


def test_a_commissioned_lcspr_is_open_at_its_own_stage(world_a):
    lcspr = commissioned(world_a)
    [row] = selectors.tracker_rows(world_a.ctx())
    assert (row.local_reference, row.status, row.stage_label) == (lcspr.notification.reference, "open", "Commissioned")


def test_the_downloads_carry_the_same_rows_and_are_recorded_as_exports(world_a, as_user):
    open_one, closed, published = _reviews(world_a)
    client = as_user(world_a.people["council"])  # a safeguarding partner
    page = client.get(reverse("review-tracker", args=[world_a.slug])).content.decode()
    assert published.reference in page and REPORT_URL in page and "What each column holds" in page

    response = client.get(reverse("review-tracker-csv", args=[world_a.slug]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0] == HEADERS
    by_reference = {line[1]: dict(zip(HEADERS, line, strict=True)) for line in table[1:]}
    assert by_reference[published.reference]["Type of review"] == "Local child safeguarding practice review"
    assert by_reference[published.reference]["Publication date"] == "03/11/2025"
    assert by_reference[closed.reference]["Status"] == "Closed"
    assert by_reference[open_one.reference]["Stage"] == "Rapid review started"

    response = client.get(reverse("review-tracker-xlsx", args=[world_a.slug]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == HEADERS and len(values) == 4
    published_row = next(v for v in values[1:] if v[1] == published.reference)
    assert published_row[HEADERS.index("Recommendation themes")] == (
        "Fathers and male carers; Risk assessment and decision-making"
    )
    closed_row = next(v for v in values[1:] if v[1] == closed.reference)
    assert closed_row[HEADERS.index("Themes")] == "Neglect; Domestic abuse"

    exports = ActivityEvent.objects.for_partnership(world_a.partnership).filter(kind="export").order_by("id")
    assert [(e.details["filename"].rsplit(".", 1)[1], e.details["rows"], e.actor) for e in exports] == [
        ("csv", 3, world_a.person("council")),
        ("xlsx", 3, world_a.person("council")),
    ]


def test_the_notifications_list_links_to_it_for_the_business_unit_and_partners_only(world_a, as_user):
    url = reverse("review-tracker", args=[world_a.slug])
    for who, allowed in [("business", True), ("police", True), ("agency", False), ("scrutineer", False)]:
        client = as_user(world_a.people[who])
        listing = client.get(reverse("notification-list", args=[world_a.slug])).content.decode()
        assert (url in listing) is allowed, who
        assert client.get(url).status_code == (200 if allowed else 403), who
        assert client.get(url + "export.csv").status_code == (200 if allowed else 403), who


def test_the_api_lists_the_rows_and_downloads_the_file(world_a, api):
    open_one, closed, published = _reviews(world_a)
    client = api(world_a.people["business"])
    body = client.get(f"/api/v1/{world_a.slug}/review-tracker/").json()
    rows = {row["local_reference"]: row for row in body["results"]}
    assert body["count"] == 3
    assert rows[published.reference] | {"themes": None, "recommendation_themes": None} == {
        "partnership": world_a.partnership.name,
        "local_reference": published.reference,
        "panel_reference": "P-1",
        "date_added": published.received_on.isoformat(),
        "status": "closed",
        "review_type": "lcspr",
        "converted_from_rapid_review": True,
        "stage": "published",
        "stage_label": "Published",
        "themes": None,
        "rapid_review_decision": "A local child safeguarding practice review (LCSPR)",
        "publication_date": "2025-11-03",
        "publication_link": REPORT_URL,
        "recommendation_themes": None,
    }
    assert rows[closed.reference]["status"] == "closed" and rows[open_one.reference]["status"] == "open"

    response = client.get(f"/api/v1/{world_a.slug}/review-tracker/export/?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.decode("utf-8-sig").splitlines()[0].startswith("Safeguarding partnership,Local reference")
    response = client.get(f"/api/v1/{world_a.slug}/review-tracker/export/?format=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    events = ActivityEvent.objects.for_partnership(world_a.partnership)
    assert events.filter(kind="export").count() == 2
    assert events.filter(kind="read", event="notification.listed").exists()
    assert api(world_a.people["agency"]).get(f"/api/v1/{world_a.slug}/review-tracker/").status_code == 403


def test_the_page_export_and_api_run_a_fixed_number_of_queries(world_a, as_user, api):
    _reviews(world_a)
    page, client = as_user(world_a.people["business"]), api(world_a.people["business"])
    urls = [
        (page, reverse("review-tracker", args=[world_a.slug])),
        (page, reverse("review-tracker-xlsx", args=[world_a.slug])),
        (client, f"/api/v1/{world_a.slug}/review-tracker/"),
    ]
    before = [len(queries.get(c, url)) for c, url in urls]
    _reviews(world_a)
    _reviews(world_a)
    after = [len(queries.get(c, url)) for c, url in urls]
    assert before == after
    assert max(after) <= 12, after


def test_practice_themes_are_recorded_on_the_meeting_page_and_the_api_and_checked(world_a, as_user, api):
    """The meeting record takes the review's practice themes (page and API) and refuses one not on
    the list; a recommendation takes its theme. On main there was nowhere to record either."""
    from reviews.action_plans import services as plan_services
    from reviews.rapid_review.models import RapidReview

    notification = started(world_a)
    review = meeting(world_a, notification, recommendation="none")
    client = as_user(world_a.people["business"])
    url = reverse("rapid-review-meeting", args=[world_a.slug, notification.pk])
    form = client.get(url).content.decode()
    assert 'name="themes" type="checkbox" value="safer_sleep"' in form and "Sudden unexpected death in infancy" in form

    api_client = api(world_a.people["business"])
    base = f"/api/v1/{world_a.slug}/notifications/{notification.pk}/rapid-review/"
    body = {"recommendation": "none", "themes": ["online_harm", "neglect"], "version": review.version}
    response = api_client.put(base, body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["themes"] == ["neglect", "online_harm"]
    review = RapidReview.objects.for_partnership(world_a.partnership).get(pk=review.pk)
    assert review.theme_labels == ["Neglect", "Online harm"]
    response = api_client.put(base, {**body, "themes": ["astrology"], "version": review.version}, format="json")
    assert response.status_code == 400 and "themes" in response.json()
    page = client.get(reverse("rapid-review", args=[world_a.slug, notification.pk])).content.decode()
    assert "Neglect; Online harm" in page

    plan = plan_with(world_a, [("1", "Share information", [])])
    [recommendation] = plan.recommendations.all()
    with pytest.raises(ValidationError) as error:
        plan_services.recommendation_update(world_a.ctx(), recommendation, number=1, text="Share", theme="astrology")
    assert error.value.message_dict == {"theme": ["Choose the practice theme from the list"]}
    plan_services.recommendation_update(world_a.ctx(), recommendation, number=1, text="Share", theme="neglect")
    recommendation.refresh_from_db()
    assert recommendation.theme == "neglect"
