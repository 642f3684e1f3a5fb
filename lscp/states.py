"""Workflow state errors, and the one optimistic-lock rule.

A step asked for from the wrong state is refused with a reason (`StateError`): pages show it,
the API answers 409 Conflict. A record edited by two people at once keeps both changes apart:
every versioned record (`Versioned`) carries the version the person read; a change sent with an
older one is refused with `StaleVersion` (`check_version`), never saved over the other person's.
"""

from __future__ import annotations

from django.db import models


class StateError(Exception):
    """A step not allowed from the record's current state. The message says why."""


class StaleVersion(StateError):
    """Someone else changed the record after the person read it: refused, never overwritten.
    `version` is the record's version now, so a form can keep the person's input and let them
    save again knowingly (lscp.web.views.ServiceFormMixin does)."""

    def __init__(self, message: str, *, version: int | None = None):
        super().__init__(message)
        self.version = version


STALE_MESSAGE = (
    "{what} was changed by someone else while you were editing it, so your changes have not been saved. "
    "What you entered is below: check the latest version, then save again."
)


def check_version(obj, expected: int | None, *, what: str) -> None:
    """Refuse a change made from a stale read of `obj` (which the caller has locked). `expected`
    None means the caller did not say which version it read (a service calling a service)."""
    if expected is not None and obj.version != expected:
        raise StaleVersion(STALE_MESSAGE.format(what=what), version=obj.version)


class Versioned(models.Model):
    """A record two people may edit at once: each change raises its version (`bump_version`)."""

    version = models.PositiveIntegerField(default=1, help_text="Raised by every change, to refuse lost updates")

    class Meta:
        abstract = True

    def bump_version(self) -> None:
        self.version += 1
