from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from lscp.activity.views import ActivityListView
from lscp.documents import DocumentDownloadView
from lscp.web import views

handler403 = "lscp.web.views.error_403"
handler404 = "lscp.web.views.error_404"
handler500 = "lscp.web.views.error_500"

admin.site.site_header = "LSCP case-review manager administration"
admin.site.site_title = "LSCP administration"

partnership_patterns = [
    path("", include("partners.urls")),
    path("", include("reviews.urls")),
    path("", include("audits.urls")),
    path("", include("reviews.action_plans.urls")),
    path("", include("funding.urls")),
    path("", include("retention.urls")),
    path("", include("governance.urls")),
    path("", include("lscp.deadlines.urls")),
    path("activity/", ActivityListView.as_view(), name="activity-list"),
    path("documents/<int:document_id>/", DocumentDownloadView.as_view(), name="document-download"),
]

urlpatterns = [
    path("", views.PartnershipListView.as_view(), name="partnership-list"),
    path("", include("lscp.accounts.urls")),
    path("accessibility/", views.AccessibilityView.as_view(), name="accessibility"),
    # Admin signs in through the sign-in page (lscp.admin.sign_in_for_admin); its address is
    # LSCP_ADMIN_URL, somewhere unguessable in production.
    path(settings.LSCP_ADMIN_URL, admin.site.urls),
    path("api/v1/", include("lscp.api_urls")),
    path("<slug:slug>/", include(partnership_patterns)),
]
