"""The documents register and the yearly report's new pages in a real browser: an LSP signs a
version, and every new page (and its error states) passes axe-core's WCAG 2.2 A/AA checks and the
CSP."""

import pytest

from audits.models import AnnualReport
from governance import services
from governance.models import DocumentKind, DocumentVersion, GovernanceDocument
from tests.support.makers_governance import lsps
from tests.support.world import PASSWORD, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def thurrock():
    world = make_world("thurrock", area="Thurrock", population=167025)
    lsps(world)
    return world


def test_an_lsp_signs_the_arrangements(pages, thurrock):
    version = thurrock.objects[DocumentVersion]
    page = pages.page
    pages.sign_in(thurrock.person("police_lsp").username, PASSWORD)
    pages.goto(f"/{thurrock.slug}/governance-documents/{version.document_id}/")
    page.click("a[href$='/sign/']")
    pages.check()
    page.click("form[novalidate] button:text-is('Sign')")
    pages.check()
    assert "Confirm that you have read this version and sign it" in page.locator(".govuk-error-summary").inner_text()
    page.check("#id_confirm")
    page.click("form[novalidate] button:text-is('Sign')")
    pages.check()
    assert "You have signed version 1.0" in page.locator(".govuk-notification-banner").inner_text()
    assert "Essex Police" in page.locator(f"#version-{version.pk}").inner_text()


def test_every_register_and_yearly_report_page_meets_wcag_2_2_aa(pages, thurrock):
    slug = thurrock.slug
    version = thurrock.objects[DocumentVersion]
    document = thurrock.objects[GovernanceDocument]
    other = services.document_add(thurrock.ctx(), kind=DocumentKind.OTHER, title="Escalation protocol")
    draft = services.version_add(thurrock.ctx(), other, number="1", link="https://example.org/p.pdf")
    annual = thurrock.objects[AnnualReport]
    pages.sign_in(thurrock.person("business").username, PASSWORD)
    for path in [
        f"/{slug}/governance-documents/",
        f"/{slug}/governance-documents/add/",
        f"/{slug}/governance-documents/{document.pk}/",
        f"/{slug}/governance-documents/{document.pk}/change/",
        f"/{slug}/governance-documents/{other.pk}/versions/add/",
        f"/{slug}/governance-documents/versions/{version.pk}/change/",
        f"/{slug}/governance-documents/versions/{draft.pk}/publish/",
        f"/{slug}/annual-reports/{annual.pk}/",
    ]:
        pages.goto(path)
    page = pages.page
    for path, button in [
        (f"/{slug}/governance-documents/add/", "Save"),
        (f"/{slug}/governance-documents/{other.pk}/versions/add/", "Save"),
        (f"/{slug}/governance-documents/versions/{draft.pk}/publish/", "Publish"),
    ]:
        pages.goto(path)
        page.click(f"button:has-text('{button}')")
        pages.check()
        assert page.locator(".govuk-error-summary").count() == 1, path


def test_the_scrutineer_writes_the_commentary(pages, thurrock):
    annual = thurrock.objects[AnnualReport]
    page = pages.page
    pages.sign_in(thurrock.person("scrutineer").username, PASSWORD)
    pages.goto(f"/{thurrock.slug}/annual-reports/{annual.pk}/")
    page.click("a:has-text('Write your commentary')")
    pages.check()
    page.fill("#id_commentary", "The partners answered every challenge.")
    page.click("button:has-text('Save your commentary')")
    pages.check()
    assert "The partners answered every challenge." in page.locator("#commentary").inner_text()
