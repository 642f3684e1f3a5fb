"""In a real browser, sign-in with the identity provider (issue 12, finding 3): the button on the
sign-in page, the provider's own page (a real OpenID Connect provider on loopback), and back
signed in, or back on the sign-in page with the error; every page of ours passes axe-core."""

import pytest
from django.test import override_settings

from partners.models import Membership, Person
from tests.support import oidc_provider as idp
from tests.support.world import make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def configured(oidc_provider):
    with override_settings(**idp.settings(oidc_provider)):
        yield oidc_provider


def at_the_provider(pages, account: str):
    page = pages.page
    pages.goto("/accounts/sign-in/")
    page.click(f"text=Sign in with {idp.PROVIDER_NAME}")
    page.wait_for_selector("#account")
    assert page.url.startswith(pages.base_url) is False  # at the provider, not here
    page.fill("#account", account)
    page.click("button:has-text('Continue')")
    page.wait_for_url(f"{pages.base_url}/**")
    pages.check()
    return page


def test_sign_in_with_the_identity_provider(pages, configured):
    world = make_world("thurrock", area="Thurrock")
    person = world.person("agency")
    Person.objects.filter(pk=person.pk).update(email=idp.ACCOUNTS["verified"]["email"])
    page = at_the_provider(pages, "verified")
    assert page.url == f"{pages.base_url}/"
    assert page.locator("h1").inner_text() == "Your partnerships"
    assert str(person) in page.locator(".lscp-account-bar").inner_text()


def test_an_unknown_email_lands_on_the_sign_in_page_with_the_error(pages, configured):
    make_world("thurrock", area="Thurrock")
    people, memberships = Person.objects.count(), Membership.dangerously_unscoped.count()
    page = at_the_provider(pages, "unknown")
    assert page.url == f"{pages.base_url}/accounts/sign-in/"
    summary = page.locator(".govuk-error-summary").inner_text()
    assert f"You could not be signed in with {idp.PROVIDER_NAME}" in summary
    assert page.title().startswith("Error: Sign in")
    assert page.locator(".lscp-account-bar").count() == 0
    assert (Person.objects.count(), Membership.dangerously_unscoped.count()) == (people, memberships)


def test_the_identity_provider_needs_no_javascript(pages_without_js, configured):
    page, base_url = pages_without_js
    world = make_world("thurrock", area="Thurrock")
    Person.objects.filter(pk=world.person("agency").pk).update(email=idp.ACCOUNTS["verified"]["email"])
    page.goto(f"{base_url}/accounts/sign-in/")
    page.click(f"text=Sign in with {idp.PROVIDER_NAME}")
    page.fill("#account", "verified")
    page.click("button:has-text('Continue')")
    page.wait_for_url(f"{base_url}/")
    assert page.locator("h1").inner_text() == "Your partnerships"
