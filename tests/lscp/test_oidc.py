"""Sign-in with the identity provider (issue 12, finding 3), against a real OpenID Connect provider
on loopback (tests/support/oidc_provider.py): a person is matched by verified email to an existing
account with an active membership, never created or changed; refusals say nothing about the
account; the provider's multi-factor sign-in counts as the second factor only where configured."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client, override_settings

from lscp.accounts import oidc
from lscp.activity.signals import security_event
from partners.models import Membership, Person
from tests.support import oidc_provider as idp
from tests.support.world import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def configured(oidc_provider):
    with override_settings(**idp.settings(oidc_provider)):
        yield oidc_provider


@pytest.fixture
def events():
    sent = []

    def receive(sender, **kwargs):
        sent.append(kwargs)

    security_event.connect(receive, weak=False)
    yield sent
    security_event.disconnect(receive)


def give_email(membership, account: str) -> Person:
    person = membership.person
    Person.objects.filter(pk=person.pk).update(email=idp.ACCOUNTS[account]["email"].lower())
    person.refresh_from_db()
    return person


def signed_in_as(client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def test_a_verified_email_signs_in_its_person_who_lands_on_the_partnership_list(configured, world_a, events):
    person = give_email(world_a.people["agency"], "verified")
    client = Client()
    response = client.get("/accounts/sign-in/")
    assert f"Sign in with {idp.PROVIDER_NAME}".encode() in response.content
    response = idp.through_provider(client, "verified")
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_as(client) == person.pk
    assert client.session[oidc.SIGN_IN_METHOD_KEY] == "identity-provider"
    assert oidc.SECOND_FACTOR_KEY not in client.session
    assert client.get("/").status_code == 200
    assert [e for e in events if e["event"] == "sign-in-failed"] == []


def test_the_email_matches_whatever_its_case(configured, world_a):
    person = give_email(world_a.people["agency"], "verified")
    client = Client()
    idp.through_provider(client, "shouting")
    assert signed_in_as(client) == person.pk


def test_next_is_kept_through_the_provider(configured, world_a):
    give_email(world_a.people["agency"], "verified")
    response = idp.through_provider(Client(), "verified", next_url=f"/{world_a.slug}/")
    assert response["Location"] == f"/{world_a.slug}/"


def refused(client, account: str, events, reason: str, message: str = "You could not be signed in with"):
    response = idp.through_provider(client, account)
    assert response.status_code == 302 and response["Location"] == "/accounts/sign-in/"
    assert signed_in_as(client) is None
    page = client.get("/accounts/sign-in/").content.decode()
    assert "govuk-error-summary" in page and message in page
    assert "<title>Error: Sign in" in page
    # Shown once, not on every later visit.
    assert message not in client.get("/accounts/sign-in/").content.decode()
    failures = [e for e in events if e["event"] == "sign-in-failed"]
    assert [e["details"] for e in failures] == [{"method": "identity-provider", "reason": reason}]
    return page


def test_an_unknown_email_is_refused_and_nothing_is_created(configured, world_a, events):
    people, memberships = Person.objects.count(), Membership.dangerously_unscoped.count()
    page = refused(Client(), "unknown", events, "unknown-email")
    assert "nobody@oidc.example.org" not in page
    assert (Person.objects.count(), Membership.dangerously_unscoped.count()) == (people, memberships)


def test_an_unverified_email_is_refused_like_an_unknown_one(configured, world_a, events):
    give_email(world_a.people["agency"], "unverified")
    unverified = refused(Client(), "unverified", events, "email-not-verified")
    events.clear()
    unknown = refused(Client(), "unknown", events, "unknown-email")

    def error(page):
        return page.split('<ul class="govuk-list govuk-error-summary__list">')[1].split("</ul>")[0]

    assert error(unverified) == error(unknown)


def test_an_email_without_email_verified_is_trusted_only_when_the_installation_says_so(configured, world_a, events):
    person = give_email(world_a.people["agency"], "entra")
    refused(Client(), "entra", events, "email-not-verified")
    with override_settings(LSCP_OIDC_TRUST_UNVERIFIED_EMAIL=True):
        client = Client()
        idp.through_provider(client, "entra")
        assert signed_in_as(client) == person.pk
        # Trusting a missing flag is not trusting a false one.
        give_email(world_a.people["council"], "unverified")
        events.clear()
        refused(Client(), "unverified", events, "email-not-verified")


def test_no_email_is_refused(configured, world_a, events):
    refused(Client(), "no-email", events, "no-email")


def test_a_deactivated_person_is_refused(configured, world_a, events):
    from partners import services

    person = give_email(world_a.people["agency"], "verified")
    services.person_deactivate(ctx=world_a.ctx(), membership=world_a.people["agency"])
    person.refresh_from_db()
    refused(Client(), "verified", events, "no-membership", "Your access has been removed")
    assert events[-1]["person"] == person
    Person.objects.filter(pk=person.pk).update(is_active=False)
    events.clear()
    refused(Client(), "verified", events, "deactivated", "Your access has been removed")


def test_the_provider_changes_nothing_about_the_person(configured, world_a):
    membership = world_a.people["agency"]
    person = give_email(membership, "verified")
    before = Person.objects.filter(pk=person.pk).values().get()
    memberships = list(Membership.dangerously_unscoped.filter(person=person).values())
    client = Client()
    idp.through_provider(client, "renamer")
    assert signed_in_as(client) == person.pk
    after = Person.objects.filter(pk=person.pk).values().get()
    assert {k: v for k, v in after.items() if k != "last_login"} == {
        k: v for k, v in before.items() if k != "last_login"
    }
    assert (after["first_name"], after["last_name"]) == ("Agency", before["last_name"])
    assert list(Membership.dangerously_unscoped.filter(person=person).values()) == memberships


def test_the_providers_mfa_satisfies_the_second_factor_only_when_configured(configured, world_a):
    give_email(world_a.people["agency"], "mfa")
    client = Client()
    idp.through_provider(client, "mfa")
    assert signed_in_as(client) is not None
    assert oidc.SECOND_FACTOR_KEY not in client.session

    with override_settings(LSCP_OIDC_MFA_SATISFIES=True):
        client = Client()
        idp.through_provider(client, "mfa")
        assert client.session[oidc.SECOND_FACTOR_KEY] == "identity-provider"
        # A password-only sign-in at the provider does not.
        give_email(world_a.people["council"], "verified")
        client = Client()
        idp.through_provider(client, "verified")
        assert signed_in_as(client) is not None
        assert oidc.SECOND_FACTOR_KEY not in client.session
        # Nor does another claim than the one configured.
        with override_settings(LSCP_OIDC_MFA_CLAIM="acr"):
            client = Client()
            idp.through_provider(client, "mfa")
            assert oidc.SECOND_FACTOR_KEY not in client.session


def test_a_token_for_another_client_is_refused(configured, world_a, events):
    """mozilla-django-oidc does not check the ID token's audience; the backend does."""
    give_email(world_a.people["agency"], "verified")
    client = Client()
    start = client.get("/accounts/oidc/authenticate/")
    back = idp.sign_in_at_provider(start["Location"], "verified", idp.CALLBACK)
    with override_settings(OIDC_RP_CLIENT_ID="another-client"):
        # The provider refuses the code for another client outright; either way no one signs in.
        response = client.get(back.replace("http://testserver", ""))
    assert response["Location"] == "/accounts/sign-in/" and signed_in_as(client) is None
    assert events[-1]["details"]["reason"] in {"provider-error", "invalid-response"}


def test_explicit_endpoints_work_and_an_id_token_from_another_issuer_is_refused(oidc_provider, world_a, events):
    """Endpoints may be set instead of discovered; the ID token's `iss` must still be the issuer
    configured (mozilla-django-oidc does not check it)."""
    person = give_email(world_a.people["agency"], "verified")
    base = oidc_provider.issuer
    endpoints = {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{base}/auth",
        "OIDC_OP_TOKEN_ENDPOINT": f"{base}/token",
        "OIDC_OP_USER_ENDPOINT": f"{base}/me",
        "OIDC_OP_JWKS_ENDPOINT": f"{base}/jwks",
    }
    with override_settings(**idp.settings(oidc_provider, **endpoints)):
        client = Client()
        idp.through_provider(client, "verified")
        assert signed_in_as(client) == person.pk
    with override_settings(**idp.settings(oidc_provider, **endpoints, LSCP_OIDC_ISSUER="https://elsewhere.example")):
        client = Client()
        response = idp.through_provider(client, "verified")
        assert response["Location"] == "/accounts/sign-in/" and signed_in_as(client) is None
    assert events[-1]["details"] == {"method": "identity-provider", "reason": "invalid-response"}


def test_a_provider_that_cannot_be_reached_is_said_so_on_the_sign_in_page(world_a, events):
    import socket

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    gone = idp.Provider(issuer=f"http://127.0.0.1:{port}", start_seconds=0)
    with override_settings(**idp.settings(gone)):
        client = Client()
        response = client.get("/accounts/oidc/authenticate/")
        assert response.status_code == 302 and response["Location"] == "/accounts/sign-in/"
        page = client.get("/accounts/sign-in/").content.decode()
    assert f"{idp.PROVIDER_NAME} could not be reached" in page
    assert events[-1]["details"] == {"method": "identity-provider", "reason": "provider-unreachable"}


def test_the_provider_refusing_lands_on_the_sign_in_page(configured, events):
    client = Client()
    client.get("/accounts/oidc/authenticate/")
    state = next(iter(client.session["oidc_states"]))
    response = client.get(f"/accounts/oidc/callback/?error=access_denied&state={state}")
    assert response["Location"] == "/accounts/sign-in/"
    assert events[-1]["details"] == {"method": "identity-provider", "reason": "provider-access_denied"}
    # Odd input: a made-up code and state, or none, never a 500.
    for query in ("", "?code=x&state=y", "?code=x", "?state=%00"):
        assert client.get(f"/accounts/oidc/callback/{query}").status_code == 302


def test_a_password_sign_in_never_reaches_the_provider(configured, world_a):
    """Every backend is asked on a password sign-in; this one answers only the callback, even
    when the sign-in page's address carries a code and state."""
    client = Client()
    response = client.post(
        "/accounts/sign-in/?code=x&state=y",
        {"username": world_a.person("agency").username, "password": PASSWORD},
    )
    assert response.status_code in (200, 302)


def test_without_a_provider_configured_there_is_no_button_and_the_routes_are_404(world_a):
    client = Client()
    assert b"Sign in with" not in client.get("/accounts/sign-in/").content
    assert client.get("/accounts/oidc/authenticate/").status_code == 404
    assert client.get("/accounts/oidc/callback/?code=x&state=y").status_code == 404
