"""Limits on guessing passwords, on the sign-in page and the API token alike.

Per account: django-axes counts wrong passwords per ACCOUNT, whether typed as its username or
its email address (`account_key` resolves either to the account's username; an identifier that
is no account counts under its lowercased text, so a refusal says nothing about which accounts
exist). At `AXES_FAILURE_LIMIT` (5) the account is locked for `AXES_COOLOFF_TIME` (15 minutes
from the failure that locked it), the right password included; a success before then clears the
count. The records are rows in the database (axes' AccessAttempt); the business unit unlocks a
person from their page (`unlock`), the administrator in admin ("Access attempts"), or anyone
with the shell: `manage.py axes_reset_username <username>` (or `axes_reset` for everyone).

Per address: a THROTTLE, never a lock. Behind a council's NAT or a proxy many people share one
address, so an attacker there must not keep them out:
- each failed sign-in from an address counts in a short window (`LSCP_SIGN_IN_ADDRESS_LIMIT`
  failures per `LSCP_SIGN_IN_ADDRESS_WINDOW_SECONDS`: 30 a minute);
- past that, an attempt from the address is answered "wait N seconds" (N: what is left of the
  window) before any password is checked, so guessing from one address is held to 30 a minute
  whatever accounts it tries;
- except from a browser where that account has signed in before (a signed, HttpOnly cookie
  naming the account by a keyed hash, set at each sign-in: the "device cookie" of OWASP's
  authentication cheat sheet): its password is checked as usual. So a person whose account is
  not locked and who types the right password on their usual browser is let in however busy the
  attacker is; someone on a new browser at that address waits at most one window (a minute)
  after each burst of 30 failures. Refusals, throttled or not, add nothing to any account's count.

The client's address is `client_address`: REMOTE_ADDR, or with `LSCP_TRUSTED_PROXY_COUNT` set,
the address the outermost trusted proxy appended to X-Forwarded-For (django-ipware).

Timing: the password is hashed exactly once whatever the account's state (active, deactivated,
without a membership, or no account at all): `lscp.accounts.backends.PasswordBackend`.
Security events: "locked-out" (the failure that locks an account) and "unlocked" are sent here;
sign-ins and failures are Django's own auth signals, which the activity log receives. (The
receivers here and in lscp.accounts.sessions connect when MIDDLEWARE imports the modules.)
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import time

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from ipware.ip import get_client_ip

from lscp.activity.signals import security_event

KNOWN_DEVICE_COOKIE = "lscp_known_device"
_KNOWN_DEVICE_SALT = "lscp.accounts.limits.known-device"
_KNOWN_DEVICE_DAYS = 180
_KNOWN_DEVICE_MAX = 5  # accounts remembered per browser


# ----------------------------------------------------------------------------------------------
# Whom and where from (axes' AXES_USERNAME_CALLABLE and AXES_CLIENT_IP_CALLABLE)


def client_address(request) -> str | None:
    """REMOTE_ADDR, unless LSCP_TRUSTED_PROXY_COUNT says how many proxies in front of us append
    to X-Forwarded-For: then the address the outermost of them appended (entries further left
    are whatever the client sent and are never read)."""
    if request is None:
        return None
    proxies = settings.LSCP_TRUSTED_PROXY_COUNT
    if proxies:
        # ipware counts the proxies named in the header, i.e. all but the one that connected.
        address, _ = get_client_ip(
            request, proxy_count=proxies - 1, request_header_order=["HTTP_X_FORWARDED_FOR"], strict=False
        )
        if address:
            return address
    address, _ = get_client_ip(request, request_header_order=["REMOTE_ADDR"])
    return address or request.META.get("REMOTE_ADDR")


def account_key(request, credentials: dict | None) -> str | None:
    """The account an identifier names: its username, whether the username or the email address
    was typed (any case); an identifier that is no account, as lowercased text."""
    if credentials is not None:
        identifier = credentials.get("username")
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        identifier = data.get("username")
    if not isinstance(identifier, str) or not identifier.strip():
        return None
    identifier = identifier.strip()
    memo = _memo(request)
    if identifier not in memo:
        from partners.models import Person

        try:
            memo[identifier] = Person.objects.get_by_natural_key(identifier).get_username()
        except Person.DoesNotExist:
            memo[identifier] = identifier.lower()
        except Person.MultipleObjectsReturned:
            memo[identifier] = identifier.lower()
    return memo[identifier]


def _memo(request) -> dict:
    if request is None:
        return {}
    memo = getattr(request, "_lscp_account_keys", None)
    if memo is None:
        memo = {}
        with contextlib.suppress(AttributeError):  # a request that takes no attributes
            request._lscp_account_keys = memo
    return memo


# ----------------------------------------------------------------------------------------------
# Per account: locked (axes)


def cool_off_minutes() -> int:
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def locked_message() -> str:
    return (
        "This account is locked because a wrong password was entered too many times. Wait "
        f"{cool_off_minutes()} minutes, then try again, or ask your partnership's business unit to unlock it."
    )


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the page (or API answer) already says so in its own words."""
    return original_response if original_response is not None else HttpResponse(locked_message(), status=429)


def locked_until(person):
    """When the person's account unlocks by itself, or None if it is not locked."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempt = (
        AccessAttempt.objects.filter(
            username=person.get_username(),
            attempt_time__gte=since,
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        )
        .order_by("-attempt_time")
        .first()
    )
    return attempt.attempt_time + settings.AXES_COOLOFF_TIME if attempt else None


def unlock(*, person, request=None, partnership=None) -> int:
    """Clear the person's failed attempts (and so a lock); sends "unlocked" if there was one."""
    from axes.utils import reset

    was_locked = locked_until(person) is not None
    cleared = reset(username=person.get_username())
    if was_locked:
        security_event.send(
            sender=unlock, request=request, event="unlocked", person=person, partnership=partnership, details={}
        )
    return cleared


@receiver(user_locked_out, dispatch_uid="lscp.accounts.limits.locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    # Sent by axes for the failure that locks the account and again for each attempt refused
    # while locked (failures not counted then): only the first is the event "locked-out".
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    from partners.models import Person

    person = Person.objects.filter(username=username).first() if username else None
    security_event.send(
        sender=lockout_response,
        request=request,
        event="locked-out",
        person=person,
        partnership=None,
        details={"failures": request.axes_failures_since_start},
    )


# ----------------------------------------------------------------------------------------------
# Per address: throttled


def _address_keys(address: str) -> tuple[str, str]:
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"sign-in:address:{digest}:start", f"sign-in:address:{digest}:count"


def address_wait(request, identifier: str) -> int:
    """Seconds this attempt must wait, or 0: the address is past its failures for the window and
    this browser has not signed in to the account typed before."""
    address = client_address(request)
    if not address:
        return 0
    start_key, count_key = _address_keys(address)
    values = cache.get_many([start_key, count_key])
    start, count = values.get(start_key), values.get(count_key, 0)
    if start is None or count < settings.LSCP_SIGN_IN_ADDRESS_LIMIT:
        return 0
    left = start + settings.LSCP_SIGN_IN_ADDRESS_WINDOW_SECONDS - time.time()
    if left <= 0:
        return 0
    if known_device(request, account_key(request, {"username": identifier})):
        return 0
    return math.ceil(left)


def address_failed(request) -> None:
    address = client_address(request)
    if not address:
        return
    window = settings.LSCP_SIGN_IN_ADDRESS_WINDOW_SECONDS
    start_key, count_key = _address_keys(address)
    now = time.time()
    start = cache.get(start_key)
    if start is None or now - start >= window:
        cache.set_many({start_key: now, count_key: 1}, timeout=2 * window)
        return
    try:
        cache.incr(count_key)
    except ValueError:  # expired meanwhile
        cache.set(count_key, 1, timeout=2 * window)


def address_message(seconds: int) -> str:
    return (
        f"There have been too many attempts to sign in from your network. Wait {seconds} "
        f"second{'s' if seconds != 1 else ''}, then try again."
    )


# ----------------------------------------------------------------------------------------------
# Browsers an account has signed in on


def _device_mark(username: str) -> str:
    return salted_hmac(_KNOWN_DEVICE_SALT, username.lower()).hexdigest()[:32]


def _known_marks(request) -> list[str]:
    value = request.get_signed_cookie(
        KNOWN_DEVICE_COOKIE, default="", salt=_KNOWN_DEVICE_SALT, max_age=_KNOWN_DEVICE_DAYS * 86400
    )
    return [mark for mark in value.split(",") if mark]


def known_device(request, username: str | None) -> bool:
    return bool(username) and _device_mark(username) in _known_marks(request)


@receiver(user_logged_in, dispatch_uid="lscp.accounts.limits.remember_device")
def _remember_device(sender, request, user, **kwargs):
    if request is not None:
        request._lscp_signed_in_as = user.get_username()


class KnownDeviceMiddleware:
    """Sets the known-device cookie on the answer to a sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        username = getattr(request, "_lscp_signed_in_as", None)
        if username:
            mark = _device_mark(username)
            marks = [mark] + [m for m in _known_marks(request) if m != mark]
            response.set_signed_cookie(
                KNOWN_DEVICE_COOKIE,
                ",".join(marks[:_KNOWN_DEVICE_MAX]),
                salt=_KNOWN_DEVICE_SALT,
                max_age=_KNOWN_DEVICE_DAYS * 86400,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
