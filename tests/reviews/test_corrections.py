"""Correcting a recorded fact of a case (reviews/corrections.py): checked by the date table as a
first entry is, logged with the reason, clocks re-derived by the deadline engine, stale reads refused."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from lscp import deadlines
from lscp.models import ActivityEvent
from lscp.states import StaleVersion
from reviews import corrections
from reviews.notifications import services
from tests.support.makers_reviews import notify_panel, submit

pytestmark = pytest.mark.django_db


def _notified(world):
    """Aware Mon 30 Nov 2026, the Panel notified Tue 1 Dec, the rapid review started Wed 2 Dec."""
    with time_machine.travel(dt.datetime(2026, 12, 2, 10), tick=False):
        notification = submit(world, aware_date=dt.date(2026, 11, 30), incident_date=dt.date(2026, 11, 30))
        notification = notify_panel(world.ctx(), notification, on=dt.date(2026, 12, 1), panel_reference="P-1")
        return services.record_step(world.ctx(), notification, step="rapid_review_started", on=dt.date(2026, 12, 2))


def _clock(notification, kind):
    return {c.kind: c for c in deadlines.clocks_for(notification)}[kind]


def test_a_correction_re_derives_the_clocks_and_is_logged_with_its_reason(world_a):
    notification = _notified(world_a)
    assert _clock(notification, "rapid_review").due_date == dt.date(2026, 12, 22)
    with time_machine.travel(dt.datetime(2026, 12, 3, 10), tick=False):
        corrected = corrections.correct(
            world_a.ctx(),
            notification,
            field="panel_notified_on",
            value=dt.date(2026, 11, 30),
            reason="Typed the day after",
            version=notification.version,
        )
    assert corrected.panel_notified_on == dt.date(2026, 11, 30) and corrected.version == notification.version + 1
    # The rapid review's 15 working days now run from Mon 30 Nov; the Panel's clock is met that day.
    assert _clock(corrected, "rapid_review").due_date == dt.date(2026, 12, 21)
    assert _clock(corrected, "panel_notification").met_on == dt.date(2026, 11, 30)
    event = ActivityEvent.objects.for_partnership(world_a.partnership).get(event="notification.corrected")
    assert event.changes == {
        "panel_notified_on": {"old": "2026-12-01", "new": "2026-11-30", "reason": "Typed the day after"}
    }


def test_a_correction_is_checked_against_the_case_as_a_first_entry_is(world_a):
    notification = _notified(world_a)
    with time_machine.travel(dt.datetime(2026, 12, 3, 10), tick=False):
        with pytest.raises(ValidationError) as error:
            corrections.correct(
                world_a.ctx(),
                notification,
                field="panel_notified_on",
                value=dt.date(2026, 12, 3),
                reason="",
                version=notification.version,
            )
        assert error.value.message_dict == {
            "reason": ["Enter the reason for the correction"],
            "value": [
                "The date the Panel was notified must be the same as or before the date the rapid review started "
                "(2 December 2026)"
            ],
        }
        with pytest.raises(ValidationError) as error:
            corrections.correct(
                world_a.ctx(), notification, field="outcome_sent_on", value=None, reason="x", version=None
            )
        assert error.value.message_dict == {"field": ["Choose a recorded date to correct"]}
        with pytest.raises(StaleVersion):
            corrections.correct(
                world_a.ctx(),
                notification,
                field="aware_date",
                value=dt.date(2026, 11, 29),
                reason="x",
                version=notification.version - 1,
            )
    notification.refresh_from_db()
    assert notification.panel_notified_on == dt.date(2026, 12, 1)


@pytest.mark.parametrize("field", corrections.CORRECTABLE["notification"].fields)
def test_every_correctable_field_is_named_by_the_date_table(field):
    assert corrections.CORRECTABLE["notification"].label(field).startswith("The ")


def test_the_api_corrects_answers_400_by_field_and_409_on_a_stale_version(world_a, api):
    notification = _notified(world_a)
    url = f"/api/v1/{world_a.slug}/notifications/{notification.pk}/corrections/"
    client = api(world_a.people["business"])
    with time_machine.travel(dt.datetime(2026, 12, 3, 10), tick=False):
        payload = {"field": "panel_notified_on", "value": "2026-11-30", "reason": "", "version": notification.version}
        refused = client.post(url, payload, format="json")
        assert refused.status_code == 400
        assert refused.json() == {"reason": ["Enter the reason for the correction"]}
        refused = client.post(url, {**payload, "value": "2026-12-03", "reason": "Typed"}, format="json")
        assert refused.status_code == 400 and list(refused.json()) == ["value"]
        refused = client.post(url, {**payload, "field": "summary", "reason": "Typed"}, format="json")
        assert refused.status_code == 400 and list(refused.json()) == ["field"]
        saved = client.post(url, {**payload, "reason": "Typed the day after"}, format="json")
        assert saved.status_code == 200 and saved.json()["panel_notified_on"] == "2026-11-30"
        stale = client.post(url, {**payload, "reason": "Again"}, format="json")
        assert stale.status_code == 409
        partner = api(world_a.people["council"]).post(
            url, {**payload, "version": notification.version + 1, "reason": "x"}, format="json"
        )
        assert partner.status_code == 403


def test_the_case_page_offers_change_links_to_the_business_unit_and_the_correction_page_checks(world_a, as_user):
    from django.urls import reverse

    notification = _notified(world_a)
    case = reverse("notification-detail", args=[world_a.slug, notification.pk])
    page = reverse("notification-corrections", args=[world_a.slug, notification.pk])
    with time_machine.travel(dt.datetime(2026, 12, 3, 10), tick=False):
        business = as_user(world_a.people["business"])
        html = business.get(case).content.decode()
        assert f"{page}?field=panel_notified_on" in html and "the date sent to the National Panel</span>" in html
        assert f"{page}?field=panel_notified_on" not in as_user(world_a.people["council"]).get(case).content.decode()
        assert as_user(world_a.people["council"]).get(f"{page}?field=panel_notified_on").status_code == 403
        listed = business.get(page).content.decode()
        assert "?field=rapid_review_started_on" in listed and "?field=outcome_sent_on" not in listed
        form = {
            "field": "panel_notified_on",
            "version": notification.version,
            "value-day": "3",
            "value-month": "12",
            "value-year": "2026",
            "reason": "",
        }
        shown = business.post(f"{page}?field=panel_notified_on", form)
        html = shown.content.decode()
        assert shown.status_code == 200
        assert "Enter the reason for the correction" in html
        assert "must be the same as or before the date the rapid review started (2 December 2026)" in html
        assert 'name="value-day" type="text" value="3"' in html or 'value="3"' in html  # input kept
        saved = business.post(
            f"{page}?field=panel_notified_on", {**form, "value-day": "30", "value-month": "11", "reason": "Typo"}
        )
        assert saved.status_code == 302
    notification.refresh_from_db()
    assert notification.panel_notified_on == dt.date(2026, 11, 30)


def test_a_correction_after_the_case_closed_is_allowed_and_says_so(world_a, as_user):
    from django.urls import reverse

    from tests.support.makers_reviews import meeting, signed_off

    notification = _notified(world_a)
    ctx = world_a.ctx()
    with time_machine.travel(dt.datetime(2026, 12, 10, 10), tick=False):
        meeting(world_a, notification, meeting_date=dt.date(2026, 12, 8))
        signed_off(world_a, notification)
        notification = services.record_step(ctx, notification, step="rapid_review_completed", on=None)
        notification = services.record_step(ctx, notification, step="outcome_sent", on=dt.date(2026, 12, 10))
        notification = services.record_step(
            ctx, notification, step="panel_responded", on=dt.date(2026, 12, 10), response="Agreed"
        )
        page = reverse("notification-corrections", args=[world_a.slug, notification.pk])
        shown = as_user(world_a.people["business"]).get(f"{page}?field=outcome_sent_on").content.decode()
        assert "This case closed on Thu 10 Dec 2026; the correction will be recorded." in shown
        corrections.correct(
            ctx,
            notification,
            field="panel_response_received_on",
            value=dt.date(2026, 12, 10),
            reason="unchanged",
            version=notification.version,
        )
        assert not ActivityEvent.objects.for_partnership(world_a.partnership).filter(event="notification.corrected")
        corrections.correct(
            ctx,
            notification,
            field="panel_notified_on",
            value=dt.date(2026, 11, 30),
            reason="Sent the evening before",
            version=notification.version,
        )
    event = ActivityEvent.objects.for_partnership(world_a.partnership).get(event="notification.corrected")
    assert event.changes == {
        "panel_notified_on": {
            "old": "2026-12-01",
            "new": "2026-11-30",
            "reason": "Sent the evening before",
            "case_closed": True,
        }
    }
    assert _clock(notification, "panel_notification").met_on == dt.date(2026, 11, 30)


# ----------------------------------------------------------------------------------------------
# The LCSPR's dates and a request's reply-by date, under their own routes


def _commissioned(world):
    """An LCSPR commissioned Thu 10 Dec 2026 for an incident of 30 Nov 2026."""
    from tests.support.makers_reviews import _commission, meeting, signed_off

    notification = _notified(world)
    with time_machine.travel(dt.datetime(2026, 12, 10, 10), tick=False):
        meeting(world, notification, meeting_date=dt.date(2026, 12, 8))
        signed_off(world, notification)
        return _commission(world, notification)


def _requested(world):
    """A request for information sent Wed 2 Dec 2026, reply by Fri 11 Dec."""
    from reviews.rapid_review import services as rapid_review_services

    notification = _notified(world)
    with time_machine.travel(dt.datetime(2026, 12, 2, 12), tick=False):
        [request] = rapid_review_services.request_information(
            world.ctx(), notification, members=[world.members["agency"]], reply_by=dt.date(2026, 12, 11)
        )
    return request


def test_an_lcspr_correction_re_derives_its_clock_and_is_checked_against_the_case(world_a):
    lcspr = _commissioned(world_a)
    assert _clock(lcspr, "lcspr_completion").due_date == dt.date(2027, 6, 10)
    with time_machine.travel(dt.datetime(2026, 12, 11, 10), tick=False):
        with pytest.raises(ValidationError) as error:
            corrections.correct(
                world_a.ctx(),
                lcspr,
                field="decision_date",
                value=dt.date(2020, 1, 1),
                reason="x",
                version=lcspr.version,
            )
        assert error.value.message_dict == {
            "value": [
                "The date of the decision to commission the review must be the same as or after the incident date "
                "(30 November 2026)"
            ]
        }
        corrected = corrections.correct(
            world_a.ctx(),
            lcspr,
            field="decision_date",
            value=dt.date(2026, 12, 9),
            reason="Decided the day before",
            version=lcspr.version,
        )
    assert corrected.decision_date == dt.date(2026, 12, 9)
    assert _clock(corrected, "lcspr_completion").due_date == dt.date(2027, 6, 9)
    event = ActivityEvent.objects.for_partnership(world_a.partnership).get(event="lcspr.corrected")
    assert event.changes == {
        "decision_date": {"old": "2026-12-10", "new": "2026-12-09", "reason": "Decided the day before"}
    }


def test_a_reply_by_correction_re_derives_the_requests_clock_and_warns_after_the_reviews_due_date(world_a):
    request = _requested(world_a)
    assert _clock(request, "information_request").due_date == dt.date(2026, 12, 11)
    with time_machine.travel(dt.datetime(2026, 12, 3, 10), tick=False):
        values = {"field": "reply_by", "reason": "Agreed a later date", "version": request.version}
        with pytest.raises(ValidationError) as error:
            corrections.correct(world_a.ctx(), request, value=dt.date(2026, 12, 1), **values)
        assert list(error.value.message_dict) == ["value"]
        with pytest.raises(ValidationError) as error:  # after the rapid review's due date (Tue 22 Dec)
            corrections.correct(world_a.ctx(), request, value=dt.date(2026, 12, 23), **values)
        assert list(error.value.message_dict) == ["confirm"]
        corrected = corrections.correct(world_a.ctx(), request, value=dt.date(2026, 12, 15), **values)
    assert _clock(corrected, "information_request").due_date == dt.date(2026, 12, 15)
    event = ActivityEvent.objects.for_partnership(world_a.partnership).get(event="information_request.corrected")
    assert event.changes["reply_by"] == {"old": "2026-12-11", "new": "2026-12-15", "reason": "Agreed a later date"}


@pytest.mark.parametrize("kind", ["lcspr", "information_request"])
def test_the_api_corrects_the_lcspr_and_a_request_under_their_own_routes(world_a, api, kind):
    if kind == "lcspr":
        record = _commissioned(world_a)
        url = f"/api/v1/{world_a.slug}/notifications/{record.notification_id}/lcspr/corrections/"
        payload = {"field": "decision_date", "value": "2026-12-09", "version": record.version}
        wrong = "2026-11-01"
    else:
        record = _requested(world_a)
        url = f"/api/v1/{world_a.slug}/notifications/{record.notification_id}/information-requests/{record.pk}/corrections/"
        payload = {"field": "reply_by", "value": "2026-12-15", "version": record.version}
        wrong = "2026-12-01"
    client = api(world_a.people["business"])
    with time_machine.travel(dt.datetime(2026, 12, 11, 10), tick=False):
        refused = client.post(url, {**payload, "reason": ""}, format="json")
        assert refused.status_code == 400 and refused.json() == {"reason": ["Enter the reason for the correction"]}
        refused = client.post(url, {**payload, "value": wrong, "reason": "Typed"}, format="json")
        assert refused.status_code == 400 and list(refused.json()) == ["value"]
        refused = client.post(url, {**payload, "field": "aware_date", "reason": "Typed"}, format="json")
        assert refused.status_code == 400 and list(refused.json()) == ["field"]
        saved = client.post(url, {**payload, "reason": "Typed wrong"}, format="json")
        assert saved.status_code == 200 and saved.json()[payload["field"]] == payload["value"]
        assert client.post(url, {**payload, "reason": "Again"}, format="json").status_code == 409
        partner = api(world_a.people["council"]).post(
            url, {**payload, "version": record.version + 1, "reason": "x"}, format="json"
        )
        assert partner.status_code == 403


@pytest.mark.parametrize("kind", ["lcspr", "information_request"])
def test_the_lcspr_and_request_pages_offer_change_links_to_the_business_unit_only(world_a, as_user, kind):
    from django.urls import reverse

    if kind == "lcspr":
        record = _commissioned(world_a)
        args = [world_a.slug, record.notification_id]
        case, page, field = reverse("lcspr-detail", args=args), reverse("lcspr-corrections", args=args), "decision_date"
        form = {"value-day": "9", "value-month": "12", "value-year": "2026"}
    else:
        record = _requested(world_a)
        args = [world_a.slug, record.pk]
        case = reverse("information-request-detail", args=args)
        page, field = reverse("information-request-corrections", args=args), "reply_by"
        form = {"value-day": "15", "value-month": "12", "value-year": "2026"}
    with time_machine.travel(dt.datetime(2026, 12, 11, 10), tick=False):
        business = as_user(world_a.people["business"])
        assert f"{page}?field={field}" in business.get(case).content.decode()
        assert f"{page}?field={field}" not in as_user(world_a.people["council"]).get(case).content.decode()
        assert as_user(world_a.people["council"]).get(f"{page}?field={field}").status_code == 403
        assert f"?field={field}" in business.get(page).content.decode()
        form = {**form, "field": field, "version": record.version, "reason": ""}
        shown = business.post(f"{page}?field={field}", form)
        assert shown.status_code == 200 and "Enter the reason for the correction" in shown.content.decode()
        saved = business.post(f"{page}?field={field}", {**form, "reason": "Typed wrong"})
        assert saved.status_code == 302 and saved["Location"] == case
    record.refresh_from_db()
    assert getattr(record, field) == dt.date(2026, 12, int(form["value-day"]))
