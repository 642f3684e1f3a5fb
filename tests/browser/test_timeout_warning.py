"""The GOV.UK timeout warning in a real browser (lscp/accounts/sessions.py, static/lscp/timeout.mjs):
a modal dialog before an idle session ends, focus in it, no WCAG violation; "Stay signed in" and
Escape keep the session, "Sign out" signs out, and doing nothing ends it on the sign-in page.

Nobody waits: the page's clock (Playwright's) and the live server's (time-machine, in this process)
move forward together, so the idle periods pass in an instant and the server sees the same time
as the page."""

import datetime as dt

import pytest
import time_machine

from tests.support.world import PASSWORD, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DIALOG = "#lscp-timeout-warning"


@pytest.fixture
def short_sessions(settings):
    settings.LSCP_IDLE_SECONDS = 12
    settings.LSCP_IDLE_WARNING_SECONDS = 8  # the warning after 4 seconds


class Clocks:
    """The browser's clock and the server's, moved by the same number of seconds."""

    def __init__(self, page, server):
        self.page, self.server = page, server

    def wait(self, seconds: float):
        self.server.shift(dt.timedelta(seconds=seconds))
        self.page.clock.run_for(int(seconds * 1000))


@pytest.fixture
def clocks(pages):
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=True) as server:
        pages.page.clock.install()
        yield Clocks(pages.page, server)


def _wait_for_warning(page, clocks):
    assert not page.is_visible(DIALOG)
    clocks.wait(4)  # the warning shows 8 seconds before the 12 are up
    page.wait_for_selector(f"{DIALOG}[open]", timeout=5_000)
    assert page.evaluate(f"document.activeElement.closest('{DIALOG}') !== null"), "focus is not in the dialog"


def test_the_timeout_warning(pages, short_sessions, clocks):
    world = make_world("thurrock", area="Thurrock")
    page = pages.page
    pages.sign_in(world.person("business").username, PASSWORD)
    signed_in_at = page.url

    _wait_for_warning(page, clocks)
    assert "You’re about to be signed out" in page.locator(DIALOG).inner_text()
    assert page.get_attribute(DIALOG, "aria-labelledby") == "lscp-timeout-warning-title"
    pages.check()  # axe-core, with the dialog open

    # "Stay signed in": the dialog closes and the session goes on past the old end.
    with page.expect_response(lambda r: r.url.endswith("/accounts/session/")) as answer:
        page.click(f"{DIALOG} button:has-text('Stay signed in')")
    assert answer.value.status == 200
    assert not page.is_visible(DIALOG)
    _wait_for_warning(page, clocks)
    clocks.wait(5)  # past the first session's end (4 + 4 + 5 = 13 seconds after sign-in)
    assert page.is_visible(DIALOG)
    # Escape continues too.
    with page.expect_response(lambda r: r.url.endswith("/accounts/session/")):
        page.keyboard.press("Escape")
    assert not page.is_visible(DIALOG)
    page.goto(signed_in_at)
    assert "/accounts/sign-in/" not in page.url
    assert page.locator(".lscp-account-bar").is_visible()

    # "Sign out" signs out.
    _wait_for_warning(page, clocks)
    page.click(f"{DIALOG} button:has-text('Sign out')")
    page.wait_for_url("**/accounts/sign-in/")
    assert not page.locator(".lscp-account-bar").is_visible()

    # Doing nothing: the page ends on the sign-in page, saying why.
    pages.sign_in(world.person("business").username, PASSWORD)
    _wait_for_warning(page, clocks)
    with page.expect_navigation():
        clocks.wait(9)  # 13 seconds idle: the page reloads a second after the server's end
    page.wait_for_url("**/accounts/sign-in/**", timeout=5_000)
    assert "You were signed out after 12 seconds without activity" in page.content()
    pages.check()
