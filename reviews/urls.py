from django.urls import path

from reviews import lcspr_views, rapid_review_views, views

new = [
    path(
        f"notifications/new/{question}/",
        views.QuestionView.as_view(),
        {"question": question},
        name=f"notification-new-{question}",
    )
    for question in views.QUESTIONS
]
steps = [
    path(
        f"notifications/<int:notification_id>/{key.replace('_', '-')}/",
        views.StepView.as_view(),
        {"step": key},
        name=f"notification-{key.replace('_', '-')}",
    )
    for key in ("panel_notified", "rapid_review_started", "rapid_review_completed", "outcome_sent", "panel_responded")
]

lcspr_steps = [
    path(
        f"notifications/<int:notification_id>/lcspr/{step}/",
        lcspr_views.LcsprFormView.as_view(),
        {"step": step},
        name=f"lcspr-{step}",
    )
    for step in lcspr_views.STEPS
]

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="notification-list"),
    path("notifications/new/", views.NewNotificationView.as_view(), name="notification-new"),
    *new,
    path("notifications/new/check/", views.CheckAnswersView.as_view(), name="notification-new-check"),
    path("notifications/new/remove-child/", views.RemoveChildView.as_view(), name="notification-new-remove-child"),
    path("notifications/<int:notification_id>/", views.NotificationDetailView.as_view(), name="notification-detail"),
    path(
        "notifications/<int:notification_id>/submitted/", views.SubmittedView.as_view(), name="notification-submitted"
    ),
    path("notifications/<int:notification_id>/criteria/", views.CriteriaView.as_view(), name="notification-criteria"),
    path(
        "notifications/<int:notification_id>/case-officer/",
        views.CaseOfficerView.as_view(),
        name="notification-case-officer",
    ),
    *steps,
    path(
        "notifications/<int:notification_id>/timeline/",
        rapid_review_views.TimelineView.as_view(),
        name="notification-timeline",
    ),
    # The rapid review
    path(
        "notifications/<int:notification_id>/rapid-review/",
        rapid_review_views.RapidReviewView.as_view(),
        name="rapid-review",
    ),
    path(
        "notifications/<int:notification_id>/rapid-review/request-information/",
        rapid_review_views.RequestInformationView.as_view(),
        name="rapid-review-request-information",
    ),
    path(
        "notifications/<int:notification_id>/rapid-review/meeting/",
        rapid_review_views.MeetingView.as_view(),
        name="rapid-review-meeting",
    ),
    path(
        "notifications/<int:notification_id>/rapid-review/send-for-sign-off/",
        rapid_review_views.SendForSignOffView.as_view(),
        name="rapid-review-send-for-sign-off",
    ),
    path(
        "notifications/<int:notification_id>/rapid-review/sign-off/",
        rapid_review_views.SignOffView.as_view(),
        name="rapid-review-sign-off",
    ),
    path(
        "notifications/<int:notification_id>/rapid-review/summary.pdf",
        rapid_review_views.SummaryPdfView.as_view(),
        name="rapid-review-summary",
    ),
    path(
        "requests-for-information/",
        rapid_review_views.InformationRequestListView.as_view(),
        name="information-request-list",
    ),
    path(
        "requests-for-information/<int:information_request_id>/",
        rapid_review_views.InformationRequestDetailView.as_view(),
        name="information-request-detail",
    ),
    path(
        "requests-for-information/<int:information_request_id>/reopen/",
        rapid_review_views.ReopenSummaryView.as_view(),
        name="information-request-reopen",
    ),
    # The LCSPR
    path("notifications/<int:notification_id>/lcspr/", lcspr_views.LcsprDetailView.as_view(), name="lcspr-detail"),
    path(
        "notifications/<int:notification_id>/lcspr/commission/",
        lcspr_views.LcsprFormView.as_view(),
        {"step": "commission"},
        name="lcspr-commission",
    ),
    *lcspr_steps,
]
