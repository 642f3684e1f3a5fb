"""The reviews app's pages: each subdomain's own urls.py (action plans are included by lscp/urls.py)."""

from django.urls import include, path

urlpatterns = [
    path("", include("reviews.notifications.urls")),
    path("", include("reviews.rapid_review.urls")),
    path("", include("reviews.lcspr.urls")),
    path("", include("reviews.tracker.urls")),
]
