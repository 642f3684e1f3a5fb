"""In a real browser (axe-core on every page): a partner's "returned with comments" is the
business unit's task on its home page and the review's task list; a deadline policy change shows
its effect and asks the reason before saving, without JavaScript too."""

import pytest

from reviews.rapid_review import services as rapid
from tests.support.makers_reviews import meeting, started, submit
from tests.support.world import PASSWORD, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_returned_outcome_is_the_business_units_first_task(pages):
    world = make_world("thurrock", area="Thurrock", with_objects=False)
    notification = started(world)
    meeting(world, notification)
    rapid.send_for_sign_off(world.ctx(), notification)
    rapid.sign_off(world.ctx("police"), notification, decision="returned", comments="Add the school's view")
    pages.sign_in(world.person("business").username, PASSWORD)
    pages.goto(f"/{world.slug}/")
    first = pages.page.locator(".govuk-task-list").first
    assert "returned by Essex Police" in first.inner_text()
    first.locator("a").first.click()
    pages.check()
    task = pages.page.locator("#task-signoff-status").inner_text()
    assert task == "Returned with comments"
    assert "Essex Police: returned with comments" in pages.page.content().replace("&#x27;", "'")
    pages.page.click("text=Change the outcome to answer the comments")
    pages.check()
    assert pages.page.locator("h1").inner_text().strip() != ""


def test_a_deadline_policy_change_is_checked_then_saved_with_a_reason_without_javascript(pages_without_js):
    page, base = pages_without_js
    world = make_world("thurrock", area="Thurrock", with_objects=False)
    submit(world)
    page.goto(base + "/accounts/sign-in/")
    page.fill("#id_username", world.person("business").username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.goto(f"{base}/{world.slug}/deadlines/policy/")
    page.fill("#id_panel_notification_length", "10")
    page.click("button:has-text('Continue')")
    assert page.locator("h1").inner_text() == "Check the change to the deadline policy"
    assert page.locator("#effect-panel_notification").inner_text().startswith("1 of 1")
    page.click("button:has-text('Save the change')")
    assert "Say why the deadline policy is changing" in page.locator(".govuk-error-summary").inner_text()
    page.fill("#id_reason", "Agreed by the partners' executive")
    page.click("button:has-text('Save the change')")
    assert "The deadline policy has been saved" in page.content()
    assert "10 working days after the date the local authority became aware" in page.content()
