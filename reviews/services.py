# SHIM (issue 11): moved to reviews/notifications/services.py; remove once importers are updated
"""Importers: tests/lscp/deadlines/test_escalations.py, tests/lscp/deadlines/test_deadline_fixed_dates.py."""

from reviews.notifications.services import record_step, set_case_officer  # noqa: F401
