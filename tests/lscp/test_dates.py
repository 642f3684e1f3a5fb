"""The one table of a case's date rules (lscp/dates.py): every row tested both ways from the table
itself (a new rule is tested without anyone writing a test), then each case measured in issue 14 §2
through the real services, pages and API."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from funding import services as funding
from lscp import dates
from reviews.lcspr import services as lcspr_services
from reviews.notifications import services
from reviews.rapid_review import services as rapid
from tests.support.makers_reviews import meeting, notify_panel, signed_off, started, submit

TODAY = dt.date(2026, 12, 4)
EARLIER = dt.date(2026, 11, 20)


@pytest.fixture
def today():
    with time_machine.travel(dt.datetime(2026, 12, 4, 10), tick=False):
        yield


def _broken_and_kept(rule: dates.Rule) -> tuple[dict, dict]:
    """Values breaking the rule, and values one day away that keep it."""
    if rule.test == dates.NOT_FUTURE:
        return {rule.field: TODAY + dt.timedelta(days=1)}, {rule.field: TODAY}
    step = dt.timedelta(days=-1 if rule.test == dates.NOT_BEFORE else 1)
    return {rule.field: EARLIER + step, rule.other: EARLIER}, {rule.field: EARLIER, rule.other: EARLIER}


@pytest.mark.parametrize("rule", dates.RULES, ids=lambda r: f"{r.record}.{r.field}.{r.test}.{r.other or ''}")
def test_every_rule_of_the_table_refuses_or_warns_and_lets_the_right_date_through(today, rule):
    broken, kept = _broken_and_kept(rule)
    refusals, warnings = dates.problems(rule.record, broken, changed={rule.field})
    message = rule.message(broken)
    assert message[0].isupper() and "_" not in message
    if rule.severity == dates.WARN:
        assert (refusals, warnings) == ({}, [message])
        dates.check(rule.record, broken, changed={rule.field}, confirmed=True)  # confirmed: saved
    else:
        assert (refusals, warnings) == ({rule.field: message}, [])
        with pytest.raises(ValidationError) as error:
            dates.check(rule.record, broken, changed={rule.field}, inputs={rule.field: "given"})
        assert error.value.message_dict == {"given": [message]}
    assert dates.problems(rule.record, kept, changed={rule.field}) == ({}, [])
    if rule.test != dates.NOT_FUTURE:
        # Changing the other date (a correction) is held to the same rule, said the other way round.
        refusals, warnings = dates.problems(rule.record, broken, changed={rule.other})
        turned = rule.message(broken, turned=True)
        assert (refusals, warnings) == (({}, [turned]) if rule.severity == dates.WARN else ({rule.other: turned}, []))
        assert dates.problems(rule.record, kept, changed={rule.other}) == ({}, [])


def test_a_rule_says_which_dates_and_the_date_it_depends_on():
    [rule] = [r for r in dates.RULES if r.field == "rapid_review_completed_on" and r.other == "rapid_review_started_on"]
    values = {"rapid_review_completed_on": dt.date(2026, 3, 1), "rapid_review_started_on": dt.date(2026, 3, 2)}
    assert rule.message(values) == (
        "The date the rapid review was completed must be the same as or after the date the rapid review started "
        "(2 March 2026)"
    )
    assert rule.message(values, turned=True) == (
        "The date the rapid review started must be the same as or before the date the rapid review was completed "
        "(1 March 2026)"
    )


# ----------------------------------------------------------------------------------------------
# The cases measured in issue 14 §2, each refused (or warned about) where it was saved before


@pytest.mark.django_db
def test_an_lcspr_commissioned_before_the_incident_is_refused(world_a):
    with time_machine.travel(dt.datetime(2026, 12, 4, 10), tick=False):
        notification = started(world_a)  # the incident on 24 November 2026
        meeting(world_a, notification)
        signed_off(world_a, notification)
        notification = services.record_step(world_a.ctx(), notification, step="rapid_review_completed", on=None)
        values = dict(
            reviewer_name="Dr Jo Reviewer",
            reviewer_kind="independent",
            terms_of_reference="ToR",
            scope_from=dt.date(2024, 1, 1),
            scope_to=dt.date(2026, 11, 1),
        )
        with pytest.raises(ValidationError) as error:
            lcspr_services.commission(world_a.ctx(), notification, decision_date=dt.date(2020, 1, 1), **values)
        assert error.value.message_dict == {
            "decision_date": [
                "The date of the decision to commission the review must be the same as or after the incident date "
                "(24 November 2026)"
            ]
        }
        lcspr = lcspr_services.commission(world_a.ctx(), notification, decision_date=dt.date(2026, 12, 4), **values)
        assert lcspr.decision_date == dt.date(2026, 12, 4)


@pytest.mark.django_db
def test_a_contribution_invoiced_years_later_or_received_before_its_invoice_is_refused(world_a):
    with time_machine.travel(dt.datetime(2026, 12, 4, 10), tick=False):
        year = funding.year_add(ctx=world_a.ctx(), label="2020-21")
        base = dict(ctx=world_a.ctx(), year=year, organisation=world_a.members["council"].organisation)
        with pytest.raises(ValidationError) as error:
            funding.contribution_add(
                **base, agreed=Decimal(1000), invoiced_on=dt.date(2030, 6, 1), invoiced=Decimal(1000)
            )
        assert error.value.message_dict == {"invoiced_on": ["The date invoiced must be today or in the past"]}
        with pytest.raises(ValidationError) as error:
            funding.contribution_add(
                **base, agreed=Decimal(1000), invoiced_on=dt.date(2019, 6, 1), invoiced=Decimal(1000)
            )
        assert error.value.message_dict == {
            "invoiced_on": [
                "The date invoiced must be the same as or after the start of the financial year (1 April 2020)"
            ]
        }
        with pytest.raises(ValidationError) as error:
            funding.contribution_add(
                **base,
                agreed=Decimal(1000),
                invoiced_on=dt.date(2020, 6, 1),
                invoiced=Decimal(1000),
                received_on=dt.date(2020, 5, 1),
                received=Decimal(1000),
            )
        assert error.value.message_dict == {
            "received_on": ["The date received must be the same as or after the date invoiced (1 June 2020)"]
        }
        assert not year.contributions.exists()
        funding.contribution_add(
            **base,
            agreed=Decimal(1000),
            invoiced_on=dt.date(2020, 6, 1),
            invoiced=Decimal(1000),
            received_on=dt.date(2020, 6, 15),
            received=Decimal(1000),
        )
        assert year.contributions.count() == 1


def _started_on_thursday(world):
    """A rapid review whose 15 working days from Tue 1 Dec 2026 end on Mon 21 Dec 2026."""
    with time_machine.travel(dt.datetime(2026, 12, 1, 10), tick=False):
        notification = submit(world, aware_date=dt.date(2026, 11, 30), incident_date=dt.date(2026, 11, 30))
        notification = notify_panel(world.ctx(), notification, on=dt.date(2026, 12, 1), panel_reference="P-1")
        return services.record_step(world.ctx(), notification, step="rapid_review_started", on=dt.date(2026, 12, 1))


@pytest.mark.django_db
def test_a_reply_by_date_after_the_rapid_reviews_due_date_is_warned_about_until_confirmed(world_a):
    notification = _started_on_thursday(world_a)
    police = world_a.members["police"]
    with time_machine.travel(dt.datetime(2026, 12, 2, 10), tick=False):
        with pytest.raises(ValidationError) as error:
            rapid.request_information(world_a.ctx(), notification, members=[police], reply_by=dt.date(2027, 1, 8))
        assert error.value.message_dict == {
            "confirm": [
                "The reply-by date is after the rapid review's due date (22 December 2026): the summaries would "
                "arrive after the review should be complete. Confirm it only if the review cannot use them sooner"
            ]
        }
        assert not notification.information_requests.exists()
        [request] = rapid.request_information(
            world_a.ctx(), notification, members=[police], reply_by=dt.date(2027, 1, 8), confirm=True
        )
        assert request.reply_by == dt.date(2027, 1, 8)


@pytest.mark.django_db
def test_the_reply_by_warning_on_the_page_and_in_the_api(world_a, as_user, api):
    notification = _started_on_thursday(world_a)
    page = reverse("rapid-review-request-information", args=[world_a.slug, notification.pk])
    form = {
        "members": [world_a.members["police"].pk],
        "reply_by-day": "8",
        "reply_by-month": "1",
        "reply_by-year": "2027",
        "message": "",
    }
    url = f"/api/v1/{world_a.slug}/notifications/{notification.pk}/information-requests/"
    with time_machine.travel(dt.datetime(2026, 12, 2, 10), tick=False):
        browser = as_user(world_a.people["business"])
        shown = browser.post(page, form)
        assert shown.status_code == 200
        html = shown.content.decode()
        assert 'class="govuk-warning-text"' in html and "after the rapid review&#x27;s due date" in html
        assert 'name="confirm"' in html and "Check the date, then confirm it or change it" in html
        assert not notification.information_requests.exists()
        client = api(world_a.people["business"])
        refused = client.post(url, {"members": [world_a.members["health"].pk], "reply_by": "2027-01-08"}, format="json")
        assert refused.status_code == 400 and list(refused.json()) == ["confirm"]
        saved = browser.post(page, {**form, "confirm": "true"})
        assert saved.status_code == 302
        confirmed = client.post(
            url, {"members": [world_a.members["health"].pk], "reply_by": "2027-01-08", "confirm": True}, format="json"
        )
        assert confirmed.status_code == 201
    assert notification.information_requests.count() == 2


@pytest.mark.django_db
def test_a_rapid_review_completed_before_the_partners_signed_is_warned_about_on_the_page(world_a, as_user):
    notification = _started_on_thursday(world_a)
    with time_machine.travel(dt.datetime(2026, 12, 10, 10), tick=False):
        meeting(world_a, notification, meeting_date=dt.date(2026, 12, 8))
        signed_off(world_a, notification)  # today, 10 December
        notification.refresh_from_db()
        page = reverse("notification-rapid-review-completed", args=[world_a.slug, notification.pk])
        form = {
            "version": notification.version,
            "completed_on-day": "3",
            "completed_on-month": "12",
            "completed_on-year": "2026",
        }
        browser = as_user(world_a.people["business"])
        shown = browser.post(page, form)
        html = shown.content.decode()
        assert shown.status_code == 200 and "before the last safeguarding partner signed it (10 December 2026)" in html
        notification.refresh_from_db()
        assert notification.rapid_review_completed_on is None
        assert browser.post(page, {**form, "confirm": "true"}).status_code == 302
        notification.refresh_from_db()
        assert notification.rapid_review_completed_on == dt.date(2026, 12, 3)
