from django.urls import path

from reviews.notifications import views
from reviews.notifications.steps import STEPS

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
        f"notifications/<int:notification_id>/{spec.slug}/",
        views.StepView.as_view(),
        {"step": spec.key},
        name=f"notification-{spec.slug}",
    )
    for spec in STEPS.values()
]

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="notification-list"),
    path("notifications/new/", views.NewNotificationView.as_view(), name="notification-new"),
    path(
        "notifications/statistics.xlsx",
        views.StatisticsExportView.as_view(kind="xlsx"),
        name="notification-statistics-xlsx",
    ),
    path(
        "notifications/statistics.csv",
        views.StatisticsExportView.as_view(kind="csv"),
        name="notification-statistics-csv",
    ),
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
    path(
        "notifications/<int:notification_id>/corrections/",
        views.CorrectionView.as_view(),
        name="notification-corrections",
    ),
    *steps,
    path(
        "notifications/<int:notification_id>/timeline/",
        views.TimelineView.as_view(),
        name="notification-timeline",
    ),
]
