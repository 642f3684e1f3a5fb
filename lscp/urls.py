from django.contrib import admin
from django.urls import include, path

from lscp import deadline_views, views
from lscp.activity_views import ActivityListView
from lscp.documents import DocumentDownloadView

handler403 = "lscp.views.error_403"
handler404 = "lscp.views.error_404"
handler500 = "lscp.views.error_500"

admin.site.site_header = "LSCP case-review manager administration"
admin.site.site_title = "LSCP administration"

partnership_patterns = [
    path("", include("partners.urls")),
    path("", include("reviews.urls")),
    path("", include("audits.urls")),
    path("", include("reviews.action_plans.urls")),
    path("", include("funding.urls")),
    path("activity/", ActivityListView.as_view(), name="activity-list"),
    path("documents/<int:document_id>/", DocumentDownloadView.as_view(), name="document-download"),
    path("deadlines/", deadline_views.DeadlinePolicyView.as_view(), name="deadline-policy"),
    path("deadlines/policy/", deadline_views.PolicyEditView.as_view(), name="deadline-policy-edit"),
    path("deadlines/escalation/", deadline_views.EscalationEditView.as_view(), name="deadline-escalation-edit"),
    path("deadlines/calendar/add/", deadline_views.CalendarOverrideAddView.as_view(), name="calendar-override-add"),
    path(
        "deadlines/calendar/<int:calendar_override_id>/remove/",
        deadline_views.CalendarOverrideRemoveView.as_view(),
        name="calendar-override-remove",
    ),
]

urlpatterns = [
    path("", views.PartnershipListView.as_view(), name="partnership-list"),
    path("accounts/sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("accounts/sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("accounts/set-password/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set-password"),
    path("accessibility/", views.AccessibilityView.as_view(), name="accessibility"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("lscp.api_urls")),
    path("<slug:slug>/", include(partnership_patterns)),
]
