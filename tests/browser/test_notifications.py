"""In a real browser: an agency lead reports a serious incident through the question pages; the
business unit then sees the case with its clocks. Every page is checked with axe-core."""

import datetime as dt
import re

import pytest

from reviews.models import Notification
from tests.support.world import PASSWORD, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page, name, day):
    page.fill(f"#id_{name}-day", str(day.day))
    page.fill(f"#id_{name}-month", str(day.month))
    page.fill(f"#id_{name}-year", str(day.year))


def test_an_agency_lead_reports_an_incident_and_the_business_unit_sees_the_clocks(pages, browser, live_server):
    world = make_world("thurrock", area="Thurrock", with_objects=False)
    page = pages.page
    pages.sign_in(world.person("agency").username, PASSWORD)
    pages.goto(f"/{world.slug}/notifications/")
    page.click("text=Report a serious incident")
    pages.check()
    # An agency lead is offered the member organisation's pathway only, already chosen (issue 14 §4).
    assert page.locator("input[name=pathway]").count() == 1
    assert page.is_checked("input[name=pathway][value=agency]")
    page.click("button:has-text('Continue')")
    pages.check()
    assert page.input_value("#id_notifier_email") == world.person("agency").email
    page.click("button:has-text('Continue')")
    pages.check()
    today = dt.date.today()
    aware = today - dt.timedelta(days=1)
    fill_date(page, "incident_date", today)  # after the aware date: refused
    fill_date(page, "aware_date", aware)
    page.check("#id_location_0")
    page.check("#id_nature_1")  # serious harm
    page.check("#id_abuse_or_neglect_1")
    page.click("button:has-text('Continue')")
    pages.check()
    assert "must be the same as or before" in page.locator(".govuk-error-summary").inner_text()
    fill_date(page, "incident_date", aware)
    page.click("button:has-text('Continue')")
    pages.check()
    page.fill("#id_reference", "Child Q")
    page.fill("#id_age_years", "15")
    page.check("#id_sex_0")
    page.select_option("#id_ethnicity", value="black_african")
    page.check("#id_looked_after_1")
    page.get_by_label("Essex Police").check()
    page.click("button:has-text('Continue')")
    pages.check()
    page.check("#id_add_another_1")
    page.click("button:has-text('Continue')")
    pages.check()
    page.fill("#id_summary", "A 15-year-old was found seriously injured after going missing.")
    page.click("button:has-text('Continue')")
    pages.check()
    assert "Check your answers" in page.locator("h1").inner_text()
    assert "Child Q" in page.content() and "Essex Police" in page.content()
    page.click("button:has-text('Submit notification')")
    pages.check()
    panel = page.locator(".govuk-panel").inner_text()
    reference = re.search(r"[A-Z]{3}-\d{4}-\d{3}", panel).group(0)
    notification = Notification.objects.for_partnership(world.partnership).get(reference=reference)
    assert notification.notifying_member == world.members["agency"]

    # The business unit, in another browser session.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    from tests.browser.conftest import Pages

    business = Pages(context.new_page(), live_server.url)
    business.sign_in(world.person("business").username, PASSWORD)
    business.goto(f"/{world.slug}/")
    assert f"Notify the National Panel: {reference}" in business.page.locator(".govuk-task-list").inner_text()
    business.goto(f"/{world.slug}/notifications/")
    business.page.click(f"text={reference}")
    business.check()
    clocks = business.page.locator("table").first.inner_text()
    assert "Notify the National Panel" in clocks and "5 working days after" in clocks
    assert "Starts when the date the Panel was notified is recorded" in clocks
    business.page.click("a:has-text('Confirm or override the criteria')")
    business.check()
    business.page.click("button:has-text('Save')")  # the evaluation confirmed: the Panel is notified on a decision
    business.check()
    business.goto(f"/{world.slug}/deadlines/")
    business.goto(f"/{world.slug}/deadlines/policy/")
    business.goto(f"/{world.slug}/deadlines/escalation/")
    business.goto(f"/{world.slug}/deadlines/calendar/add/")
    business.goto(f"/{world.slug}/notifications/{notification.pk}/panel-notified/")
    business.page.click("button:has-text('Save')")
    business.check()  # the error state
    fill_date(business.page, "sent_on", today)
    business.page.fill("#id_panel_reference", "CSPRP-2026-0042")
    business.page.click("button:has-text('Save')")
    business.check()
    assert "Notification sent to the National Panel" in business.page.content()
    context.close()
