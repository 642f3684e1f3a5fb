# SHIM (issue 11): moved to reviews/lcspr/services.py; remove once importers are updated
"""Importers: tests/test_annual_report.py, tests/support/busy_year.py."""

from reviews.lcspr.services import commission  # noqa: F401
