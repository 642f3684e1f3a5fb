"""Sign-in with the council's or NHS organisation's identity provider (OpenID Connect, e.g.
Microsoft Entra ID), through mozilla-django-oidc; configured per installation in
lscp/settings/base.py (LSCP_OIDC_*), off unless configured.

The provider proves who someone is; it never decides who may use the service. A person is matched
by a verified email address to exactly one existing, active account with an active membership (as
the password sign-in requires), and the account is never created, renamed or given a membership
here. Refusals land on the sign-in page with one message that reveals nothing about the account;
the activity log gets the reason ("sign-in-failed", method "identity-provider"). A successful
sign-in is recorded by the activity log from Django's user_logged_in, which reads the method from
the session. Where the installation trusts it (LSCP_OIDC_MFA_SATISFIES), the ID token's claim that
the person used multi-factor authentication at the provider counts as the second factor.

Endpoints come from the settings, or (when only the issuer is set) from the issuer's discovery
document, fetched once per process on first use. Unlike mozilla-django-oidc's defaults, the ID
token's issuer and audience are checked too.
"""

from __future__ import annotations

import logging
from functools import cache
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from lscp.activity.signals import security_event
from partners.models import Membership

log = logging.getLogger(__name__)

METHOD = "identity-provider"
# The session keys other parts read: the activity log (how this sign-in happened) and the
# second-factor enforcement (the provider's MFA satisfied it).
SIGN_IN_METHOD_KEY = "lscp_sign_in_method"
SECOND_FACTOR_KEY = "lscp_second_factor"
REFUSAL_KEY = "lscp_oidc_refused"

REFUSED_MESSAGE = (
    "You could not be signed in with {provider}. Sign in with your username and password, or ask "
    "your partnership's business unit to check the email address on your account."
)
UNAVAILABLE_MESSAGE = "{provider} could not be reached. Try again later, or sign in with your username and password."
INACTIVE_MESSAGE = "Your access has been removed. If you think this is wrong, contact your partnership's business unit."

# Setting name -> the discovery document's key, for endpoints left to the issuer's discovery.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def enabled() -> bool:
    return bool(settings.LSCP_OIDC_ENABLED)


@cache
def discovery(issuer: str) -> dict:
    response = requests.get(issuer.rstrip("/") + "/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    return response.json()


def setting(attr: str, *default):
    """mozilla-django-oidc's settings, with endpoints not set taken from the issuer's discovery."""
    if attr in DISCOVERED and not getattr(settings, attr, "") and settings.LSCP_OIDC_ISSUER:
        return discovery(settings.LSCP_OIDC_ISSUER)[DISCOVERED[attr]]
    return import_from_settings(attr, *default)


def sign_in_context(request) -> dict | None:
    """What the sign-in page shows for the identity provider: None when none is configured."""
    if not enabled():
        return None
    name = settings.LSCP_OIDC_PROVIDER_NAME
    refused = request.session.pop(REFUSAL_KEY, None)
    error = None
    if refused == "inactive":
        error = INACTIVE_MESSAGE
    elif refused == "unavailable":
        error = UNAVAILABLE_MESSAGE.format(provider=name)
    elif refused:
        error = REFUSED_MESSAGE.format(provider=name)
    url = reverse("oidc_authentication_init")
    if next_url := request.GET.get("next"):
        url += "?" + urlencode({"next": next_url})
    return {"name": name, "url": url, "error": error}


class Refused(Exception):
    """Why a person the provider vouched for is not signed in (the reason goes to the log only)."""

    def __init__(self, reason: str, person=None, shown: str = "refused"):
        super().__init__(reason)
        self.reason, self.person, self.shown = reason, person, shown


class Backend(OIDCAuthenticationBackend):
    """Authenticates only the identity provider's callback; grants no permissions of its own."""

    def __init__(self, *args, **kwargs):
        # mozilla-django-oidc reads its settings here, which Django does for every backend on every
        # password sign-in; they are read (and the issuer discovered) only for a callback.
        self.UserModel = get_user_model()

    get_settings = staticmethod(setting)

    def authenticate(self, request, **kwargs):
        # Only the callback view calls with exactly these; a password sign-in never reaches the provider.
        if request is None or set(kwargs) != {"nonce", "code_verifier"} or not enabled():
            return None
        super().__init__()
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:  # the ID token (a signed userinfo response comes without)
            audience = payload.get("aud")
            audiences = audience if isinstance(audience, list) else [audience]
            if self.OIDC_RP_CLIENT_ID not in audiences:
                raise SuspiciousOperation("The ID token is not for this client.")
            if settings.LSCP_OIDC_ISSUER and payload.get("iss") != settings.LSCP_OIDC_ISSUER:
                raise SuspiciousOperation("The ID token is from another issuer.")
            self.request.lscp_oidc_mfa = multi_factor(payload)
        return payload

    def verify_claims(self, claims):
        return True  # checked in filter_users_by_claims, where the reason can be recorded

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        if not email:
            raise Refused("no-email")
        verified = claims.get("email_verified")
        if verified is None and settings.LSCP_OIDC_TRUST_UNVERIFIED_EMAIL:
            verified = True  # no claim either way, from a provider the installation trusts
        if verified not in (True, "true"):
            raise Refused("email-not-verified")
        people = list(self.UserModel.objects.filter(email__iexact=email)[:2])
        if not people:
            raise Refused("unknown-email")
        if len(people) > 1:
            raise Refused("several-accounts")
        person = people[0]
        if not person.is_active:
            raise Refused("deactivated", person, shown="inactive")
        if not person.is_superuser and not Membership.objects.active_for_person(person).exists():
            raise Refused("no-membership", person, shown="inactive")
        return [person]

    def create_user(self, claims):
        raise Refused("unknown-email")  # never reached (OIDC_CREATE_USER is False); never creates

    def update_user(self, user, claims):
        return user  # the provider changes nothing about the account

    def get_or_create_user(self, access_token, id_token, payload):
        try:
            return super().get_or_create_user(access_token, id_token, payload)
        except Refused as refused:
            self.request.lscp_oidc_refused = refused
            return None

    def get_user(self, user_id):
        # Unlike mozilla-django-oidc's, a deactivated person's session ends as with a password.
        return ModelBackend.get_user(self, user_id)

    # Authentication only: permissions come from the other backends.
    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False

    def with_perm(self, perm, is_active=True, include_superusers=True, obj=None):
        return self.UserModel._default_manager.none()


def multi_factor(id_token: dict) -> bool:
    """Whether the ID token says the person used more than one factor at the provider: the
    configured claim (Entra's `amr`, a list) contains, or (a string such as `acr`) is, one of the
    configured values."""
    value = id_token.get(settings.LSCP_OIDC_MFA_CLAIM)
    wanted = set(settings.LSCP_OIDC_MFA_VALUES)
    if isinstance(value, list):
        return bool(wanted & {str(v) for v in value})
    return isinstance(value, str) and value in wanted


def refuse(view, refused: Refused):
    """Back to the sign-in page with the refusal shown once; the reason to the activity log."""
    security_event.send(
        sender=type(view),
        request=view.request,
        event="sign-in-failed",
        person=refused.person,
        partnership=None,
        details={"method": METHOD, "reason": refused.reason},
    )
    view.request.session[REFUSAL_KEY] = refused.shown
    return HttpResponseRedirect(reverse(settings.LOGIN_URL))


class NotConfigured:
    def dispatch(self, request, *args, **kwargs):
        if not enabled():
            raise Http404("No identity provider is configured.")
        return super().dispatch(request, *args, **kwargs)


class AuthenticateView(NotConfigured, OIDCAuthenticationRequestView):
    """Sends the browser to the provider (GET, as mozilla-django-oidc expects)."""

    get_settings = staticmethod(setting)

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)  # settings read in get()

    def get(self, request):
        try:
            self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except requests.RequestException as error:
            log.warning("identity provider's discovery document unavailable: %s", error)
            return refuse(self, Refused("provider-unreachable", shown="unavailable"))
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        return super().get(request)


class CallbackView(NotConfigured, OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: signs the matched person in, or back to the
    sign-in page with the error."""

    get_settings = staticmethod(setting)

    def get(self, request):
        try:
            return super().get(request)
        except requests.RequestException as error:
            log.warning("identity provider unreachable or refused the code: %s", error)
            return refuse(self, Refused("provider-error", shown="unavailable"))
        except SuspiciousOperation as error:
            log.warning("identity provider callback refused: %s", error)
            return refuse(self, Refused("invalid-response"))

    def login_failure(self):
        refused = getattr(self.request, "lscp_oidc_refused", None)
        if refused is None:
            error = self.request.GET.get("error")
            refused = Refused(f"provider-{error}" if error else "invalid-response")
        return refuse(self, refused)

    def login_success(self):
        request = self.request
        if request.user.is_authenticated and request.user != self.user:
            auth.logout(request)
        # Read by the activity log's user_logged_in receiver, so set before logging in.
        request.session[SIGN_IN_METHOD_KEY] = METHOD
        response = super().login_success()
        if settings.LSCP_OIDC_MFA_SATISFIES and getattr(request, "lscp_oidc_mfa", False):
            request.session[SECOND_FACTOR_KEY] = METHOD
        return response
