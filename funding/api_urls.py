"""The funding API, under /api/v1/<slug>/funding/ (included by lscp/api_urls.py)."""

from rest_framework.routers import SimpleRouter

from funding.api import BenchmarkViewSet, ContributionViewSet, FinancialYearViewSet, IncomeViewSet, SpendingViewSet

router = SimpleRouter()
router.register("funding/years", FinancialYearViewSet, basename="api-funding-year")
router.register("funding/contributions", ContributionViewSet, basename="api-funding-contribution")
router.register("funding/income", IncomeViewSet, basename="api-funding-income")
router.register("funding/spending", SpendingViewSet, basename="api-funding-spending")
router.register("funding/benchmarks", BenchmarkViewSet, basename="api-funding-benchmark")

urlpatterns = router.urls
