"""Security events (sign-ins and failures, second factors, lockouts, tokens, invitations) are
sent as a signal by the code where they happen; the activity log records them
(`lscp.activity` connects the receiver), so the senders import nothing from the log.

    security_event.send(sender=SomeClass, request=request, event="sign-in", person=person,
                        partnership=None, details={"method": "password"})

`event` is a short code ("sign-in", "sign-in-failed", "sign-out", "locked-out", "unlocked",
"second-factor-enrolled", "second-factor-removed", "second-factor-reset", "second-factor-failed",
"token-created", "token-revoked", "invitation-sent", "invitation-accepted", ...); `person` is the
account concerned (None when unknown); `partnership` is the partnership it happened in, or None
for an installation-wide event; `details` is a JSON-able dict (never a password, key or code).
"""

from django.dispatch import Signal


class SecurityEventSignal(Signal):
    """Its receivers run in the database's system scope (lscp/database.py): a security event may
    be installation-wide (no partnership: a sign-in) or concern a partnership other than the one a
    request has resolved, which the request's own scope would refuse to record."""

    def send(self, sender, **named):
        from lscp import database

        with database.system_scope():
            return super().send(sender, **named)

    def send_robust(self, sender, **named):
        from lscp import database

        with database.system_scope():
            return super().send_robust(sender, **named)


security_event = SecurityEventSignal()
