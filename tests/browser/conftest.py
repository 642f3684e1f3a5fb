"""Browser tests: Playwright driving Debian's Chromium (no browser download) against a live
server, with axe-core checking WCAG 2.2 A and AA on every page visited."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("LSCP_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Pages:
    """A browser tab that checks every page it lands on: axe-core finds no WCAG 2.2 A/AA
    violation, and the page broke no Content-Security-Policy rule (no inline script ran)."""

    def __init__(self, page, base_url: str, *, every_page: bool = True):
        self.page = page
        # axe-core is in every document of the tab's context from the start (an init script, as
        # a test tool: the product never serves it), so a check only runs it. Evaluating its 650 KB
        # into each page instead cost about 65 ms a page, against about 25 ms this way. A tab
        # that checks only some of the pages it opens (`every_page=False`) evaluates it into those.
        context = page.context
        if every_page and not getattr(context, "_lscp_axe", False):
            context.add_init_script(path=str(AXE))
            context._lscp_axe = True
        self.base_url = base_url
        self.checked: list[str] = []
        self.console_errors: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))

    def goto(self, path: str):
        self.page.goto(self.base_url + path)
        self.check()

    def check(self):
        page = self.page
        result = self._axe()
        path = page.url.replace(self.base_url, "")
        assert result == [], f"axe-core found WCAG violations on {path}: {result}"
        csp = [e for e in self.console_errors if "Content Security Policy" in e]
        assert csp == [], f"{path} broke the Content-Security-Policy: {csp}"
        self.checked.append(path)

    def _axe(self, attempts: int = 3):
        """Run axe-core on the page once it has loaded. A click that submits a form returns
        when the navigation commits, before the new document exists; axe run then would see
        no document (or have its page replaced under it), so wait for the load and, if the
        page still navigated away mid-run, run again on the page it landed on."""
        from playwright.sync_api import Error

        page = self.page
        for attempt in range(attempts):
            page.wait_for_load_state("load")
            try:
                if not page.evaluate("typeof window.axe !== 'undefined'"):  # a document begun before the init script
                    page.evaluate(AXE.read_text() + "\n;undefined")
                # resultTypes: only the violations are read, so axe details no passes (faster).
                return page.evaluate(
                    "async (tags) => { const r = await axe.run(document, "
                    "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}); "
                    "return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})); }",
                    WCAG_TAGS,
                )
            except Error as error:
                navigated = "documentElement" in error.message or "context was destroyed" in error.message
                if not navigated or attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")

    def sign_in(self, username: str, password: str):
        self.goto("/accounts/sign-in/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("button:has-text('Sign in')")
        self.check()


@pytest.fixture
def pages(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield Pages(page, live_server.url)
    context.close()


@pytest.fixture
def pages_without_js(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page, live_server.url
    context.close()
