"""On a phone (375 px wide): every page of the demo, as each role that sees different pages,
fits the screen without scrolling the page sideways (a wide table scrolls inside its own
focusable region); the charts' labels are at least 14 px; and on a desktop the Section 11
heatmap shows every standard."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve, reverse
from playwright.sync_api import Error

from lscp.demo import DEMO_PASSWORD
from tests.browser.conftest import Pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 800}
LINK = re.compile(r"^/thurrock/[^#?]*$")
# Links that answer with a file (PDF, CSV, XLSX, calendar) rather than a page.
FILE = re.compile(r"(\.(pdf|csv|xlsx|ics|zip)|/(export|download|pdf|csv|xlsx)[^/]*)/?$")

# The element that sticks out furthest to the right, outside any region that scrolls by itself:
# what widens the page (empty when the page fits).
WIDEST = """() => {
  const viewport = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(up).overflowX)) return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map((c) => '.' + c).join('');
  let widest = null, right = viewport;
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > right + 0.5 && !scrolls(el)) { widest = el; right = r.right; }
  }
  if (!widest) return '';
  const path = [];
  for (let el = widest; el && el !== document.body && path.length < 4; el = el.parentElement) path.unshift(name(el));
  return path.join(' > ') + ` (right edge ${Math.round(right)} px)`;
}"""

# Each chart label's rendered font size: its computed size in the SVG's user units, scaled by
# the SVG's scale on screen.
CHART_LABELS = """() => [...document.querySelectorAll('svg.lscp-chart text')]
  .filter((t) => t.getBBox().width > 0 && t.getClientRects().length)
  .map((t) => ({text: t.textContent.trim(),
                size: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a}))"""


CASE = re.compile(r"^/thurrock/notifications/\d+/$")
CLOCK_CELLS = """() => Math.round(Math.max(...[...document.querySelectorAll('main table')[0].querySelectorAll('td, th')]
  .map((cell) => cell.getBoundingClientRect().right)))"""

# A table read row by row on a phone (.lscp-table--stacked: the clocks, the signatures) shows
# every cell on screen.
STACKED_CELLS = """() => Math.round(Math.max(0, ...[...document.querySelectorAll('.lscp-table--stacked td')]
  .map((cell) => cell.getBoundingClientRect().right)))"""


def route_of(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def crawl(pages: Pages, seen_routes: set[str], measure, start: list[str]) -> None:
    """Follow the links of every page from `start`, visiting one page per URL pattern."""
    page = pages.page
    queue = list(start)
    while queue:
        path = queue.pop(0)
        route = route_of(path)
        if route is None or route in seen_routes:
            continue
        seen_routes.add(route)
        try:
            response = page.goto(pages.base_url + path)
        except Error as error:  # a link to a file (a document's latest version) downloads it
            if "Download is starting" in error.message:
                continue
            raise
        if response is None or not response.headers.get("content-type", "").startswith("text/html"):
            continue
        measure(path)
        links = page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))")
        queue += [link for link in links if LINK.match(link) and not FILE.search(link)]


@pytest.fixture
def demo():
    call_command("load_demo", "--force")


def sign_in(browser, live_server, login: str, viewport: dict) -> Pages:
    # Only the pages with a chart or a stacked table are checked by axe-core (below).
    pages = Pages(browser.new_context(viewport=viewport).new_page(), live_server.url, every_page=False)
    pages.page.goto(live_server.url + "/accounts/sign-in/")
    pages.page.fill("#id_username", f"thurrock-{login}")
    pages.page.fill("#id_password", DEMO_PASSWORD)
    pages.page.click("button:has-text('Sign in')")
    pages.page.wait_for_load_state("load")
    return pages


def test_every_demo_page_fits_a_phone_and_the_heatmap_a_desktop(browser, live_server, demo):
    """One failure message lists every page too wide (and what widens it), every chart label
    under 14 px and every heatmap standard out of sight."""
    from partners.models import Partnership
    from reviews.rapid_review.models import RapidReview

    # The rapid review's sign-off page, linked only while a review awaits sign-off.
    reviews = RapidReview.objects.for_partnership(Partnership.objects.get(slug="thurrock"))
    review = reviews.filter(status="awaiting_sign_off").first() or reviews.first()
    sign_off = reverse("rapid-review-sign-off", kwargs={"slug": "thurrock", "notification_id": review.notification_id})
    failures: list[str] = []
    seen_routes: set[str] = set()
    for login in ("business", "agency", "partner-police", "scrutineer"):
        pages = sign_in(browser, live_server, login, PHONE)

        def measure(path, login=login, pages=pages, page=pages.page):
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                failures.append(f"{path} as {login}: {width} px wide, widened by {page.evaluate(WIDEST) or '?'}")
            stacked = page.evaluate(STACKED_CELLS)
            if stacked > PHONE["width"]:
                failures.append(f"{path} as {login}: a table read row by row reaches {stacked} px")
            if CASE.match(path):  # the case's clocks: every column on screen, not scrolled off
                right = page.evaluate(CLOCK_CELLS)
                if right > PHONE["width"]:
                    failures.append(f"{path} as {login}: the clocks table's cells reach {right} px")
            if page.locator(".lscp-chart-scroll, .lscp-table--stacked").count():
                pages.check()  # axe-core on the pages with a chart or a stacked table
            for label in page.evaluate(CHART_LABELS):
                if label["size"] < 14 - 0.05:
                    failures.append(f"{path} as {login}: chart label {label['text']!r} at {label['size']:.1f} px")

        # Each role walks its own pages; a URL pattern an earlier role saw is not visited again.
        crawl(pages, seen_routes, measure, start=["/thurrock/", sign_off])
        pages.page.context.close()
    assert len(seen_routes) > 60, f"only {len(seen_routes)} URL patterns reached"
    case = reverse("notification-detail", kwargs={"slug": "thurrock", "notification_id": review.notification_id})
    for path in ("/thurrock/dashboard/", case, sign_off):  # the pages the issue names
        assert route_of(path) in seen_routes, f"{path} was not visited"

    # At 1280 px, the Section 11 heatmap (the cycle's page, the dashboard) shows every standard.
    pages = sign_in(browser, live_server, "business", {"width": 1280, "height": 900})
    pages.goto("/thurrock/self-assessments/")
    links = pages.page.eval_on_selector_all("main a[href]", "els => els.map(a => a.getAttribute('href'))")
    cycle = next(link for link in links if re.search(r"/self-assessments/cycles/\d+/$", link))
    for path in (cycle, "/thurrock/dashboard/"):
        pages.goto(path)
        region = pages.page.locator(".lscp-table-scroll:has(.lscp-heatmap)")
        if region.count() != 1:
            failures.append(f"{path} at 1280 px: {region.count()} heatmaps")
            continue
        scroll, client = region.evaluate("el => [el.scrollWidth, el.clientWidth]")
        if scroll > client:
            failures.append(f"{path} at 1280 px: the heatmap is {scroll} px wide in {client} px")
    pages.page.context.close()

    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)
