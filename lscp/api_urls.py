"""/api/v1/: the project's own routes (token, me, schema, docs), then each app's routes under the
partnership's slug (each app's api_urls.py). The activity log is a mechanism, so its route is here."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from lscp.activity.views import ActivityViewSet
from lscp.api import MeView, TokenListView, TokenRevokeAllView, TokenRevokeView, TokenView

router = SimpleRouter()
router.register("activity", ActivityViewSet, basename="api-activity")

tenant_patterns = [
    path("", include("partners.api_urls")),
    path("", include("reviews.api_urls")),
    path("", include("audits.api_urls")),
    path("", include("funding.api_urls")),
    path("", include("retention.api_urls")),
    path("", include("governance.api_urls")),
    *router.urls,
]

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/token/revoke/", TokenRevokeView.as_view(), name="api-token-revoke"),
    path("auth/token/revoke-all/", TokenRevokeAllView.as_view(), name="api-token-revoke-all"),
    path("auth/tokens/", TokenListView.as_view(), name="api-token-list"),
    path("me/", MeView.as_view(), name="api-me"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("<slug:slug>/", include(tenant_patterns)),
]
