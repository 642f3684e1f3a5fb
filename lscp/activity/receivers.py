"""The activity log's receivers: Django's sign-in signals and `security_event` (signals.py),
each recorded as a security row (log.record_security). Connected by lscp's AppConfig.ready.

A sign-in records its method: the session's `lscp_sign_in_method` when the sign-in set it (an
identity provider, a passkey ...), else "password". A failure records the username typed, never
the password: Django hands receivers credentials with the password already cleansed, and only the
username is kept."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from lscp.activity.log import record_security
from lscp.activity.signals import security_event

SIGN_IN_METHOD_KEY = "lscp_sign_in_method"


def signed_in(sender, request, user, **kwargs):
    session = getattr(request, "session", None) or {}
    record_security(
        request, event="sign-in", person=user, details={"method": session.get(SIGN_IN_METHOD_KEY) or "password"}
    )


def sign_in_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username") or credentials.get("email") or "")[:150]
    record_security(request, event="sign-in-failed", details={"username": username})


def signed_out(sender, request, user, **kwargs):
    record_security(request, event="sign-out", person=user)


def security(sender, request=None, event: str = "", person=None, partnership=None, details=None, **kwargs):
    record_security(request, event=event, person=person, partnership=partnership, details=details)


def connect() -> None:
    user_logged_in.connect(signed_in, dispatch_uid="lscp.activity.signed_in")
    user_login_failed.connect(sign_in_failed, dispatch_uid="lscp.activity.sign_in_failed")
    user_logged_out.connect(signed_out, dispatch_uid="lscp.activity.signed_out")
    security_event.connect(security, dispatch_uid="lscp.activity.security")
