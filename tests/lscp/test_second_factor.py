"""The second factor (issue 12, finding 2, and the admin half of finding 1): an authenticator app's
code computed from the enrolled secret, recovery codes, enforcement on pages, the API and admin,
and the business unit's reset. Passkeys are driven in Chromium (tests/browser/test_second_factor.py)."""

from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from rest_framework.test import APIClient

from lscp.activity.signals import security_event
from tests.support.clients import error_by_field
from tests.support.world import PASSWORD

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@contextmanager
def events():
    """The security events sent meanwhile, as (event, person, partnership, details)."""
    sent = []

    def receive(sender, event, person=None, partnership=None, details=None, **kwargs):
        sent.append((event, person, partnership, details or {}))

    security_event.connect(receive, weak=False)
    try:
        yield sent
    finally:
        security_event.disconnect(receive)


def sign_in(client: Client, username: str, next_url: str = ""):
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("sign-in"), data)


def code_for(device: TOTPDevice) -> str:
    """The code an authenticator app shows now, computed from the enrolled secret."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol_app(client: Client) -> tuple[TOTPDevice, list[str]]:
    """Enrol an authenticator app as a person would: the secret shown on the page, a code from it."""
    page = client.get(reverse("second-factor-app"))
    assert page.status_code == 200
    assert b"<svg" in page.content  # the QR code, inline
    secret = re.search(r'<code class="lscp-secret">([A-Z2-7 ]+)</code>', page.content.decode()).group(1)
    import base64

    key = base64.b32decode(secret.replace(" ", ""))
    code = f"{totp(key):06d}"
    response = client.post(reverse("second-factor-app"), {"code": code, "name": "Work phone"})
    assert response.status_code == 302, error_by_field(response.content.decode(), "id_code")
    assert response["Location"].startswith(reverse("second-factor-recovery-codes"))
    shown = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", shown)
    assert len(codes) == 10
    # Shown once.
    assert re.findall(r"<li><code>", client.get(reverse("second-factor-recovery-codes")).content.decode()) == []
    return TOTPDevice.objects.get(user=client_user(client)), codes


def client_user(client):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


def test_an_authenticator_app_sign_in_with_a_code_computed_from_the_enrolled_secret(world_a):
    person = world_a.person("agency")
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        assert sign_in(client, person.username).status_code == 302
        with events() as sent:
            device, codes = enrol_app(client)
        assert device.name == "Work phone" and device.confirmed
        assert [e[0] for e in sent] == ["second-factor-enrolled", "recovery-codes-generated"]
        assert all(code not in str(sent) for code in codes) and device.key not in str(sent)
        client.post(reverse("sign-out"))

        # Password, then the second-factor step; nothing else until it is passed.
        home = reverse("partnership-home", args=[world_a.slug])
        response = sign_in(client, person.username, next_url=home)
        assert response.status_code == 302 and response["Location"].startswith(reverse("second-factor"))
        step = response["Location"]
        assert client.get(home)["Location"].startswith(reverse("second-factor"))

        # A wrong code: refused, with a GOV.UK error by the field, and recorded.
        clock.shift(dt.timedelta(minutes=1))
        with events() as sent:
            wrong = client.post(step, {"code": "000000" if code_for(device) != "000000" else "111111", "next": home})
        assert wrong.status_code == 200
        assert "Enter a correct code" in error_by_field(wrong.content.decode(), "id_code")
        assert b"govuk-error-summary" in wrong.content
        assert [e[0] for e in sent] == ["second-factor-failed"]
        assert client.get(home).status_code == 302

        # The right code (after django-otp's wait following a wrong one): in.
        clock.shift(dt.timedelta(seconds=5))
        right = code_for(device)
        with events() as sent:
            response = client.post(step, {"code": right, "next": home})
        assert response.status_code == 302 and response["Location"] == home
        assert [(e[0], e[3]) for e in sent] == [("second-factor-verified", {"kind": "app"})]
        assert client.get(home).status_code == 200
        client.post(reverse("sign-out"))

        # The same code again (same 30 seconds) is refused.
        sign_in(client, person.username)
        reused = client.post(reverse("second-factor"), {"code": right})
        assert reused.status_code == 200 and error_by_field(reused.content.decode(), "id_code")

        # A recovery code works, once.
        clock.shift(dt.timedelta(seconds=5))
        response = client.post(reverse("second-factor"), {"code": codes[0].upper()})
        assert response.status_code == 302
        assert StaticDevice.objects.get(user=person).token_set.count() == 9
        client.post(reverse("sign-out"))
        sign_in(client, person.username)
        clock.shift(dt.timedelta(seconds=5))
        again = client.post(reverse("second-factor"), {"code": codes[0]})
        assert again.status_code == 200 and error_by_field(again.content.decode(), "id_code")


def test_new_recovery_codes_replace_the_old(world_a):
    person = world_a.person("agency")
    client = Client()
    sign_in(client, person.username)
    _, old = enrol_app(client)
    response = client.post(reverse("second-factor-recovery-codes"))
    new = re.findall(r"<li><code>([a-z2-7]+)</code></li>", client.get(response["Location"]).content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticDevice.objects.get(user=person).token_set.values_list("token", flat=True)) == set(new)


def test_the_account_page_lists_and_removes_factors(world_a, settings):
    person = world_a.person("agency")
    client = Client()
    sign_in(client, person.username)
    device, _ = enrol_app(client)
    page = client.get(reverse("account")).content.decode()
    assert "Work phone" in page and "Authenticator app" in page and reverse("account-tokens") in page
    assert reverse("second-factor-remove", args=["app", device.pk]) in page

    # The only factor cannot be removed where one is required.
    settings.LSCP_SECOND_FACTOR_REQUIRED = True
    assert client.get(reverse("second-factor-remove", args=["app", device.pk])).status_code == 302
    assert client.post(reverse("second-factor-remove", args=["app", device.pk])).status_code == 302
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    settings.LSCP_SECOND_FACTOR_REQUIRED = False
    assert client.get(reverse("second-factor-remove", args=["app", device.pk])).status_code == 200
    with events() as sent:
        assert client.post(reverse("second-factor-remove", args=["app", device.pk])).status_code == 302
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not StaticDevice.objects.filter(user=person).exists()  # recovery codes go with the last factor
    assert [e[0] for e in sent] == ["second-factor-removed"]

    # Someone else's factor is a 404.
    other = TOTPDevice.objects.create(user=world_a.person("police"), name="Theirs")
    assert client.get(reverse("second-factor-remove", args=["app", other.pk])).status_code == 404


# ----------------------------------------------------------------------------------------------
# Enforcement: these fail on a site without a second factor.


def test_when_required_a_password_only_session_reaches_nothing_but_enrolment(world_a, settings):
    settings.LSCP_SECOND_FACTOR_REQUIRED = True
    person = world_a.person("agency")
    client = Client()
    home = reverse("partnership-home", args=[world_a.slug])
    response = sign_in(client, person.username, next_url=home)
    assert response["Location"].startswith(reverse("second-factor-enrol"))
    for url in (home, reverse("person-list", args=[world_a.slug]), reverse("account"), reverse("partnership-list")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("second-factor-enrol")), url
    assert client.get(reverse("accessibility")).status_code == 200
    assert client.get(reverse("second-factor-enrol")).status_code == 200

    # The API refuses the session (token authentication is not affected: it has none).
    api = APIClient()
    api.cookies = client.cookies
    assert api.get(reverse("api-me")).status_code in (401, 403)
    assert api.get(f"/api/v1/{world_a.slug}/people/").status_code in (401, 403)

    # Once enrolled (which verifies the session), everything opens.
    enrol_app(client)
    assert client.get(home).status_code == 200
    assert api.get(reverse("api-me")).status_code == 200


def test_when_required_a_session_signed_in_elsewhere_must_verify_too(world_a, settings):
    """A session made without the sign-in page (force_login here) is held as well."""
    settings.LSCP_SECOND_FACTOR_REQUIRED = True
    person = world_a.person("agency")
    TOTPDevice.objects.create(user=person, name="Phone")
    client = Client()
    client.force_login(person)
    response = client.get(reverse("person-list", args=[world_a.slug]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("second-factor"))
    api = APIClient()
    api.force_login(person)
    assert api.get(f"/api/v1/{world_a.slug}/people/").status_code in (401, 403)


def test_identity_provider_mfa_counts_as_verified(world_a, settings):
    settings.LSCP_SECOND_FACTOR_REQUIRED = True
    client = Client()
    client.force_login(world_a.person("agency"))
    session = client.session
    session["lscp_second_factor"] = "identity-provider"
    session.save()
    assert client.get(reverse("person-list", args=[world_a.slug])).status_code == 200


def test_a_person_with_a_factor_verifies_it_even_when_not_required(world_a):
    person = world_a.person("agency")
    TOTPDevice.objects.create(user=person, name="Phone")
    client = Client()
    response = sign_in(client, person.username)
    assert response["Location"].startswith(reverse("second-factor"))
    assert client.get(reverse("person-list", args=[world_a.slug])).status_code == 302


def test_when_not_required_a_person_without_a_factor_signs_in_as_before(world_a):
    client = Client()
    response = sign_in(client, world_a.person("agency").username)
    assert response.status_code == 302 and response["Location"] == reverse("partnership-list")
    assert client.get(reverse("person-list", args=[world_a.slug])).status_code == 200


def test_admin_refuses_an_unverified_administrator(world_a, settings):
    from django.contrib import admin
    from django.test import RequestFactory
    from django_otp.middleware import OTPMiddleware

    settings.LSCP_SECOND_FACTOR_REQUIRED = True
    TOTPDevice.objects.create(user=world_a.admin, name="Phone")
    client = Client()
    client.force_login(world_a.admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("second-factor"))

    # And the admin site itself says no, whatever reaches it.
    request = RequestFactory().get("/admin/")
    request.session = client.session
    request.user = world_a.admin
    OTPMiddleware(lambda r: None)(request)
    assert request.user.is_staff and not admin.site.has_permission(request)

    # Verified, it opens.
    device = TOTPDevice.objects.get(user=world_a.admin)
    assert client.post(reverse("second-factor"), {"code": code_for(device)}).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


# ----------------------------------------------------------------------------------------------
# The business unit's reset


def test_the_business_unit_resets_a_persons_second_factor(world_a, settings):
    person = world_a.person("agency")
    TOTPDevice.objects.create(user=person, name="Phone")
    StaticDevice.objects.create(user=person, name="Recovery codes").token_set.create(token="abcdefgh")
    membership = world_a.people["agency"]
    bu = Client()
    bu.force_login(world_a.person("business"))
    detail = bu.get(reverse("person-detail", args=[world_a.slug, membership.pk])).content.decode()
    url = reverse("person-second-factor-reset", args=[world_a.slug, membership.pk])
    assert url in detail
    assert bu.get(url).status_code == 200
    with events() as sent:
        response = bu.post(url)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not StaticDevice.objects.filter(user=person).exists()
    assert [(e[0], e[1], e[2]) for e in sent] == [("second-factor-reset", person, world_a.partnership)]

    # Next sign-in, where required: enrolment.
    settings.LSCP_SECOND_FACTOR_REQUIRED = True
    response = sign_in(Client(), person.username)
    assert response["Location"].startswith(reverse("second-factor-enrol"))


def test_only_the_business_unit_of_the_persons_partnership_can_reset(world_a, world_b):
    person = world_a.person("agency")
    TOTPDevice.objects.create(user=person, name="Phone")
    membership = world_a.people["agency"]
    url = reverse("person-second-factor-reset", args=[world_a.slug, membership.pk])
    # Another partnership's business unit: their slug with our membership, or ours: 404.
    other = Client()
    other.force_login(world_b.person("business"))
    assert other.post(url).status_code == 404
    assert other.post(reverse("person-second-factor-reset", args=[world_b.slug, membership.pk])).status_code == 404
    # Not the business unit: 403.
    lead = Client()
    lead.force_login(world_a.person("police"))
    assert lead.post(url).status_code == 403
    assert TOTPDevice.objects.filter(user=person).exists()
    # Nor their own, here (their account page is where they manage their own).
    bu = Client()
    bu.force_login(world_a.person("business"))
    TOTPDevice.objects.create(user=world_a.person("business"), name="BU phone")
    own = reverse("person-second-factor-reset", args=[world_a.slug, world_a.people["business"].pk])
    bu.post(own)
    assert TOTPDevice.objects.filter(user=world_a.person("business")).exists()
    assert WebAuthnCredential.objects.count() == 0


def test_a_person_in_two_partnerships_can_be_reset_by_either_business_unit(world_a, world_b):
    """The second factor is the account's: the business unit of any partnership where the person
    is an active member may reset it, and the event is recorded in that partnership."""
    from lscp.roles import Role
    from partners.models import Membership

    person = world_a.person("agency")
    in_b = Membership.objects.for_partnership(world_b.partnership).create(
        partnership=world_b.partnership, person=person, role=Role.AGENCY_LEAD, member=world_b.members["agency"]
    )
    TOTPDevice.objects.create(user=person, name="Phone")
    bu_b = Client()
    bu_b.force_login(world_b.person("business"))
    with events() as sent:
        response = bu_b.post(reverse("person-second-factor-reset", args=[world_b.slug, in_b.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert [(e[0], e[2]) for e in sent] == [("second-factor-reset", world_b.partnership)]


def test_passkey_registration_needs_a_verified_session_when_the_person_has_a_factor(world_a):
    person = world_a.person("agency")
    TOTPDevice.objects.create(user=person, name="Phone")
    client = Client()
    sign_in(client, person.username)
    begin = reverse("otp_webauthn:credential-registration-begin")
    assert client.post(begin).status_code == 403
    session = client.session
    session["lscp_second_factor"] = "identity-provider"
    session.save()
    assert client.post(begin).status_code == 200
    # Passkeys never replace the password: no authentication ceremony before it.
    assert Client().post(reverse("otp_webauthn:credential-authentication-begin")).status_code in (401, 403)


def test_an_api_token_needs_the_second_factor_where_a_session_would(world_a, settings):
    """A password alone gave a token (and so the API) to a person with a second factor: the token
    endpoint now asks for a code from their authenticator app or a recovery code."""
    person = world_a.person("agency")
    client = Client()
    api = APIClient()
    url = reverse("api-token")
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, person.username)
        device, codes = enrol_app(client)
        clock.shift(dt.timedelta(minutes=1))

        missing = api.post(url, {"username": person.username, "password": PASSWORD})
        assert missing.status_code == 400 and "code" in missing.json()
        wrong = api.post(
            url,
            {
                "username": person.username,
                "password": PASSWORD,
                "code": "000000" if code_for(device) != "000000" else "1",
            },
        )
        assert wrong.status_code == 400 and "code" in wrong.json()
        clock.shift(dt.timedelta(seconds=5))
        right = api.post(url, {"username": person.username, "password": PASSWORD, "code": code_for(device)})
        assert right.status_code == 200 and right.json()["token"]
        clock.shift(dt.timedelta(seconds=5))
        by_recovery = api.post(url, {"username": person.username, "password": PASSWORD, "code": codes[1]})
        assert by_recovery.status_code == 200

    # Required for everyone: someone with no factor yet gets no token by password alone.
    settings.LSCP_SECOND_FACTOR_REQUIRED = True
    other = world_a.person("business")
    assert api.post(url, {"username": other.username, "password": PASSWORD}).status_code == 400
