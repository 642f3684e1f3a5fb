"""Workflow state errors: a step asked for from the wrong state is refused with a reason.

Pages show the reason; the API answers 409 Conflict with it.
"""


class StateError(Exception):
    """A step not allowed from the record's current state. The message says why."""
