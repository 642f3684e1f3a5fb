# SHIM (issue 11): moved to reviews/notifications/permissions.py and reviews/rapid_review/permissions.py; remove once importers are updated
"""Importers: lscp/web/navigation.py (by dotted path)."""

from reviews.notifications.permissions import NotificationPolicy  # noqa: F401
from reviews.rapid_review.permissions import InformationRequestPolicy  # noqa: F401
