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

security_event = Signal()
