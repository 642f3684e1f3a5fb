"""The retention API, under /api/v1/<slug>/ (included by lscp/api_urls.py)."""

from rest_framework.routers import SimpleRouter

from retention.api import DisposalRecordViewSet, LegalHoldViewSet, RetentionRuleViewSet

router = SimpleRouter()
router.register("retention-rules", RetentionRuleViewSet, basename="api-retention-rule")
router.register("legal-holds", LegalHoldViewSet, basename="api-legal-hold")
router.register("disposal-records", DisposalRecordViewSet, basename="api-disposal-record")

urlpatterns = router.urls
