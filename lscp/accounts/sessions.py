"""Sessions end after `LSCP_IDLE_SECONDS` without a request (30 minutes), as well as
SESSION_COOKIE_AGE (8 hours) after signing in whatever happens (Django alone would count those
from the session's last save, which the activity time below makes every minute).

The time of the last request is kept in the session, written at most once every
`_touch_seconds()` (a minute) so that not every page view writes the session row. A request
after the idle limit signs the person out and lands on the sign-in page saying why (anything
already saved is kept; the page they asked for is the `next`). API requests with a token carry
no session and are not affected; an API request in an idle browser session is simply anonymous.

Pages tell the browser how long is left (`data-lscp-idle-remaining` on <body>); with JavaScript,
static/lscp/timeout.mjs shows a GOV.UK timeout warning `LSCP_IDLE_WARNING_SECONDS` before the
end, whose "Stay signed in" posts to `SessionRefreshView`. Without JavaScript the session just ends.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

LAST_ACTIVITY = "lscp_last_activity"
SIGNED_IN_AT = "lscp_signed_in_at"


def _touch_seconds() -> int:
    return min(60, max(1, settings.LSCP_IDLE_SECONDS // 30))


def _now() -> int:
    return int(time.time())


def remaining_seconds(request) -> int | None:
    """Seconds until this session ends for want of activity, or None without a signed-in session."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return None
    last = request.session.get(LAST_ACTIVITY, _now())
    return max(0, settings.LSCP_IDLE_SECONDS - (_now() - last))


def idle_duration() -> str:
    seconds = settings.LSCP_IDLE_SECONDS
    if seconds % 60:
        return f"{seconds} seconds"
    minutes = seconds // 60
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = _now()
            last = request.session.get(LAST_ACTIVITY)
            if last is not None and now - last > settings.LSCP_IDLE_SECONDS:
                return self.signed_out(request, f"You were signed out after {idle_duration()} without activity.")
            signed_in_at = request.session.setdefault(SIGNED_IN_AT, now)
            if now - signed_in_at > settings.SESSION_COOKIE_AGE:
                hours = round(settings.SESSION_COOKIE_AGE / 3600, 1)
                return self.signed_out(request, f"You were signed out {hours:g} hours after signing in.")
            if last is None or now - last >= _touch_seconds():
                request.session[LAST_ACTIVITY] = now
        return self.get_response(request)

    def signed_out(self, request, why: str):
        logout(request)
        if request.path.startswith("/api/"):
            return self.get_response(request)  # as anonymous: 401/403 from the API
        messages.info(request, f"{why} Sign in again to carry on: anything you saved before then has been kept.")
        url = reverse(settings.LOGIN_URL)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)


@receiver(user_logged_in, dispatch_uid="lscp.accounts.sessions.signed_in")
def _signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LAST_ACTIVITY] = request.session[SIGNED_IN_AT] = _now()


class SessionRefreshView(LoginRequiredMixin, View):
    """The timeout warning's "Stay signed in": counts as activity now. From script, the time
    left as JSON; as a plain form, back to the page."""

    http_method_names = ["post", "options"]

    def post(self, request):
        request.session[LAST_ACTIVITY] = _now()
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse({"remaining": settings.LSCP_IDLE_SECONDS})
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse(settings.LOGIN_REDIRECT_URL)
        return redirect(back)


def idle_timeout(request) -> dict:
    """Context processor: what the base template tells the timeout warning."""
    remaining = remaining_seconds(request)
    if remaining is None:
        return {}
    return {"idle_remaining": remaining, "idle_warning": settings.LSCP_IDLE_WARNING_SECONDS}
