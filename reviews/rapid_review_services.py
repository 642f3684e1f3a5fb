# SHIM (issue 11): moved to reviews/rapid_review/services.py; remove once importers are updated
"""Importers: tests/suites/test_api_fuzz.py."""

from reviews.rapid_review.services import request_information  # noqa: F401
