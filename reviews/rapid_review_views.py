# SHIM (issue 11): moved to reviews/rapid_review/selectors.py; remove once importers are updated
"""Importers: lscp/settings/base.py HOME_SECTIONS ("reviews.rapid_review_views.home_sign_offs",
"reviews.rapid_review_views.home_requests"), to become "reviews.rapid_review.selectors.*"."""

from reviews.rapid_review.selectors import home_requests, home_sign_offs  # noqa: F401
