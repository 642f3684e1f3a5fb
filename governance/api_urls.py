"""The documents register's API, under /api/v1/<slug>/ (included by lscp/api_urls.py). The
versions' routes come first: `governance-documents/versions/` is not a document's id."""

from rest_framework.routers import SimpleRouter

from governance.api import DocumentVersionViewSet, GovernanceDocumentViewSet

router = SimpleRouter()
router.register("governance-documents/versions", DocumentVersionViewSet, basename="api-document-version")
router.register("governance-documents", GovernanceDocumentViewSet, basename="api-governance-document")

urlpatterns = router.urls
