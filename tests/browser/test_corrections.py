"""In a real browser (axe-core on every page): the business unit corrects a recorded date from the
case page's Change link (a wrong date refused with the input kept, then a valid one with its reason,
shown on the case's timeline), and confirms a reply-by date the case makes unusual (issue 14 §1, §2)."""

import datetime as dt

import pytest
from django.utils import timezone

from reviews.rapid_review import services as rapid
from tests.support.makers_reviews import started
from tests.support.world import PASSWORD, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page, name, day):
    page.fill(f"#id_{name}-day", str(day.day))
    page.fill(f"#id_{name}-month", str(day.month))
    page.fill(f"#id_{name}-year", str(day.year))


def test_the_business_unit_corrects_a_date_from_the_case_page(pages):
    world = make_world("thurrock", area="Thurrock", with_objects=False)
    notification = started(world)  # aware 10 days ago, the Panel notified 9 days ago
    today = timezone.localdate()
    pages.sign_in(world.person("business").username, PASSWORD)
    pages.goto(f"/{world.slug}/notifications/{notification.pk}/")
    pages.page.click("a:has-text('Change the date sent to the National Panel')")
    pages.check()
    assert "Correct: the date the Panel was notified" in pages.page.locator("h1").inner_text()
    fill_date(pages.page, "value", today + dt.timedelta(days=5))
    pages.page.fill("#id_reason", "Typed the wrong month")
    pages.page.click("button:has-text('Save the correction')")
    pages.check()  # the error state
    summary = pages.page.locator(".govuk-error-summary").inner_text()
    assert "The date the Panel was notified must be today or in the past" in summary
    assert pages.page.input_value("#id_value-day") == str((today + dt.timedelta(days=5)).day)  # input kept
    assert pages.page.input_value("#id_reason") == "Typed the wrong month"
    corrected = notification.aware_date
    fill_date(pages.page, "value", corrected)
    pages.page.click("button:has-text('Save the correction')")
    pages.check()
    assert "The date the Panel was notified has been corrected" in pages.page.content().replace("&#x27;", "'")
    pages.goto(f"/{world.slug}/notifications/{notification.pk}/timeline/")
    pages.check()
    timeline = pages.page.locator("main").inner_text()
    assert "corrected" in timeline.lower()
    assert corrected.isoformat() in timeline or f"{corrected.day} " in timeline


def test_a_reply_by_date_after_the_reviews_due_date_is_saved_only_once_confirmed(pages):
    world = make_world("thurrock", area="Thurrock", with_objects=False)
    notification = started(world)
    today = timezone.localdate()
    [request] = rapid.request_information(
        world.ctx(), notification, members=[world.members["agency"]], reply_by=today + dt.timedelta(days=3)
    )
    pages.sign_in(world.person("business").username, PASSWORD)
    pages.goto(f"/{world.slug}/requests-for-information/{request.pk}/")
    pages.page.click("a:has-text('Change the reply-by date')")
    pages.check()
    late = today + dt.timedelta(days=40)  # after the rapid review's due date (15 working days from the Panel)
    fill_date(pages.page, "value", late)
    pages.page.fill("#id_reason", "The school is closed for the holidays")
    pages.page.click("button:has-text('Save the correction')")
    pages.check()  # the warning, with its box to confirm
    content = pages.page.content().replace("&#x27;", "'")
    assert "The reply-by date is after the rapid review's due date" in content
    assert "Check the date, then confirm it or change it" in content
    pages.page.check("#id_confirm")
    pages.page.click("button:has-text('Save the correction')")
    pages.check()
    assert "The reply-by date has been corrected" in pages.page.content().replace("&#x27;", "'")
    request.refresh_from_db()
    assert request.reply_by == late
