"""In Chromium, with the DevTools virtual authenticator: a passkey set up at the enrolment a
required second factor asks for, then used to sign in; the account page, the authenticator-app
page and the business unit's reset pass axe-core too. The live server is http://localhost:<port>:
localhost is a secure context, so WebAuthn runs on http there, and it is the relying party id."""

import re

import pytest
from django_otp_webauthn.models import WebAuthnCredential

from tests.support.world import PASSWORD, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    return make_world("thurrock", area="Thurrock")


@pytest.fixture
def passkeys(settings, live_server):
    assert live_server.url.startswith("http://localhost:")
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]


def virtual_authenticator(page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )


def test_a_passkey_set_up_at_sign_in_then_used_to_sign_in(pages, world, passkeys, settings):
    settings.LSCP_SECOND_FACTOR_REQUIRED = True
    page = pages.page
    virtual_authenticator(page)
    person = world.person("agency")

    # Password, then enrolment before anything else.
    pages.sign_in(person.username, PASSWORD)
    assert page.locator("h1").inner_text() == "Set up a second factor"
    page.click("#passkey-register-button")
    page.wait_for_url(re.compile(r"/accounts/second-factor/recovery-codes/"))
    pages.check()
    assert page.locator("h1").inner_text() == "Your recovery codes"
    assert page.locator(".lscp-recovery-codes li").count() == 10
    credential = WebAuthnCredential.objects.get(user=person)
    assert credential.confirmed
    page.click("text=I have kept my recovery codes")
    pages.check()
    assert page.locator("h1").inner_text() == "Your partnerships"

    # The account page lists it; the authenticator-app page (QR code) passes axe too.
    page.click(".lscp-account-bar >> text=Your account")
    pages.check()
    assert "Passkey" in page.locator(".govuk-table").inner_text()
    page.click("text=Set up an authenticator app")
    pages.check()
    assert page.locator("svg[role=img]").count() == 1

    # Sign out, then in again: the passkey is the second step.
    page.click(".lscp-account-bar >> text=Sign out")
    pages.sign_in(person.username, PASSWORD)
    assert page.locator("h1").inner_text() == "Confirm it is you"
    page.click("#passkey-verification-button")
    page.wait_for_url(re.compile(r"/$"))
    pages.check()
    assert page.locator("h1").inner_text() == "Your partnerships"
    credential.refresh_from_db()
    assert credential.last_used_at is not None
    page.click("text=Thurrock LSCP")
    pages.check()


def test_the_business_unit_resets_a_second_factor(pages, world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    person = world.person("agency")
    TOTPDevice.objects.create(user=person, name="Lost phone")
    page = pages.page
    pages.sign_in(world.person("business").username, PASSWORD)
    pages.goto(f"/{world.slug}/people/{world.people['agency'].pk}/")
    page.click("text=Reset second factor")
    pages.check()
    page.click("button:has-text('Reset second factor')")
    pages.check()
    assert "second factor has been reset" in page.locator(".govuk-notification-banner").inner_text()
    assert not TOTPDevice.objects.filter(user=person).exists()


def test_without_javascript_the_account_page_offers_the_app(pages_without_js, world):
    page, base = pages_without_js
    page.goto(base + "/accounts/sign-in/")
    page.fill("#id_username", world.person("agency").username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.goto(base + "/accounts/")
    assert "Adding a passkey needs JavaScript" in page.content()
    assert page.locator("text=Set up an authenticator app").count() == 1
