"""Workflow state errors: a step asked for from the wrong state is refused with a reason.

Pages show the reason; the API answers 409 Conflict with it.
"""


class StateError(Exception):
    """A step not allowed from the record's current state. The message says why."""


class StaleVersion(StateError):
    """Someone else changed the record after the person read it: refused, never overwritten.
    `version` is the record's version now, so a form can keep the person's input and let them
    save again knowingly (lscp.web.views.ServiceFormMixin does)."""

    def __init__(self, message: str, *, version: int | None = None):
        super().__init__(message)
        self.version = version
