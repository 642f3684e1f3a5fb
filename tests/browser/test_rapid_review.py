"""In a real browser, the whole rapid review: requests sent, two agencies answer, the meeting
recorded, three sign-offs, the PDF downloaded and its text checked, the LCSPR commissioned and its
clocks shown. Every page is checked with axe-core."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from lscp.deadlines.workdays import calendar_for
from lscp.roles import Role
from tests.browser.conftest import Pages
from tests.support.makers_reviews import started
from tests.support.world import PASSWORD, add_person, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page, name, day):
    page.fill(f"#id_{name}-day", str(day.day))
    page.fill(f"#id_{name}-month", str(day.month))
    page.fill(f"#id_{name}-year", str(day.year))


def as_person(browser, live_server, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pages = Pages(context.new_page(), live_server.url)
    pages.sign_in(username, PASSWORD)
    return context, pages


def test_the_whole_rapid_review_in_a_browser(pages, browser, live_server):
    world = make_world("thurrock", area="Thurrock", with_objects=False)
    police_lead = add_person(world, "policelead", role=Role.AGENCY_LEAD, member=world.members["police"])
    notification = started(world)
    slug, today = world.slug, dt.date.today()

    # 1. The business unit asks NELFT and Essex Police for their summaries.
    business = pages
    business.sign_in(world.person("business").username, PASSWORD)
    business.goto(f"/{slug}/notifications/{notification.pk}/rapid-review/")
    business.page.click("text=Ask organisations for information")
    business.check()
    business.page.get_by_label("Essex Police").check()
    assert business.page.get_by_label("NELFT").is_checked()  # it knew the child
    fill_date(business.page, "reply_by", calendar_for(world.partnership).add(today, 5).date)
    business.page.click("button:has-text('Send requests')")
    business.check()
    assert "3 organisations asked for a summary" in business.page.content()  # with the council, which notified

    # 2. Two agencies answer.
    for username in (world.person("agency").username, police_lead.person.username):
        context, agency = as_person(browser, live_server, username)
        agency.goto(f"/{slug}/requests-for-information/")
        agency.page.locator(".govuk-task-list__link").first.click()
        agency.check()
        agency.page.fill("#id_involvement", f"{username} saw the family twice in the last year.")
        fill_date(agency.page, "chronology-0-date", today - dt.timedelta(days=60))
        agency.page.fill("#id_chronology-0-event", "Home visit after a missed appointment")
        agency.page.fill("#id_chronology-0-agency_action", "Letter to the GP")
        agency.page.fill("#id_learning", "Missed appointments should trigger a conversation with the family.")
        agency.page.click("button:has-text('Submit the summary')")
        agency.check()
        assert "Your summary has been submitted" in agency.page.content()
        context.close()

    # 3. The meeting and the decision.
    business.goto(f"/{slug}/notifications/{notification.pk}/rapid-review/")
    assert "2 of 3 agency summaries received" in business.page.content()
    business.page.click("text=Record the meeting and the decision")
    business.check()
    fill_date(business.page, "meeting_date", today)
    business.page.fill("#id_key_practice_episodes", "A referral was closed after a single visit.")
    business.page.fill("#id_learning", "Fathers were invisible to the agencies involved.")
    business.page.fill("#id_immediate_actions", "Strategy meeting for the siblings.")
    business.page.select_option("#id_attendees-0-member", label="Thurrock Council")
    business.page.fill("#id_attendees-0-name", "Jo Chair")
    business.page.fill("#id_attendees-0-role", "Head of Safeguarding")
    for key in (
        "improvement_needs",
        "recurrent_themes",
        "agencies_together",
        "panel_view",
        "single_agency",
        "no_involvement",
        "cross_border",
        "institutional",
    ):
        business.page.check(f"#id_criterion_{key}_met_{0 if key == 'agencies_together' else 1}")
    business.page.check("#id_recommendation_0")  # an LCSPR
    business.page.click("button:has-text('Save')")
    business.check()  # refused: a met criterion needs its rationale
    assert "Give the rationale" in business.page.locator(".govuk-error-summary").inner_text()
    assert business.page.input_value("#id_learning") == "Fathers were invisible to the agencies involved."
    business.page.fill(
        "#id_criterion_agencies_together_rationale", "Health and the police held information the others lacked."
    )
    business.page.click("button:has-text('Save')")
    business.check()
    business.page.click("text=Send the outcome for sign-off")
    business.check()
    business.page.click("button:has-text('Send for sign-off')")
    business.check()

    # 4. The three DSPs sign.
    for who in ("council", "police", "health"):
        context, lead = as_person(browser, live_server, world.person(who).username)
        lead.goto(f"/{slug}/")
        lead.page.click(f"text=Sign off the rapid review of {notification.reference}")
        lead.check()
        lead.page.check("#id_decision_0")
        lead.page.click("button:has-text('Record my decision')")
        lead.check()
        assert "You have signed off the outcome" in lead.page.content()
        context.close()

    # 5. The summary for the Panel.
    business.goto(f"/{slug}/notifications/{notification.pk}/rapid-review/")
    with business.page.expect_download() as download:
        business.page.click("text=Download the rapid review summary for the National Panel (PDF)")
    with open(download.value.path(), "rb") as downloaded:
        data = downloaded.read()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert "Fathers were invisible to the agencies involved." in text
    assert "Health and the police held information the others lacked." in text
    assert "A local child safeguarding practice review (LCSPR)" in text
    assert "Not yet signed" not in text

    # 6. Completed, then the LCSPR commissioned, with its clocks.
    business.page.click("text=Record the rapid review as completed")
    business.check()
    assert business.page.input_value("#id_completed_on-year") == str(today.year)  # the day the third partner signed
    business.page.click("button:has-text('Save')")
    business.check()
    business.goto(f"/{slug}/notifications/{notification.pk}/rapid-review/")
    business.page.click("text=Commission the LCSPR")
    business.check()
    fill_date(business.page, "decision_date", today)
    business.page.fill("#id_reviewer_name", "Dr Jo Reviewer")
    business.page.check("#id_reviewer_kind_0")
    business.page.fill("#id_terms_of_reference", "How agencies worked with the family's fathers.")
    fill_date(business.page, "scope_from", today - dt.timedelta(days=700))
    fill_date(business.page, "scope_to", today - dt.timedelta(days=5))
    business.page.click("button:has-text('Save')")
    business.check()
    business.goto(f"/{slug}/notifications/{notification.pk}/lcspr/")
    clocks = business.page.locator("table").first.inner_text()
    assert "Complete the LCSPR" in clocks and "6 calendar months after" in clocks
    assert "Send the final report to the Panel and the DfE" in clocks
    business.goto(f"/{slug}/notifications/{notification.pk}/timeline/")
    assert "Rapid review signed off" in business.page.content()  # the log's words, not its code
