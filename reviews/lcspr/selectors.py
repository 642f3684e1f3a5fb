"""Reads for a local child safeguarding practice review."""

from __future__ import annotations

from reviews.lcspr.models import Lcspr
from reviews.notifications.models import Notification


def lcspr_for(notification: Notification) -> Lcspr | None:
    """The notification's practice review, read afresh."""
    return Lcspr.objects.for_partnership(notification.partnership).filter(notification=notification).first()
