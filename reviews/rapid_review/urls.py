from django.urls import path

from reviews.notifications.views import CorrectionView
from reviews.rapid_review import views
from reviews.rapid_review.models import InformationRequest
from reviews.rapid_review.permissions import InformationRequestPolicy

urlpatterns = [
    path("notifications/<int:notification_id>/rapid-review/", views.RapidReviewView.as_view(), name="rapid-review"),
    path(
        "notifications/<int:notification_id>/rapid-review/request-information/",
        views.RequestInformationView.as_view(),
        name="rapid-review-request-information",
    ),
    path(
        "notifications/<int:notification_id>/rapid-review/meeting/",
        views.MeetingView.as_view(),
        name="rapid-review-meeting",
    ),
    path(
        "notifications/<int:notification_id>/rapid-review/send-for-sign-off/",
        views.SendForSignOffView.as_view(),
        name="rapid-review-send-for-sign-off",
    ),
    path(
        "notifications/<int:notification_id>/rapid-review/sign-off/",
        views.SignOffView.as_view(),
        name="rapid-review-sign-off",
    ),
    path(
        "notifications/<int:notification_id>/rapid-review/summary.pdf",
        views.SummaryPdfView.as_view(),
        name="rapid-review-summary",
    ),
    path("requests-for-information/", views.InformationRequestListView.as_view(), name="information-request-list"),
    path(
        "requests-for-information/<int:information_request_id>/",
        views.InformationRequestDetailView.as_view(),
        name="information-request-detail",
    ),
    path(
        "requests-for-information/<int:information_request_id>/corrections/",
        CorrectionView.as_view(
            kind="information_request",
            model=InformationRequest,
            policy=InformationRequestPolicy,
            permission="request",
            detail_route="information-request-detail",
        ),
        name="information-request-corrections",
    ),
    path(
        "requests-for-information/<int:information_request_id>/reopen/",
        views.ReopenSummaryView.as_view(),
        name="information-request-reopen",
    ),
    path(
        "requests-for-information/<int:information_request_id>/withdraw/",
        views.WithdrawRequestView.as_view(),
        name="information-request-withdraw",
    ),
]
