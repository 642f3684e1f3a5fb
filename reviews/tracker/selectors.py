"""The partnership's reviews as the NHS Safeguarding Case Review Tracker records them, so that an
ICB's designated professional copies them rather than keying each case in twice.

NHS England's guidance for the tracker names what it holds for a review (its local reference and
other identifiers, the date it was added, whether it is open or closed, the type of review and
whether a rapid review was converted to a practice review, the stage, its themes, the publication
date and the link to the report, and the recommendations' themes) but publishes no file layout:
the columns here are those fields, in the product's own words. One row per notification whose
rapid review has started or that has a practice review (LCSPR). Nothing about the child.

- The stage is the product's own state: the LCSPR's status when there is one, else the
  notification's (rapid review started, completed, outcome sent, Panel responded).
- Status is the tracker's "open" or "closed": closed once the LCSPR is published or the partners
  decided not to publish it, or, with no LCSPR, once the Panel has responded to a rapid review that
  did not recommend one; open otherwise.
- Themes are the practice themes the rapid review identified (reviews/themes.py, the Panel's
  themes); recommendation themes are the themes of the recommendations of the action plans that
  follow the notification, each once, in the list's order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from lscp.tenancy import TenantContext
from reviews import themes as practice_themes
from reviews.action_plans.models import ActionPlan, Recommendation
from reviews.lcspr.models import LcsprStatus
from reviews.notifications.models import Notification, Status
from reviews.notifications.permissions import NotificationPolicy
from reviews.rapid_review.models import ReviewRecommendation
from reviews.tracker.permissions import TrackerPolicy


class ReviewType:
    RAPID_REVIEW = "rapid_review"
    LCSPR = "lcspr"
    LABELS = {RAPID_REVIEW: "Rapid review", LCSPR: "Local child safeguarding practice review"}


CLOSED_LCSPR = {LcsprStatus.PUBLISHED, LcsprStatus.NOT_PUBLISHED}


@dataclass(frozen=True)
class TrackerRow:
    """One review, in the tracker's fields (see the module's docstring for each rule)."""

    partnership: str
    local_reference: str
    panel_reference: str
    date_added: dt.date
    status: str  # "open" | "closed"
    review_type: str  # ReviewType
    converted_from_rapid_review: bool
    stage: str  # the product's own state's value
    stage_label: str
    themes: list[str] = field(default_factory=list)
    rapid_review_decision: str = ""
    publication_date: dt.date | None = None
    publication_link: str = ""
    recommendation_themes: list[str] = field(default_factory=list)

    @property
    def review_type_label(self) -> str:
        return ReviewType.LABELS[self.review_type]


def tracker_reviews(ctx: TenantContext):
    """The notifications the tracker counts as reviews, oldest first, with all a row reads (a
    fixed number of queries however many there are)."""
    TrackerPolicy.require(ctx, "view")
    recommendations = Recommendation.objects.for_partnership(ctx.partnership).order_by("number", "part", "pk")
    plans = (
        ActionPlan.objects.for_partnership(ctx.partnership)
        .order_by("pk")
        .prefetch_related(Prefetch("recommendations", queryset=recommendations))
    )
    queryset = (
        Notification.objects.for_partnership(ctx.partnership)
        .filter(Q(rapid_review_started_on__isnull=False) | Q(rapid_review__isnull=False) | Q(lcspr__isnull=False))
        .select_related("partnership", "rapid_review", "lcspr")
        .prefetch_related(Prefetch("action_plans", queryset=plans))
        .order_by("received_on", "pk")
    )
    return NotificationPolicy.filter(ctx, queryset)


def _related(notification: Notification, name: str):
    try:
        return getattr(notification, name)
    except Notification._meta.get_field(name).related_model.DoesNotExist:
        return None


def tracker_row(notification: Notification) -> TrackerRow:
    review, lcspr = _related(notification, "rapid_review"), _related(notification, "lcspr")
    decision = review.recommendation if review is not None else ""
    if lcspr is not None:
        stage, stage_label = lcspr.status, lcspr.get_status_display()
        closed = lcspr.status in CLOSED_LCSPR
    else:
        stage, stage_label = notification.status, notification.get_status_display()
        closed = notification.status == Status.PANEL_RESPONDED and decision != ReviewRecommendation.LCSPR
    return TrackerRow(
        partnership=notification.partnership.name,
        local_reference=notification.reference,
        panel_reference=notification.panel_reference,
        date_added=notification.received_on,
        status="closed" if closed else "open",
        review_type=ReviewType.LCSPR if lcspr is not None else ReviewType.RAPID_REVIEW,
        converted_from_rapid_review=lcspr is not None and review is not None,
        stage=stage,
        stage_label=stage_label,
        themes=review.theme_labels if review is not None else [],
        rapid_review_decision=ReviewRecommendation(decision).label if decision else "",
        publication_date=lcspr.published_on if lcspr is not None else None,
        publication_link=lcspr.published_url if lcspr is not None else "",
        recommendation_themes=practice_themes.labels(
            r.theme for plan in notification.action_plans.all() for r in plan.recommendations.all()
        ),
    )


def tracker_rows(ctx: TenantContext) -> list[TrackerRow]:
    return [tracker_row(notification) for notification in tracker_reviews(ctx)]
