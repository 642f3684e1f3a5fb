# SHIM (issue 11): moved to reviews/rapid_review/api.py; remove once importers are updated
"""Importers: tests/suites/test_tenant_isolation.py."""

from reviews.rapid_review.api import RapidReviewIn  # noqa: F401
