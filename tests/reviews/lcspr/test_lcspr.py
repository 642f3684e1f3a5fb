"""Local child safeguarding practice reviews: commissioning from a signed-off recommendation, the
lifecycle and its clocks on the services and through the API, and the decision not to publish."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from lscp import deadlines
from lscp.models import ActivityEvent
from lscp.states import StateError
from reviews.lcspr import services as lcspr_services
from reviews.notifications import services
from tests.support.makers_reviews import PDF_BYTES, criteria, meeting, signed_off, started

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def api(person):
    client = APIClient()
    client.force_authenticate(person)
    return client


def views(world, event: str, actor) -> int:
    return (
        ActivityEvent.objects.for_partnership(world.partnership).filter(kind="view", event=event, actor=actor).count()
    )


# ----------------------------------------------------------------------------------------------
# The LCSPR


def lcspr_for(world):
    notification = started(world)
    meeting(world, notification)
    signed_off(world, notification)
    notification = services.record_step(world.ctx(), notification, step="rapid_review_completed", on=None)
    return notification


def test_the_lcspr_lifecycle_and_its_clocks(world_a):
    with time_machine.travel(dt.datetime(2026, 10, 1, 10), tick=False):
        notification = lcspr_for(world_a)
        lcspr = lcspr_services.commission(
            world_a.ctx(),
            notification,
            decision_date=dt.date(2026, 10, 1),
            reviewer_name="Dr Jo Reviewer",
            reviewer_kind="independent",
            terms_of_reference="ToR",
            scope_from=dt.date(2024, 10, 1),
            scope_to=dt.date(2026, 9, 1),
        )
        clocks = {d.kind: d for d in deadlines.clocks_for(lcspr)}
        assert clocks["lcspr_completion"].due_date == dt.date(2027, 4, 1)
        assert clocks["lcspr_completion"].explanation == "due Thu 1 Apr 2027: 6 calendar months after Thu 1 Oct 2026"
        assert (
            clocks["lcspr_pre_publication"].explanation == "starts when the date the final report was received is known"
        )
    with time_machine.travel(dt.datetime(2026, 12, 1, 10), tick=False):
        lcspr = lcspr_services.receive_report(
            world_a.ctx(),
            lcspr,
            final=True,
            received_on=dt.date(2026, 11, 30),
            upload=SimpleUploadedFile("final.pdf", PDF_BYTES),
        )
        with pytest.raises(ValidationError) as error:
            lcspr_services.plan_publication(world_a.ctx(), lcspr, planned_publication_date=dt.date(2026, 11, 20))
        assert (
            "must be after the final report was received (30 Nov 2026)"
            in error.value.message_dict["planned_publication_date"][0]
        )
        lcspr = lcspr_services.plan_publication(world_a.ctx(), lcspr, planned_publication_date=dt.date(2027, 1, 6))
        pre = {d.kind: d for d in deadlines.clocks_for(lcspr)}["lcspr_pre_publication"]
        assert pre.due_date == dt.date(2026, 12, 23)
        assert pre.explanation == (
            "due Wed 23 Dec 2026: 7 working days before Wed 6 Jan 2027 (planned publication); 25 Dec, 28 Dec and 1 Jan are bank holidays"
        )
        completion = {d.kind: d for d in deadlines.clocks_for(lcspr)}["lcspr_completion"]
        assert completion.met_on == dt.date(2026, 11, 30)
        with pytest.raises(StateError):
            lcspr_services.publish(
                world_a.ctx(), lcspr, published_on=dt.date(2026, 12, 1), published_url="https://example.org/r"
            )
    with time_machine.travel(dt.datetime(2027, 1, 6, 10), tick=False):
        lcspr = lcspr_services.send_to_panel(world_a.ctx(), lcspr, sent_on=dt.date(2026, 12, 22))
        lcspr = lcspr_services.publish(
            world_a.ctx(),
            lcspr,
            published_on=dt.date(2027, 1, 6),
            published_url="https://www.thurrocklscp.org.uk/reviews/child-q",
        )
        assert lcspr.keep_online_until == dt.date(2028, 1, 6)
        assert {d.kind: d.status_on(dt.date(2027, 1, 6)) for d in deadlines.clocks_for(lcspr)} == {
            "lcspr_completion": "met",
            "lcspr_pre_publication": "met",
        }


def test_an_lcspr_needs_a_signed_off_recommendation_and_can_be_not_published(world_a):
    notification = started(world_a)
    meeting(world_a, notification, recommendation="none", criteria=criteria())
    terms = dict(decision_date=TODAY(), reviewer_name="X", reviewer_kind="internal", terms_of_reference="T")
    with pytest.raises(StateError, match="recommends one"):
        lcspr_services.commission(world_a.ctx(), notification, **terms, scope_from=TODAY(), scope_to=TODAY())
    other = lcspr_for(world_a)
    lcspr = lcspr_services.commission(
        world_a.ctx(),
        other,
        **terms,
        scope_from=TODAY() - dt.timedelta(days=5),
        scope_to=TODAY(),
    )
    with pytest.raises(ValidationError) as error:
        lcspr_services.decide_not_to_publish(world_a.ctx(), lcspr, rationale="", improvements_summary="")
    assert set(error.value.message_dict) == {"rationale", "improvements_summary"}
    lcspr = lcspr_services.decide_not_to_publish(
        world_a.ctx(),
        lcspr,
        rationale="The family asked for it not to be published",
        improvements_summary="A summary of the improvements made is published.",
    )
    pre = {d.kind: d for d in deadlines.clocks_for(lcspr)}["lcspr_pre_publication"]
    assert pre.due_date is None and pre.explanation.startswith("Not needed")


def test_api_lcspr_steps_in_order(world_a):
    from tests.support.makers_reviews import commissioned

    lcspr = commissioned(world_a)
    business = api(world_a.person("business"))
    base = f"/api/v1/{world_a.slug}/notifications/{lcspr.notification_id}"
    today = TODAY()
    assert business.get(f"{base}/lcspr/").status_code == 200
    assert views(world_a, "lcspr.viewed", world_a.person("business")) == 1
    early = business.post(f"{base}/lcspr/meetings/", {"date": str(lcspr.decision_date - dt.timedelta(days=1))})
    assert early.status_code == 400 and list(early.json()) == ["date"]
    met = business.post(f"{base}/lcspr/meetings/", {"date": str(today), "notes": "Scoping the review"})
    assert met.status_code == 200 and len(met.json()["meetings"]) == 1
    too_soon = business.post(f"{base}/lcspr/sent-to-panel/", {"sent_on": str(today)})
    assert too_soon.status_code == 409 and "once it has been received" in too_soon.json()["detail"]
    final = business.post(
        f"{base}/lcspr/reports/",
        {"which": "final", "received_on": str(today), "document": SimpleUploadedFile("final.pdf", PDF_BYTES)},
        format="multipart",
    )
    assert final.status_code == 200 and final.json()["status"] == "final_report"
    future = business.post(f"{base}/lcspr/sent-to-panel/", {"sent_on": str(today + dt.timedelta(days=1))})
    assert future.status_code == 400 and list(future.json()) == ["sent_on"]
    sent = business.post(f"{base}/lcspr/sent-to-panel/", {"sent_on": str(today)})
    assert sent.status_code == 200 and sent.json()["status"] == "sent_to_panel"
    no_address = business.post(f"{base}/lcspr/published/", {"published_on": str(today), "published_url": ""})
    assert no_address.status_code == 400 and list(no_address.json()) == ["published_url"]
    published = business.post(
        f"{base}/lcspr/published/",
        {"published_on": str(today), "published_url": "https://www.thurrocklscp.org.uk/reviews/child-q"},
    )
    assert published.status_code == 200 and published.json()["status"] == "published"
    decided = business.post(
        f"{base}/lcspr/not-publishing/", {"rationale": "Identifiable", "improvements_summary": "Briefing"}
    )
    assert decided.status_code == 409 and "already been made" in decided.json()["detail"]
    assert api(world_a.person("scrutineer")).post(f"{base}/lcspr/meetings/", {"date": str(today)}).status_code == 403


def test_api_a_review_that_will_not_be_published_says_why(world_a):
    from tests.support.makers_reviews import commissioned

    lcspr = commissioned(world_a)
    business = api(world_a.person("business"))
    url = f"/api/v1/{world_a.slug}/notifications/{lcspr.notification_id}/lcspr/not-publishing/"
    missing = business.post(url, {"rationale": "", "improvements_summary": ""})
    assert missing.status_code == 400 and set(missing.json()) == {"rationale", "improvements_summary"}
    decided = business.post(
        url,
        {
            "rationale": "The family could be identified from the report.",
            "improvements_summary": "A seven-minute briefing on the learning, published in its place.",
        },
    )
    assert decided.status_code == 200 and decided.json()["status"] == "not_published"
