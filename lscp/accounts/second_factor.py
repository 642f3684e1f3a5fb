"""The second factor: passkeys (django-otp-webauthn), authenticator-app codes (django-otp's TOTP
device) and one-time recovery codes (django-otp's static device), after the password.

The contract other code follows:
- `settings.LSCP_SECOND_FACTOR_REQUIRED`: everyone must enrol and verify one (env var of the same
  name; on in production, off in the demo and tests).
- A session is verified when django-otp verified one of the person's devices in it
  (`request.user.is_verified()`), or when `request.session["lscp_second_factor"] ==
  "identity-provider"` (set by the OpenID Connect sign-in after login, when the provider's MFA
  claim satisfies the second factor).
- A signed-in session that is not verified, when one is required or the person has enrolled one,
  reaches only the sign-in, sign-out, second-factor, set-password and accessibility pages and
  static files (SecondFactorMiddleware), and is not signed in for the API
  (VerifiedSessionAuthentication). The step is the URL named "second-factor", enrolment
  "second-factor-enrol"; both take `?next=`.
- Security events (lscp.activity.signals.security_event): second-factor-verified, -failed,
  -enrolled, -removed, -reset, recovery-codes-generated; details name the kind, never a code.

Whether a person who has no second factor yet needs one is decided at each request from the
setting; whether a person who has one must verify it is decided at sign-in (the session remembers
it, so requests of people without one cost no query).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key
from django_otp_webauthn.models import WebAuthnCredential
from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication

from lscp.activity.signals import security_event

SESSION_KEY = "lscp_second_factor"  # "identity-provider": the provider's MFA satisfied it
IDENTITY_PROVIDER = "identity-provider"
NEEDED_KEY = "lscp_second_factor_needed"  # set at sign-in when the person has one to verify
PENDING_TOTP_KEY = "lscp_totp_pending_key"  # an authenticator app's secret until confirmed
FRESH_CODES_KEY = "lscp_recovery_codes"  # new recovery codes, until shown (once)

# Where an unverified session may still go (URL names; the passkey endpoints by namespace).
OPEN_URL_NAMES = {
    "sign-in",
    "sign-out",
    "set-password",
    "accessibility",
    "second-factor",
    "second-factor-enrol",
    "second-factor-app",
    "second-factor-recovery-codes",
}
OPEN_NAMESPACES = {"otp_webauthn"}

KINDS = {"app": TOTPDevice, "passkey": WebAuthnCredential}
KIND_LABELS = {"app": "Authenticator app", "passkey": "Passkey"}


def required() -> bool:
    return bool(settings.LSCP_SECOND_FACTOR_REQUIRED)


# ----------------------------------------------------------------------------------------------
# A person's factors


@dataclass(frozen=True)
class Factor:
    kind: str  # "app" or "passkey"
    device: object

    @property
    def id(self) -> int:
        return self.device.pk

    @property
    def name(self) -> str:
        return self.device.name or KIND_LABELS[self.kind]

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def added(self) -> datetime | None:
        return self.device.created_at

    @property
    def last_used(self) -> datetime | None:
        return self.device.last_used_at


def factors(person) -> list[Factor]:
    """The person's confirmed passkeys and authenticator apps (recovery codes are not a factor of
    their own: they stand in for one)."""
    found = [Factor("passkey", d) for d in WebAuthnCredential.objects.devices_for_user(person, confirmed=True)]
    found += [Factor("app", d) for d in TOTPDevice.objects.devices_for_user(person, confirmed=True)]
    return sorted(found, key=lambda f: f.added or datetime.min.astimezone())


def has_factor(person) -> bool:
    return (
        WebAuthnCredential.objects.devices_for_user(person, confirmed=True).exists()
        or TOTPDevice.objects.devices_for_user(person, confirmed=True).exists()
    )


def has_passkey(person) -> bool:
    return WebAuthnCredential.objects.devices_for_user(person, confirmed=True).exists()


def recovery_codes_left(person) -> int:
    return StaticToken.objects.filter(device__user=person, device__confirmed=True).count()


# ----------------------------------------------------------------------------------------------
# The session


def satisfied(request) -> bool:
    if request.session.get(SESSION_KEY) == IDENTITY_PROVIDER:
        return True
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def pending_step(request) -> str | None:
    """ "verify" or "enrol" when this signed-in session must pass the second factor first, else None."""
    if not required() and not request.session.get(NEEDED_KEY):
        return None  # no query for the sessions of people without a second factor
    user = request.user
    if not user.is_authenticated or satisfied(request):
        return None
    if has_factor(user):
        return "verify"
    return "enrol" if required() else None


def step_url(step: str, next_url: str = "") -> str:
    url = reverse("second-factor" if step == "verify" else "second-factor-enrol")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def safe_next(request, default: str | None = None) -> str:
    """The `next` the request carries, if it is a path on this site; else `default` (the list
    of partnerships)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default or reverse(settings.LOGIN_REDIRECT_URL)


@receiver(user_logged_in, dispatch_uid="lscp-second-factor-sign-in")
def _on_sign_in(sender, request, user, **kwargs):
    """Each sign-in starts unverified (a verification is never carried over from an earlier one),
    and remembers whether the person has a second factor to verify."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if not hasattr(user, "otp_device"):  # not verified by a django-otp form in this very login
        session.pop(DEVICE_ID_SESSION_KEY, None)
    session.pop(SESSION_KEY, None)
    session.pop(FRESH_CODES_KEY, None)
    if has_factor(user):
        session[NEEDED_KEY] = True
    else:
        session.pop(NEEDED_KEY, None)


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware: a session that must pass the second factor first goes to
    the step (or to enrolment when it has none and one is required) and nowhere else. The API
    answers such a session as not signed in (VerifiedSessionAuthentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith((settings.STATIC_URL, "/api/")):
            step = pending_step(request)
            if step and not self._open(request):
                return redirect(step_url(step, request.get_full_path() if request.method == "GET" else ""))
        return self.get_response(request)

    @staticmethod
    def _open(request) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.url_name in OPEN_URL_NAMES or bool(set(match.namespaces) & OPEN_NAMESPACES)


class VerifiedSessionAuthentication(SessionAuthentication):
    """DRF's session authentication, for sessions that have passed the second factor where one
    is needed: a password-only session is not signed in for the API."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and pending_step(request._request):
            return None
        return result


class VerifiedSessionScheme(SessionScheme):
    """The API schema describes it as the session cookie it is."""

    target_class = "lscp.accounts.second_factor.VerifiedSessionAuthentication"


# ----------------------------------------------------------------------------------------------
# Verifying


class Throttled(Exception):
    pass


def verify_code(request, code: str):
    """The person's authenticator app or recovery-code device that accepts `code` (each code
    works once: an app's code not again, a recovery code is used up), or None. Raises Throttled
    while django-otp's wait after wrong codes runs. Records the outcome."""
    person = request.user
    matched = match_code(request, person, code)
    if matched is None:
        return None
    otp_login(request, matched)
    _verified(request, person, _kind_of(matched))
    return matched


def match_code(request, person, code: str):
    """The device of `person` (authenticator app or recovery codes) that accepts `code`, used up
    as it is (an app's code not again, a recovery code gone), or None, recorded as a failure.
    Raises Throttled while django-otp's wait after wrong codes runs. Touches no session: the API
    token endpoint uses it as it is, the second-factor step through verify_code."""
    code = "".join((code or "").split()).lower()
    with transaction.atomic():
        devices = [
            *TOTPDevice.objects.devices_for_user(person, confirmed=True).select_for_update(),
            *StaticDevice.objects.devices_for_user(person, confirmed=True).select_for_update(),
        ]
        if devices and not any(device.verify_is_allowed()[0] for device in devices):
            raise Throttled()
        matched = next((device for device in devices if code and device.verify_token(code)), None)
    if matched is None:
        _event(request, "second-factor-failed", person, {"kind": "code"})
    return matched


def _kind_of(device) -> str:
    return "recovery-code" if isinstance(device, StaticDevice) else "app"


def needed_for_token(person) -> bool:
    """An API token is as good as a signed-in session: it needs the second factor wherever a
    session would (required for everyone, or the person has one)."""
    return required() or has_factor(person)


def passkey_verified(request, device) -> None:
    _verified(request, device.user, "passkey")


def _verified(request, person, kind: str) -> None:
    # The session gained a privilege: a new session key, as at sign-in.
    request.session.cycle_key()
    _event(request, "second-factor-verified", person, {"kind": kind})


def passkey_failed(request) -> None:
    person = request.user if request.user.is_authenticated else None
    _event(request, "second-factor-failed", person, {"kind": "passkey"})


# ----------------------------------------------------------------------------------------------
# Enrolling and removing


def pending_app(request) -> TOTPDevice:
    """The authenticator app being added (not saved until confirmed with a code): its secret
    stays in the session, so the QR code shown is the same until it is confirmed."""
    key = request.session.get(PENDING_TOTP_KEY)
    if not key:
        key = request.session[PENDING_TOTP_KEY] = default_key()
    return TOTPDevice(user=request.user, key=key, name="Authenticator app")


def add_app(request, *, code: str, name: str = "") -> TOTPDevice | None:
    """Save the pending authenticator app if `code` is its current code (that code cannot then be
    used again), else None."""
    device = pending_app(request)
    if name:
        device.name = name
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    try:
        token = int("".join(code.split()))
    except ValueError:
        return None
    if not totp.verify(token, device.tolerance):
        return None
    device.last_t = totp.t()
    device.confirmed = True
    first = not has_factor(request.user)
    device.save()
    del request.session[PENDING_TOTP_KEY]
    enrolled(request, device, "app", first=first)
    return device


def enrolled(request, device, kind: str, *, first: bool) -> None:
    """A new factor was saved. The first one verifies this session (it was just proven) and
    comes with recovery codes, shown once."""
    _event(request, "second-factor-enrolled", request.user, {"kind": kind})
    request.session[NEEDED_KEY] = True
    if first or not satisfied(request):
        otp_login(request, device)
    if first:
        request.session[FRESH_CODES_KEY] = generate_recovery_codes(request)


def generate_recovery_codes(request) -> list[str]:
    """New one-time recovery codes for the person; the old ones stop working."""
    person = request.user
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=person, name="Recovery codes", defaults={"confirmed": True})
        StaticDevice.objects.filter(user=person).exclude(pk=device.pk).delete()
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(settings.LSCP_RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    _event(request, "recovery-codes-generated", person, {"count": len(codes)})
    return codes


def get_factor(person, kind: str, device_id: int) -> Factor | None:
    model = KINDS.get(kind)
    if model is None:
        return None
    device = model.objects.devices_for_user(person, confirmed=True).filter(pk=device_id).first()
    return Factor(kind, device) if device else None


def removal_refusal(person, factor: Factor) -> str:
    if required() and len(factors(person)) <= 1:
        return "You cannot remove your only second factor. Add another one first."
    return ""


def remove(request, factor: Factor) -> None:
    person = request.user
    refusal = removal_refusal(person, factor)
    if refusal:
        raise ValidationError(refusal)
    factor.device.delete()
    if not has_factor(person):
        # Recovery codes stand in for a factor: with none left they go too.
        StaticDevice.objects.filter(user=person).delete()
        request.session.pop(NEEDED_KEY, None)
    _event(request, "second-factor-removed", person, {"kind": factor.kind})


def remove_all(person) -> int:
    """Every second factor of the person (passkeys, apps, recovery codes): how many went."""
    count = 0
    for model in (WebAuthnCredential, TOTPDevice, StaticDevice):
        count += model.objects.filter(user=person).delete()[1].get(model._meta.label, 0)
    return count


def _event(request, event: str, person, details: dict, partnership=None) -> None:
    security_event.send(
        sender=SecondFactorMiddleware,
        request=request,
        event=event,
        person=person,
        partnership=partnership,
        details=details,
    )


# ----------------------------------------------------------------------------------------------
# The business unit's reset


def reset_refusal(ctx, membership) -> str:
    if membership.person_id == ctx.user.pk:
        return "You cannot reset your own second factor here. Manage it from your account page."
    if not membership.is_active:
        return "Reactivate this person before resetting their second factor."
    return ""


@transaction.atomic
def reset(*, ctx, membership, request=None) -> int:
    """The business unit removes a person's second factors (passkeys, apps, recovery codes), as
    when a phone is lost: they enrol again at their next sign-in where one is required. The
    person's sessions stop counting as verified at their next request.

    A person can belong to several partnerships while their second factor is one, for the
    account: the business unit of any partnership where they are an active member may reset it
    (a reset grants no access, as the password is still needed, and it says nothing about the
    other partnerships). The event is recorded in the partnership that reset it."""
    from partners.permissions import PeoplePolicy

    PeoplePolicy.require(ctx, "manage", membership)
    refusal = reset_refusal(ctx, membership)
    if refusal:
        raise ValidationError(refusal)
    person = membership.person
    removed = remove_all(person)
    _event(request, "second-factor-reset", person, {"removed": removed}, partnership=ctx.partnership)
    return removed


def admin_allows(request) -> bool:
    """The admin site's extra condition: a verified second factor where one is required."""
    return not required() or satisfied(request)
