"""The reviews API (notifications with their rapid reviews and LCSPRs; action plans), under
/api/v1/<slug>/ (included by lscp/api_urls.py)."""

from rest_framework.routers import SimpleRouter

from reviews.action_plans.api import ActionPlanViewSet, ActionViewSet, ProgressUpdateViewSet, RecommendationViewSet
from reviews.notifications.api import NotificationViewSet
from reviews.tracker.api import ReviewTrackerViewSet

router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="api-notification")
# The longer prefixes first: "action-plans/<pk>/" would otherwise swallow "action-plans/actions/".
router.register("action-plans/recommendations", RecommendationViewSet, basename="api-recommendation")
router.register("action-plans/actions", ActionViewSet, basename="api-action")
router.register("action-plans/progress-updates", ProgressUpdateViewSet, basename="api-progress-update")
router.register("action-plans", ActionPlanViewSet, basename="api-action-plan")
router.register("review-tracker", ReviewTrackerViewSet, basename="api-review-tracker")

urlpatterns = router.urls
